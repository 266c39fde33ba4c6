#!/usr/bin/env bash
# xvm-consoled when the hypervisor dies under it and comes back: it used to
# spin at 100% CPU logging "xenevtchn_pending: Broken pipe" forever, and
# never saw a domain again.  Now: a few lines, no CPU, its consoles closed,
# and once a hypervisor answers again, new domains' consoles are served.
. "$(dirname "$0")/../lib.sh"

HV=$XVM_BUILD/hypervisor/xvm-hypervisor
CONSOLED=$XVM_BUILD/console/xvm-consoled
BOOT=$XVM_BUILD/tests/integration/builder/xc-dom-boot
GUEST=$XVM_BUILD/guest/minios/minios.elf
LOGD=$T_ROOT/var/log/xvm
export XVM_ROOT=$T_ROOT

if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built (no RISC-V cross compiler)"
	exit 77
fi

start_hv() {
	t_daemon HV_PID "$HV" -F --root "$T_ROOT" -n 2
	t_wait_for "privcmd socket" 30 test -S "$T_ROOT/run/xvm/privcmd"
}
listed() {	# DOMID: consoled's LIST names it
	python3 - "$T_ROOT/run/xvm/consoled.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"LIST\n")
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
ids = [l.split()[1] for l in out.decode().splitlines()[1:] if l.strip()]
sys.exit(0 if sys.argv[2] in ids else 1)
PY
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

start_hv || exit 1
t_daemon CONSOLED_PID "$CONSOLED" -F --root "$T_ROOT"
t_wait_for "consoled socket" 30 test -S "$T_ROOT/run/xvm/consoled.sock" || exit 1
out=$("$BOOT" "$GUEST" 16 1 "ticks=1" 2>&1) || { t_not_ok "boot a guest" "$out"; t_done; exit 1; }
id1=${out%% *}
t_wait_for "domain $id1 in consoled" 30 listed "$id1" && t_ok "consoled serves domain $id1" ||
	t_not_ok "consoled serves domain $id1"

t_wait_for "domain $id1's output" 60 grep -q "minios: command line" "$LOGD/console/guest-domain-$id1.log"
kill -9 "$HV_PID"
wait "$HV_PID" 2>/dev/null
sleep 2
mv "$LOGD/console/guest-domain-$id1.log" "$LOGD/first-guest.log" 2>/dev/null
t0=$(cpu_ticks "$CONSOLED_PID")
sleep 3
t1=$(cpu_ticks "$CONSOLED_PID")
hz=$(getconf CLK_TCK)
if kill -0 "$CONSOLED_PID" 2>/dev/null && (( (t1 - t0) * 10 < 3 * hz )); then
	t_ok "hypervisor gone: consoled alive and idle ($((t1 - t0)) ticks in 3 s)"
else
	t_not_ok "hypervisor gone: consoled busy or dead" "$((t1 - t0)) ticks of CPU in 3 s"
fi
n=$(grep -c . "$LOGD/xvm-consoled.log")
if (( n < 40 )); then
	t_ok "a few log lines, not a flood ($n lines)"
else
	t_not_ok "log flood" "$n lines" "$(tail -3 "$LOGD/xvm-consoled.log")"
fi
if ! listed "$id1"; then
	t_ok "the dead hypervisor's consoles are closed"
else
	t_not_ok "domain $id1 still listed"
fi

# A new hypervisor: consoled finds it and serves its domains.
rm -f "$T_ROOT/run/xvm/privcmd"
start_hv || exit 1
out=$("$BOOT" "$GUEST" 16 1 "ticks=1" 2>&1) || { t_not_ok "boot a guest again" "$out"; t_done; exit 1; }
id2=${out%% *}
# (Ids start again at 1: the new domain's console must be a new one.)
opened() { [[ $(grep -c "console_new: console of" "$LOGD/xvm-consoled.log") -ge 2 ]]; }
t_wait_for "domain $id2 in consoled" 30 opened && listed "$id2" &&
	t_ok "hypervisor back: consoled serves the new domain $id2" ||
	t_not_ok "consoled never saw domain $id2" "$(tail -5 "$LOGD/xvm-consoled.log")"
t_wait_for "domain $id2's output" 60 grep -q "minios: command line" "$LOGD/console/guest-domain-$id2.log" &&
	t_ok "its console output is logged" || t_not_ok "no output from domain $id2"
"$BOOT" --destroy "$id2" >/dev/null 2>&1
t_done
