#!/usr/bin/env bash
# virtio-console, the optional second console (docs/virtio.md): a Linux
# guest with virtio_console = "pty" gets a virtio console (its /dev/hvcN,
# Linux 6.1's unchanged virtio_console driver) served by xvm-dm over a pty
# whose slave xvmd names in the store at device/console/1/tty.  Dom0 reads
# what the guest writes there and the guest reads what dom0 writes.
. "$XVM_SRC/tests/integration/lib.sh"

L=$XVM_BUILD/guest/linux
XM=$XVM_BUILD/tools/xm/xm
DRIVE=$XVM_SRC/tests/integration/linux/consdrive.py
for f in "$L/Image" "$L/rootfs.cpio.gz" "$XVM_BUILD/dm/xvm-dm"; do
	[[ -e $f ]] || { echo "not ok 1 - missing $f (ninja builds it)"; exit 1; }
done
t_stack || exit 1
check() { local d=$1; shift; if "$@"; then t_ok "$d"; else t_not_ok "$d"; fi; }

printf '%s\n' 'name = "c"' 'memory = 128' "kernel = \"$L/Image\"" \
    "ramdisk = \"$L/rootfs.cpio.gz\"" 'extra = "console=ttyS0 quiet"' \
    'virtio_console = "pty"' >"$T_ROOT/c.cfg"
printf '%s\n' 'name = "bad"' "kernel = \"$L/Image\"" 'virtio_console = "tcp"' \
    >"$T_ROOT/bad.cfg"
out=$("$XM" create "$T_ROOT/bad.cfg" 2>&1)
check "virtio_console other than pty is refused ($out)" \
    grep -q 'bad.cfg:3: .*only "pty" is implemented' <<<"$out"
out=$("$XM" create "$T_ROOT/c.cfg" 2>&1)
check "xm create with virtio_console = \"pty\" ($out)" [ $? -eq 0 ]
id=$("$XM" domid c)
tty=$(xenstore-read "/local/domain/$id/device/console/1/tty" 2>/dev/null)
check "the store names the pty ($tty)" [ -c "$tty" ]

# Dom0's side: wait for the guest's line, answer with one.
python3 - "$tty" >"$T_ROOT/dom0.out" 2>&1 <<'PY' &
import os, sys, termios, tty, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
seen, end = b'', time.monotonic() + 900
while b'from-the-guest' not in seen and time.monotonic() < end:
    seen += os.read(fd, 4096)
print(seen.decode(errors='replace').strip())
os.write(fd, b'from-dom0\n')
time.sleep(5)
PY
T_PIDS+=($!)
reader=$!
out=$(python3 "$DRIVE" 900 'expect:login: ' 'send:root\r' 'expect:# ' \
    'send:ls /dev/hvc*; H=$(ls /dev/hvc* | tail -1); stty -F $H raw -echo; (head -n 1 $H >/tmp/in &); sleep 1; echo from-the-guest >$H; sleep 3; echo got-$(cat /tmp/in)\r' \
    'expect:got-' 'expect:# ' 'send:\x1d' -- "$XM" console c 2>&1 | tr -d '\r')
wait "$reader"
check "dom0 read the guest's line on the pty" grep -q from-the-guest "$T_ROOT/dom0.out"
check "the guest read dom0's line on its virtio console" grep -q '^got-from-dom0' <<<"$out"
[[ $? -eq 0 ]] || tail -15 <<<"$out" | sed 's/^/#   /'
check "the console's backend is connected (state 4)" bash -c \
    "[ \"\$(xenstore-read /local/domain/0/backend/console/$id/1/state)\" = 4 ]"
"$XM" destroy c
t_done
