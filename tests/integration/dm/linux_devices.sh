#!/usr/bin/env bash
# Stock Linux 6.1 drivers (virtio_mmio, virtio_blk, virtio_net) on xvm-dm,
# through the whole stack, inside a network namespace of this test's own:
# two guests with a vif on the default bridge xvmbr0 (which xvmd creates),
# one with a disk (a copy of the ext4 root image).  The disk guest mounts
# /dev/vda, reads it, writes a file and syncs: the file is in the image on
# the host.  Dom0 pings the guests and they ping each other and dom0; they
# fetch a file from dom0 with wget, and move one guest to guest with nc.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
. "$XVM_SRC/tests/integration/lib.sh"

L=$XVM_BUILD/guest/linux
XM=$XVM_BUILD/tools/xm/xm
DRIVE=$XVM_SRC/tests/integration/linux/consdrive.py
export XVM_DM=$XVM_BUILD/dm/xvm-dm
for f in "$L/Image" "$L/rootfs.cpio.gz" "$L/rootfs.ext4" "$XVM_DM"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f (ninja builds it)"; exit 1; }
done
ip link set lo up
t_stack || exit 1

check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }
mkcfg() {	# name extra-lines...
	local name=$1
	shift
	printf '%s\n' "name = \"$name\"" 'memory = 128' 'vcpus = 1' \
	    "kernel = \"$L/Image\"" "ramdisk = \"$L/rootfs.cpio.gz\"" \
	    'extra = "console=ttyS0 quiet"' "$@" >"$T_ROOT/$name.cfg"
}
# drive NAME STEP...: log in on NAME's console and run the steps.
drive() {
	local name=$1
	shift
	python3 "$DRIVE" 600 "expect:login: " 'send:root\r' 'expect:# ' "$@" \
	    'send:\x1d' -- "$XM" console "$name" 2>&1
}

cp --sparse=always "$L/rootfs.ext4" "$T_ROOT/data.img"
mkcfg g1 "disk = [ 'file:$T_ROOT/data.img,xvda,w' ]" \
    "vif = [ 'mac=00:16:3e:00:00:01' ]"
mkcfg g2 "vif = [ 'mac=00:16:3e:00:00:02,bridge=xvmbr0' ]"
for g in g1 g2; do
	out=$("$XM" create "$T_ROOT/$g.cfg" 2>&1)
	check "xm create $g ($out)" [ $? -eq 0 ]
done
check "xvmd created the default bridge xvmbr0 with both taps on it" bash -c \
    "ip -o link show master xvmbr0 | grep -q 'vif$("$XM" domid g1).0' &&
     ip -o link show master xvmbr0 | grep -q 'vif$("$XM" domid g2).0'"
ip addr add 10.0.0.1/24 dev xvmbr0
echo "from dom0 over http" >"$T_ROOT/www.txt"
(cd "$T_ROOT" && exec python3 -m http.server --bind 10.0.0.1 8000) >/dev/null 2>&1 &
T_PIDS+=($!)

out=$(drive g1 \
    'send:ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && echo net-$((40+2))\r' \
    'expect:net-42' 'expect:# ' \
    'send:mount /dev/vda /mnt && cat /mnt/etc/hostname && echo persisted >/mnt/root/f && sync && umount /mnt && echo disk-$((40+2))\r' \
    'expect:disk-42' 'expect:# ' \
    'send:wget -q -O - http://10.0.0.1:8000/www.txt\r' 'expect:from dom0 over http' 'expect:# ' \
    'send:yes xvm | head -c 100000 >/tmp/blob; (until nc 10.0.0.3 5000 </tmp/blob; do sleep 1; done) 2>/dev/null &\r')
st=$?
check "g1: eth0 up, /dev/vda mounted and written, wget from dom0" [ $st -eq 0 ]
[[ $st -eq 0 ]] || echo "$out" | tail -20 | sed 's/^/# /'
check "g1 read the disk (its /etc/hostname)" grep -q "^demo" <<<"$(tr -d '\r' <<<"$out")"
check "the file g1 wrote is in the image on the host" \
    bash -c "debugfs -R 'cat /root/f' '$T_ROOT/data.img' 2>/dev/null | grep -qx persisted"

out=$(drive g2 \
    'send:ip addr add 10.0.0.3/24 dev eth0 && ip link set eth0 up && nc -l -p 5000 >/tmp/got; wc -c </tmp/got\r' \
    'expect:100000' 'expect:# ' \
    'send:ping -c 2 -W 5 10.0.0.2 && ping -c 2 -W 5 10.0.0.1 && echo ping-$((40+2))\r' \
    'expect:ping-42' 'expect:# ')
st=$?
check "g2: 100000 bytes from g1 with nc (guest to guest), then g2 pings g1 and dom0" [ $st -eq 0 ]
[[ $st -eq 0 ]] || echo "$out" | tail -20 | sed 's/^/# /'
check "dom0 pings g1 and g2" bash -c "ping -c 2 -W 5 10.0.0.2 && ping -c 2 -W 5 10.0.0.3"

for g in g1 g2; do "$XM" destroy "$g"; done
check "the taps went with their domains" bash -c "! ip link show | grep -q vif"
t_done
