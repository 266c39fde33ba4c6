#!/usr/bin/env bash
# virt-install 4.1 against xvmd's libvirt front-end: a guest from a kernel
# and a disk (--boot kernel=...,kernel_args=... --disk path=...), created,
# booted and defined; a new disk made in a storage pool (size=); a VNC
# display (--graphics vnc) and its port (virsh vncdisplay).
. "$(dirname "$0")/../lib.sh"
GUEST=$XVM_BUILD/guest/minios/minios.elf
for p in virt-install virsh; do
	command -v $p >/dev/null || { echo "# SKIP: $p is not installed"; exit 77; }
done
[[ -f $GUEST ]] || { echo "# SKIP: the mini-OS guest is not built"; exit 77; }
t_stack || exit 1
t_wait_for "libvirt socket" 30 test -S "$T_ROOT/run/libvirt/virtxend-sock" || exit 1
URI="xen+unix:///system?socket=$T_ROOT/run/libvirt/virtxend-sock"
export LIBVIRT_DEFAULT_URI=$URI HOME=$T_ROOT/home
mkdir -p "$T_ROOT/images" "$HOME"
truncate -s 8M "$T_ROOT/images/vi1.img"
VI=(virt-install --connect "$URI" --memory 16 --vcpus 1 --arch riscv64
    --machine virt --virt-type xen --osinfo generic --network none
    --noautoconsole --import)

out=$("${VI[@]}" --name vi1 --graphics none \
    --boot "kernel=$GUEST,kernel_args=ticks=1" \
    --disk "path=$T_ROOT/images/vi1.img" 2>&1)
rc=$?
[[ $rc -eq 0 ]] && t_ok "virt-install --name vi1: created" || t_not_ok "virt-install vi1 (exit $rc)" "$out"
[[ $(virsh domstate vi1 2>&1) == running ]] && t_ok "vi1 runs" ||
	t_not_ok "vi1 state" "$(virsh domstate vi1 2>&1)"
[[ $(virsh dominfo vi1 | awk '/^Persistent/ {print $2}') == yes ]] &&
	t_ok "vi1 is defined (persistent)" || t_not_ok "vi1 persistent" "$(virsh dominfo vi1)"
x=$(virsh dumpxml vi1)
[[ $x == *"<source file='$T_ROOT/images/vi1.img'/>"* ]] &&
	t_ok "its disk: $T_ROOT/images/vi1.img" || t_not_ok "vi1 disk" "$x"
[[ $x == *"<cmdline>ticks=1</cmdline>"* ]] && t_ok "its kernel_args" || t_not_ok "vi1 cmdline" "$x"
t_wait_for "vi1's console" 60 grep -q tick "$T_ROOT/var/log/xvm/console/guest-vi1.log" &&
	t_ok "vi1 booted (its console ticks)" || t_not_ok "vi1 did not boot"
[[ -n $(virsh pool-list --all --name) ]] && t_ok "virt-install made a pool for $T_ROOT/images" ||
	t_not_ok "no pool" "$(virsh pool-list --all 2>&1)"
vol=$(virsh vol-list --pool images 2>&1)
[[ $vol == *vi1.img* ]] && t_ok "vi1.img is a volume of it" || t_not_ok "volume" "$vol"

# A new disk in the pool, made by virt-install (size= in GiB).
out=$("${VI[@]}" --name vi2 --graphics none --boot "kernel=$GUEST" \
    --disk "path=$T_ROOT/images/vi2.img,size=0.01" 2>&1)
[[ $? -eq 0 && -f $T_ROOT/images/vi2.img ]] && t_ok "virt-install vi2 with a new 10 MiB disk" ||
	t_not_ok "virt-install vi2" "$out"
[[ $(stat -c %s "$T_ROOT/images/vi2.img" 2>/dev/null) -ge 10000000 ]] &&
	t_ok "vi2.img has its size" || t_not_ok "vi2.img size"

# A display (docs/vnc.md): the domain XML's <graphics> becomes vnc = 1, and
# the port its VNC server took comes back in the XML (virsh vncdisplay).
out=$("${VI[@]}" --name vi3 --graphics vnc,listen=127.0.0.1 --boot "kernel=$GUEST" --disk none 2>&1)
[[ $? -eq 0 ]] && t_ok "--graphics vnc: vi3 made with a display" || t_not_ok "vi3" "$out"
d=$(virsh vncdisplay vi3 2>&1)
[[ $d == 127.0.0.1:[0-9]* ]] && t_ok "virsh vncdisplay vi3: $d" || t_not_ok "vncdisplay" "$d"
[[ $(virsh dumpxml vi3) == *"<graphics type='vnc' port='59"* ]] &&
	t_ok "its XML has the port" || t_not_ok "vi3 XML" "$(virsh dumpxml vi3)"
virsh destroy vi1 >/dev/null; virsh destroy vi2 >/dev/null; virsh destroy vi3 >/dev/null
kill -0 "$XVMD_PID" && t_ok "xvmd is still running" || t_not_ok "xvmd died"
t_done
