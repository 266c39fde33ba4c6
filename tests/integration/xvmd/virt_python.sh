#!/usr/bin/env bash
# libvirt-python against xvmd's libvirt front-end: lifecycle calls and the
# lifecycle events they raise (virt_events.py has the cases).
. "$(dirname "$0")/../lib.sh"
GUEST=$XVM_BUILD/guest/minios/minios.elf
if ! /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
	echo "# SKIP: python3-libvirt is not installed"
	exit 77
fi
[[ -f $GUEST ]] || { echo "# SKIP: the mini-OS guest is not built"; exit 77; }
t_stack || exit 1
t_wait_for "libvirt socket" 30 test -S "$T_ROOT/run/libvirt/virtxend-sock" || exit 1
/usr/bin/python3 "$(dirname "$0")/virt_events.py" \
    "xen+unix:///system?socket=$T_ROOT/run/libvirt/virtxend-sock" "$GUEST" || T_FAIL=1
[[ $T_FAIL -eq 0 ]]
