#!/usr/bin/env bash
# Disks through the whole stack (docs/virtio.md): xm create with disk = [...]
# starts xvm-dm for the domain, xvmd opens the images and passes them; the PV
# test guest pv-virtio.elf reads what dom0 wrote and writes back through
# virtio-blk; the store shows the backend serving; a second writer of an
# image is refused unless both say 'w!'; a missing image is refused; kill -9
# of one domain's model leaves the domain (and others) running and xvmd
# says so; xpvd-event.log has every add and remove.
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
mkcfg() {	# name kernel disk...
	local name=$1 kernel=$2 d list=""
	shift 2
	for d in "$@"; do list+="'$d', "; done
	printf '%s\n' "name = \"$name\"" 'memory = 32' "kernel = \"$kernel\"" \
	    "disk = [ $list]" >"$T_ROOT/$name.cfg"
}
# The pid of domain $1's xvm-dm (by process name: a pattern on command lines
# would find the shell that runs it).
dm_of() { pgrep -a -x xvm-dm | grep -- "--root $T_ROOT --domain $1 " | cut -d' ' -f1; }
has_dm() { [[ -n $(dm_of "$1") ]]; }
img() { truncate -s 1M "$1"; printf 'hello from dom0\0' | dd of="$1" conv=notrunc 2>/dev/null; }
refused() {	# cfg pattern: xm create fails, naming the pattern
	local out st
	out=$("$XM" create "$1" 2>&1)
	st=$?
	[[ $st -ne 0 ]] && grep -q -- "$2" <<<"$out"
}

# The guest reads sector 0 and writes sector 1 through xvm-dm.
img "$T_ROOT/a.img"
mkcfg rw "$PVV" "file:$T_ROOT/a.img,xvda,w"
out=$("$XM" create "$T_ROOT/rw.cfg" 2>&1)
check "xm create with a writable disk ($out)" [ $? -eq 0 ]
t_wait_for "the guest's read" 120 bash -c "'$XM' dmesg | grep -q 'virtio-blk: read hello from dom0'"
check "the guest read sector 0 through virtio-blk" bash -c "'$XM' dmesg | grep -q 'virtio-blk: read hello from dom0'"
t_wait_for "the guest's write" 120 bash -c "'$XM' dmesg | grep -q 'virtio-blk: wrote'"
check "the guest's write of sector 1 is in the image" \
    bash -c "dd if='$T_ROOT/a.img' bs=512 skip=1 count=1 2>/dev/null | grep -q 'written by the guest'"
t_wait_for "rw to power off" 60 bash -c "! '$XM' list rw"
check "xpvd-event.log: the vbd added and removed" bash -c \
    "grep -q 'vbd [0-9]*/51712 add: rw file:$T_ROOT/a.img,xvda,w' '$T_ROOT/var/log/xvm/xpvd-event.log' &&
     grep -q 'vbd [0-9]*/51712 remove: rw' '$T_ROOT/var/log/xvm/xpvd-event.log'"

# A domain that keeps running (pv-idle ignores its disk): the backend serves.
img "$T_ROOT/b.img"
mkcfg keep "$IDLE" "file:$T_ROOT/b.img,xvda,w"
"$XM" create "$T_ROOT/keep.cfg" >/dev/null
id=$("$XM" domid keep)
check "backend/vbd/$id/51712: state 2 (serving, no driver yet), params, mode" bash -c \
    "[ \"\$(XENSTORED_PATH=$T_ROOT/run/xenstored/socket xenstore-read /local/domain/0/backend/vbd/$id/51712/state)\" = 2 ] &&
     [ \"\$(XENSTORED_PATH=$T_ROOT/run/xenstored/socket xenstore-read /local/domain/0/backend/vbd/$id/51712/params)\" = '$T_ROOT/b.img' ]"
dmpid=$(dm_of "$id")
check "one xvm-dm serves domain $id" [ -n "$dmpid" ]

# Policy: a second writer is refused, with the holder named.
mkcfg second "$IDLE" "file:$T_ROOT/b.img,xvdb,w"
check "a second writer of b.img is refused, naming its user" \
    refused "$T_ROOT/second.cfg" "disk xvdb '.*b.img' (mode w) is domain keep's disk xvda already"

check "the refused domain left nothing behind" bash -c "! '$XM' list second"
mkcfg reader "$IDLE" "file:$T_ROOT/b.img,xvdb,r"
check "a reader of an image another domain writes is refused too" \
    refused "$T_ROOT/reader.cfg" "(mode r) is domain keep's disk xvda already"
mkcfg missing "$IDLE" "file:$T_ROOT/nowhere.img,xvda,r"
check "a missing image is refused" \
    refused "$T_ROOT/missing.cfg" "nowhere.img': No such file"

img "$T_ROOT/s.img"
mkcfg s1 "$IDLE" "file:$T_ROOT/s.img,xvda,w!"
mkcfg s2 "$IDLE" "file:$T_ROOT/s.img,xvda,w!"
check "two writers that both say w! may share an image" bash -c \
    "'$XM' create '$T_ROOT/s1.cfg' >/dev/null && '$XM' create '$T_ROOT/s2.cfg' >/dev/null"

# kill -9 of keep's model: keep runs on, xvmd reports it, s1 is untouched.
kill -9 "$dmpid"
t_wait_for "xvmd to notice the model's death" 30 grep -q "keep ($id): its device model (pid $dmpid) died" \
    "$T_ROOT/var/log/xvm/xvmd.log"
check "xvmd logged the model's death" grep -q "keep ($id): its device model (pid $dmpid) died" "$T_ROOT/var/log/xvm/xvmd.log"
check "backend state 6 (closed) after the model died" \
    bash -c "[ \"\$(XENSTORED_PATH=$T_ROOT/run/xenstored/socket xenstore-read /local/domain/0/backend/vbd/$id/51712/state)\" = 6 ]"
check "keep still runs" "$XM" list keep
s1=$("$XM" domid s1)
check "s1's model still serves" has_dm "$s1"

# Destroying a domain ends its model.
"$XM" destroy s1
check "xm destroy s1 ended its model" bash -c "! pgrep -a -x xvm-dm | grep -q -- '--root $T_ROOT --domain $s1 '"
for d in keep s2; do "$XM" destroy "$d" 2>/dev/null; done
t_done
