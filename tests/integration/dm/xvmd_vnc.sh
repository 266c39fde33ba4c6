#!/usr/bin/env bash
# The graphical console through the whole stack (docs/vnc.md): xm create with
# vfb = ['vnc=1,...'] gives the domain video memory, a simple-framebuffer node
# and a virtio-input keyboard and tablet; its xvm-dm serves the screen over
# VNC.  A real RFB client (vnc_client, libvncclient) with the right password
# sees what the PV guest pv-vfb.elf drew; a wrong password is refused; keys it
# types reach the guest (its console says so, and the screen changes under
# the client); the port is in the store (console/vnc-port) and in xm list -l;
# without a password only loopback is allowed; vncunused takes the next free
# port; xend's vncpasswd (xvmd.conf) is the default, re-read on SIGHUP
# (svcadm refresh); the HVM-style vnc = 1 keys work too.
# In a network namespace of its own, so the VNC ports are private to the run.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
. "$XVM_SRC/tests/integration/lib.sh"

XM=$XVM_BUILD/tools/xm/xm
VFB=$XVM_BUILD/guest/pv-tests/pv-vfb.elf
CLIENT=$XVM_BUILD/tests/integration/dm/vnc_client
for f in "$VFB" "$CLIENT" "$XVM_BUILD/dm/xvm-dm"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f"; exit 1; }
done
mkdir -p "$T_ROOT/etc/xvm"
printf '(vncpasswd "hostpw")\n' >"$T_ROOT/etc/xvm/xvmd.conf"
t_stack || exit 1

check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }
mkcfg() {	# name extra-lines...
	local name=$1
	shift
	printf '%s\n' "name = \"$name\"" 'memory = 32' "kernel = \"$VFB\"" "$@" \
	    >"$T_ROOT/$name.cfg"
}
port_of() { xenstore-read "/local/domain/$("$XM" domid "$1")/console/vnc-port"; }
client() { timeout 120 "$CLIENT" --timeout 60 "$@"; }

# A display with its own password, on display 7 (port 5907).
mkcfg g1 "vfb = [ 'vnc=1,vncdisplay=7,vncpasswd=s3cret' ]"
out=$("$XM" create "$T_ROOT/g1.cfg" 2>&1)
check "xm create with vfb = [...] ($out)" [ $? -eq 0 ]
t_wait_for "the guest's keyboard" 120 bash -c "'$XM' dmesg | grep -q 'vfb: keyboard ready'"
check "the guest drew, and found its keyboard and tablet through the select scheme" \
    bash -c "'$XM' dmesg | grep -q 'vfb: drawn' && '$XM' dmesg | grep -q 'vfb: tablet ready' &&
	     '$XM' dmesg | grep -q 'vfb: keyboard ready' && ! '$XM' dmesg | grep -q 'vfb: FAIL'"
check "console/vnc-port in the store is 5907" [ "$(port_of g1)" = 5907 ]
check "xm list -l shows the vfb and where it listens" \
    bash -c "'$XM' list -l g1 | grep -q '(location 127.0.0.1:5907)' && '$XM' list -l g1 | grep -q '(vncpasswd XXXXXXXX)' &&
	     ! '$XM' list -l g1 | grep -q s3cret"

out=$(client --password s3cret 127.0.0.1 5907 expect 400,150,ff0000 \
    expect 400,300,00ff00 expect 400,400,0000ff expect 400,550,ffffff \
    expect 50,50,000000 snap "$T_ROOT/g1.ppm" 2>&1)
check "the right password: the client sees the guest's bands ($out)" [ $? -eq 0 ]
check "the screenshot is 800x600" bash -c "head -c 15 '$T_ROOT/g1.ppm' | grep -q '800 600'"
out=$(client --password wrong 127.0.0.1 5907 expect 0,0,000000 2>&1)
check "a wrong password is refused (exit $?: $out)" [ $? -eq 2 ]
out=$(client 127.0.0.1 5907 expect 0,0,000000 2>&1)
check "no password is refused too (exit $?: $out)" [ $? -eq 2 ]

