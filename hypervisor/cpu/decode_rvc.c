/*
 * The compressed-instruction decoder (RISC-V unprivileged spec 20191213,
 * chapter 16 "C" Standard Extension, RV64 column): each 16-bit form is
 * expanded to the operation and operands of its 32-bit equivalent,
 * including the D forms C.FLD, C.FSD, C.FLDSP and C.FSDSP (C.FLW and
 * C.FSW are RV32-only: their encodings are C.LD and C.SD here).
 */
#include "hypervisor/cpu/decode.h"

#define B(x, hi, lo)	(((unsigned)(x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define RP(x, lo)	((uint8_t)(8 + B(x, (lo) + 2, lo)))

static int32_t
sext(unsigned v, unsigned bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

static void
set(struct decoded *d, enum cpu_op op, unsigned rd, unsigned rs1,
    unsigned rs2, int32_t imm)
{
	d->op = op;
	d->rd = (uint8_t)rd;
	d->rs1 = (uint8_t)rs1;
	d->rs2 = (uint8_t)rs2;
	d->imm = imm;
}

static void
quadrant0(uint16_t r, struct decoded *d)
{
	unsigned u;

	switch (B(r, 15, 13)) {
	case 0:	/* C.ADDI4SPN */
		u = (B(r, 12, 11) << 4) | (B(r, 10, 7) << 6) |
		    (B(r, 6, 6) << 2) | (B(r, 5, 5) << 3);
		if (u != 0)
			set(d, OP_ADDI, RP(r, 2), 2, 0, (int32_t)u);
		break;
	case 2:	/* C.LW */
		u = (B(r, 12, 10) << 3) | (B(r, 6, 6) << 2) | (B(r, 5, 5) << 6);
		set(d, OP_LW, RP(r, 2), RP(r, 7), 0, (int32_t)u);
		break;
	case 1:	/* C.FLD */
	case 3:	/* C.LD */
		u = (B(r, 12, 10) << 3) | (B(r, 6, 5) << 6);
		set(d, B(r, 15, 13) == 1 ? OP_FLD : OP_LD, RP(r, 2), RP(r, 7),
		    0, (int32_t)u);
		break;
	case 6:	/* C.SW */
		u = (B(r, 12, 10) << 3) | (B(r, 6, 6) << 2) | (B(r, 5, 5) << 6);
		set(d, OP_SW, 0, RP(r, 7), RP(r, 2), (int32_t)u);
		break;
	case 5:	/* C.FSD */
	case 7:	/* C.SD */
		u = (B(r, 12, 10) << 3) | (B(r, 6, 5) << 6);
		set(d, B(r, 15, 13) == 5 ? OP_FSD : OP_SD, 0, RP(r, 7),
		    RP(r, 2), (int32_t)u);
		break;
	default:	/* reserved */
		break;
	}
}

static void
quadrant1_alu(uint16_t r, struct decoded *d)
{
	static const enum cpu_op rr[8] = {
		OP_SUB, OP_XOR, OP_OR, OP_AND,
		OP_SUBW, OP_ADDW, OP_ILLEGAL, OP_ILLEGAL,
	};
	unsigned rd = RP(r, 7);
	unsigned sh = (B(r, 12, 12) << 5) | B(r, 6, 2);

	switch (B(r, 11, 10)) {
	case 0:
		set(d, OP_SRLI, rd, rd, 0, (int32_t)sh);
		break;
	case 1:
		set(d, OP_SRAI, rd, rd, 0, (int32_t)sh);
		break;
	case 2:
		set(d, OP_ANDI, rd, rd, 0, sext(sh, 6));
		break;
	default:
		set(d, rr[(B(r, 12, 12) << 2) | B(r, 6, 5)], rd, rd,
		    RP(r, 2), 0);
		break;
	}
}

static void
quadrant1(uint16_t r, struct decoded *d)
{
	unsigned rd = B(r, 11, 7);
	int32_t imm6 = sext((B(r, 12, 12) << 5) | B(r, 6, 2), 6);
	unsigned u;

	switch (B(r, 15, 13)) {
	case 0:	/* C.ADDI, C.NOP */
		set(d, OP_ADDI, rd, rd, 0, imm6);
		break;
	case 1:	/* C.ADDIW */
		if (rd != 0)
			set(d, OP_ADDIW, rd, rd, 0, imm6);
		break;
	case 2:	/* C.LI */
		set(d, OP_ADDI, rd, 0, 0, imm6);
		break;
	case 3:
		if (rd == 2) {	/* C.ADDI16SP */
			u = (B(r, 12, 12) << 9) | (B(r, 6, 6) << 4) |
			    (B(r, 5, 5) << 6) | (B(r, 4, 3) << 7) |
			    (B(r, 2, 2) << 5);
			if (u != 0)
				set(d, OP_ADDI, 2, 2, 0, sext(u, 10));
		} else if (imm6 != 0) {	/* C.LUI */
			set(d, OP_LUI, rd, 0, 0, sext((unsigned)imm6 << 12, 18));
		}
		break;
	case 4:
		quadrant1_alu(r, d);
		break;
	case 5:	/* C.J */
		u = (B(r, 12, 12) << 11) | (B(r, 11, 11) << 4) |
		    (B(r, 10, 9) << 8) | (B(r, 8, 8) << 10) |
		    (B(r, 7, 7) << 6) | (B(r, 6, 6) << 7) |
		    (B(r, 5, 3) << 1) | (B(r, 2, 2) << 5);
		set(d, OP_JAL, 0, 0, 0, sext(u, 12));
		break;
	default:	/* C.BEQZ, C.BNEZ */
		u = (B(r, 12, 12) << 8) | (B(r, 11, 10) << 3) |
		    (B(r, 6, 5) << 6) | (B(r, 4, 3) << 1) | (B(r, 2, 2) << 5);
		set(d, B(r, 15, 13) == 6 ? OP_BEQ : OP_BNE, 0, RP(r, 7), 0,
		    sext(u, 9));
		break;
	}
}

static void
quadrant2(uint16_t r, struct decoded *d)
{
	unsigned rd = B(r, 11, 7), rs2 = B(r, 6, 2);
	unsigned u;

	switch (B(r, 15, 13)) {
	case 0:	/* C.SLLI */
		set(d, OP_SLLI, rd, rd, 0,
		    (int32_t)((B(r, 12, 12) << 5) | rs2));
		break;
	case 2:	/* C.LWSP */
		u = (B(r, 12, 12) << 5) | (B(r, 6, 4) << 2) | (B(r, 3, 2) << 6);
		if (rd != 0)
			set(d, OP_LW, rd, 2, 0, (int32_t)u);
		break;
	case 1:	/* C.FLDSP: f0 is a valid target */
	case 3:	/* C.LDSP */
		u = (B(r, 12, 12) << 5) | (B(r, 6, 5) << 3) | (B(r, 4, 2) << 6);
		if (B(r, 15, 13) == 1)
			set(d, OP_FLD, rd, 2, 0, (int32_t)u);
		else if (rd != 0)
			set(d, OP_LD, rd, 2, 0, (int32_t)u);
		break;
	case 4:
		if (B(r, 12, 12) == 0) {
			if (rs2 == 0) {	/* C.JR */
				if (rd != 0)
					set(d, OP_JALR, 0, rd, 0, 0);
			} else {	/* C.MV */
				set(d, OP_ADD, rd, 0, rs2, 0);
			}
		} else if (rs2 == 0) {
			if (rd == 0)	/* C.EBREAK */
				set(d, OP_EBREAK, 0, 0, 0, 0);
			else		/* C.JALR */
				set(d, OP_JALR, 1, rd, 0, 0);
		} else {		/* C.ADD */
			set(d, OP_ADD, rd, rd, rs2, 0);
		}
		break;
	case 6:	/* C.SWSP */
		u = (B(r, 12, 9) << 2) | (B(r, 8, 7) << 6);
		set(d, OP_SW, 0, 2, rs2, (int32_t)u);
		break;
	case 5:	/* C.FSDSP */
	case 7:	/* C.SDSP */
		u = (B(r, 12, 10) << 3) | (B(r, 9, 7) << 6);
		set(d, B(r, 15, 13) == 5 ? OP_FSD : OP_SD, 0, 2, rs2,
		    (int32_t)u);
		break;
	default:
		break;
	}
}

void
cpu_decode_rvc(uint16_t r, struct decoded *d)
{
	d->len = 2;
	set(d, OP_ILLEGAL, 0, 0, 0, 0);
	switch (r & 3) {
	case 0:
		quadrant0(r, d);
		break;
	case 1:
		quadrant1(r, d);
		break;
	default:
		quadrant2(r, d);
		break;
	}
	if (d->op == OP_ILLEGAL)
		d->imm = r;
}
