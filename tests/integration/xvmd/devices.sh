#!/usr/bin/env bash
# A domain's disks and vifs (issue 13, item 22), in a private network
# namespace with a bridge of its own: xend's frontend and backend entries
# and the device event log; and the host checked before a start -- a
# missing image or phy: device, a missing bridge, two running domains on
# one image with either writable (unless both say w!) -- refused with the
# reason, and nothing created.
# Only a network namespace: /sys still shows the host's interfaces, so
# xvmd must ask the kernel in its own namespace (if_nametoindex, ethtool).
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	XVM_IN_NETNS=1 exec unshare -n -- "$0" "$@"
	echo "# SKIP: cannot make a network namespace (unshare -n)"
	exit 77
fi
. "$(dirname "$0")/../lib.sh"

XM=$XVM_BUILD/tools/xm/xm
GUEST=$XVM_BUILD/guest/minios/minios.elf
if [[ ! -f $GUEST ]]; then
	echo "# SKIP: the mini-OS guest is not built"
	exit 77
fi
ip link add xenbr0 type bridge || {
	echo "# SKIP: cannot make a bridge in the namespace"
	exit 77
}
mkdir -p "$T_ROOT/etc/xvm"
echo '(shutdown-timeout 5)' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

check() {	# DESC COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_not_ok "$desc" "$*"; fi
}
cfg() {		# NAME [SETTINGS...]
	local name=$1
	shift
	{
		printf 'name = "%s"\nmemory = 16\nkernel = "%s"\n' "$name" "$GUEST"
		printf '%s\n' "$@"
	} >"$T_ROOT/$name.cfg"
}
domid() { "$XM" domid "$1" 2>/dev/null; }
gone() { ! "$XM" list "$1" >/dev/null 2>&1; }
truncate -s 1M "$T_ROOT/d.img" "$T_ROOT/cd.iso" "$T_ROOT/shared.img"

# xend's frontend and backend entries, and the device event log.
cfg dev1 "disk = ['file:$T_ROOT/d.img,xvda,w', 'file:$T_ROOT/cd.iso,hdc:cdrom,r']" \
    "vif = ['mac=00:16:3e:01:02:03,bridge=xenbr0', '']"
"$XM" create "$T_ROOT/dev1.cfg" >/dev/null
id=$(domid dev1)
fe=/local/domain/$id/device
be=/local/domain/0/backend
check "vbd 51712: frontend names its backend" [ "$(xenstore-read $fe/vbd/51712/backend)" = "$be/vbd/$id/51712" ]
check "vbd 51712: backend params, mode, type" [ "$(xenstore-read $be/vbd/$id/51712/params) $(xenstore-read $be/vbd/$id/51712/mode) $(xenstore-read $be/vbd/$id/51712/type)" = "$T_ROOT/d.img w file" ]
check "vbd 5632 (hdc) is a read-only cdrom" [ "$(xenstore-read $be/vbd/$id/5632/device-type) $(xenstore-read $be/vbd/$id/5632/mode)" = "cdrom r" ]
check "vif 0: the config's MAC, both ends" [ "$(xenstore-read $fe/vif/0/mac) $(xenstore-read $be/vif/$id/0/mac) $(xenstore-read $be/vif/$id/0/bridge)" = "00:16:3e:01:02:03 00:16:3e:01:02:03 xenbr0" ]
check "vif 1: a Xen MAC" grep -q '^00:16:3e:' <(xenstore-read $fe/vif/1/mac)
check "frontend Initialising, backend InitWait (xvm-dm serves it); the backend names its frontend" [ "$(xenstore-read $fe/vif/0/state) $(xenstore-read $be/vif/$id/0/state) $(xenstore-read $be/vif/$id/0/frontend-id)" = "1 2 $id" ]
check "frontend perms n$id,r0" bash -c "xenstore-ls -p /local/domain/$id/device/vif | grep -q '^0 = \"\" .*(n$id,r0)'"
log=$T_ROOT/var/log/xvm/xpvd-event.log
check "event log: four adds" [ "$(grep -c " add: dev1 " "$log")" = 4 ]
check "event log: vbd line" grep -q "\] vbd $id/51712 add: dev1 file:$T_ROOT/d.img,xvda,w\$" "$log"

# The host, checked before a start: each refusal names the disk or vif.
refused() {	# NAME DISK-OR-VIF-SETTING MESSAGE
	local name=$1 setting=$2 want=$3 out
	cfg "$name" "$setting"
	out=$("$XM" create "$T_ROOT/$name.cfg" 2>&1)
	if [[ $out == "Error: cannot start domain $name: $want" ]] && gone "$name"; then
		t_ok "refused: $want"
	else
		t_not_ok "$name refused" "got: $out" "want: Error: cannot start domain $name: $want"
	fi
}
refused m1 "disk = ['file:$T_ROOT/none.img,xvda,w']" \
    "disk xvda (file:) '$T_ROOT/none.img': No such file or directory"
