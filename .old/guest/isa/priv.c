/*
 * Privileged architecture: every synchronous trap cause this hart can
 * raise, with mcause/mtval/mepc; delegation to S-mode; xRET stacking of
 * mstatus; CSR access rules; counters and their enables; interrupts from
 * the CLINT (software, timer) with priorities, delegation and WFI.
 */
#include "guest.h"

#define TRAPS(cause_, tval_) do {					\
	CHECK_EQ(last_trap.count, 1);					\
	CHECK_EQ(last_trap.cause, (cause_));				\
	CHECK_EQ(last_trap.tval, (tval_));				\
	trap_clear();							\
} while (0)

static void
exceptions(void)
{
	unsigned long r;
	volatile uint64_t word = 0;

	trap_clear();
	__asm__ volatile(".word 0x0000007f");	/* reserved opcode */
	TRAPS(2, 0x7f);
	__asm__ volatile(".option arch, +zicsr\n csrw 0x7c0, zero");
	TRAPS(2, 0x7c001073);			/* no such CSR */
	__asm__ volatile(".option arch, +zicsr\n csrw mvendorid, zero");
	TRAPS(2, 0xf1101073);			/* read-only CSR */
	__asm__ volatile(".half 0x0000");	/* all-zero: illegal */
	TRAPS(2, 0);
	__asm__ volatile("ebreak");
	CHECK_EQ(last_trap.cause, 3);
	trap_clear();
	__asm__ volatile("ecall");
	TRAPS(11, 0);
	r = 0x200000;		/* a hole in the map: access fault */
	__asm__ volatile("ld %0, 0(%0)" : "+r"(r) :: "memory");
	TRAPS(5, 0x200000);
	__asm__ volatile("sd zero, 0(%0)" :: "r"(0x200008UL) : "memory");
	TRAPS(7, 0x200008);
	__asm__ volatile("amoadd.d zero, zero, (%0)" :: "r"((char *)&word + 4)
	    : "memory");
	/*
	 * The spec says store/AMO misaligned (6); QEMU 7.2 reports a load
	 * misaligned (4) for AMOs, so either passes here.
	 */
	CHECK_EQ(last_trap.count, 1);
	CHECK(last_trap.cause == 6 || last_trap.cause == 4);
	CHECK_EQ(last_trap.tval, (unsigned long)&word + 4);
	trap_clear();
	__asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"((char *)&word + 2)
	    : "memory");
	TRAPS(4, (unsigned long)&word + 2);
	/* fetch from a hole: resume at the label */
	__asm__ volatile("la t0, 1f\n sw t0, %0\n li t1, 0x200000\n jr t1\n1:"
	    : "=m"(trap_resume) :: "t0", "t1", "memory");
	TRAPS(1, 0x200000);
}

static void
modes(void)
{
	unsigned long st;

	trap_clear();
	/* U-mode: ecall cause 8, M CSRs and mret are illegal */
	to_mode(0);
	__asm__ volatile(".option arch, +zicsr\n csrr t0, mstatus" ::: "t0");
	__asm__ volatile(".option arch, +zicsr\n mret");
	__asm__ volatile("wfi");
	to_m();
	CHECK_EQ(last_trap.count, 3);
	CHECK_EQ(last_trap.cause, 2);
	trap_clear();
	/* S-mode: S CSRs fine, M CSRs not; ecall is cause 9 */
	to_mode(1);
	csr_write(sscratch, 0x1234);
	__asm__ volatile(".option arch, +zicsr\n csrr t0, mscratch" ::: "t0");
	to_m();
	CHECK_EQ(last_trap.count, 1);
	CHECK_EQ(last_trap.tval, 0x340022f3);	/* csrr t0, mscratch */
	CHECK_EQ(csr_read(sscratch), 0x1234);
	trap_clear();
	to_mode(1);
	__asm__ volatile("li a7, 0\n ecall" ::: "a7");	/* not the switch */
	to_m();
	CHECK_EQ(last_trap.cause, 9);
	trap_clear();

	/* delegation: an illegal instruction in U goes to stvec */
	csr_write(medeleg, 1UL << 2);
	CHECK_EQ(csr_read(medeleg), 4);
	to_mode(0);
	__asm__ volatile(".word 0x0000007f");
	to_m();
	CHECK_EQ(last_trap.count, 0);
	CHECK_EQ(last_strap.count, 1);
	CHECK_EQ(last_strap.cause, 2);
	CHECK_EQ(last_strap.tval, 0x7f);
	st = csr_read(mstatus);
	CHECK_EQ((st >> 8) & 1, 0);		/* SPP = U after sret */
	csr_write(medeleg, 0);
	trap_clear();
	/* in M-mode delegation does not apply */
	csr_write(medeleg, 1UL << 2);
	__asm__ volatile(".word 0x0000007f");
	CHECK_EQ(last_trap.count, 1);
	csr_write(medeleg, 0);
	trap_clear();
	/* mstatus WARL and sstatus view */
	CHECK_EQ(csr_read(mstatus) >> 32 & 0xf, 0xa);	/* UXL=SXL=64 */
	CHECK_EQ(csr_read(sstatus) & (1UL << 3), 0);	/* MIE invisible */
}

