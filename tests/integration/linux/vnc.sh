#!/usr/bin/env bash
# The Linux guest image on its graphical console (docs/vnc.md): with vfb =
# ['vnc=1,...'] the stock kernel's simplefb and fbcon show a login prompt on
# tty1 in the framebuffer; a real RFB client (vnc_client) takes a screenshot
# that tesseract reads "login:" from; root logs in by keys typed over VNC
# (virtio-input, evdev and the VT keyboard) and runs a command whose output
# then appears on the screen.  In a network namespace of its own.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
. "$XVM_SRC/tests/integration/lib.sh"

L=$XVM_BUILD/guest/linux
XM=$XVM_BUILD/tools/xm/xm
CLIENT=$XVM_BUILD/tests/integration/dm/vnc_client
for f in "$L/Image" "$L/rootfs.cpio.gz" "$CLIENT"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f (ninja builds it)"; exit 1; }
done
command -v tesseract >/dev/null || { echo "# SKIP: tesseract-ocr is not installed"; exit 77; }
t_stack || exit 1
check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }

printf '%s\n' 'name = "screen"' 'memory = 128' 'vcpus = 2' \
    "kernel = \"$L/Image\"" "ramdisk = \"$L/rootfs.cpio.gz\"" \
    'extra = "console=hvc0"' "vfb = [ 'vnc=1,vncdisplay=3,vncpasswd=linux' ]" \
    >"$T_ROOT/screen.cfg"
out=$("$XM" create "$T_ROOT/screen.cfg" 2>&1)
check "xm create a Linux guest with a display ($out)" [ $? -eq 0 ]
t_wait_for "the serial console's login prompt" 900 \
    grep -q "console login" "$T_ROOT/var/log/xvm/console/guest-screen.log"
check "the kernel drives the framebuffer (simplefb) and the virtio keyboard" \
    bash -c "grep -q 'simplefb registered' '$T_ROOT/var/log/xvm/console/guest-screen.log' &&
	     grep -q 'input: xVM keyboard' '$T_ROOT/var/log/xvm/console/guest-screen.log'"

# Read the screen: the top of tty1, scaled up for OCR.
ocr() {	# name -> text of the screen's top 320 rows
	timeout 120 "$CLIENT" --password linux 127.0.0.1 5903 idle 2 snap "$T_ROOT/$1.ppm" >/dev/null &&
	    convert "$T_ROOT/$1.ppm" -crop 800x320+0+0 -colorspace gray -negate \
		-scale 400% -threshold 40% "$T_ROOT/$1.png" &&
	    tesseract "$T_ROOT/$1.png" - --psm 6 2>/dev/null
}
t_wait_for "the login prompt on the screen" 300 bash -c "$(declare -f ocr); T_ROOT='$T_ROOT' CLIENT='$CLIENT'; ocr login | grep -q 'login'"
text=$(ocr login)
check "tesseract reads the login prompt off the VNC screenshot ($(tr '\n' ' ' <<<"$text" | cut -c1-120))" \
    grep -q "login" <<<"$text"
out=$(timeout 120 "$CLIENT" --password linux 127.0.0.1 5903 type $'root\n' idle 3 \
    type $'echo $((6*7))-DONE\n' idle 3 2>&1)
check "root typed over VNC ($out)" [ $? -eq 0 ]
t_wait_for "the command's output on the screen" 120 bash -c "$(declare -f ocr); T_ROOT='$T_ROOT' CLIENT='$CLIENT'; ocr cmd | grep -Eq '42.{0,2}DONE'"
text=$(ocr cmd)
check "the command's output is on the screen ($(tr '\n' ' ' <<<"$text" | cut -c1-160))" \
    grep -Eq '42.{0,2}DONE' <<<"$text"
"$XM" destroy screen >/dev/null 2>&1
t_done
