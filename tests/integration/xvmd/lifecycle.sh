#!/usr/bin/env bash
# Domain lifecycle through xm and xvmd against the real stack (hypervisor,
# store, consoled, xvmd) in a private root, with the mini-OS as the guest:
# create, list, console, pause/unpause, destroy, on_crash actions and
# xend's restart refusal, managed domains, kill -9 of xvmd.
# In a network namespace of its own: the vifs of dev1 get taps and a bridge.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
CRASH=$XVM_BUILD/tests/integration/xvmd/crashguest.elf
DEAF=$XVM_BUILD/tests/integration/xvmd/deafguest.elf
if [[ ! -f $GUEST || ! -f $CRASH ]]; then
	echo "# SKIP: the mini-OS guest is not built (no RISC-V cross compiler)"
	exit 77
fi
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 3)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

# cfg NAME [extra settings...]: write $T_ROOT/NAME.cfg (KERNEL= overrides)
cfg() {
	local name=$1
	shift
	{
		printf 'name = "%s"\nmemory = 16\nkernel = "%s"\n' "$name" "${KERNEL:-$GUEST}"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
is_gone() { [ "$(state "$1")" = gone ]; }
not_domid() { [ "$(domid "$1")" != "$2" ]; }
new_domid() { local id; id=$(domid "$1"); [ -n "$id" ] && [ "$id" != "$2" ]; }
has_p() { [[ $(state "$1") == *p* ]]; }
no_p() { [[ $(state "$1") != *p* ]]; }
# state NAME: the 6-letter state column, or "gone"
state() {
	"$XM" list 2>/dev/null | awk -v n="$1" '$1 == n { print $(NF-1); f=1 } END { if (!f) print "gone" }'
}
domid() {
	"$XM" list 2>/dev/null | awk -v n="$1" '$1 == n && NF == 6 { print $2 }'
}
check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}

cfg web1 'extra = "ticks=1"' 'vcpus = 1'
out=$("$XM" create "$T_ROOT/web1.cfg" 2>&1)
check "xm create: $out" [ "$out" = "Started domain web1" ]
check "web1 is listed with an ID" [ -n "$(domid web1)" ]
t_wait_for "web1 ticking" 60 bash -c "(sleep 1; printf '\\035') | '$XM' console web1 | grep -q tick" &&
	t_ok "xm console web1 shows its ticks" || t_not_ok "xm console web1"

"$XM" pause web1
check "paused: state has p ($(state web1))" has_p web1
"$XM" unpause web1
check "unpaused: no p ($(state web1))" no_p web1

out=$("$XM" create "$T_ROOT/web1.cfg" 2>&1)
check "a second web1 is refused: $out" [ "$out" = "Error: domain 'web1' already exists" ]
printf 'name = "bad"\nmemory = lots\n' >"$T_ROOT/bad.cfg"
out=$("$XM" create "$T_ROOT/bad.cfg" 2>&1)
check "a bad config: file:line error" [ "$out" = "Error: $T_ROOT/bad.cfg:2: unquoted word 'lots' (strings need quotes)" ]
check "and nothing was created" [ "$(state bad)" = gone ]

# on_crash, with a guest that crashes at once (crashguest.S).
KERNEL=$CRASH cfg keep 'on_crash = "preserve"'
"$XM" create "$T_ROOT/keep.cfg" >/dev/null
t_wait_for "keep crashed" 60 bash -c "[[ \$('$XM' list keep | awk 'NR==2 {print \$5}') == *c* ]]" &&
	t_ok "on_crash=preserve: crashed domain stays, state c" || t_not_ok "preserve" "$("$XM" list)"

KERNEL=$CRASH cfg gone1 'on_crash = "destroy"'
"$XM" create "$T_ROOT/gone1.cfg" >/dev/null
t_wait_for "gone1 destroyed" 60 bash -c "! '$XM' list gone1 >/dev/null 2>&1" &&
	t_ok "on_crash=destroy: the domain is gone" || t_not_ok "destroy" "$("$XM" list)"

KERNEL=$CRASH cfg loop 'on_crash = "restart"'
"$XM" create "$T_ROOT/loop.cfg" >/dev/null
t_wait_for "loop refused" 90 grep -q "loop restarting too fast" "$T_ROOT/var/log/xvm/xvmd.log" &&
	t_ok "on_crash=restart: restarted once, then refused as too fast" ||
	t_not_ok "restart refusal" "$(grep loop "$T_ROOT/var/log/xvm/xvmd.log" | tail -3)"
check "the crash loop left no domain" [ "$(state loop)" = gone ]

# Issue 13 item 6: rename-restart follows the same rule (it made ~230
# domains in 8 s): the first crash keeps rr-<domid> and restarts; the
# second, too soon, is refused.
KERNEL=$CRASH cfg rr 'on_crash = "rename-restart"'
"$XM" create "$T_ROOT/rr.cfg" >/dev/null
t_wait_for "rr refused" 90 grep -q "rr restarting too fast" "$T_ROOT/var/log/xvm/xvmd.log" &&
	t_ok "on_crash=rename-restart: refused as too fast" ||
	t_not_ok "rename-restart refusal" "$(grep rr "$T_ROOT/var/log/xvm/xvmd.log" | tail -3)"
sleep 2
rrs=$("$XM" list | awk '$1 ~ /^rr(-[0-9]+)?$/' | wc -l)
check "rename-restart kept one crashed domain, no loop ($rrs listed)" [ "$rrs" = 1 ]
check "and no rr runs" [ "$(state rr)" = gone ]
"$XM" list | awk '$1 ~ /^rr-[0-9]+$/ { print $1 }' | while read -r d; do "$XM" destroy "$d"; done
# The user is told: a managed domain's record says why it is stopped.
KERNEL=$CRASH cfg mloop 'on_crash = "coredump-restart"'
"$XM" new "$T_ROOT/mloop.cfg"
"$XM" start mloop
t_wait_for "mloop refused" 90 grep -q "mloop restarting too fast" "$T_ROOT/var/log/xvm/xvmd.log"
check "xm list --json tells why mloop is stopped" bash -c \
    "'$XM' list --json mloop | grep -q '\"note\": \".*restart refused: it was restarting too fast ([0-9]* s since the last restart, the minimum is 60 s); destroyed\"'"
check "and mloop is stopped" [ "$(state mloop)" = "------" ]
"$XM" delete mloop

# Managed domains survive xvmd restarts; kill -9 of xvmd disturbs no domain.
cfg m1 'extra = "ticks=1"'
cfg auto1 'on_xend_start = "start"' 'on_xend_stop = "shutdown"'
"$XM" new "$T_ROOT/auto1.cfg"
"$XM" new "$T_ROOT/m1.cfg"
check "xm new: m1 listed, not running" [ "$(state m1)" = "------" ]
id_before=$(domid web1)
kill -9 "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
t_xvmd || exit 1
check "after kill -9 of xvmd: web1 still domain $id_before" [ "$(domid web1)" = "$id_before" ]
check "and still managed by it (pause)" "$XM" pause web1
"$XM" unpause web1
check "m1 is still known" [ "$(state m1)" = "------" ]
check "auto1 (on_xend_start = start) was started by xvmd's start" [ -n "$(domid auto1)" ]
auto1_id=$(domid auto1)
kill "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
# Issue 13 item 8: xvmd's stop (a restart of the daemon) leaves every
# domain running, even one marked on_xend_stop = "shutdown": that is
# xvm-domains stop's, at the host's shutdown.
t_xvmd || exit 1
sleep 2
check "on_xend_stop = shutdown: xvmd's stop left the guest running" \
    [ "$(domid auto1)" = "$auto1_id" ]
check "and no shutdown was asked of it" \
    [ -z "$(xenstore-read "/local/domain/$auto1_id/control/shutdown" 2>/dev/null)" ]
"$XM" destroy auto1 2>/dev/null
"$XM" delete auto1
"$XM" start m1
check "xm start m1: running" [ -n "$(domid m1)" ]
"$XM" destroy m1
check "destroyed managed m1 stays listed" [ "$(state m1)" = "------" ]
"$XM" delete m1
check "xm delete m1: gone" [ "$(state m1)" = gone ]

# Guest-honoured shutdown and reboot: the mini-OS reads control/shutdown
# through its store ring, acknowledges it and shuts down with the reason.
id=$(domid web1)
out=$("$XM" shutdown -w web1 2>&1)
check "xm shutdown -w web1: the guest powered off: $out" [ "$(state web1)" = gone ]
check "its store entries went with it" bash -c "! xenstore-exists /local/domain/$id"
cfg rb1 'on_reboot = "restart"'
"$XM" create "$T_ROOT/rb1.cfg" >/dev/null
id=$(domid rb1)
"$XM" reboot rb1
check "xm reboot rb1: the guest rebooted into a new domain" \
    t_wait_for "rb1 to come back" 10 new_domid rb1 "$id"
"$XM" destroy rb1
# A guest that never reads the store: the request is written, -w times out.
KERNEL=$DEAF cfg deaf1
"$XM" create "$T_ROOT/deaf1.cfg" >/dev/null
out=$("$XM" shutdown -w deaf1 2>&1)
check "xm shutdown -w: gives up after shutdown-timeout: $out" [ "$out" = "Error: domain 'deaf1' did not shut down within 3 seconds" ]
check "control/shutdown was written" [ "$(xenstore-read "/local/domain/$(domid deaf1)/control/shutdown" 2>&1)" = poweroff ]
"$XM" destroy deaf1
check "xm destroy deaf1: gone" [ "$(state deaf1)" = gone ]

# Devices: xend's frontend and backend entries, and the device event log.
# The images must exist now that xvm-dm serves them (tests/integration/dm).
# A named bridge must exist (only the default xvmbr0 is made on demand).
truncate -s 1M "$T_ROOT/d.img" "$T_ROOT/cd.iso"
ip link add xenbr0 type bridge
cfg dev1 "disk = ['file:$T_ROOT/d.img,xvda,w', 'file:$T_ROOT/cd.iso,hdc:cdrom,r']" \
    "vif = ['mac=00:16:3e:01:02:03,bridge=xenbr0', '']"
"$XM" create "$T_ROOT/dev1.cfg" >/dev/null
id=$(domid dev1)
fe=/local/domain/$id/device
be=/local/domain/0/backend
check "vbd 51712: frontend names its backend" [ "$(xenstore-read $fe/vbd/51712/backend)" = "$be/vbd/$id/51712" ]
check "vbd 51712: backend params, mode, type" [ "$(xenstore-read $be/vbd/$id/51712/params) $(xenstore-read $be/vbd/$id/51712/mode) $(xenstore-read $be/vbd/$id/51712/type)" = "$T_ROOT/d.img w file" ]
check "vbd 5632 (hdc) is a read-only cdrom" [ "$(xenstore-read $be/vbd/$id/5632/device-type) $(xenstore-read $be/vbd/$id/5632/mode)" = "cdrom r" ]
check "vif 0: the config's MAC, both ends" [ "$(xenstore-read $fe/vif/0/mac) $(xenstore-read $be/vif/$id/0/mac) $(xenstore-read $be/vif/$id/0/bridge)" = "00:16:3e:01:02:03 00:16:3e:01:02:03 xenbr0" ]
check "vif 1: a Xen MAC" grep -q '^00:16:3e:' <(xenstore-read $fe/vif/1/mac)
check "frontend Initialising, backend InitWait (xvm-dm serves it); the backend names its frontend" [ "$(xenstore-read $fe/vif/0/state) $(xenstore-read $be/vif/$id/0/state) $(xenstore-read $be/vif/$id/0/frontend-id)" = "1 2 $id" ]
check "frontend perms n$id,r0" bash -c "xenstore-ls -p /local/domain/$id/device/vif | grep -q '^0 = \"\" .*(n$id,r0)'"
log=$T_ROOT/var/log/xvm/xpvd-event.log
check "event log: four adds" [ "$(grep -c " add: dev1 " "$log")" = 4 ]
check "event log: vbd line" grep -q "\] vbd $id/51712 add: dev1 file:$T_ROOT/d.img,xvda,w\$" "$log"
"$XM" destroy dev1
check "backends removed with the domain" bash -c "! xenstore-exists $be/vbd/$id && ! xenstore-exists $be/vif/$id"
check "event log: four removes" [ "$(grep -c " remove: dev1 " "$log")" = 4 ]

# A domain the toolstack names only after consoled found it (here: built
# behind xvmd's back, named by hand): its log follows the name, early
# lines included.
BOOT=$XVM_BUILD/tests/integration/builder/xc-dom-boot
out=$("$BOOT" "$GUEST" 16 1 "ticks=1" 2>/dev/null)
bid=${out%% *}
t_wait_for "consoled to find domain $bid" 10 test -s "$T_ROOT/var/log/xvm/console/guest-domain-$bid.log"
xenstore-write "/local/domain/$bid/name" late1
check "the log of a late-named domain follows its name" \
    t_wait_for "guest-late1.log" 10 grep -q "minios: booting" "$T_ROOT/var/log/xvm/console/guest-late1.log"
check "and its unnamed log is gone" [ ! -e "$T_ROOT/var/log/xvm/console/guest-domain-$bid.log" ]

# The store owns VIRQ_DOM_EXC: with xvmd away, a guest that powers off on
# its own still fires @releaseDomain (after the watch's initial event).
cfg virq1
"$XM" create "$T_ROOT/virq1.cfg" >/dev/null
id=$(domid virq1)
kill -9 "$XVMD_PID"
wait "$XVMD_PID" 2>/dev/null
xenstore-watch -n 2 @releaseDomain >"$T_ROOT/release.out" &
watch_pid=$!
t_wait_for "the watch's initial event" 5 grep -q . "$T_ROOT/release.out"
xenstore-write "/local/domain/$id/control/shutdown" poweroff
check "the store fired @releaseDomain on the guest's poweroff" \
    t_wait_for "@releaseDomain" 10 bash -c "! kill -0 $watch_pid"
kill "$watch_pid" 2>/dev/null
t_xvmd || exit 1
check "the next xvmd acts on it (on_poweroff = destroy)" \
    t_wait_for "virq1 to go" 10 is_gone virq1
"$XM" destroy keep

t_done
