/*
 * RV64I and M computational instructions with their edge cases: overflow,
 * sign extension of W forms, shifts by 0/31/63 and masked amounts,
 * division by zero and INT_MIN / -1, writes to x0.
 */
#include "guest.h"

#define RR(op, a, b) ({ unsigned long r_; __asm__ volatile(op " %0, %1, %2" \
	: "=r"(r_) : "r"((unsigned long)(a)), "r"((unsigned long)(b))); r_; })
#define RI(op, a, imm) ({ unsigned long r_; __asm__ volatile(op " %0, %1, " #imm \
	: "=r"(r_) : "r"((unsigned long)(a))); r_; })

#define MIN64	0x8000000000000000UL
#define M1	0xffffffffffffffffUL

static void
base(void)
{
	unsigned long r;

	CHECK_EQ(RR("add", M1, 1), 0);
	CHECK_EQ(RR("add", 0x7fffffffffffffffUL, 1), MIN64);
	CHECK_EQ(RR("sub", 0, 1), M1);
	CHECK_EQ(RR("sub", MIN64, 1), 0x7fffffffffffffffUL);
	CHECK_EQ(RR("sll", 1, 63), MIN64);
	CHECK_EQ(RR("sll", 1, 64), 1);		/* amount masked to 6 bits */
	CHECK_EQ(RR("srl", MIN64, 63), 1);
	CHECK_EQ(RR("sra", MIN64, 63), M1);
	CHECK_EQ(RR("sra", MIN64, 65), 0xc000000000000000UL);
	CHECK_EQ(RR("slt", M1, 0), 1);
	CHECK_EQ(RR("sltu", M1, 0), 0);
	CHECK_EQ(RR("slt", 0, M1), 0);
	CHECK_EQ(RR("sltu", 0, M1), 1);
	CHECK_EQ(RR("xor", 0xff00, 0x0ff0), 0xf0f0);
	CHECK_EQ(RR("or", 0xff00, 0x0ff0), 0xfff0);
	CHECK_EQ(RR("and", 0xff00, 0x0ff0), 0x0f00);
	CHECK_EQ(RI("addi", 5, -6), M1);
	CHECK_EQ(RI("addi", 0, 2047), 2047);
	CHECK_EQ(RI("addi", 0, -2048), (unsigned long)-2048L);
	CHECK_EQ(RI("slti", -5L, -4), 1);
	CHECK_EQ(RI("sltiu", 5, -1), 1);	/* imm sign-extends, then unsigned */
	CHECK_EQ(RI("sltiu", 0, 0), 0);
	CHECK_EQ(RI("xori", 0x5555, -1), ~0x5555UL);
	CHECK_EQ(RI("ori", 0, -2048), (unsigned long)-2048L);
	CHECK_EQ(RI("andi", M1, 0x7ff), 0x7ff);
	CHECK_EQ(RI("slli", 3, 62), 0xc000000000000000UL);
	CHECK_EQ(RI("srli", M1, 60), 0xf);
	CHECK_EQ(RI("srai", 0x8000000000000000UL, 60), (unsigned long)-8L);
	CHECK_EQ(RI("srai", 0x7000000000000000UL, 0), 0x7000000000000000UL);

	/* W forms: compute on 32 bits, sign-extend the result */
	CHECK_EQ(RR("addw", 0x7fffffff, 1), 0xffffffff80000000UL);
	CHECK_EQ(RR("addw", 0x1ffffffffUL, 1), 0);
	CHECK_EQ(RR("subw", 0, 1), M1);
	CHECK_EQ(RR("sllw", 1, 31), 0xffffffff80000000UL);
	CHECK_EQ(RR("sllw", 1, 32), 1);		/* amount masked to 5 bits */
	CHECK_EQ(RR("srlw", 0xffffffff80000000UL, 31), 1);
	CHECK_EQ(RR("sraw", 0x80000000UL, 31), M1);
	CHECK_EQ(RR("srlw", 0x80000000UL, 0), 0xffffffff80000000UL);
	CHECK_EQ(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000UL);
	CHECK_EQ(RI("addiw", 0xffffffff00000005UL, 0), 5);	/* sext.w */
	CHECK_EQ(RI("slliw", 1, 31), 0xffffffff80000000UL);
	CHECK_EQ(RI("srliw", 0x80000000UL, 4), 0x08000000);
	CHECK_EQ(RI("sraiw", 0x80000000UL, 4), 0xfffffffff8000000UL);

	__asm__ volatile("lui %0, 0x80000" : "=r"(r));
	CHECK_EQ(r, 0xffffffff80000000UL);
	__asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
	CHECK_EQ(r, 0x7ffff000UL);
	{
		unsigned long pc, pc2;

		__asm__ volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(pc), "=r"(pc2));
		CHECK_EQ(pc, pc2);
	}
	/* x0 stays zero whatever is written to it */
	__asm__ volatile("li t0, 5\n addi x0, t0, 1\n mv %0, x0" : "=r"(r) :: "t0");
	CHECK_EQ(r, 0);
	__asm__ volatile("lui x0, 0x12345\n add %0, x0, x0" : "=r"(r));
	CHECK_EQ(r, 0);
}

