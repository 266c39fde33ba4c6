#!/usr/bin/env bash
# The installed layout and a whole stack run from it (docs/install.md).
# (tests/integration/package runs the --inside half on the Debian
# packages' files.)
# `meson install --destdir R` fills a scratch root R; then, in a private
# mount namespace where R<prefix> is laid over <prefix> (so the installed
# programs are at their installed paths, and nothing of the host changes):
# svc.startd --root R imports the installed manifests by itself
# (R<prefix>/lib/svc/manifest), which name the installed programs; xm and
# the SMF commands come from the installed bin/; a program built against
# the installed headers and .pc files reads the running store; every page
# of man/ is installed and renders; the systemd unit passes
# systemd-analyze verify; SIGTERM to svc.startd (what systemctl stop
# sends) stops the whole stack in order; started again (the next boot),
# svc.startd brings the enabled services back by itself and xvm/domains
# starts the managed guest marked on_xend_start = "start".
set -u
: "${XVM_BUILD:?}" "${XVM_SRC:?}" "${XVM_PREFIX:?}" "${XVM_SBINDIR:?}"
: "${XVM_BINDIR:?}" "${XVM_LIBDIR:?}" "${XVM_MANDIR:?}" "${XVM_UNITDIR:?}"
: "${XVM_INCLUDEDIR:?}"

if [[ ${1:-} != --inside ]]; then
	R=$(mktemp -d "${TMPDIR:-/tmp}/xvm-install.XXXXXX")
	cleanup() {
		local p
		# Whatever the stack left: it all carries XVM_ROOT=$R.
		for p in /proc/[0-9]*; do
			grep -qzx "XVM_ROOT=$R" "$p/environ" 2>/dev/null &&
			    kill -9 "${p#/proc/}" 2>/dev/null
		done
		rm -rf "$R"
	}
	trap cleanup EXIT
	if ! out=$(meson install -C "$XVM_BUILD" --no-rebuild --destdir "$R" 2>&1); then
		echo "not ok 1 - meson install --destdir $R"
		echo "$out" | tail -n 20
		exit 1
	fi
	echo "ok 1 - meson install --destdir"
	if ! unshare --mount --propagation private true 2>/dev/null; then
		echo "SKIP: no private mount namespace here (unshare -m needs root)"
		exit 77
	fi
	unshare --mount --propagation private bash "$0" --inside "$R"
	exit $?
fi

R=$2
n=1 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	local l
	for l in "$@"; do echo "#   $l"; done
}
check() {	# check DESC CMD...
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}
wait_for() {	# wait_for SECONDS CMD...
	local end=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[[ $(date +%s) -ge $end ]] && return 1
		sleep 0.1
	done
}

# --- the layout, before anything runs ----------------------------------
P=$XVM_PREFIX
installed=(
	"$XVM_SBINDIR"/{xvm-hypervisor,xenstored,xvmd,xvm-consoled,svc.startd}
	"$XVM_BINDIR"/{xm,svcadm,svcs,svccfg,svcprop}
	"$P/lib/xvm/bin/xvm-domains"
	"$P/lib/svc/manifest/system/xvm"/{hypervisor,store,xend,console,domains}.xml
	"$P/share/lib/xml/dtd/service_bundle.dtd.1"
	"$XVM_INCLUDEDIR/xvm"/{xenctrl.h,xenstore.h}
	"$XVM_LIBDIR"/{libxvmctrl.a,libxvmstore.a}
	"$XVM_LIBDIR/pkgconfig"/{xvmctrl.pc,xvmstore.pc}
	/etc/xvm/{xvmd.conf,demo.cfg,minios.cfg}
	"$XVM_UNITDIR/xvm.service" "$P/lib/tmpfiles.d/xvm.conf"
)
[[ -f $XVM_BUILD/guest/minios/minios.elf ]] && installed+=("$P/lib/xvm/boot/minios.elf")
[[ -f $XVM_BUILD/guest/linux/Image ]] &&
    installed+=("$P/lib/xvm/boot"/{Image,rootfs.cpio.gz})
