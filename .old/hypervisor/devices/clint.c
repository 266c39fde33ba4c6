/*
 * CLINT: the SiFive core-local interruptor, as the RISC-V ACLINT spec
 * (v1.0-rc4) section 2 (MTIMER) and 3 (MSWI) describe it, at QEMU virt's
 * layout: msip[hart] at 0x0000 + 4 * hart, mtimecmp[hart] at 0x4000 +
 * 8 * hart, mtime at 0xbff8 (10 MHz from the host's monotonic clock;
 * writes to mtime are ignored).  32-bit halves of the 64-bit registers
 * are accepted, as the spec allows on RV32 and QEMU does on RV64.
 * MTIP itself is computed by each hart from its mtimecmp (cpu/trap.c),
 * so no host timer thread is involved.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"

#define MSIP_BASE	0x0000
#define MTIMECMP_BASE	0x4000
#define MTIME		0xbff8

static void *
clint_create(struct machine *m)
{
	return m;
}

static void
clint_destroy(void *st)
{
	(void)st;
}

static uint64_t
half(uint64_t reg, uint64_t off, unsigned size)
{
	if (size == 8)
		return reg;
	return (off & 4) ? reg >> 32 : reg & 0xffffffffULL;
}

static int
clint_read(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t *val)
{
	struct machine	*m = st;
	struct vcpu	*t;
	uint64_t	 h;

	(void)v;
	if (off < MTIMECMP_BASE) {
		h = off / 4;
		if (size != 4 || h >= machine_nvcpus(m))
			return -1;
		t = machine_vcpu(m, (unsigned)h);
		*val = (atomic_load(&t->lines) >> CPU_IRQ_MSIP) & 1;
		return 0;
	}
	if (off >= MTIME && off < MTIME + 8) {
		*val = half(machine_mtime(m), off, size);
		return 0;
	}
	h = (off - MTIMECMP_BASE) / 8;
	if (h >= machine_nvcpus(m))
		return -1;
	t = machine_vcpu(m, (unsigned)h);
	*val = half(atomic_load(&t->mtimecmp), off, size);
	return 0;
}

static int
clint_write(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t val)
{
	struct machine	*m = st;
	struct vcpu	*t;
	uint64_t	 h, old, new;

	(void)v;
	if (off < MTIMECMP_BASE) {
		h = off / 4;
		if (size != 4 || h >= machine_nvcpus(m))
			return -1;
		cpu_set_irq_line(machine_vcpu(m, (unsigned)h), CPU_IRQ_MSIP,
		    (int)(val & 1));
		return 0;
	}
	if (off >= MTIME)
		return 0;
	h = (off - MTIMECMP_BASE) / 8;
	if (h >= machine_nvcpus(m))
		return -1;
	t = machine_vcpu(m, (unsigned)h);
	old = atomic_load(&t->mtimecmp);
	do {
		if (size == 8)
			new = val;
		else if (off & 4)
			new = (old & 0xffffffffULL) | (val << 32);
		else
			new = (old & ~0xffffffffULL) | (val & 0xffffffffULL);
	} while (!atomic_compare_exchange_weak(&t->mtimecmp, &old, new));
	atomic_fetch_or(&t->events, EV_TIMER);
	if (t == v)
		cpu_timer_update(t);
	else if (t->wake != NULL)
		t->wake(t, t->wake_arg);
	return 0;
}

const struct device_ops clint_ops = {
	.name = "clint",
	.base = 0x2000000,
	.size = 0x10000,
	.create = clint_create,
	.destroy = clint_destroy,
	.read = clint_read,
	.write = clint_write,
};
