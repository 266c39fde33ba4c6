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
# ... and removing xvm (not upgrading it) stops the stack while its stop
# methods still exist: the guests are saved, not killed.
prerm=$(ls "$W"/ctl.xvm_*/prerm 2>/dev/null)
if [[ -n $prerm ]] && grep -q '"$1" = remove .*run/systemd/system' "$prerm" &&
    grep -q 'deb-systemd-invoke stop xvm.service' "$prerm"; then
	ok "xvm's prerm stops xvm.service on remove only"
else
	not_ok "xvm's prerm on remove" "$(cat "$prerm" 2>&1)"
fi

# dpkg itself installs the packages into a scratch root: their maintainer
# scripts run on the host's tools with DPKG_ROOT=$R (chrootless: the root
# has no shell), and the dependencies are the host's (--force-depends).
R=$W/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
: >"$R/var/lib/dpkg/status"
dpkgr() {
	dpkg --root="$R" --force-script-chrootless --force-depends \
	    --log=/dev/null "$@"
}
status_of() { dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status} ${Version}' "$1" 2>&1; }
dsh=/var/lib/systemd/deb-systemd-helper-enabled
host_dsh=$(ls "$dsh" 2>/dev/null)
if out=$(dpkgr -i "${debs[@]}" 2>&1) &&
    [[ $(status_of xvm) == 'install ok installed '* ]]; then
	ok "dpkg -i of the three packages into a scratch root"
else
	not_ok "dpkg --root -i" "$out"
fi
if [[ -d $R/var/lib/xvm && -d $R/var/log/xvm && -d $R/var/svc/log && -d $R/etc/svc ]]; then
	ok "installed: /var/lib/xvm, /var/log/xvm, /var/svc/log, /etc/svc exist"
else
	not_ok "the directories after dpkg -i" "$(ls -d "$R"/var/* "$R"/etc/* 2>&1)"
fi
if [[ ! -e $R/etc/systemd/system/multi-user.target.wants/xvm.service ]]; then
	ok "xvm.service installed, not enabled"
else
	not_ok "dpkg -i enabled xvm.service"
fi
if [[ $(ls "$dsh" 2>/dev/null) == "$host_dsh" ]]; then
	ok "the maintainer scripts left the host's systemd state alone"
else
	not_ok "the host's $dsh changed"
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

# Upgrade, remove, purge: the administrator's data survives what it must.
# The store's database (managed domains' configurations live in it) and
# the SMF repository are the stack's, written by the run above; an edited
# conffile and a saved guest are the administrator's.
db=$R/var/lib/xvm/xenstored/store.db
if [[ -s $db && -s $R/etc/svc/repository.db ]]; then
	ok "the stack left its store and SMF repository in the root"
else
	not_ok "no store.db or repository.db after the stack" "$(ls -R "$R/var/lib/xvm" "$R/etc/svc" 2>&1)"
fi
echo '# the administrator was here' >>"$R/etc/xvm/demo.cfg"
mkdir -p "$R/var/lib/xvm/save"
echo guest >"$R/var/lib/xvm/save/demo.chk"
sums() {
	(cd "$R" && sha256sum var/lib/xvm/xenstored/store.db etc/svc/repository.db \
	    etc/xvm/demo.cfg var/lib/xvm/save/demo.chk 2>&1)
}
before=$(sums)
# The next version: the same files repacked with a higher version.
up=()
for d in "$W"/xvm_*.deb "$W"/xvm-guests_*.deb; do
	rm -rf "$W/up"
	dpkg-deb -R "$d" "$W/up"
	sed -i 's/^Version: .*/&+up1/' "$W/up/DEBIAN/control"
	dpkg-deb -b "$W/up" "$W/up-${d##*/}" >/dev/null
	up+=("$W/up-${d##*/}")
done
if out=$(dpkgr -i "${up[@]}" 2>&1) && [[ $(status_of xvm) == *'+up1' ]]; then
	ok "dpkg -i upgrades to the next version"
else
	not_ok "the upgrade" "$out"
fi
check_same() {	# check_same DESC
	local now
	now=$(sums)
	if [[ $now == "$before" ]]; then ok "$1"; else not_ok "$1" "$(diff <(echo "$before") <(echo "$now"))"; fi
}
check_same "the upgrade keeps the store, the SMF repository, the edited demo.cfg and the saved guest"
if out=$(dpkgr -r libxvm-dev xvm-guests xvm 2>&1) &&
    [[ $(status_of xvm) == 'deinstall ok config-files '* && ! -e $R/usr/sbin/xvmd ]]; then
	ok "dpkg -r removes the programs"
else
	not_ok "dpkg -r" "$out" "$(status_of xvm)"
fi
check_same "dpkg -r keeps the store, the SMF repository, the conffiles and the saved guest"
if out=$(dpkgr -P xvm 2>&1) &&
    [[ $(status_of xvm) == *'not-installed'* || $(status_of xvm) == *'no packages found'* ]]; then
	ok "dpkg -P purges xvm"
else
	not_ok "dpkg -P" "$out" "$(status_of xvm)"
fi
left=$(cd "$R" && find etc/xvm etc/svc var/log/xvm var/svc var/lib/xvm 2>/dev/null | sort)
if [[ $left == $'var/lib/xvm\nvar/lib/xvm/save\nvar/lib/xvm/save/demo.chk' ]]; then
	ok "the purge leaves the saved guest alone, and nothing else"
else
	not_ok "after the purge" "$left"
fi
[[ $failed -eq 0 && $rc -eq 0 ]]
