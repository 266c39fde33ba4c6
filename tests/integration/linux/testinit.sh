#!/usr/bin/env bash
# The glibc test init (guest/linux/testinit.c: fork, files in tmpfs, double
# precision) as /init of a stock Linux 6.1: its output on QEMU + OpenSBI is the
# reference; our core must print the same under `xvm-hypervisor run` (1 and 4
# vCPUs, console on SBI and on the UART) and as a domain under `xm create` (a
# Linux Image and a vmlinux).
. "$XVM_SRC/tests/integration/lib.sh"

L=$XVM_BUILD/guest/linux
HV=$XVM_BUILD/hypervisor/xvm-hypervisor
XM=$XVM_BUILD/tools/xm/xm
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
QEMU=$(command -v qemu-system-riscv64 || true)
for f in "$L/Image" "$L/vmlinux" "$L/testinit.cpio" "$FW" "$QEMU"; do
	if [[ ! -e $f ]]; then
		echo "not ok 1 - missing $f (scripts/setup-deps, ninja)"
		exit 1
	fi
done

# The init's own lines, without its pid; the kernel's are not compared.
init_lines() { tr -d '\r' | sed -n '/^INIT-START/,/^INIT-DONE/p' | sed 's/ pid [0-9]*$//'; }

check_same() {
	local what=$1 got=$2
	if [[ $got == "$ref" ]]; then
		t_ok "$what: the same output as QEMU"
	else
		t_not_ok "$what: output differs from QEMU" \
		    "$(diff <(echo "$ref") <(echo "$got") | head -20)"
	fi
}

ref=$(timeout 600 "$QEMU" -machine virt -smp 1 -m 256M -nographic -bios "$FW" \
    -kernel "$L/Image" -initrd "$L/testinit.cpio" -append "console=hvc0 quiet" \
    </dev/null 2>&1 | init_lines)
if [[ $ref == *"INIT-DONE PASS" ]]; then
	t_ok "QEMU + OpenSBI: the test init passes"
else
	t_not_ok "QEMU + OpenSBI: the test init did not pass" "$ref"
fi

for run in "1 console=hvc0" "4 console=hvc0" "1 console=ttyS0"; do
	set -- $run
	out=$(timeout 600 "$HV" run --vcpus "$1" --memory 256 --initrd \
	    "$L/testinit.cpio" --append "$2 quiet" "$L/Image" </dev/null 2>&1)
	status=$?
	if [[ $status -eq 0 ]]; then
		t_ok "xvm-hypervisor run, $1 vCPU(s), $2: powered off, exit 0"
	else
		t_not_ok "xvm-hypervisor run, $1 vCPU(s), $2: exit $status" \
		    "$(echo "$out" | tail -5)"
	fi
	check_same "xvm-hypervisor run, $1 vCPU(s), $2" "$(echo "$out" | init_lines)"
done

t_stack || exit 1
# the vmlinux domain runs on the translator (cpu = "jit", xmdomain.cfg(5))
for k in "Image console=hvc0 interp" "vmlinux console=ttyS0 jit"; do
	set -- $k
	name=glibc-$1
	printf '%s\n' "name = \"$name\"" 'memory = 128' 'vcpus = 2' \
	    "kernel = \"$L/$1\"" "ramdisk = \"$L/testinit.cpio\"" \
	    "extra = \"$2 quiet\"" "cpu = \"$3\"" >"$T_ROOT/$name.cfg"
	if ! out=$("$XM" create "$T_ROOT/$name.cfg" 2>&1); then
		t_not_ok "xm create $name ($1, $2)" "$out"
		continue
	fi
	log=$T_ROOT/var/log/xvm/console/guest-$name.log
	t_wait_for "INIT-DONE in $log" 600 grep -q INIT-DONE "$log"
	check_same "xm create, a Linux $1, $2" "$(init_lines <"$log")"
	# The init powers off: on_poweroff = destroy.
	if t_wait_for "$name to power off" 120 bash -c "! '$XM' list '$name'"; then
		t_ok "xm create $name: the guest powered off and is gone"
	else
		t_not_ok "xm create $name: still listed after the init's power-off"
		"$XM" destroy "$name" 2>/dev/null
	fi
done
t_done