refused m2 "disk = ['file:$T_ROOT,xvda,r']" \
    "disk xvda (file:) '$T_ROOT' is a directory, not a regular file or a block device"
refused m3 "disk = ['phy:nosuchdisk,xvda,r']" \
    "disk xvda (phy:) '/dev/nosuchdisk': No such file or directory"
refused m4 "disk = ['phy:$T_ROOT/d.img,xvda,r']" \
    "disk xvda (phy:) '$T_ROOT/d.img' is a regular file, not a block device"
refused m5 "disk = ['phy:/dev/null,xvda,r']" \
    "disk xvda (phy:) '/dev/null' is a character device, not a block device"
refused b1 "vif = ['bridge=nosuchbr']" "$T_ROOT/b1.cfg:4: vif bridge 'nosuchbr': no such network interface on this host"
refused b2 "vif = ['bridge=lo']" "$T_ROOT/b2.cfg:4: vif bridge 'lo': this interface is not a bridge"
# dev1 has d.img writable: nobody else may have it.
refused w1 "disk = ['file:$T_ROOT/d.img,xvdb,w']" \
    "disk xvdb '$T_ROOT/d.img' (mode w) is domain dev1's disk xvda already, in mode w (only 'w!' on both sides shares a writable disk)"
refused w2 "disk = ['file:$T_ROOT/d.img,xvdb,r']" \
    "disk xvdb '$T_ROOT/d.img' (mode r) is domain dev1's disk xvda already, in mode w (only 'w!' on both sides shares a writable disk)"
ln -s "$T_ROOT/d.img" "$T_ROOT/alias.img"
refused w3 "disk = ['file:$T_ROOT/alias.img,xvdb,w!']" \
    "disk xvdb '$T_ROOT/alias.img' (mode w!) is domain dev1's disk xvda already, in mode w (only 'w!' on both sides shares a writable disk)"
truncate -s 1M "$T_ROOT/x.img"
refused w4 "disk = ['file:$T_ROOT/x.img,xvda,w', 'file:$T_ROOT/x.img,xvdb,r']" \
    "disk xvdb '$T_ROOT/x.img' (mode r) is this domain's disk xvda already, in mode w (only 'w!' on both sides shares a writable disk)"
check "the default bridge xvmbr0 was made for dev1's vif without bridge=" \
    bash -c "ip -o link show xvmbr0 | grep -q xvmbr0"
# Read-only sharing, and w! on both sides, are fine.
cfg r1 "disk = ['file:$T_ROOT/cd.iso,hdc:cdrom,r']"
check "a second reader of cd.iso starts" bash -c "'$XM' create '$T_ROOT/r1.cfg' >/dev/null"
cfg s1 "disk = ['file:$T_ROOT/shared.img,xvda,w!']"
cfg s2 "disk = ['file:$T_ROOT/shared.img,xvda,w!']"
"$XM" create "$T_ROOT/s1.cfg" >/dev/null
check "w! and w! share an image" bash -c "'$XM' create '$T_ROOT/s2.cfg' >/dev/null"
refused s3 "disk = ['file:$T_ROOT/shared.img,xvda,w']" \
    "disk xvda '$T_ROOT/shared.img' (mode w) is domain s1's disk xvda already, in mode w! (only 'w!' on both sides shares a writable disk)"
# A managed domain's start is checked the same way.
cfg mw "disk = ['file:$T_ROOT/d.img,xvda,w']"
"$XM" new "$T_ROOT/mw.cfg"
out=$("$XM" start mw 2>&1)
check "xm start of a managed domain on dev1's disk: $out" [ "$out" = "Error: cannot start domain mw: disk xvda '$T_ROOT/d.img' (mode w) is domain dev1's disk xvda already, in mode w (only 'w!' on both sides shares a writable disk)" ]
# Once dev1 is gone its disk is free again.
"$XM" destroy dev1
check "backends removed with the domain" bash -c "! xenstore-exists $be/vbd/$id && ! xenstore-exists $be/vif/$id"
check "event log: four removes" [ "$(grep -c " remove: dev1 " "$log")" = 4 ]
check "after dev1, mw starts on d.img" "$XM" start mw
# A phy: device that exists (any of the host's, opened read-only).
blk=$(find /dev -maxdepth 1 -type b 2>/dev/null | head -1)
if [[ -n $blk ]]; then
	cfg p1 "disk = ['phy:$blk,xvda,r']"
	check "phy:$blk (a block device) is accepted, read-only" bash -c "'$XM' create '$T_ROOT/p1.cfg' >/dev/null"
	"$XM" destroy p1
fi
for d in mw r1 s1 s2; do "$XM" destroy "$d"; done
"$XM" delete mw

t_done