# Keys: 'a' is KEY_A (30), 'Z' Shift+z (42, 44); the strip turns the key's colour.
out=$(client --password s3cret 127.0.0.1 5907 type a expect 50,50,1ee180 \
    type Z expect 250,50,2cd380 latency 350,50 0x62 2>&1)
check "keys typed over VNC reach the guest and its screen ($out)" [ $? -eq 0 ]
check "the guest saw KEY_A, Shift and KEY_Z" \
    bash -c "'$XM' dmesg | grep -q 'vfb: key 030' && '$XM' dmesg | grep -q 'vfb: key 042' &&
	     '$XM' dmesg | grep -q 'vfb: key 044'"
grep -o 'latency [0-9.]* ms' <<<"$out" | sed 's/^/# key to pixels: /'
check "xvm-dm logged the wrong password" bash -c \
    "grep -q 'wrong password' '$T_ROOT/var/log/xvm/xvm-dm.log'"

# xend's vncpasswd when the domain has none; vncunused takes the next port.
mkcfg g2 "vfb = [ 'type=vnc,vncdisplay=7,vncunused=1' ]"
out=$("$XM" create "$T_ROOT/g2.cfg" 2>&1)
check "a second display on 5907 with vncunused ($out)" [ $? -eq 0 ]
check "it took 5908" [ "$(port_of g2)" = 5908 ]
t_wait_for "g2 drawn" 120 bash -c "'$XM' dmesg | grep -c 'vfb: keyboard ready' | grep -q 2"
check "xend's config/vncpasswd guards it" \
    bash -c "'$CLIENT' --password hostpw 127.0.0.1 5908 expect 400,150,ff0000 >/dev/null &&
	     ! '$CLIENT' --password s3cret 127.0.0.1 5908 expect 0,0,000000 >/dev/null 2>&1"
mkcfg g3 "vfb = [ 'vnc=1,vncdisplay=7' ]"
check "without vncunused a taken port is refused, naming it" \
    bash -c "'$XM' create '$T_ROOT/g3.cfg' 2>&1 | grep -q 'cannot listen on 127.0.0.1 port 5907'"
check "the refused domain left nothing behind" bash -c "! '$XM' list g3 >/dev/null 2>&1"

# No password anywhere: loopback only, and a clear refusal elsewhere.
printf '(vncpasswd "")\n' >"$T_ROOT/etc/xvm/xvmd.conf"
kill -HUP "$XVMD_PID"
t_wait_for "xvmd re-read its settings" 30 grep -q 'refresh: vncpasswd' "$T_ROOT/var/log/xvm/xvmd.log"
mkcfg g4 'vnc = 1' 'vncdisplay = 20' 'vnclisten = "0.0.0.0"'
check "no password on 0.0.0.0 is refused, saying why" \
    bash -c "'$XM' create '$T_ROOT/g4.cfg' 2>&1 | grep -q 'only on a loopback address'"
mkcfg g5 'vnc = 1' 'vncdisplay = 21'
out=$("$XM" create "$T_ROOT/g5.cfg" 2>&1)
check "HVM-style vnc = 1 without a password on loopback ($out)" [ $? -eq 0 ]
check "an unauthenticated client sees its screen" \
    client 127.0.0.1 5921 expect 400,400,0000ff
check "console/vnc-port of g5 is 5921" [ "$(port_of g5)" = 5921 ]

# A bad display setting is a one-line error naming it.
mkcfg bad "vfb = [ 'vnc=1,sdl=1' ]"
check "sdl=1 is refused as not implemented" \
    bash -c "'$XM' create '$T_ROOT/bad.cfg' 2>&1 | grep -q 'sdl: not implemented'"

for d in g1 g2 g5; do "$XM" destroy "$d" >/dev/null 2>&1; done
t_wait_for "every model gone" 60 bash -c "! pgrep -x xvm-dm -a | grep -q -- '--root $T_ROOT '"
check "destroying the domains ended their models and ports" \
    bash -c "! (exec 3<>/dev/tcp/127.0.0.1/5907) 2>/dev/null"
t_done
