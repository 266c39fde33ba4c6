#!/usr/bin/env bash
# Hot-plug (docs/virtio.md "Hot-plug"): xm block-attach/-detach/-list and
# network-attach/-detach/-list with Xen 3.4 xm's arguments and columns, on
# a running domain that had no device (xvm-dm starts for it), on a managed
# domain that is not running (its config changes; its next start has the
# devices), and the store and xpvd-event.log as xend kept them.  The vifs'
# taps and bridge live in this test's own network namespace.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
. "$XVM_SRC/tests/integration/lib.sh"

XM=$XVM_BUILD/tools/xm/xm
IDLE=$XVM_BUILD/guest/pv-tests/pv-idle.elf
export XVM_DM=$XVM_BUILD/dm/xvm-dm
for f in "$IDLE" "$XVM_DM"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f"; exit 1; }
done
ip link set lo up
t_stack || exit 1

check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }
xsr() { xenstore-read "$1" 2>/dev/null; }
has_dm() { pgrep -a -x xvm-dm | grep -q -- "--root $T_ROOT --domain $1 "; }
LOG=$T_ROOT/var/log/xvm/xpvd-event.log
img() { truncate -s 1M "$1"; }
export -f xsr has_dm
export T_ROOT

printf '%s\n' 'name = "h"' 'memory = 32' "kernel = \"$IDLE\"" >"$T_ROOT/h.cfg"
"$XM" create "$T_ROOT/h.cfg" >/dev/null
id=$("$XM" domid h)
check "h runs without devices and without a device model" bash -c "! has_dm $id"

