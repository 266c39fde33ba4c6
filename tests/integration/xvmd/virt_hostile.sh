#!/usr/bin/env bash
# Hostile packets on xvmd's libvirt socket (virsh_hostile.py has the cases),
# against the real stack in a private root.
. "$(dirname "$0")/../lib.sh"
t_stack || exit 1
t_wait_for "libvirt socket" 30 test -S "$T_ROOT/run/libvirt/virtxend-sock" || exit 1
/usr/bin/python3 "$(dirname "$0")/virsh_hostile.py" "$T_ROOT/run/libvirt/virtxend-sock" || T_FAIL=1
kill -0 "$XVMD_PID" && echo "# xvmd is still running" || T_FAIL=1
[[ $T_FAIL -eq 0 ]]