static void
counters(void)
{
	unsigned long a, b;

	a = csr_read(minstret);
	__asm__ volatile("nop\n nop\n nop");
	b = csr_read(minstret);
	CHECK_EQ(b - a, 4);		/* 3 nops + the first csrr */
	csr_write(minstret, 1000);
	a = csr_read(minstret);
	CHECK(a - 1000 <= 1);	/* QEMU counts the csrw itself */
	a = csr_read(time);
	CHECK(mmio_r64(CLINT_MTIME) >= a);
	/* counteren gates lower modes */
	csr_write(mcounteren, 0);
	trap_clear();
	to_mode(1);
	__asm__ volatile(".option arch, +zicsr\n rdcycle t0" ::: "t0");
	to_m();
	CHECK_EQ(last_trap.cause, 2);
	csr_write(mcounteren, 7);
	csr_write(scounteren, 2);
	trap_clear();
	to_mode(0);
	__asm__ volatile(".option arch, +zicsr\n rdtime t0" ::: "t0");
	__asm__ volatile(".option arch, +zicsr\n rdinstret t0" ::: "t0");
	to_m();
	CHECK_EQ(last_trap.count, 1);		/* instret only */
	trap_clear();
}

static volatile unsigned long irq_seen[4];

void
irq_hook(unsigned long cause)
{
	unsigned long code = cause & 0xff;

	irq_seen[irq_seen[0] + 1 < 4 ? ++irq_seen[0] : 3] = code;
	if (code == 3)
		mmio_w32(CLINT_MSIP(0), 0);
	else if (code == 7)
		mmio_w64(CLINT_MTIMECMP(0), ~0UL);
	else
		csr_write(mie, 0);
}

static void
interrupts(void)
{
	unsigned long t;

	trap_clear();
	csr_clear(mstatus, 1UL << 3);	/* earlier mrets left MIE set */
	/* pending but globally disabled: nothing is taken */
	mmio_w32(CLINT_MSIP(0), 1);
	csr_write(mie, (1UL << 3) | (1UL << 7));
	CHECK_EQ(csr_read(mip) & (1UL << 3), 1UL << 3);
	CHECK_EQ(last_trap.count, 0);
	/* MSI and MTI both pending: MSI first (priority), then MTI */
	mmio_w64(CLINT_MTIMECMP(0), 0);
	t = mmio_r64(CLINT_MTIME);
	while (mmio_r64(CLINT_MTIME) == t)
		;
	CHECK_EQ(csr_read(mip) & (1UL << 7), 1UL << 7);
	csr_set(mstatus, 1UL << 3);
	__asm__ volatile("nop");
	csr_clear(mstatus, 1UL << 3);
	CHECK_EQ(irq_seen[0], 2);
	CHECK_EQ(irq_seen[1], 3);
	CHECK_EQ(irq_seen[2], 7);
	/* WFI wakes on a pending enabled interrupt even with MIE clear */
	mmio_w64(CLINT_MTIMECMP(0), mmio_r64(CLINT_MTIME) + 1000);	/* 100us */
	csr_write(mie, 1UL << 7);
	__asm__ volatile("wfi");
	CHECK((csr_read(mip) & (1UL << 7)) != 0);
	mmio_w64(CLINT_MTIMECMP(0), ~0UL);
	/* SSIP delegated to S: taken in S via stvec, not in M */
	trap_clear();
	csr_write(mideleg, 1UL << 1);
	csr_write(mie, 1UL << 1);
	csr_set(mip, 1UL << 1);
	CHECK_EQ(last_trap.count, 0);	/* M-mode: S interrupts not taken */
	to_mode(1);
	csr_set(sstatus, 1UL << 1);	/* SIE */
	__asm__ volatile("nop");
	csr_clear(sstatus, 1UL << 1);
	to_m();
	CHECK_EQ(last_strap.count, 1);
	CHECK_EQ(last_strap.cause, (1UL << 63) | 1);
	csr_clear(mip, 1UL << 1);
	csr_write(mideleg, 0);
	csr_write(mie, 0);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	trap_init();
	exceptions();
	modes();
	counters();
	interrupts();
	return check_summary("priv");
}
