/*
 * Sv39 and Sv48: page walks through every level, superpages, A/D updates
 * by the walker, and each page-fault case (invalid, reserved W-without-R,
 * permission, U/SUM, MXR, misaligned superpage, non-canonical address,
 * fetch without X), with mcause/mtval; SFENCE.VMA makes a changed PTE
 * take effect.  Code runs in S-mode on an identity-mapped gigapage.
 */
#include "guest.h"

#define V	(1UL << 0)
#define R	(1UL << 1)
#define W	(1UL << 2)
#define X	(1UL << 3)
#define U	(1UL << 4)
#define A	(1UL << 6)
#define D	(1UL << 7)
#define PTE(pa, fl)	((((unsigned long)(pa)) >> 12 << 10) | (fl))
#define VA	0x40000000UL

static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint64_t l3[512] __attribute__((aligned(4096)));	/* Sv48 root */
static uint8_t pages[8][4096] __attribute__((aligned(4096)));

static unsigned long
s_load(unsigned long va)
{
	unsigned long r = 0xdead;

	__asm__ volatile("ld %0, 0(%1)" : "+r"(r) : "r"(va) : "memory");
	return r;
}

static void
s_store(unsigned long va, unsigned long v)
{
	__asm__ volatile("sd %1, 0(%0)" :: "r"(va), "r"(v) : "memory");
}

static void
sfence(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

#define FAULT(cause_, tval_) do {					\
	CHECK_EQ(last_trap.count, 1);					\
	CHECK_EQ(last_trap.cause, (cause_));				\
	CHECK_EQ(last_trap.tval, (tval_));				\
	trap_clear();							\
} while (0)
#define NOFAULT() do { CHECK_EQ(last_trap.count, 0); trap_clear(); } while (0)

static void
build(void)
{
	unsigned i;

	l2[0] = PTE(0, V | R | W | A | D);			/* devices */
	l2[2] = PTE(0x80000000UL, V | R | W | X | A | D);	/* RAM */
	l2[1] = PTE(l1, V);					/* VA window */
	l1[0] = PTE(l0, V);
	l1[1] = PTE(0x80001000UL, V | R | W | A | D);	/* misaligned 2M */
	l1[2] = PTE(0x80200000UL, V | R | A | D);	/* aligned 2M leaf */
	for (i = 0; i < 8; i++)
		((uint64_t *)pages[i])[0] = 0x1000 + i;
	l0[0] = PTE(pages[0], V | R | W);		/* A/D clear */
	l0[1] = PTE(pages[1], V | R | A);		/* read-only */
	l0[2] = PTE(pages[2], 0);			/* invalid */
	l0[3] = PTE(pages[3], V | R | W | U | A | D);	/* user */
	l0[4] = PTE(pages[4], V | X | A);		/* execute-only */
	l0[5] = PTE(pages[5], V | W | A | D);		/* reserved W */
	l0[6] = PTE(pages[6], V | R | W | A | D);	/* data, no X */
	l3[0] = PTE(l2, V);				/* Sv48: one more level */
	l3[511] = PTE(l2, V);
}

static void
sv39(void)
{
	unsigned long v;

	csr_write(satp, (8UL << 60) | ((unsigned long)l2 >> 12));
	to_mode(1);
	sfence();
	v = s_load(VA);
	to_m();
	NOFAULT();
	CHECK_EQ(v, 0x1000);
	CHECK_EQ(l0[0] & (A | D), A);		/* read sets A only */
	to_mode(1);
	s_store(VA, 7);
	to_m();
	CHECK_EQ(l0[0] & (A | D), A | D);
	CHECK_EQ(((uint64_t *)pages[0])[0], 7);

	to_mode(1);
	s_store(VA + 0x1000 + 8, 1);
	to_m();
	FAULT(15, VA + 0x1000 + 8);			/* write to read-only */
	to_mode(1);
	(void)s_load(VA + 0x2010);
	to_m();
	FAULT(13, VA + 0x2010);				/* invalid */
	to_mode(1);
	(void)s_load(VA + 0x3000);
	to_m();
	FAULT(13, VA + 0x3000);				/* U page, SUM=0 */
	csr_set(mstatus, 1UL << 18);
	to_mode(1);
	v = s_load(VA + 0x3000);
	to_m();
	NOFAULT();
	CHECK_EQ(v, 0x1003);
	csr_clear(mstatus, 1UL << 18);
	to_mode(1);
	(void)s_load(VA + 0x4000);
	to_m();
	FAULT(13, VA + 0x4000);				/* X only */
	csr_set(mstatus, 1UL << 19);			/* MXR */
	to_mode(1);
	v = s_load(VA + 0x4000);
	to_m();
	NOFAULT();
	CHECK_EQ(v, 0x1004);
	csr_clear(mstatus, 1UL << 19);
	to_mode(1);
	(void)s_load(VA + 0x5000);
	to_m();
	FAULT(13, VA + 0x5000);				/* W without R */
	to_mode(1);
	(void)s_load(VA + 0x200000);
	to_m();
	FAULT(13, VA + 0x200000);			/* misaligned superpage */
	to_mode(1);
	v = s_load(VA + 0x400000 + 0x1000);
	to_m();
	NOFAULT();
	CHECK_EQ(v, *(volatile uint64_t *)(0x80201000UL));	/* 2M leaf */
	to_mode(1);
	(void)s_load(0x8000000000UL);
	to_m();
	FAULT(13, 0x8000000000UL);			/* not canonical */
	/* fetch from a page without X: instruction page fault */
	*(volatile uint32_t *)pages[6] = 0x00008067;	/* ret */
	trap_resume = 0;
	to_mode(1);
	__asm__ volatile("la t0, 1f\n sd t0, %0\n jr %1\n1:"
	    : "=m"(trap_resume) : "r"(VA + 0x6000) : "t0", "memory");
	to_m();
	FAULT(12, VA + 0x6000);
	/* change a PTE: after sfence.vma the new mapping is used */
	l0[1] = PTE(pages[7], V | R | A);
	to_mode(1);
	sfence();
	v = s_load(VA + 0x1000);
	to_m();
	CHECK_EQ(v, 0x1007);
	csr_write(satp, 0);
}

static void
sv48(void)
{
	unsigned long v;

	csr_write(satp, (9UL << 60) | ((unsigned long)l3 >> 12));
	if ((csr_read(satp) >> 60) != 9) {
		gprintf("sv48 not supported\n");
		return;
	}
	to_mode(1);
	sfence();
	v = s_load(VA + 0x1000);
	to_m();
	NOFAULT();
	CHECK_EQ(v, 0x1007);
	to_mode(1);
	(void)s_load(0xffff800000000000UL);	/* l3[256]: invalid */
	to_m();
	FAULT(13, 0xffff800000000000UL);
	to_mode(1);
	v = s_load(0xffffff8000000000UL + VA);	/* l3[511] */
	to_m();
	NOFAULT();
	CHECK_EQ(v, 7);				/* stored through VA above */
	csr_write(satp, 0);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	trap_init();
	trap_clear();
	build();
	sv39();
	sv48();
	return check_summary("mmu");
}
