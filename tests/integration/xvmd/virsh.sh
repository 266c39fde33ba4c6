#!/usr/bin/env bash
# libvirt's remote protocol in xvmd, driven by the real Debian clients
# (libvirt-clients 9.0's virsh) against the stack in a private root: a
# table of commands with the output each must print, then the console
# stream (interactive, Ctrl-] detaches), the read-only socket, and bad
# input that must change nothing.
. "$(dirname "$0")/../lib.sh"

GUEST=$XVM_BUILD/guest/minios/minios.elf
if ! command -v virsh >/dev/null; then
	echo "# SKIP: virsh (libvirt-clients) is not installed"
	exit 77
fi
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built (no RISC-V cross compiler)"
	exit 77
fi
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 5)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1
t_wait_for "libvirt socket" 30 test -S "$T_ROOT/run/libvirt/virtxend-sock" || exit 1

URI="xen+unix:///system?socket=$T_ROOT/run/libvirt/virtxend-sock"
URI_RO="xen+unix:///system?socket=$T_ROOT/run/libvirt/virtxend-sock-ro"
export LIBVIRT_DEFAULT_URI=$URI
PY=/usr/bin/python3

dom_xml() {	# NAME [EXTRA-OS-XML] [EXTRA-DEVICES-XML]
	cat <<EOF
<domain type='xen'>
  <name>$1</name>
  <memory unit='MiB'>16</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='riscv64' machine='virt'>hvm</type>
    <kernel>$GUEST</kernel>
    <cmdline>ticks=1</cmdline>${2:-}
  </os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <console type='pty'/>
    <controller type='pci' model='pcie-root'/>${3:-}
  </devices>
</domain>
EOF
}
dom_xml web1 >"$T_ROOT/web1.xml"
dom_xml tmp1 >"$T_ROOT/tmp1.xml"
dom_xml bad1 "<loader>/fw.bin</loader>" >"$T_ROOT/bad1.xml"
dom_xml bad2 "" "<graphics type='spice'/>" >"$T_ROOT/bad2.xml"
sed 's/riscv64/x86_64/' "$T_ROOT/web1.xml" | sed 's/web1/bad3/' >"$T_ROOT/bad3.xml"
sed "s/type='xen'/type='kvm'/" "$T_ROOT/web1.xml" >"$T_ROOT/bad4.xml"
printf '<domain type="xen"><name>x' >"$T_ROOT/bad5.xml"

# The table: EXIT|ARGS (split on spaces)|a line the output must contain
# (a grep -E pattern; empty: anything).  Run in order: later rows rely
# on earlier ones.  EXIT with a ~ before it: what the guest does in its
# own time (its balloon), so the row is tried again for up to 30 s.
cases=(
	"0|version|^Running hypervisor: Xen 3.4.0"
	"0|uri|^xen\\+unix:///system"
	"0|hostname|."
	"0|nodeinfo|^CPU model: +riscv64"
	"0|capabilities|<arch name='riscv64'>"
	"0|list --all|^ 0 +Domain-0 +running"
	"0|dominfo Domain-0|^Name: +Domain-0"
	"0|define $T_ROOT/web1.xml|^Domain 'web1' defined from"
	"0|list --all|^ - +web1 +shut off"
	"0|list --inactive --name|^web1\$"
	"0|domstate web1|^shut off"
	"0|dominfo web1|^Persistent: +yes"
	"0|start web1|^Domain 'web1' started"
	"0|list|^ [0-9]+ +web1 +running"
	"0|dominfo web1|^State: +running"
	"0|dominfo web1|^Max memory: +16384 KiB"
	"0|dominfo web1|^OS Type: +hvm"
	"0|domid web1|^[0-9]+\$"
	"0|domuuid web1|^[0-9a-f-]{36}\$"
	"0|suspend web1|^Domain 'web1' suspended"
	"0|domstate web1|^paused"
	"0|resume web1|^Domain 'web1' resumed"
	"0|domstate web1|^running"
	"0|setmem web1 8M|"
	"~0|dominfo web1|^Used memory: +8192 KiB"
	"0|setvcpus web1 1 --live|"
	"0|vcpucount web1 --live --active|^1\$"
	"0|autostart web1|^Domain 'web1' marked as autostarted"
	"0|dominfo web1|^Autostart: +enable"
	"0|list --all --autostart --name|^web1\$"
	"0|autostart --disable web1|unmarked as autostarted"
	"0|dumpxml web1|<kernel>$GUEST</kernel>"
	"0|dumpxml web1|<type arch='riscv64' machine='virt'>hvm</type>"
	"0|dumpxml web1|<domain type='xen' id='[0-9]+'>"
	"1|start web1|Domain is already active"
	"1|undefine Domain-0|Domain-0 is the host"
	"1|destroy Domain-0|Domain-0 is the host"
	"1|dominfo nosuch|failed to get domain 'nosuch'"
	"1|define $T_ROOT/bad1.xml|firmware cannot be honoured"
	"1|define $T_ROOT/bad2.xml|over VNC only"
	"1|define $T_ROOT/bad3.xml|architecture 'x86_64' is not supported"
	"1|define $T_ROOT/bad4.xml|domain type 'kvm' is not supported"
	"1|define $T_ROOT/bad5.xml|not well-formed"
	"0|create $T_ROOT/tmp1.xml|^Domain 'tmp1' created from"
	"0|list --transient --name|^tmp1\$"
	"0|save tmp1 $T_ROOT/tmp1.save|^Domain 'tmp1' saved to"
	"0|list --all --name|^web1\$"
	"0|restore $T_ROOT/tmp1.save|^Domain restored from"
	"0|domstate tmp1|^running"
	"0|destroy tmp1|^Domain 'tmp1' destroyed"
	"1|domstate tmp1|failed to get domain 'tmp1'"
	"0|shutdown web1|is being shutdown"
)

