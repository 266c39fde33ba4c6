#!/usr/bin/env bash
# Identical guests from one (docs/disk-clones.md): xm clone -n 2 -s makes two
# configs and two xvm-cow overlays of the original's writable image (this
# filesystem has no reflinks: ext4), starts both; each PV guest reads the
# original's sector 0 through its overlay and writes sector 1 into its own
# overlay; the original stays as it was.  A clone of a clone is an overlay
# copy.
. "$XVM_SRC/tests/integration/lib.sh"

XM=$XVM_BUILD/tools/xm/xm
PVV=$XVM_BUILD/guest/pv-tests/pv-virtio.elf
IDLE=$XVM_BUILD/guest/pv-tests/pv-idle.elf
export XVM_DM=$XVM_BUILD/dm/xvm-dm
for f in "$PVV" "$IDLE" "$XVM_DM"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f"; exit 1; }
done
t_stack || exit 1

check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }
# Sector N of an overlay's disk, as it holds it (data_off is at byte 40).
ov_sector() {
	python3 -c 'import struct,sys
f=open(sys.argv[1],"rb"); h=f.read(48); f.seek(struct.unpack("<Q",h[40:48])[0]+512*int(sys.argv[2]))
sys.stdout.write(f.read(512).split(b"\0")[0].decode())' "$1" "$2"
}
export -f ov_sector

truncate -s 1M "$T_ROOT/base.img"
printf 'hello from dom0\0' | dd of="$T_ROOT/base.img" conv=notrunc 2>/dev/null
printf '%s\n' 'name = "web"' 'memory = 32' "kernel = \"$PVV\"" \
    "disk = [ 'file:$T_ROOT/base.img,xvda,w' ]" >"$T_ROOT/web.cfg"

out=$("$XM" clone -n 2 -s "$T_ROOT/web.cfg" 2>&1)
check "xm clone -n 2 -s ($out)" [ $? -eq 0 ]
check "two overlays of base.img were made" bash -c \
    "grep -q 'web-1: xvda: overlay of $T_ROOT/base.img' <<<'$out' &&
     grep -q 'web-2: xvda: overlay of $T_ROOT/base.img' <<<'$out' &&
     grep -q 'Started domain web-2' <<<'$out'"
check "each clone has its own config" bash -c \
    "grep -q 'name = \"web-1\"' '$T_ROOT/web-1.cfg' && grep -q 'web-2.xvda.img,xvda,w' '$T_ROOT/web-2.cfg'"
t_wait_for "both clones' writes" 120 bash -c \
    "[ \$('$XM' dmesg | grep -c 'virtio-blk: wrote') -ge 2 ]"
check "both clones read the original's sector 0 through their overlays" bash -c \
    "[ \$('$XM' dmesg | grep -c 'virtio-blk: read hello from dom0') -ge 2 ]"
t_wait_for "the clones to power off" 60 bash -c "! '$XM' list web-1 && ! '$XM' list web-2"
for i in 1 2; do
	check "web-$i's write is in its overlay" \
	    bash -c "[ \"\$(ov_sector '$T_ROOT/web-$i.xvda.img' 1)\" = 'written by the guest' ]"
done
check "the original image is untouched" \
    bash -c "! dd if='$T_ROOT/base.img' bs=512 skip=1 count=1 2>/dev/null | grep -q written"

out=$("$XM" clone -n 1 "$T_ROOT/web-1.cfg" 2>&1)
check "a clone of a clone is an overlay copy, with web-1's write ($out)" bash -c \
    "grep -q 'web-1-1: xvda: overlay copy' <<<'$out' &&
     [ \"\$(ov_sector '$T_ROOT/web-1-1.xvda.img' 1)\" = 'written by the guest' ]"
out=$("$XM" clone -n 1 "$T_ROOT/web.cfg" 2>&1)
check "an existing clone is never overwritten ($out)" \
    bash -c "grep -q 'web-1.xvda.img.*File exists' <<<'$out'"
t_done
