/*
 * The F and D decoder (unprivileged spec 20191213, chapters 11 "F" and 12
 * "D", listings in chapter 24): LOAD-FP, STORE-FP, the four fused
 * multiply-add opcodes and OP-FP.  The fmt field selects S (0) or D (1);
 * H and Q are not implemented.  A static rm of 5 or 6 is illegal here;
 * rm 7 (dynamic) is checked against frm when the instruction executes.
 */
#include "hypervisor/cpu/decode.h"

#define BITS(x, hi, lo)	(((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))

static int
rm_ok(unsigned rm)
{
	return rm != 5 && rm != 6;
}

/* The S or the D form of an operation. */
static enum cpu_op
sd(enum cpu_op s, enum cpu_op d, int dbl)
{
	return dbl ? d : s;
}

static enum cpu_op
decode_cvt(unsigned f5, unsigned rs2, int dbl)
{
	static const enum cpu_op to_int[2][4] = {
		{ OP_FCVT_W_S, OP_FCVT_WU_S, OP_FCVT_L_S, OP_FCVT_LU_S },
		{ OP_FCVT_W_D, OP_FCVT_WU_D, OP_FCVT_L_D, OP_FCVT_LU_D },
	};
	static const enum cpu_op from_int[2][4] = {
		{ OP_FCVT_S_W, OP_FCVT_S_WU, OP_FCVT_S_L, OP_FCVT_S_LU },
		{ OP_FCVT_D_W, OP_FCVT_D_WU, OP_FCVT_D_L, OP_FCVT_D_LU },
	};

	if (rs2 > 3)
		return OP_ILLEGAL;
	return f5 == 0x18 ? to_int[dbl][rs2] : from_int[dbl][rs2];
}

static enum cpu_op
decode_opfp(uint32_t r, unsigned rm, unsigned rs2)
{
	static const enum cpu_op arith[2][4] = {
		{ OP_FADD_S, OP_FSUB_S, OP_FMUL_S, OP_FDIV_S },
		{ OP_FADD_D, OP_FSUB_D, OP_FMUL_D, OP_FDIV_D },
	};
	static const enum cpu_op sgnj[2][3] = {
		{ OP_FSGNJ_S, OP_FSGNJN_S, OP_FSGNJX_S },
		{ OP_FSGNJ_D, OP_FSGNJN_D, OP_FSGNJX_D },
	};
	static const enum cpu_op cmp[2][3] = {
		{ OP_FLE_S, OP_FLT_S, OP_FEQ_S },
		{ OP_FLE_D, OP_FLT_D, OP_FEQ_D },
	};
	unsigned f5 = BITS(r, 31, 27), fmt = BITS(r, 26, 25);
	int dbl = fmt == 1;

	if (fmt > 1)
		return OP_ILLEGAL;
	switch (f5) {
	case 0x00: case 0x01: case 0x02: case 0x03:
		return rm_ok(rm) ? arith[dbl][f5] : OP_ILLEGAL;
	case 0x0b:
		if (rs2 != 0 || !rm_ok(rm))
			return OP_ILLEGAL;
		return sd(OP_FSQRT_S, OP_FSQRT_D, dbl);
	case 0x04:
		return rm < 3 ? sgnj[dbl][rm] : OP_ILLEGAL;
	case 0x05:
		if (rm == 0)
			return sd(OP_FMIN_S, OP_FMIN_D, dbl);
		return rm == 1 ? sd(OP_FMAX_S, OP_FMAX_D, dbl) : OP_ILLEGAL;
	case 0x08:	/* FCVT.S.D (fmt S, rs2 D) and FCVT.D.S */
		if (!rm_ok(rm) || rs2 != (unsigned)!dbl)
			return OP_ILLEGAL;
		return sd(OP_FCVT_S_D, OP_FCVT_D_S, dbl);
	case 0x14:
		return rm < 3 ? cmp[dbl][rm] : OP_ILLEGAL;
	case 0x18:
	case 0x1a:
		return rm_ok(rm) ? decode_cvt(f5, rs2, dbl) : OP_ILLEGAL;
	case 0x1c:
		if (rs2 != 0)
			return OP_ILLEGAL;
		if (rm == 0)
			return sd(OP_FMV_X_W, OP_FMV_X_D, dbl);
		return rm == 1 ? sd(OP_FCLASS_S, OP_FCLASS_D, dbl) : OP_ILLEGAL;
	case 0x1e:
		if (rs2 != 0 || rm != 0)
			return OP_ILLEGAL;
		return sd(OP_FMV_W_X, OP_FMV_D_X, dbl);
	default:
		return OP_ILLEGAL;
	}
}

void
cpu_decode_fp(uint32_t r, struct decoded *d)
{
	static const enum cpu_op fused[2][4] = {
		{ OP_FMADD_S, OP_FMSUB_S, OP_FNMSUB_S, OP_FNMADD_S },
		{ OP_FMADD_D, OP_FMSUB_D, OP_FNMSUB_D, OP_FNMADD_D },
	};
	unsigned rm = BITS(r, 14, 12), fmt = BITS(r, 26, 25);
	unsigned opc = BITS(r, 6, 0);

	d->op = OP_ILLEGAL;
	switch (opc) {
	case 0x07:	/* LOAD-FP: imm as decoded (I-type) */
		if (rm == 2 || rm == 3)
			d->op = rm == 2 ? OP_FLW : OP_FLD;
		return;
	case 0x27:	/* STORE-FP: S-type offset */
		if (rm == 2 || rm == 3)
			d->op = rm == 2 ? OP_FSW : OP_FSD;
		d->imm = (int32_t)(((BITS(r, 31, 25) << 5) | BITS(r, 11, 7))
		    << 20) >> 20;
		return;
	case 0x43: case 0x47: case 0x4b: case 0x4f:
		if (fmt > 1 || !rm_ok(rm))
			return;
		d->op = fused[fmt][(opc >> 2) & 3];
		d->imm = FP_IMM(rm, BITS(r, 31, 27));
		return;
	case 0x53:
		d->op = decode_opfp(r, rm, d->rs2);
		d->imm = FP_IMM(rm, 0);
		return;
	default:
		return;
	}
}
