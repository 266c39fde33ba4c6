#!/usr/bin/env bash
# The Linux guest image (guest/linux) as an administrator meets it: xm create,
# log in as root on `xm console` through a pseudo-terminal, run commands; then
# `xm shutdown -w` (the power key: acpid, init, SBI power-off) and `xm reboot`
# (the reboot key: a new domain boots to the login prompt again).
. "$XVM_SRC/tests/integration/lib.sh"

L=$XVM_BUILD/guest/linux
XM=$XVM_BUILD/tools/xm/xm
DRIVE=$XVM_SRC/tests/integration/linux/consdrive.py
for f in "$L/Image" "$L/rootfs.cpio.gz"; do
	if [[ ! -e $f ]]; then
		echo "not ok 1 - missing $f (ninja builds it)"
		exit 1
	fi
done
t_stack || exit 1

mkcfg() {
	printf '%s\n' "name = \"$1\"" 'memory = 128' 'vcpus = 2' \
	    "kernel = \"$L/Image\"" "ramdisk = \"$L/rootfs.cpio.gz\"" \
	    "extra = \"$2\"" >"$T_ROOT/$1.cfg"
}
domid() { "$XM" domid "$1" 2>/dev/null; }
log() { echo "$T_ROOT/var/log/xvm/console/guest-$1.log"; }

mkcfg demo "console=ttyS0"
"$XM" create "$T_ROOT/demo.cfg" >/dev/null || { t_not_ok "xm create demo"; exit 1; }
# Typed at the console, as a person would; Ctrl-] detaches.
out=$(python3 "$DRIVE" 600 \
    'expect:demo console login: ' 'send:root\r' 'expect:demo:/root# ' \
    'send:uname -sm; echo $((6 * 7))-ok; ps | grep -c acpi[d]\r' \
    'expect:42-ok' 'expect:demo:/root# ' \
    'send:echo hi >/tmp/f && cat /tmp/f && hostname\r' 'expect:demo\r\n' \
    'send:\x1d' -- "$XM" console demo 2>&1)
status=$?
if [[ $status -eq 0 ]]; then
	t_ok "xm console demo: root logged in at 'demo console login:' and ran commands"
else
	t_not_ok "xm console demo: login failed" "$(echo "$out" | tail -15)"
fi
check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }
check "uname in the guest: Linux riscv64" grep -q "Linux riscv64" <<<"$out"
check "acpid (the power key's handler) is running" grep -qx "1" <<<"$(tr -d '\r' <<<"$out")"

# xm shutdown -w: the power key, a clean shutdown through init, domain gone.
out=$(timeout 600 "$XM" shutdown -w demo 2>&1)
status=$?
check "xm shutdown -w demo: exit 0 ($out)" [ $status -eq 0 ]
check "demo is gone after xm shutdown -w" bash -c "! '$XM' list demo"
check "the guest went down through init (rcK ran)" grep -q "rcK: demo is going down" "$(log demo)"

# xm reboot: the reboot key; a new domain comes back to the login prompt.
mkcfg rb "console=hvc0"
"$XM" create "$T_ROOT/rb.cfg" >/dev/null
t_wait_for "rb's login prompt" 600 grep -q "rb console login\|demo console login" "$(log rb)"
id=$(domid rb)
"$XM" reboot rb
if t_wait_for "rb back as a new domain" 600 bash -c \
    "n=\$('$XM' domid rb 2>/dev/null) && [ -n \"\$n\" ] && [ \"\$n\" != '$id' ]"; then
	t_ok "xm reboot rb: rebooted into a new domain"
else
	t_not_ok "xm reboot rb: no new domain"
fi
check "rb rebooted through init (rcK ran)" grep -q "rcK: demo is going down" "$(log rb)"
t_wait_for "the second login prompt" 600 bash -c \
    "[ \$(grep -c 'demo console login' '$(log rb)') -ge 2 ]"
check "rb shows the login prompt again after the reboot" \
    bash -c "[ \$(grep -c 'demo console login' '$(log rb)') -ge 2 ]"
"$XM" destroy rb
t_done
