#!/usr/bin/env bash
# xvm-domains (svc:/system/xvm/domains's method) against the real stack:
# start brings up the managed domains marked on_xend_start = "start";
# stop asks the running ones marked on_xend_stop = "shutdown" to go and
# waits, up to xvmd's shutdown-timeout.
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
DOMS=$XVM_BUILD/domains-svc/xvm-domains
GUEST=$XVM_BUILD/guest/minios/minios.elf
DEAF=$XVM_BUILD/tests/integration/xvmd/deafguest.elf
if [[ ! -f $GUEST || ! -f $DEAF ]]; then
	echo "# SKIP: the guests are not built"
	exit 77
fi
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 2)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

printf 'name = "auto1"\nmemory = 16\nkernel = "%s"\non_xend_start = "start"\non_xend_stop = "shutdown"\n' "$GUEST" >"$T_ROOT/auto1.cfg"
printf 'name = "manual"\nmemory = 16\nkernel = "%s"\n' "$GUEST" >"$T_ROOT/manual.cfg"
"$XM" new "$T_ROOT/auto1.cfg"
"$XM" new "$T_ROOT/manual.cfg"
running() { "$XM" list "$1" 2>/dev/null | awk 'NR == 2 { exit (NF == 6 ? 0 : 1) }'; }

if ! running auto1 && "$DOMS" --root "$T_ROOT" start && running auto1 && ! running manual; then
	t_ok "start: auto1 (on_xend_start = start) runs, manual does not"
else
	t_not_ok "start" "$("$XM" list 2>&1)"
fi
"$DOMS" --root "$T_ROOT" start && t_ok "start again: nothing to do, exit 0" || t_not_ok "start is idempotent"

# The mini-OS honours the request through its store ring: stop waits for it.
out=$("$DOMS" --root "$T_ROOT" stop 2>&1)
status=$?
if [[ $status -eq 0 ]] && ! running auto1; then
	t_ok "stop: auto1 shut down when asked"
else
	t_not_ok "stop: shutdown" "status $status: $out"
fi
# A guest that never reads the store: stop waits shutdown-timeout, says so.
printf 'name = "deaf"\nmemory = 16\nkernel = "%s"\non_xend_stop = "shutdown"\n' "$DEAF" >"$T_ROOT/deaf.cfg"
"$XM" create "$T_ROOT/deaf.cfg" >/dev/null
id=$("$XM" domid deaf)
out=$("$DOMS" --root "$T_ROOT" stop 2>&1)
status=$?
if [[ $(xenstore-read "/local/domain/$id/control/shutdown") == poweroff ]]; then
	t_ok "stop: deaf asked to shut down"
else
	t_not_ok "stop: request" "$out"
fi
if [[ $status -eq 1 && $out == *"still running after 2 s"* ]]; then
	t_ok "stop: waits shutdown-timeout and says what is left"
else
	t_not_ok "stop: timeout" "status $status: $out"
fi
"$XM" destroy deaf
out=$("$DOMS" --root "$T_ROOT" restart 2>&1)
[[ $? -eq 1 && $out == "usage: xvm-domains [--root DIR] start|stop" ]] && t_ok "bad verb: usage, exit 1" || t_not_ok "usage" "$out"
"$XM" destroy auto1

t_done