# A page as installed: meson installs it plain, the Debian package gzipped.
page_of() {
	local f=$XVM_MANDIR/man${1##*.}/$1
	[[ -e $R$f || ! -e $R$f.gz ]] && echo "$f" || echo "$f.gz"
}
for page in "$XVM_SRC"/man/*.[1-8]; do
	installed+=("$(page_of "${page##*/}")")
done
missing=()
for f in "${installed[@]}"; do
	[[ -e $R$f ]] || missing+=("$f")
done
for d in /var/lib/xvm /var/log/xvm; do
	[[ -d $R$d ]] || missing+=("$d/")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	ok "every program, library, header, manifest, page and file in place"
else
	not_ok "installed layout" "missing: ${missing[*]}"
fi

# Nothing installed but the programs' debug information names the build or
# source tree: the manifests, unit and configs name installed paths.
leaks=$(grep -rlI -e "$XVM_BUILD" -e "$XVM_SRC" "$R" 2>/dev/null)
if [[ -z $leaks ]]; then
	ok "no installed text file names the build or source tree"
else
	not_ok "installed files naming the build tree" $leaks
fi

# --- the installed files at their installed paths ------------------------
if ! mount -t overlay overlay -o "lowerdir=$R$P:$P" "$P" 2>/dev/null; then
	echo "SKIP: cannot lay an overlay over $P in a private namespace"
	exit 77
fi
export XVM_ROOT=$R XENSTORED_PATH=$R/run/xenstored/socket
export PATH=$XVM_SBINDIR:$XVM_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin
check "xm found at its installed path" test "$(command -v xm)" = "$XVM_BINDIR/xm"

rendered=0
for page in "$XVM_SRC"/man/*.[1-8]; do
	f=$(page_of "${page##*/}")
	err=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
	out=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
	if [[ -n $err || $out != *NAME* ]]; then
		not_ok "man -l $f" "$err"
	else
		rendered=$((rendered + 1))
	fi
done
ok "man -l renders all $rendered installed pages without a warning"

if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify xvm.service" \
	    systemd-analyze verify "$R$XVM_UNITDIR/xvm.service"
	check "the unit runs the installed svc.startd" \
	    grep -qx "ExecStart=$XVM_SBINDIR/svc.startd -F" "$R$XVM_UNITDIR/xvm.service"
else
	echo "# systemd-analyze not installed: xvm.service not verified"
fi

# --- a whole stack, found through the installed manifests --------------
svc.startd --root "$R" >"$R/startd.out" 2>&1 &
startd=$!
if ! wait_for 30 test -S "$R/run/svc/startd.sock"; then
	not_ok "svc.startd starts" "$(cat "$R/startd.out")"
	echo "$n tests, $failed failed"
	exit 1
fi
# svcprop reads the repository itself: wait for the import to commit.
wait_for 30 svcprop -p start/exec xvm/domains
check "svc.startd imported the installed manifests by itself" \
    test "$(svcprop -p start/exec xvm/xend)" = "$XVM_SBINDIR/xvmd"
check "the domains service's stop names the installed helper" \
    test "$(svcprop -p stop/exec xvm/domains)" = "$P/lib/xvm/bin/xvm-domains\\ stop"
if svcadm enable -rs xvm/domains; then
	ok "svcadm enable -rs xvm/domains"
else
	not_ok "svcadm enable -rs xvm/domains" "$(svcs -x 2>&1)"