img "$T_ROOT/a.img"
out=$("$XM" block-attach h "file:$T_ROOT/a.img" xvdb w 2>&1)
check "xm block-attach h file:a.img xvdb w ($out)" [ $? -eq 0 ]
check "its message says a Linux guest sees it at its next boot" grep -q "virtio slot 0.*next boot" <<<"$out"
check "a device model now serves h" has_dm "$id"
B=/local/domain/0/backend/vbd/$id/51728
check "backend/vbd/$id/51728: state 2, params, mode, virtio-slot 0" bash -c \
    "[ \"\$(xenstore-read $B/state)\" = 2 ] && [ \"\$(xenstore-read $B/params)\" = '$T_ROOT/a.img' ] &&
     [ \"\$(xenstore-read $B/mode)\" = w ] && [ \"\$(xenstore-read $B/virtio-slot)\" = 0 ]"
check "the frontend device/vbd/51728 points at it, virtio-slot 0" bash -c \
    "[ \"\$(xenstore-read /local/domain/$id/device/vbd/51728/backend)\" = $B ] &&
     [ \"\$(xenstore-read /local/domain/$id/device/vbd/51728/virtio-slot)\" = 0 ]"
out=$("$XM" block-list h)
check "xm block-list: Xen's header" bash -c "head -1 <<<'$out' | grep -qx 'Vdev  BE handle state evt-ch ring-ref BE-path'"
check "xm block-list: 51728, BE 0, state 2, the backend path" \
    grep -Eq "^51728  0    0     2      -1     -1    $B" <<<"$out"
check "xm block-list -l: the device as SXP with its params" bash -c \
    "'$XM' block-list -l h | grep -q '(params $T_ROOT/a.img)'"
check "xpvd-event.log: the vbd's add" grep -q "vbd $id/51728 add: h file:$T_ROOT/a.img,xvdb,w" "$LOG"
check "xm list -l shows the disk in h's config" bash -c "'$XM' list -l h | grep -q 'a.img'"

# Refusals change nothing.
check "attaching xvdb again is refused" bash -c \
    "'$XM' block-attach h file:$T_ROOT/a.img xvdb w 2>&1 | grep -q 'already has a disk xvdb'"
check "a missing image is refused, naming it" bash -c \
    "'$XM' block-attach h file:$T_ROOT/none.img xvdc w 2>&1 | grep -q 'none.img.*No such file'"
check "a bad mode is refused" bash -c \
    "'$XM' block-attach h file:$T_ROOT/a.img xvdc rw 2>&1 | grep -q \"mode must be\""
check "a back-end domain other than 0 is refused" bash -c \
    "'$XM' block-attach h file:$T_ROOT/a.img xvdc r 3 2>&1 | grep -q 'only Domain-0'"
check "after the refusals h has one disk" bash -c "[ \$('$XM' block-list h | wc -l) = 2 ]"
check "Domain-0's devices are refused" bash -c \
    "'$XM' block-attach Domain-0 file:$T_ROOT/a.img xvdc r 2>&1 | grep -q \"host's own\""

# A vif: a tap vifD.0 on the default bridge, a MAC chosen as xend did.
out=$("$XM" network-attach h bridge=xvmbr0 2>&1)
check "xm network-attach h bridge=xvmbr0 ($out)" [ $? -eq 0 ]
check "the tap vif$id.0 is on xvmbr0" bash -c "ip -o link show master xvmbr0 | grep -q 'vif$id.0'"
out=$("$XM" network-list h)
check "xm network-list: Xen's header" bash -c "head -1 <<<'$out' | grep -qx 'Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path'"
check "xm network-list: 0, 00:16:3e MAC, state 2" grep -Eq "^0   0  00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}    0     2      -1    -1   /-1      /local/domain/0/backend/vif/$id/0" <<<"$out"
mac=$(xsr "/local/domain/0/backend/vif/$id/0/mac")
check "the config keeps the chosen MAC ($mac)" bash -c "'$XM' list -l h | grep -q '$mac'"
out=$("$XM" network-attach h mac=00:16:3e:00:00:42 vifname=hp1 2>&1)
check "a second vif with mac= and vifname= ($out)" [ $? -eq 0 ]
check "its tap is named hp1, in virtio slot 2" bash -c \
    "ip link show hp1 >/dev/null && [ \"\$(xsr /local/domain/0/backend/vif/$id/1/virtio-slot)\" = 2 ]"
check "an unknown network-attach key is refused as xm did" bash -c \
    "'$XM' network-attach h colour=red 2>&1 | grep -q 'Invalid argument: colour=red'"

# Detach: by devid, by name, by MAC; the slot is reused.
out=$("$XM" block-detach h xvdb 2>&1)
check "xm block-detach h xvdb ($out)" [ $? -eq 0 ]
check "the backend and frontend are gone" bash -c \
    "! xenstore-read $B/state 2>/dev/null && ! xenstore-read /local/domain/$id/device/vbd/51728/state 2>/dev/null"
check "xpvd-event.log: the vbd's remove" grep -q "vbd $id/51728 remove: h" "$LOG"
check "xm block-list h is empty" bash -c "[ -z \"\$('$XM' block-list h)\" ]"
"$XM" block-attach h "file:$T_ROOT/a.img" xvdc r >/dev/null
check "a new disk takes the free slot 0" bash -c \
    "[ \"\$(xenstore-read /local/domain/0/backend/vbd/$id/51744/virtio-slot)\" = 0 ]"
out=$("$XM" network-detach h 00:16:3e:00:00:42 2>&1)
check "xm network-detach h by MAC ($out)" [ $? -eq 0 ]
check "tap hp1 went with it" bash -c "! ip link show hp1 2>/dev/null"
check "xm network-detach of an unknown device fails" bash -c \
    "! '$XM' network-detach h 7 2>/dev/null"
check "xm block-detach h 51744 -f (Xen 3.4's order)" "$XM" block-detach h 51744 -f
"$XM" destroy h
check "destroy ends the model and the taps" bash -c "! has_dm $id && ! ip link show vif$id.0 2>/dev/null"

# The mini-OS sees a hot-plugged disk through its own store connection:
# its shell watches device/, the event names the new vbd, and its
# frontend directory carries the virtio slot to probe.
MINIOS=$XVM_BUILD/guest/minios/minios.elf
DRIVE=$XVM_SRC/tests/integration/linux/consdrive.py
printf '%s\n' 'name = "mo"' 'memory = 32' "kernel = \"$MINIOS\"" >"$T_ROOT/mo.cfg"
"$XM" create "$T_ROOT/mo.cfg" >/dev/null
img "$T_ROOT/c.img"
(t_wait_for "mo's watch" 120 grep -q 'xs: watch device: ok' "$T_ROOT/mo.out" &&
    "$XM" block-attach mo "file:$T_ROOT/c.img" xvdb w >/dev/null) &
bg=$!
python3 "$DRIVE" 120 'send:\r' 'send:xs watch device\r' 'expect:xs: watch device: ok' \
    'expect:xs: event device/vbd/51728' 'send:xs read device/vbd/51728/virtio-slot\r' \
    'expect:xs: read device/vbd/51728/virtio-slot = "0"' 'send:\x1d' -- "$XM" console mo \
    >"$T_ROOT/mo.out" 2>&1
st=$?
wait "$bg"
check "the mini-OS's watch saw vbd 51728 arrive, in virtio slot 0" [ $st -eq 0 ]
[[ $st -eq 0 ]] || tail -5 "$T_ROOT/mo.out" | sed 's/^/# /'
"$XM" destroy mo

# A managed domain that is not running: its config changes; the next
# start has the devices.
printf '%s\n' 'name = "m"' 'memory = 32' "kernel = \"$IDLE\"" \
    "disk = [ 'file:$T_ROOT/a.img,xvda,r' ]" >"$T_ROOT/m.cfg"
"$XM" new "$T_ROOT/m.cfg" >/dev/null
img "$T_ROOT/b.img"
out=$("$XM" block-attach m "file:$T_ROOT/b.img" xvdb w 2>&1)
check "block-attach to stopped m: config only ($out)" grep -q "next start" <<<"$out"
out=$("$XM" network-attach m 2>&1)
check "network-attach to stopped m ($out)" [ $? -eq 0 ]
check "xm block-list m lists its config's two disks" bash -c "[ \$('$XM' block-list m | wc -l) = 3 ]"
"$XM" start m >/dev/null
id=$("$XM" domid m)
check "m started with xvda, xvdb and its vif served" bash -c \
    "[ \"\$(xsr /local/domain/0/backend/vbd/$id/51712/state)\" = 2 ] &&
     [ \"\$(xsr /local/domain/0/backend/vbd/$id/51728/state)\" = 2 ] &&
     [ \"\$(xsr /local/domain/0/backend/vif/$id/0/state)\" = 2 ]"
kill "$XVMD_PID"
t_wait_for "xvmd to stop" 30 bash -c "! kill -0 $XVMD_PID 2>/dev/null"
t_xvmd
check "after xvmd's restart m's config still has xvdb" bash -c "'$XM' list -l m | grep -q 'b.img'"
"$XM" destroy m 2>/dev/null
"$XM" block-detach m xvdb >/dev/null
check "block-detach on stopped m drops it from the config" bash -c "! '$XM' list -l m | grep -q 'b.img'"
"$XM" delete m 2>/dev/null
t_done
