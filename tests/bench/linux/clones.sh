#!/usr/bin/env bash
# Fast identical guests (docs/disk-clones.md): how long N clones of a Linux
# guest take to make and to boot to their login prompt.
#
#   XVM_BUILD=build XVM_SRC=. tests/bench/linux/clones.sh [N]
#
# The whole stack in a private root (tests/integration/lib.sh); the guest of
# guest/linux (Image, rootfs.cpio.gz, 1 vCPU, 96 MiB) with a writable disk,
# a copy of rootfs.ext4 (64 MiB).  Figures, wall time:
#   copy    N full copies of the disk image (cp), for scale
#   clone   xm clone -n N (configs and copy-on-write disks, nothing started)
#   boot    xm clone -n N -s, from the command's start until every clone's
#           console log shows "login:" (BusyBox getty)
# Nothing is asserted (HACKING.md).
. "$XVM_SRC/tests/integration/lib.sh"

N=${1:-20}
L=$XVM_BUILD/guest/linux
XM=$XVM_BUILD/tools/xm/xm
t_stack || exit 1
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

cp "$L/rootfs.ext4" "$T_ROOT/disk.img"
printf '%s\n' 'name = "g"' 'memory = 96' 'vcpus = 1' \
    "kernel = \"$L/Image\"" "ramdisk = \"$L/rootfs.cpio.gz\"" \
    'extra = "console=ttyS0 quiet"' \
    "disk = [ 'file:$T_ROOT/disk.img,xvda,w' ]" >"$T_ROOT/g.cfg"

mkdir "$T_ROOT/copies" "$T_ROOT/dry" "$T_ROOT/run"
t=$(now)
for i in $(seq "$N"); do cp "$T_ROOT/disk.img" "$T_ROOT/copies/$i.img"; done
sync
copy=$(since "$t")
rm -rf "$T_ROOT/copies"

t=$(now)
out=$("$XM" clone -n "$N" -d "$T_ROOT/dry" "$T_ROOT/g.cfg") || exit 1
sync
clone=$(since "$t")
how=$(sed -n 's/^g-1: xvda: \(.*\) of .*/\1/p' <<<"$out")

t=$(now)
"$XM" clone -n "$N" -s -d "$T_ROOT/run" "$T_ROOT/g.cfg" >/dev/null || exit 1
started=$(since "$t")
logs=$T_ROOT/var/log/xvm/console
booted() {
	local i
	for i in $(seq "$N"); do
		grep -q 'login:' "$logs/guest-g-$i.log" 2>/dev/null || return 1
	done
}
until booted; do
	sleep 0.2
	if [[ $(echo "$(since "$t") > 1800" | bc) -eq 1 ]]; then
		echo "timed out"; break
	fi
done
boot=$(since "$t")
for i in $(seq "$N"); do "$XM" destroy "g-$i" 2>/dev/null; done
printf 'clones of a 64 MiB disk: %s (%s)\n' "$N" "$how"
printf 'copy  %d full copies (cp): %.2f s\n' "$N" "$copy"
printf 'clone xm clone -n %d: %.2f s\n' "$N" "$clone"
printf 'boot  xm clone -n %d -s, all at login: %.1f s (the command itself: %.2f s)\n' \
    "$N" "$boot" "$started"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