static void
muldiv(void)
{
	CHECK_EQ(RR("mul", M1, M1), 1);
	CHECK_EQ(RR("mul", 0x100000000UL, 0x100000000UL), 0);
	CHECK_EQ(RR("mulh", M1, M1), 0);
	CHECK_EQ(RR("mulh", MIN64, MIN64), 0x4000000000000000UL);
	CHECK_EQ(RR("mulh", MIN64, 2), M1);
	CHECK_EQ(RR("mulhu", M1, M1), 0xfffffffffffffffeUL);
	CHECK_EQ(RR("mulhsu", M1, M1), M1);
	CHECK_EQ(RR("mulhsu", 2, M1), 1);
	CHECK_EQ(RR("mulw", 0x10000, 0x10000), 0);
	CHECK_EQ(RR("mulw", 0x7fffffff, 2), 0xfffffffffffffffeUL);
	CHECK_EQ(RR("div", 7, -2L), (unsigned long)-3L);
	CHECK_EQ(RR("div", -7L, 2), (unsigned long)-3L);
	CHECK_EQ(RR("div", 5, 0), M1);
	CHECK_EQ(RR("div", MIN64, M1), MIN64);
	CHECK_EQ(RR("divu", 5, 0), M1);
	CHECK_EQ(RR("divu", M1, 2), 0x7fffffffffffffffUL);
	CHECK_EQ(RR("rem", -7L, 2), M1);
	CHECK_EQ(RR("rem", 7, -2L), 1);
	CHECK_EQ(RR("rem", 5, 0), 5);
	CHECK_EQ(RR("rem", MIN64, M1), 0);
	CHECK_EQ(RR("remu", 5, 0), 5);
	CHECK_EQ(RR("remu", M1, 10), 5);
	CHECK_EQ(RR("divw", 0x80000000UL, M1), 0xffffffff80000000UL);
	CHECK_EQ(RR("divw", 5, 0), M1);
	CHECK_EQ(RR("divw", -8L, 3), (unsigned long)-2L);
	CHECK_EQ(RR("divuw", 0xffffffffUL, 2), 0x7fffffff);
	CHECK_EQ(RR("divuw", 5, 0), M1);
	CHECK_EQ(RR("divuw", 0x80000000UL, 1), 0xffffffff80000000UL);
	CHECK_EQ(RR("remw", 0x80000000UL, M1), 0);
	CHECK_EQ(RR("remw", -7L, 0), (unsigned long)-7L);
	CHECK_EQ(RR("remw", 0x100000007UL, 4), 3);
	CHECK_EQ(RR("remuw", 0xffffffffUL, 0), M1);
	CHECK_EQ(RR("remuw", 0x80000001UL, 0x10), 1);
}

static void
branches(void)
{
	unsigned long r;
	static const long v[] = { 0, 1, -1, 0x7fffffffffffffffL, (long)MIN64 };
	unsigned i, j;
	uint64_t h = FNV_INIT;

	/* every branch over a grid of operands; the outcomes are hashed */
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 5; j++) {
			unsigned long bits = 0;

#define BR(op, bit) __asm__ volatile(op " %1, %2, 1f\n li %0, 0\n j 2f\n" \
	"1: li %0, 1\n2:" : "=r"(r) : "r"(v[i]), "r"(v[j])); bits |= r << bit
			BR("beq", 0); BR("bne", 1); BR("blt", 2); BR("bge", 3);
			BR("bltu", 4); BR("bgeu", 5);
			CHECK_EQ((bits & 1) ^ ((bits >> 1) & 1), 1);
			CHECK_EQ(((bits >> 2) & 1) ^ ((bits >> 3) & 1), 1);
			CHECK_EQ(((bits >> 2) & 1), v[i] < v[j]);
			CHECK_EQ(((bits >> 4) & 1), (unsigned long)v[i] <
			    (unsigned long)v[j]);
			h = fnv(h, &bits, sizeof(bits));
		}
	}
	gprintf("branch grid hash %lx\n", (unsigned long)h);
	/* jal/jalr link values, jalr clears bit 0 */
	__asm__ volatile("la t0, 1f\n addi t0, t0, 1\n jalr t1, 0(t0)\n"
	    "li %0, 0\n j 2f\n1: li %0, 1\n2:" : "=r"(r) :: "t0", "t1");
	CHECK_EQ(r, 1);
	__asm__ volatile("jal t1, 1f\n1: la t0, 1b\n sub %0, t0, t1" : "=r"(r)
	    :: "t0", "t1");
	CHECK_EQ(r, 0);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	base();
	muldiv();
	branches();
	return check_summary("alu");
}
