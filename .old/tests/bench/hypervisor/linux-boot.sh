#!/usr/bin/env bash
# Boot a stock Linux 6.1 (Debian's linux-source-6.1, configured without
# FPU: this core is RV64IMAC) to a static /init on our core and on QEMU,
# and print the time each takes.  Not part of `meson test`: it needs the
# kernel source (~140 MB), binutils-riscv64-linux-gnu (the bare-metal ld
# cannot link the vDSO: no -shared) and a ~5 minute kernel build.
#   tests/bench/hypervisor/linux-boot.sh BUILDDIR WORKDIR [VCPUS]
set -euo pipefail
build=$(realpath "$1")
work=$(realpath -m "$2")
vcpus=${3:-1}
hv=$build/hypervisor/xvm-hypervisor
src=/usr/src/linux-source-6.1.tar.xz
[[ -f $src ]] || { echo "linux-boot: $src missing (apt-get install linux-source-6.1)" >&2; exit 1; }
mkdir -p "$work/init"

cat > "$work/init/init.c" <<'C'
/* A static /init: prints from user space, then powers off. */
static long
sys3(long n, long a, long b, long c)
{
	register long a0 __asm__("a0") = a, a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c, a7 __asm__("a7") = n;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

void
_start(void)
{
	static const char msg[] = "xvm: hello from Linux user space\n";

	sys3(64, 1, (long)msg, sizeof(msg) - 1);		/* write */
	sys3(142, 0xfee1dead, 672274793, 0x4321fedc);		/* power off */
	for (;;)
		;
}
C
riscv64-unknown-elf-gcc -march=rv64imac -mabi=lp64 -O2 -static -nostdlib \
    -ffreestanding -o "$work/init/init" "$work/init/init.c"
printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nfile /init %s 0755 0 0\n' \
    "$work/init/init" > "$work/init/list"
cat > "$work/init/frag" <<F
CONFIG_64BIT=y
CONFIG_MMU=y
CONFIG_SOC_VIRT=y
CONFIG_SMP=y
CONFIG_NR_CPUS=8
CONFIG_FPU=n
CONFIG_RISCV_ISA_C=y
CONFIG_RISCV_ISA_SVPBMT=n
CONFIG_RISCV_ISA_ZICBOM=n
CONFIG_EFI=n
CONFIG_MODULES=n
CONFIG_PRINTK=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_SERIAL_OF_PLATFORM=y
CONFIG_HVC_RISCV_SBI=y
CONFIG_SERIAL_EARLYCON_RISCV_SBI=y
CONFIG_RISCV_SBI_V01=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_INITRAMFS_SOURCE="$work/init/list"
CONFIG_BINFMT_ELF=y
CONFIG_POWER_RESET=y
CONFIG_POWER_RESET_SYSCON=y
CONFIG_POWER_RESET_SYSCON_POWEROFF=y
CONFIG_SIFIVE_PLIC=y
CONFIG_DEVTMPFS=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
F
if [[ ! -d $work/linux-source-6.1 ]]; then
	tar -C "$work" -xJf "$src"
fi
make -C "$work/linux-source-6.1" -s ARCH=riscv CROSS_COMPILE=riscv64-unknown-elf- \
    LD=riscv64-linux-gnu-ld KCONFIG_ALLCONFIG="$work/init/frag" allnoconfig
make -C "$work/linux-source-6.1" -s ARCH=riscv CROSS_COMPILE=riscv64-unknown-elf- \
    LD=riscv64-linux-gnu-ld -j"$(nproc)" Image
image=$work/linux-source-6.1/arch/riscv/boot/Image

t0=$(date +%s.%N)
"$hv" run --vcpus "$vcpus" --append "console=ttyS0 earlycon=sbi" "$image" | tee "$work/ours.log"
t1=$(date +%s.%N)
qemu-system-riscv64 -machine virt -nographic -m 128M -smp "$vcpus" -kernel "$image" \
    -append "console=ttyS0 earlycon=sbi" | tee "$work/qemu.log"
t2=$(date +%s.%N)
grep -q 'hello from Linux user space' "$work/ours.log"
echo "linux-boot: ours $(echo "$t1 - $t0" | bc) s, qemu (with OpenSBI) $(echo "$t2 - $t1" | bc) s"
