/* Unit tests for the decoder: a table of encodings and what they mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hypervisor/cpu/decode.h"

struct dcase {
	uint32_t	 raw;
	enum cpu_op	 op;
	uint8_t		 rd, rs1, rs2, len;
	int32_t		 imm;
};

static const struct dcase cases[] = {
	{ 0x00a50533, OP_ADD, 10, 10, 10, 4, 0 },	/* add a0,a0,a0 */
	{ 0xfff50513, OP_ADDI, 10, 10, 31, 4, -1 },	/* addi a0,a0,-1 */
	{ 0x00000513, OP_LI, 10, 0, 0, 4, 0 },		/* li a0,0 */
	{ 0x00058513, OP_MV, 10, 11, 0, 4, 0 },		/* mv a0,a1 */
	{ 0x800002b7, OP_LUI, 5, 0, 0, 4, (int32_t)0x80000000 },
	{ 0x0000006f, OP_J, 0, 0, 0, 4, 0 },		/* j . */
	{ 0xffdff0ef, OP_JAL, 1, 31, 29, 4, -4 },	/* jal ra,.-4 */
	{ 0xfe0588e3, OP_BEQ, 17, 11, 0, 4, -16 },	/* beqz a1,.-16 */
	{ 0x40b50533, OP_SUB, 10, 10, 11, 4, 0 },
	{ 0x43f55513, OP_SRAI, 10, 10, 31, 4, 63 },	/* srai a0,a0,63 */
	{ 0x02b50533, OP_MUL, 10, 10, 11, 4, 0 },
	{ 0x02b5453b, OP_DIVW, 10, 10, 11, 4, 0 },
	{ 0x100526af, OP_LR_W, 13, 10, 0, 4, 256 },
	{ 0x18b5362f, OP_SC_D, 12, 10, 11, 4, 395 },
	{ 0x30200073, OP_MRET, 0, 0, 2, 4, 770 },
	{ 0x12000073, OP_SFENCE_VMA, 0, 0, 0, 4, 288 },
	{ 0x34029573, OP_CSRRW, 10, 5, 0, 4, 0x340 },	/* csrrw a0,mscratch,t0 */
	{ 0x0000100f, OP_FENCE_I, 0, 0, 0, 4, 0 },
	{ 0x0000007f, OP_ILLEGAL, 0, 0, 0, 4, 0x7f },
	{ 0x0000, OP_ILLEGAL, 0, 0, 0, 2, 0 },		/* c.unimp */
	{ 0x4505, OP_LI, 10, 0, 0, 2, 1 },		/* c.li a0,1 */
	{ 0x157d, OP_ADDI, 10, 10, 0, 2, -1 },		/* c.addi a0,-1 */
	{ 0x8082, OP_JALR, 0, 1, 0, 2, 0 },		/* ret */
	{ 0x9002, OP_EBREAK, 0, 0, 0, 2, 0 },		/* c.ebreak */
	{ 0x6108, OP_LD, 10, 10, 0, 2, 0 },		/* c.ld a0,0(a0) */
	{ 0xe406, OP_SD, 0, 2, 1, 2, 8 },		/* c.sdsp ra,8(sp) */
	{ 0x2501, OP_ADDIW, 10, 10, 0, 2, 0 },		/* sext.w a0 */
	{ 0xa001, OP_J, 0, 0, 0, 2, 0 },		/* c.j . */
	/* F and D: imm is FP_IMM(rm, rs3) for all but loads and stores */
	{ 0xfe913827, OP_FSD, 16, 2, 9, 4, -16 },	/* fsd fs1,-16(sp) */
	{ 0x00452187, OP_FLW, 3, 10, 4, 4, 4 },		/* flw ft3,4(a0) */
	{ 0x7e352e27, OP_FSW, 28, 10, 3, 4, 2044 },	/* fsw ft3,2044(a0) */
	{ 0x02c5f553, OP_FADD_D, 10, 11, 12, 4, 7 },	/* dynamic rm */
	{ 0x00209053, OP_FADD_S, 0, 1, 2, 4, 1 },	/* rtz, fd = f0 */
	{ 0x6ac5c543, OP_FMADD_D, 10, 11, 12, 4, 4 | 13 << 3 },	/* rmm */
	{ 0xf820f04f, OP_FNMADD_S, 0, 1, 2, 4, 7 | 31 << 3 },
	{ 0x5a00f053, OP_FSQRT_D, 0, 1, 0, 4, 7 },
	{ 0xc2051553, OP_FCVT_W_D, 10, 10, 0, 4, 1 },
	{ 0xd2357553, OP_FCVT_D_LU, 10, 10, 3, 4, 7 },
	{ 0xe0050553, OP_FMV_X_W, 10, 10, 0, 4, 0 },
	{ 0xe20015d3, OP_FCLASS_D, 11, 0, 0, 4, 1 },
	{ 0xa0b52553, OP_FEQ_S, 10, 10, 11, 4, 2 },
	{ 0x2ac58553, OP_FMIN_D, 10, 11, 12, 4, 0 },
	{ 0x4015f553, OP_FCVT_S_D, 10, 11, 1, 4, 7 },
	{ 0x02005053, OP_ILLEGAL, 0, 0, 0, 4, 0x02005053 },	/* rm 5 */
	{ 0x06000053, OP_ILLEGAL, 0, 0, 0, 4, 0x06000053 },	/* fadd.q */
	{ 0x5a10f053, OP_ILLEGAL, 0, 0, 0, 4, 0x5a10f053 },	/* fsqrt rs2 1 */
	{ 0x2588, OP_FLD, 10, 11, 0, 2, 8 },		/* c.fld fa0,8(a1) */
	{ 0x2500, OP_FLD, 8, 10, 0, 2, 8 },		/* c.fld fs0,8(a0) */
	{ 0xab84, OP_FSD, 0, 15, 9, 2, 16 },		/* c.fsd fs1,16(a5) */
	{ 0x2062, OP_FLD, 0, 2, 0, 2, 24 },		/* c.fldsp f0,24(sp) */
	{ 0xbf86, OP_FSD, 0, 2, 1, 2, 504 },		/* c.fsdsp ft1,504(sp) */
};

