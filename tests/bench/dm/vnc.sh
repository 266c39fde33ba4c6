#!/usr/bin/env bash
# The graphical console's costs (docs/vnc.md, docs/PERFORMANCE.md): a domain
# running the PV guest pv-vfb.elf with a display, its xvm-dm measured from
# /proc/PID/stat over WINDOW seconds with no VNC client and then with one
# connected to an unchanging screen; then the time from a key press sent by a
# real RFB client (vnc_client) to the changed pixels in that client, N times.
#   tests/bench/dm/vnc.sh BUILD_DIR [WINDOW_S [N]]     (defaults 10, 20)
# Runs in a network namespace of its own; prints "name value unit" lines.
if [[ -z ${XVM_IN_NETNS:-} ]]; then
	exec env XVM_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
XVM_BUILD=$(cd "${1:?usage: vnc.sh BUILD_DIR [WINDOW_S [N]]}" && pwd)
XVM_SRC=$(cd "$(dirname "$0")/../../.." && pwd)
export XVM_BUILD XVM_SRC
WINDOW=${2:-10}
N=${3:-20}
. "$XVM_SRC/tests/integration/lib.sh"
XM=$XVM_BUILD/tools/xm/xm
CLIENT=$XVM_BUILD/tests/integration/dm/vnc_client
t_stack || exit 1
printf '%s\n' 'name = "bench"' 'memory = 32' \
    "kernel = \"$XVM_BUILD/guest/pv-tests/pv-vfb.elf\"" \
    "vfb = [ 'vnc=1,vncdisplay=1,vncpasswd=bench' ]" >"$T_ROOT/bench.cfg"
"$XM" create "$T_ROOT/bench.cfg" >/dev/null || exit 1
t_wait_for "the guest" 120 bash -c "'$XM' dmesg | grep -q 'vfb: keyboard ready'" || exit 1
dm=$(pgrep -a -x xvm-dm | grep -- "--root $T_ROOT " | cut -d" " -f1)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
cpu() {	# pid seconds -> % of one core
	local a b
	a=$(ticks "$1"); sleep "$2"; b=$(ticks "$1")
	echo "scale=2; ($b - $a) * 100 / $hz / $2" | bc
}
echo "dm_cpu_no_client $(cpu "$dm" "$WINDOW") %"
"$CLIENT" --password bench 127.0.0.1 5901 idle $((WINDOW + 4)) >/dev/null &
cl=$!
sleep 2
echo "dm_cpu_idle_client $(cpu "$dm" "$WINDOW") %"
wait $cl
steps=()
for ((i = 0; i < N; i++)); do
	# Each press paints the next 100x100 block of the guest's top strip
	# in its key's colour: 'a' on the first pass over the 8, 'b' the next.
	steps+=(latency "$((50 + (i % 8) * 100)),50" $(( (i / 8) % 2 ? 0x62 : 0x61 )))
done
"$CLIENT" --password bench 127.0.0.1 5901 "${steps[@]}" |
    awk '/^latency/ { print $2 }' | sort -n | awk '{ v[++n] = $1 } END {
	if (n == 0) exit 1
	printf "key_to_pixels_min %.1f ms\nkey_to_pixels_median %.1f ms\nkey_to_pixels_max %.1f ms (%d presses)\n",
	    v[1], v[int((n + 1) / 2)], v[n], n }'
"$XM" destroy bench >/dev/null
