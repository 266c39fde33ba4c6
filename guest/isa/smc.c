/*
 * Self-modifying code as the translator must handle it (issue 19): an
 * instruction rewritten by a store earlier in its own block, hot code
 * rewritten after it was translated and chained (with and without
 * FENCE.I; without it, a hart's own stores are seen here and in QEMU),
 * a loop storing to data on its own code page, and straight-line code
 * across a page boundary with an instruction straddling it.
 */
#include "guest.h"

static uint32_t area[3 * 1024] __attribute__((aligned(4096)));

#define LI_A0(v)	((uint32_t)((v) << 20 | 10 << 7 | 0x13))	/* li a0, v */
#define RET		0x00008067u
#define NOP		0x00000013u

static void
fence_i(void)
{
	__asm__ volatile(".option arch, +zifencei\n fence.i" ::: "memory");
}

typedef unsigned long (*fn2)(volatile void *, unsigned long);

/* sw a1, 12(a0); nop; nop; li a0, 11; ret -- the store rewrites word 3 */
static void
same_block(void)
{
	volatile uint32_t *p = area;
	fn2 f = (fn2)(uintptr_t)p;

	p[0] = 0x00b52623;	/* sw a1, 12(a0) */
	p[1] = NOP;
	p[2] = NOP;
	p[3] = LI_A0(11);
	p[4] = RET;
	fence_i();
	CHECK_EQ(f(p, LI_A0(11)), 11);
	CHECK_EQ(f(p, LI_A0(11)), 11);
	CHECK_EQ(f(p, LI_A0(55)), 55);	/* rewritten inside its block */
	CHECK_EQ(f(p, LI_A0(56)), 56);
	CHECK_EQ(f(p, LI_A0(11)), 11);
}

/* a function called until hot, then rewritten */
static void
hot_rewrite(void)
{
	volatile uint32_t *p = area + 64;
	unsigned long (*f)(void) = (unsigned long (*)(void))(uintptr_t)p;
	unsigned long sum = 0;
	unsigned i;

	p[0] = LI_A0(1);
	p[1] = RET;
	fence_i();
	for (i = 0; i < 1000; i++)
		sum += f();
	CHECK_EQ(sum, 1000);
	p[0] = LI_A0(2);		/* no FENCE.I: our own store */
	CHECK_EQ(f(), 2);
	p[0] = LI_A0(3);
	fence_i();
	for (i = 0, sum = 0; i < 1000; i++)
		sum += f();
	CHECK_EQ(sum, 3000);
}

/*
 *	li t0, 1000
 * 1:	sd t0, 0x400(a0)	; data on the code's own page
 *	addi t0, t0, -1
 *	bnez t0, 1b
 *	ld a0, 0x400(a0)
 *	ret
 */
static void
data_on_code_page(void)
{
	volatile uint32_t *p = area + 128;
	fn2 f = (fn2)(uintptr_t)p;

	p[0] = 0x3e800293;
	p[1] = 0x40553023;
	p[2] = 0xfff28293;
	p[3] = 0xfe029ce3;
	p[4] = 0x40053503;
	p[5] = RET;
	fence_i();
	CHECK_EQ(f(p, 0), 1);
	CHECK_EQ(f(p, 0), 1);
}

/*
 * Straight-line code running off the end of a page: c.addi a0, 1 up to
 * the last halfword but one, then "addi a0, a0, 1" straddling the
 * boundary, then c.addi and ret on the next page.
 */
static void
across_pages(void)
{
	volatile uint8_t *page = (volatile uint8_t *)area + 4096;
	volatile uint16_t *h = (volatile uint16_t *)(page + 0xf00);
	uint32_t addi = 0x00150513;	/* addi a0, a0, 1 */
	unsigned long (*f)(unsigned long) =
	    (unsigned long (*)(unsigned long))(uintptr_t)h;
	unsigned i, n = (0xffe - 0xf00) / 2;

	for (i = 0; i < n; i++)
		h[i] = 0x0505;		/* c.addi a0, 1 */
	h[n] = (uint16_t)addi;
	h[n + 1] = (uint16_t)(addi >> 16);
	h[n + 2] = 0x0505;
	h[n + 3] = 0x8082;		/* c.jr ra */
	fence_i();
	CHECK_EQ(f(0), n + 2);
	CHECK_EQ(f(5), n + 7);
	h[3] = 0x0001;			/* c.nop: one increment less */
	CHECK_EQ(f(0), n + 1);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	same_block();
	hot_rewrite();
	data_on_code_page();
	across_pages();
	return check_summary("smc");
}