static void
test_table(void **state)
{
	struct decoded	 d;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *c = &cases[i];

		cpu_decode(c->raw, &d);
		print_message("0x%08x -> %s\n", c->raw, cpu_op_name(d.op));
		assert_int_equal(d.op, c->op);
		assert_int_equal(d.len, c->len);
		if (c->op == OP_ILLEGAL) {
			assert_int_equal(d.imm, c->imm);
			continue;
		}
		assert_int_equal(d.rd, c->rd);
		assert_int_equal(d.rs1, c->rs1);
		if (c->op != OP_LI && c->op != OP_MV && c->op != OP_LUI &&
		    c->op != OP_J && c->op != OP_JAL && c->op != OP_ADDI &&
		    c->op != OP_SRAI && c->op != OP_LR_W && c->op != OP_MRET &&
		    c->op != OP_SFENCE_VMA && c->op != OP_CSRRW &&
		    c->op != OP_FENCE_I && c->op != OP_ADDIW &&
		    c->op != OP_LD && c->op != OP_JALR && c->op != OP_EBREAK)
			assert_int_equal(d.rs2, c->rs2);
		if (c->op != OP_ADD && c->op != OP_SUB && c->op != OP_MUL &&
		    c->op != OP_DIVW && c->op != OP_SC_D && c->op != OP_MRET &&
		    c->op != OP_SFENCE_VMA && c->op != OP_FENCE_I &&
		    c->op != OP_EBREAK && c->op != OP_LR_W)
			assert_int_equal(d.imm, c->imm);
	}
}

/* Every 16-bit word decodes to something, never out of range. */
static void
test_all_rvc(void **state)
{
	struct decoded	 d;
	uint32_t	 w;

	(void)state;
	for (w = 0; w < 0x10000; w++) {
		if ((w & 3) == 3)
			continue;
		cpu_decode(w, &d);
		assert_true(d.op < OP_COUNT);
		assert_int_equal(d.len, 2);
		assert_true(d.rd < 32 && d.rs1 < 32 && d.rs2 < 32);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_all_rvc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