fi
states=$(svcs -H -o state,fmri 2>&1 | grep xvm)
check "all five xVM services online" test "$(grep -c '^online' <<<"$states")" = 5
# Every process of the stack runs an installed program.
bad=
for p in /proc/[0-9]*; do
	grep -qzx "XVM_ROOT=$R" "$p/environ" 2>/dev/null || continue
	exe=$(readlink "$p/exe" 2>/dev/null) || continue
	case $exe in
	"$XVM_SBINDIR"/* | "$XVM_BINDIR"/* | "$P/lib/xvm/"*) ;;
	*) bad="$bad $exe" ;;
	esac
done
check "every process of the stack runs an installed program" test -z "$bad"

if [[ -f $P/lib/xvm/boot/Image ]]; then
	# Found in (the root's) /etc/xvm from anywhere, as Xen's xm did.
	if out=$(cd / && xm create demo.cfg 2>&1) &&
	    [[ $out == *"Using config file \"$R/etc/xvm/demo.cfg\"."* ]]; then
		ok "xm create demo.cfg finds the installed /etc/xvm/demo.cfg"
	else
		not_ok "xm create demo.cfg from /" "$out"
	fi
	out=$(xm list -l demo 2>&1)
	check "xm list -l demo: SXP naming the installed guest image" \
	    grep -qx "            (kernel $P/lib/xvm/boot/Image)" <<<"$out"
	# A program built outside the tree, against the installed headers and
	# libraries only, reads the store of the running stack.
	export PKG_CONFIG_PATH=$XVM_LIBDIR/pkgconfig
	# shellcheck disable=SC2086
	if out=$(cc -std=c11 -Wall -Werror ${XVM_SANITIZE_CFLAGS:-} -o "$R/xsclient" \
	    "$XVM_SRC/tests/integration/install/xsclient.c" \
	    $(pkg-config --cflags --libs --static xvmctrl xvmstore) 2>&1); then
		ok "a program builds with pkg-config xvmctrl xvmstore"
		out=$("$R/xsclient" 2>&1)
		check "it finds the demo domain through libxc and the store" \
		    grep -Eq '^[1-9][0-9]* demo$' <<<"$out"
	else
		not_ok "a program builds with pkg-config xvmctrl xvmstore" "$out"
	fi
	check "xm destroy demo" xm destroy demo
else
	echo "# guests not built: no demo domain"
fi

# A managed guest that the host's boot starts (xvm-domains(8)).
auto=0
if [[ -f $P/lib/xvm/boot/minios.elf ]]; then
	check "xm new minios.cfg on_xend_start=start (a managed guest from /etc/xvm)" \
	    xm new minios.cfg on_xend_start=start
	auto=1
fi

# systemctl stop sends SIGTERM to svc.startd: it stops every service in
# order (domains first) and exits 0.
stop_startd() {
	kill -TERM "$startd"
	if wait_for 120 bash -c "! kill -0 $startd"; then
		wait "$startd"
		check "SIGTERM stops svc.startd cleanly ($1)" test $? -eq 0
	else
		not_ok "svc.startd stops within 120 s of SIGTERM ($1)"
	fi
}
stop_startd "shutdown"

# The next boot: xvm.service's ExecStart alone brings back the services
# enabled in the repository, and xvm/domains starts the managed guest.
svc.startd --root "$R" -F >>"$R/startd.out" 2>&1 &
startd=$!
# (svcs reads the repository; xm list needs xvmd, hence the store and
# the hypervisor, really running.)
if wait_for 180 bash -c '[[ $(svcs -H -o state xvm/domains 2>/dev/null) == online ]] &&
    xm list Domain-0'; then
	ok "at the next start of svc.startd the services come online by themselves"
else
	not_ok "services after the restart of svc.startd" "$(svcs -x 2>&1)"
fi
if [[ $auto -eq 1 ]]; then
	if wait_for 60 bash -c 'xm list minios 2>/dev/null | grep -Eq "^minios +[1-9]"'; then
		ok "xvm/domains started the managed guest at boot"
	else
		not_ok "the managed guest after boot" "$(xm list 2>&1)"
	fi
fi
stop_startd "after the boot"
left=
for p in /proc/[0-9]*; do
	grep -qzx "XVM_ROOT=$R" "$p/environ" 2>/dev/null && left="$left ${p#/proc/}"
done
check "no process of the stack is left" test -z "$left"
echo "$n tests, $failed failed"
[[ $failed -eq 0 ]]
