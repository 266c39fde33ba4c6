/*
 * Loads and stores (sign/zero extension, every width, misaligned access),
 * the A extension (every AMO, LR/SC reservation rules), compressed forms
 * and self-modifying code with FENCE.I.
 */
#include "guest.h"

static volatile uint64_t buf[8] __attribute__((aligned(64)));

#define LD(op, addr) ({ unsigned long r_; __asm__ volatile(op " %0, 0(%1)" \
	: "=r"(r_) : "r"(addr) : "memory"); r_; })
#define AMO(op, addr, v) ({ unsigned long r_; __asm__ volatile(op " %0, %2, (%1)" \
	: "=r"(r_) : "r"(addr), "r"((unsigned long)(v)) : "memory"); r_; })

static void
loads_stores(void)
{
	volatile uint8_t *b = (volatile uint8_t *)buf;
	unsigned i;

	buf[0] = 0x8091a2b3c4d5e6f7ULL;
	CHECK_EQ(LD("lb", b + 0), 0xfffffffffffffff7UL);
	CHECK_EQ(LD("lbu", b + 0), 0xf7);
	CHECK_EQ(LD("lh", b + 6), 0xffffffffffff8091UL);
	CHECK_EQ(LD("lhu", b + 6), 0x8091);
	CHECK_EQ(LD("lw", b + 4), 0xffffffff8091a2b3UL);
	CHECK_EQ(LD("lwu", b + 4), 0x8091a2b3UL);
	CHECK_EQ(LD("ld", b), 0x8091a2b3c4d5e6f7UL);
	__asm__ volatile("sb %1, 1(%0)\n sh %1, 2(%0)\n sw %1, 8(%0)\n"
	    "sd %1, 16(%0)" :: "r"(b), "r"(0x1122334455667788UL) : "memory");
	CHECK_EQ(buf[0], 0x8091a2b3778888f7ULL);
	CHECK_EQ(buf[1], 0x55667788ULL);
	CHECK_EQ(buf[2], 0x1122334455667788ULL);
	/* misaligned loads and stores work (no trap) */
	for (i = 0; i < 24; i++)
		b[i] = (uint8_t)i;
	CHECK_EQ(LD("ld", b + 3), 0x0a09080706050403UL);
	CHECK_EQ(LD("lw", b + 7), 0x0a090807UL);
	CHECK_EQ(LD("lh", b + 15), 0x100f);
	__asm__ volatile("sd %1, 5(%0)" :: "r"(b), "r"(0xa1a2a3a4a5a6a7a8UL)
	    : "memory");
	CHECK_EQ(LD("ld", b + 5), 0xa1a2a3a4a5a6a7a8UL);
	CHECK_EQ(b[4], 4);
	CHECK_EQ(b[13], 13);
	/* a load into x0 still happens but leaves x0 zero */
	{
		unsigned long r;

		__asm__ volatile("ld x0, 0(%1)\n mv %0, x0" : "=r"(r) : "r"(b));
		CHECK_EQ(r, 0);
	}
}

static void
atomics(void)
{
	volatile uint64_t *d = &buf[4];
	volatile uint32_t *w = (volatile uint32_t *)&buf[6];
	unsigned long r, ok;

	*d = 10;
	CHECK_EQ(AMO("amoadd.d", d, 5), 10);
	CHECK_EQ(*d, 15);
	CHECK_EQ(AMO("amoswap.d", d, 7), 15);
	CHECK_EQ(AMO("amoxor.d", d, 3), 7);
	CHECK_EQ(AMO("amoand.d", d, 6), 4);
	CHECK_EQ(AMO("amoor.d", d, 9), 4);
	CHECK_EQ(*d, 13);
	CHECK_EQ(AMO("amomin.d", d, -1L), 13);
	CHECK_EQ(*d, (uint64_t)-1L);
	CHECK_EQ(AMO("amominu.d", d, 5), (unsigned long)-1L);
	CHECK_EQ(AMO("amomax.d", d, -3L), 5);
	CHECK_EQ(*d, 5);
	CHECK_EQ(AMO("amomaxu.d", d, -3L), 5);
	CHECK_EQ(*d, (uint64_t)-3L);

	*w = 0x7fffffff;
	CHECK_EQ(AMO("amoadd.w", w, 1), 0x7fffffff);
	CHECK_EQ(AMO("amoswap.w", w, 2), 0xffffffff80000000UL);	/* sext */
	CHECK_EQ(AMO("amomin.w", w, -5L), 2);
	CHECK_EQ(AMO("amomaxu.w", w, 1), 0xfffffffffffffffbUL);
	CHECK_EQ(*w, 0xfffffffbu);
	CHECK_EQ(AMO("amominu.w", w, 1), 0xfffffffffffffffbUL);
	CHECK_EQ(AMO("amomax.w", w, -9L), 1);
	CHECK_EQ(AMO("amoand.w", w, 0), 1);
	CHECK_EQ(AMO("amoor.w", w, 0xf0), 0);
	CHECK_EQ(AMO("amoxor.w", w, 0xff), 0xf0);

	/* LR/SC: success, failure without a reservation, wrong address */
	*d = 1;
	__asm__ volatile("lr.d %0, (%2)\n addi %0, %0, 1\n sc.d %1, %0, (%2)"
	    : "=&r"(r), "=&r"(ok) : "r"(d) : "memory");
	CHECK_EQ(ok, 0);
	CHECK_EQ(*d, 2);
	__asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(ok) : "r"(9UL), "r"(d)
	    : "memory");
	CHECK_EQ(ok, 1);			/* reservation was consumed */
	CHECK_EQ(*d, 2);
	__asm__ volatile("lr.d %0, (%2)\n sc.d %1, %0, (%3)"
	    : "=&r"(r), "=&r"(ok) : "r"(d), "r"(&buf[5]) : "memory");
	CHECK_EQ(ok, 1);			/* other address */
	__asm__ volatile("lr.w %0, (%2)\n sc.w %1, %3, (%2)"
	    : "=&r"(r), "=&r"(ok) : "r"(w), "r"(0x1234UL) : "memory");
	CHECK_EQ(ok, 0);
	CHECK_EQ(*w, 0x1234);
}

