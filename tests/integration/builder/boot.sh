#!/usr/bin/env bash
# The domain builder and the console daemon against the real hypervisor:
# xvm-hypervisor and xvm-consoled in a private root; a mini-OS domain built
# by xc_dom_build; its PV console output read by consoled from the ring,
# logged, replayed to an attached client; the domain destroyed.
. "$(dirname "$0")/../lib.sh"

HV=$XVM_BUILD/hypervisor/xvm-hypervisor
CONSOLED=$XVM_BUILD/console/xvm-consoled
BOOT=$XVM_BUILD/tests/integration/builder/xc-dom-boot
GUEST=$XVM_BUILD/guest/minios/minios.elf
export XVM_ROOT=$T_ROOT

if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built (no RISC-V cross compiler)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
fi

t_daemon HV_PID "$HV" -F --root "$T_ROOT" -n 2
t_wait_for "privcmd socket" 20 test -S "$T_ROOT/run/xvm/privcmd" || exit 1
t_daemon CONSOLED_PID "$CONSOLED" -F --root "$T_ROOT"
t_wait_for "consoled socket" 20 test -S "$T_ROOT/run/xvm/consoled.sock" || exit 1

# ask LINE: one request on consoled's socket, its whole answer.
ask() {
	python3 - "$T_ROOT/run/xvm/consoled.sock" "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
end = time.monotonic() + 2      # a live console never closes: read for 2 s
try:
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        b = s.recv(65536)
        if not b:
            break
        out += b
except socket.timeout:
    pass
sys.stdout.write(out.decode(errors="replace"))
PY
}

# Build errors are clear and leave nothing behind.
out=$("$BOOT" /nonexistent.elf 32 1 "" 2>&1)
if [[ $? -eq 1 && $out == *"build: No such file or directory"* ]]; then
	t_ok "missing kernel: clear error"
else
	t_not_ok "missing kernel" "$out"
fi
out=$("$BOOT" /bin/sh 32 1 "" 2>&1)
if [[ $? -eq 1 && $out == *"build: Exec format error"* ]]; then
	t_ok "x86 executable refused: Exec format error"
else
	t_not_ok "wrong-architecture kernel" "$out"
fi

# One vCPU here; 8 vCPUs (VCPUOP_up, SBI HSM) are the mini-OS and
# hypervisor tests' business.
out=$("$BOOT" "$GUEST" 32 1 "selfcheck ticks=1" 2>&1)
if [[ $? -ne 0 ]]; then
	t_not_ok "build and start the mini-OS" "$out"
	t_done
	exit 1
fi
DOMID=${out%% *}
t_ok "built and started domain $DOMID ($out)"

LOG=$T_ROOT/var/log/xvm/console/guest-domain-$DOMID.log
if t_wait_for "guest console output in $LOG" 150 grep -q "tick 2" "$LOG"; then
	t_ok "PV console output reaches consoled's log"
else
	t_not_ok "PV console output" "log: $(tail -5 "$LOG" 2>/dev/null)"
fi
if grep -q 'minios: command line "selfcheck ticks=1"' "$LOG"; then
	t_ok "the command line reached the guest through /chosen/bootargs"
else
	t_not_ok "bootargs" "$(grep -h 'command line' "$T_ROOT"/var/log/xvm/console/*.log)"
fi
if grep -q "pv: xvm hypervisor" "$T_ROOT/var/log/xvm/console/hypervisor.log" "$LOG"; then
	t_ok "the guest found the xvm,hypervisor node and hypercalls work"
else
	t_not_ok "PV probe" "$(grep -h pv: "$T_ROOT"/var/log/xvm/console/*.log)"
fi

out=$(ask "ATTACH $DOMID")
if [[ $out == "OK domain-$DOMID $DOMID /dev/pts/"* && $out == *"tick"* ]]; then
	t_ok "ATTACH: OK line, then the scrollback"
else
	t_not_ok "ATTACH" "$(printf '%s' "$out" | head -3)"
fi
# xm console: live output, then Ctrl-] detaches with status 0.
XM=$XVM_BUILD/tools/xm/xm
out=$( (sleep 2; printf '\035') | timeout 20 "$XM" console "$DOMID" 2>&1)
status=$?
if [[ $status -eq 0 && $out == *"tick"* ]]; then
	t_ok "xm console shows the console; Ctrl-] detaches"
else
	t_not_ok "xm console" "status $status" "$(printf '%s' "$out" | tail -3)"
fi
out=$("$XM" console nosuch 2>&1)
if [[ $? -eq 1 && $out == "Error: domain 'nosuch' has no console here (is it running?)" ]]; then
	t_ok "xm console of an unknown domain: one-line error"
else
	t_not_ok "xm console unknown" "$out"
fi

out=$(ask "LIST")
if [[ $out == "OK 1"* && $out == *"domain-$DOMID $DOMID"* ]]; then
	t_ok "LIST shows the console"
else
	t_not_ok "LIST" "$out"
fi
out=$(ask "ATTACH nosuch")
if [[ $out == "ERR domain 'nosuch' has no console here"* ]]; then
	t_ok "ATTACH to an unknown domain: ERR"
else
	t_not_ok "ATTACH unknown" "$out"
fi
out=$(ask "HELLO")
if [[ $out == "ERR unknown request"* ]]; then t_ok "unknown request: ERR"; else t_not_ok "unknown request" "$out"; fi

"$BOOT" --destroy "$DOMID"
if t_wait_for "console to go" 60 bash -c "[[ \$(printf 'LIST\n' | timeout 10 python3 -c '
import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b\"LIST\n\"); print(s.recv(4096).decode().split()[1])' $T_ROOT/run/xvm/consoled.sock) == 0 ]]"; then
	t_ok "destroyed domain: its console is closed"
else
	t_not_ok "console closed after destroy" "$(ask LIST)"
fi
if grep -q . "$T_ROOT/var/log/xvm/console/hypervisor.log"; then
	t_ok "hypervisor.log has the hypervisor's messages"
else
	t_not_ok "hypervisor.log empty"
fi

t_done