n=0
for c in "${cases[@]}"; do
	IFS='|' read -r want args pat <<<"$c"
	n=$((n + 1))
	tries=1
	[[ $want == "~"* ]] && { want=${want#"~"}; tries=30; }
	while :; do
		# shellcheck disable=SC2086
		out=$(timeout 60 virsh $args 2>&1)
		rc=$?
		[[ $rc -ne 0 ]] && rc=1
		if [[ $rc -eq $want ]] && { [[ -z $pat ]] || grep -Eq -- "$pat" <<<"$out"; }; then
			break
		fi
		tries=$((tries - 1))
		[[ $tries -gt 0 ]] || break
		sleep 1
	done
	if [[ $rc -eq $want ]] && { [[ -z $pat ]] || grep -Eq -- "$pat" <<<"$out"; }; then
		t_ok "virsh $args"
	else
		t_not_ok "virsh $args (exit $rc, want $want, /$pat/)" "$out"
	fi
done

# The guest powers off when asked (the mini-OS honours control/shutdown).
t_wait_for "web1 to shut off" 30 bash -c "[ \"\$(virsh domstate web1)\" = 'shut off' ]" &&
	t_ok "shutdown: web1 powered off and is still defined" ||
	t_not_ok "shutdown" "$(virsh list --all)"

# Console: interactive through a pty; Ctrl-] ends virsh.
virsh start web1 >/dev/null
out=$($PY - "$URI" web1 "$T_ROOT/virsh-console.log" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    # virsh's own debug log, shown if it does not detach
    os.environ["LIBVIRT_LOG_OUTPUTS"] = "1:file:" + sys.argv[3]
    os.execvp("virsh", ["virsh", "-c", sys.argv[1], "console", sys.argv[2]])
out, t0, sent = b"", time.time(), None
while time.time() - t0 < 60:
    if select.select([fd], [], [], 0.2)[0]:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    if sent is None and b"tick" in out:
        os.write(fd, b"\x1d")
        sent = time.time()
    if sent and time.time() - sent > 10:
        break
# The pty closes as virsh exits: give it the time to be reaped.
done, t1 = 0, time.time()
while not done and time.time() - t1 < 10:
    done = os.waitpid(pid, os.WNOHANG)[0]
    time.sleep(0.05)
if not done:
    os.kill(pid, 9)
print("ticks" if b"tick" in out else "no ticks", "detached" if done else "stuck")
PY
)
if [[ $out == "ticks detached" ]]; then
	t_ok "virsh console web1: the guest's ticks, Ctrl-] detaches"
else
	t_not_ok "virsh console web1: $out" "$(grep -E 'stream|Stream|error' "$T_ROOT/virsh-console.log" | tail -15)"
fi

# Reboot: the guest honours it and on_reboot = restart brings it back as a
# new domain.
id=$(virsh domid web1)
out=$(virsh reboot web1 2>&1)
[[ $out == *"is being rebooted"* ]] && t_ok "virsh reboot web1" || t_not_ok "reboot" "$out"
t_wait_for "web1 back with a new id" 60 bash -c "i=\$(virsh domid web1 2>/dev/null); [[ -n \$i && \$i != '$id' && \$i != - ]]" &&
	t_ok "web1 rebooted into a new domain" || t_not_ok "after reboot" "$(virsh list --all)"

# The read-only socket: reads work, changes are refused.
out=$(virsh -c "$URI_RO" -r list --all --name 2>&1)
[[ $out == *web1* ]] && t_ok "read-only socket: list" || t_not_ok "read-only list" "$out"
out=$(virsh -c "$URI_RO" -r destroy web1 2>&1)
[[ $out == *"read only access prevents"* ]] && t_ok "read-only socket: destroy refused" ||
	t_not_ok "read-only destroy" "$out"
[[ $(virsh domstate web1) == running ]] && t_ok "and web1 still runs" ||
	t_not_ok "web1 after the refused destroy"

# The same domain through xm: one source of truth.
XM=$XVM_BUILD/tools/xm/xm
"$XM" list web1 >/dev/null 2>&1 && t_ok "xm list sees web1" || t_not_ok "xm list web1"
"$XM" destroy web1
[[ $(virsh domstate web1) == "shut off" ]] && t_ok "xm destroy: virsh sees it shut off" ||
	t_not_ok "virsh after xm destroy" "$(virsh domstate web1 2>&1)"
virsh undefine web1 >/dev/null
out=$(virsh list --all --name)
[[ $out != *web1* ]] && t_ok "undefine web1: gone" || t_not_ok "undefine" "$out"
grep -q "is not used by xVM; ignored" "$T_ROOT/var/log/xvm/xvmd.log" &&
	t_ok "the ignored <controller> was logged" || t_not_ok "no log line for <controller>"

kill -0 "$XVMD_PID" && t_ok "xvmd is still running" || t_not_ok "xvmd died"
t_done
