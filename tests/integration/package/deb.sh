#!/usr/bin/env bash
# The Debian packages (debian/, docs/install.md): built with
# dpkg-buildpackage from a copy of the tree, checked by lintian (errors
# and warnings fail; the overrides in debian/ say why each one left is
# right), maintainer scripts that create directories and start nothing,
# and then a whole stack run from the packages' files: install.sh's
# second half on a root the .debs were unpacked into.
set -u
: "${XVM_SRC:?}"
for tool in dpkg-buildpackage dh lintian unshare; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is missing (scripts/setup-deps installs it)"
		exit 77
	fi
done
W=$(mktemp -d "${TMPDIR:-/tmp}/xvm-deb.XXXXXX")
trap 'rm -rf "$W"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	local l
	for l in "$@"; do echo "#   $l"; done
}

# The tree as committed plus what is not ignored (a checkout being worked
# on), without build directories.
mkdir "$W/xvm"
if git -C "$XVM_SRC" rev-parse >/dev/null 2>&1; then
	(cd "$XVM_SRC" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 -I{} sh -c '[ -e "{}" ] && printf "%s\0" "{}"' |
	    tar --null -T - -cf -) | tar -xf - -C "$W/xvm"
else
	(cd "$XVM_SRC" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) |
	    tar -xf - -C "$W/xvm"
fi
# The Linux guest image is built once per set of inputs into a cache
# (guest/linux/build); debhelper points HOME into the package's tree, so
# name the cache the other builds of this machine share.
export XVM_GUEST_CACHE=${XVM_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xvm/guest-linux}
start=$(date +%s)
if (cd "$W/xvm" && dpkg-buildpackage -b -us -uc) >"$W/build.log" 2>&1; then
	ok "dpkg-buildpackage -b ($(( $(date +%s) - start )) s)"
else
	not_ok "dpkg-buildpackage -b" "$(tail -n 30 "$W/build.log")"
	echo "$n tests, $failed failed"
	exit 1
fi
debs=("$W"/xvm_*.deb "$W"/xvm-guests_*.deb "$W"/libxvm-dev_*.deb)
for d in "${debs[@]}"; do
	[[ -f $d ]] || not_ok "package built: $d"
done

# lintian: what is left after debian/*.lintian-overrides is a failure.
out=$(lintian --fail-on error,warning "$W"/*.changes 2>&1)
lrc=$?
ew=$(grep -E '^[EW]:' <<<"$out")
if [[ $lrc -eq 0 && -z $ew ]]; then
	ok "lintian: no error or warning left after debian/*.lintian-overrides"
else
	not_ok "lintian (exit $lrc)" "$ew"
fi

# The maintainer scripts start nothing.
for d in "${debs[@]}"; do
	dpkg-deb -e "$d" "$W/ctl.$(basename "$d")"
done
starts=$(grep -lE 'deb-systemd-invoke (start|restart)|systemctl (start|restart)|invoke-rc\.d' "$W"/ctl.*/*inst 2>/dev/null)
if [[ -z $starts ]]; then ok "no maintainer script starts a service"; else not_ok "scripts that start services" $starts; fi

# Unpack the packages into a root; their postinst creates the directories.
R=$W/root
mkdir "$R"
for d in "${debs[@]}"; do
	dpkg-deb -x "$d" "$R"
done
rm -rf "$R/var/lib/xvm" "$R/var/log/xvm"
if DPKG_ROOT=$R sh "$XVM_SRC/debian/xvm.postinst" configure &&
    [[ -d $R/var/lib/xvm && -d $R/var/log/xvm && -d $R/var/svc/log && -d $R/etc/svc ]]; then
	ok "postinst configure creates /var/lib/xvm, /var/log/xvm, /var/svc/log, /etc/svc"
else
	not_ok "postinst creates the directories"
fi
if DPKG_ROOT=$R sh "$XVM_SRC/debian/xvm.postinst" configure; then
	ok "postinst configure runs twice"
else
	not_ok "postinst configure is not idempotent"
fi
if grep -q 'exec="/usr/sbin/xvmd"' "$R/usr/lib/svc/manifest/system/xvm/xend.xml"; then
	ok "the packaged manifests name /usr/sbin"
else
	not_ok "the packaged xend.xml" "$(grep exec= "$R/usr/lib/svc/manifest/system/xvm/xend.xml")"
fi
echo "# $n tests, $failed failed before the stack"

# The stack from the packages' files (prefix /usr, as dh builds).
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
XVM_PREFIX=/usr XVM_SBINDIR=/usr/sbin XVM_BINDIR=/usr/bin \
XVM_LIBDIR=/usr/lib/$multiarch XVM_INCLUDEDIR=/usr/include \
XVM_MANDIR=/usr/share/man XVM_UNITDIR=/lib/systemd/system \
XVM_BUILD="$W/xvm/obj-$(dpkg-architecture -qDEB_HOST_GNU_TYPE)" \
XVM_SRC="$W/xvm" \
    unshare --mount --propagation private \
    bash "$XVM_SRC/tests/integration/install/install.sh" --inside "$R"
rc=$?
# Whatever that stack left carries XVM_ROOT=$R.
for p in /proc/[0-9]*; do
	grep -qzx "XVM_ROOT=$R" "$p/environ" 2>/dev/null && kill -9 "${p#/proc/}" 2>/dev/null
done
[[ $failed -eq 0 && $rc -eq 0 ]]