static void
compressed(void)
{
	unsigned long r, s;

	/* forms the compiler may not pick, written out */
	__asm__ volatile(".option push\n.option rvc\n"
	    "c.li %0, -32\n c.addi %0, 31\n c.slli %0, 63\n c.srai %0, 62\n"
	    ".option pop" : "=r"(r));
	CHECK_EQ(r, 0xfffffffffffffffeUL);
	__asm__ volatile(".option push\n.option rvc\n"
	    "c.lui %0, 0xfffff\n c.srli %0, 12\n .option pop" : "=r"(r));
	CHECK_EQ(r, 0xfffffffffffffUL);
	__asm__ volatile(".option push\n.option rvc\n"
	    "li %0, 0x7fffffff\n c.addiw %0, 1\n .option pop" : "=r"(r));
	CHECK_EQ(r, 0xffffffff80000000UL);
	__asm__ volatile(".option push\n.option rvc\n"
	    "li a0, 12\n li a1, 5\n c.sub a0, a1\n c.mv %0, a0\n"
	    "li a0, 3\n c.subw a0, a1\n c.addw a0, a1\n c.and a0, a1\n"
	    "c.or a0, a1\n c.xor a0, a1\n c.andi a0, -1\n mv %1, a0\n"
	    ".option pop" : "=r"(r), "=r"(s) :: "a0", "a1");
	CHECK_EQ(r, 7);
	CHECK_EQ(s, 0);
	__asm__ volatile(".option push\n.option rvc\n"
	    "c.addi16sp sp, -64\n c.addi4spn a0, sp, 16\n sub %0, a0, sp\n"
	    "c.sdsp a0, 8(sp)\n c.ldsp a1, 8(sp)\n c.swsp a0, 0(sp)\n"
	    "c.lwsp a2, 0(sp)\n c.sd a1, 0(a0)\n c.ld a3, 0(a0)\n"
	    "c.sw a2, 8(a0)\n c.lw a4, 8(a0)\n sub %1, a3, a4\n"
	    "c.addi16sp sp, 64\n .option pop"
	    : "=r"(r), "=r"(s) :: "a0", "a1", "a2", "a3", "a4", "memory");
	CHECK_EQ(r, 16);
	CHECK_EQ((uint32_t)s, 0);
	__asm__ volatile(".option push\n.option rvc\n"
	    "li a0, 0\n c.beqz a0, 1f\n li a0, 9\n1: c.bnez a0, 2f\n"
	    "la a1, 3f\n c.jr a1\n li a0, 8\n3: c.j 4f\n li a0, 7\n"
	    "2: li a0, 6\n4: la a1, 5f\n c.jalr a1\n5: mv %0, a0\n sub %1, ra, a1\n"
	    ".option pop" : "=r"(r), "=r"(s) :: "a0", "a1", "ra");
	CHECK_EQ(r, 0);
	CHECK_EQ(s, 0);
}

/* Code written at run time, made visible with FENCE.I. */
static uint32_t smc_area[2048] __attribute__((aligned(4096)));

static void
self_modifying(void)
{
	volatile uint32_t *p = smc_area;
	unsigned long (*fn)(void) = (unsigned long (*)(void))(uintptr_t)p;
	unsigned long r1, r2;

	p[0] = 0x02a00513;	/* li a0, 42 */
	p[1] = 0x00008067;	/* ret */
	__asm__ volatile(".option arch, +zifencei\n fence.i" ::: "memory");
	r1 = fn();
	p[0] = 0x06300513;	/* li a0, 99 */
	__asm__ volatile(".option arch, +zifencei\n fence.i" ::: "memory");
	r2 = fn();
	CHECK_EQ(r1, 42);
	CHECK_EQ(r2, 99);
}

static uint32_t
enc_jal(unsigned rd, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return ((u >> 20 & 1) << 31) | ((u >> 1 & 0x3ff) << 21) |
	    ((u >> 11 & 1) << 20) | ((u >> 12 & 0xff) << 12) | (rd << 7) | 0x6f;
}

/*
 * A 4-byte jump straddling a page boundary, taken back into its own
 * first page (this once crashed the host).
 */
static void
crossing_jump(void)
{
	volatile uint8_t *p = (volatile uint8_t *)smc_area;
	volatile uint16_t *h = (volatile uint16_t *)(p + 0xffc);
	uint32_t j = enc_jal(0, -0x7fe);
	unsigned long (*fn)(void) = (unsigned long (*)(void))(uintptr_t)(p + 0xffc);

	*(volatile uint32_t *)(p + 0x800) = 0x04d00513;	/* li a0, 77 */
	*(volatile uint32_t *)(p + 0x804) = 0x00008067;	/* ret */
	h[0] = 0x0001;				/* c.nop at 0xffc */
	h[1] = (uint16_t)j;			/* jal at 0xffe ... */
	h[2] = (uint16_t)(j >> 16);		/* ... ends on the next page */
	__asm__ volatile(".option arch, +zifencei\n fence.i" ::: "memory");
	CHECK_EQ(fn(), 77);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	loads_stores();
	atomics();
	compressed();
	self_modifying();
	crossing_jump();
	return check_summary("mem");
}
