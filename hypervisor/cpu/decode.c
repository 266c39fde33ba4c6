/*
 * The 32-bit instruction decoder (RISC-V unprivileged spec 20191213,
 * chapter 24 "RV32/64G Instruction Set Listings", and the privileged spec
 * 1.12 for SYSTEM).  The execute loop calls it once per instruction per
 * decode-cache fill; it never executes anything.
 */
#include <stddef.h>

#include "hypervisor/cpu/decode.h"

#define BITS(x, hi, lo)	(((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))

static const char *const op_names[] = {
#define CPU_OP_NAME(n) #n,
	CPU_OPS(CPU_OP_NAME)
#undef CPU_OP_NAME
};

const char *
cpu_op_name(enum cpu_op op)
{
	if ((unsigned)op >= OP_COUNT)
		return "?";
	return op_names[op];
}

/* Sign-extend the low 'bits' of v (shifts on unsigned values only). */
static int32_t
sext(uint32_t v, unsigned bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

static int32_t
imm_i(uint32_t r)
{
	return sext(r >> 20, 12);
}

static int32_t
imm_s(uint32_t r)
{
	return sext((BITS(r, 31, 25) << 5) | BITS(r, 11, 7), 12);
}

static int32_t
imm_b(uint32_t r)
{
	return sext((BITS(r, 31, 31) << 12) | (BITS(r, 7, 7) << 11) |
	    (BITS(r, 30, 25) << 5) | (BITS(r, 11, 8) << 1), 13);
}

static int32_t
imm_j(uint32_t r)
{
	return sext((BITS(r, 31, 31) << 20) | (BITS(r, 19, 12) << 12) |
	    (BITS(r, 20, 20) << 11) | (BITS(r, 30, 21) << 1), 21);
}

static enum cpu_op
decode_op_imm(uint32_t r, unsigned f3, int32_t *imm)
{
	static const enum cpu_op ops[8] = {
		OP_ADDI, OP_ILLEGAL, OP_SLTI, OP_SLTIU,
		OP_XORI, OP_ILLEGAL, OP_ORI, OP_ANDI,
	};
	unsigned f6 = BITS(r, 31, 26);

	if (f3 == 1 || f3 == 5) {
		*imm = (int32_t)BITS(r, 25, 20);
		if (f3 == 1)
			return f6 == 0 ? OP_SLLI : OP_ILLEGAL;
		if (f6 == 0)
			return OP_SRLI;
		return f6 == 0x10 ? OP_SRAI : OP_ILLEGAL;
	}
	return ops[f3];
}

static enum cpu_op
decode_op_imm32(uint32_t r, unsigned f3, int32_t *imm)
{
	unsigned f7 = BITS(r, 31, 25);

	switch (f3) {
	case 0:
		return OP_ADDIW;
	case 1:
		*imm = (int32_t)BITS(r, 24, 20);
		return f7 == 0 ? OP_SLLIW : OP_ILLEGAL;
	case 5:
		*imm = (int32_t)BITS(r, 24, 20);
		if (f7 == 0)
			return OP_SRLIW;
		return f7 == 0x20 ? OP_SRAIW : OP_ILLEGAL;
	default:
		return OP_ILLEGAL;
	}
}

static enum cpu_op
decode_op(uint32_t r, unsigned f3)
{
	static const enum cpu_op base[8] = {
		OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND,
	};
	static const enum cpu_op muldiv[8] = {
		OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
		OP_DIV, OP_DIVU, OP_REM, OP_REMU,
	};

	switch (BITS(r, 31, 25)) {
	case 0x00:
		return base[f3];
	case 0x01:
		return muldiv[f3];
	case 0x20:
		if (f3 == 0)
			return OP_SUB;
		return f3 == 5 ? OP_SRA : OP_ILLEGAL;
	default:
		return OP_ILLEGAL;
	}
}

static enum cpu_op
decode_op32(uint32_t r, unsigned f3)
{
	static const enum cpu_op base[8] = {
		OP_ADDW, OP_SLLW, OP_ILLEGAL, OP_ILLEGAL,
		OP_ILLEGAL, OP_SRLW, OP_ILLEGAL, OP_ILLEGAL,
	};
	static const enum cpu_op muldiv[8] = {
		OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
		OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
	};

	switch (BITS(r, 31, 25)) {
	case 0x00:
		return base[f3];
	case 0x01:
		return muldiv[f3];
	case 0x20:
		if (f3 == 0)
			return OP_SUBW;
		return f3 == 5 ? OP_SRAW : OP_ILLEGAL;
	default:
		return OP_ILLEGAL;
	}
}

static enum cpu_op
decode_amo(uint32_t r, unsigned f3, unsigned rs2)
{
	enum cpu_op w;

	if (f3 != 2 && f3 != 3)
		return OP_ILLEGAL;
	switch (BITS(r, 31, 27)) {
	case 0x02:
		if (rs2 != 0)
			return OP_ILLEGAL;
		w = OP_LR_W;
		break;
	case 0x03: w = OP_SC_W; break;
	case 0x01: w = OP_AMOSWAP_W; break;
	case 0x00: w = OP_AMOADD_W; break;
	case 0x04: w = OP_AMOXOR_W; break;
	case 0x0c: w = OP_AMOAND_W; break;
	case 0x08: w = OP_AMOOR_W; break;
	case 0x10: w = OP_AMOMIN_W; break;
	case 0x14: w = OP_AMOMAX_W; break;
	case 0x18: w = OP_AMOMINU_W; break;
	case 0x1c: w = OP_AMOMAXU_W; break;
	default:
		return OP_ILLEGAL;
	}
	/* the _D list mirrors the _W list in CPU_OPS */
	return f3 == 2 ? w : (enum cpu_op)(w + (OP_LR_D - OP_LR_W));
}

static enum cpu_op
decode_system(uint32_t r, unsigned f3, unsigned rd, int32_t *imm)
{
	static const enum cpu_op csr[8] = {
		OP_ILLEGAL, OP_CSRRW, OP_CSRRS, OP_CSRRC,
		OP_ILLEGAL, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
	};

	if (f3 != 0) {
		*imm = (int32_t)BITS(r, 31, 20);
		return csr[f3];
	}
	switch (r) {
	case 0x00000073: return OP_ECALL;
	case 0x00100073: return OP_EBREAK;
	case 0x30200073: return OP_MRET;
	case 0x10200073: return OP_SRET;
	case 0x10500073: return OP_WFI;
	default:
		break;
	}
	if (BITS(r, 31, 25) == 0x09 && rd == 0)
		return OP_SFENCE_VMA;
	return OP_ILLEGAL;
}

/* Cheaper forms for the commonest idioms. */
static void
specialize(struct decoded *d)
{
	if (d->op == OP_ADDI && d->rs1 == 0)
		d->op = OP_LI;
	else if (d->op == OP_ADDI && d->imm == 0)
		d->op = OP_MV;
	else if (d->op == OP_JAL && d->rd == 0)
		d->op = OP_J;
}

void
cpu_decode(uint32_t r, struct decoded *d)
{
	unsigned f3 = BITS(r, 14, 12);

	if ((r & 3) != 3) {
		cpu_decode_rvc((uint16_t)r, d);
		specialize(d);
		return;
	}
	d->len = 4;
	d->rd = (uint8_t)BITS(r, 11, 7);
	d->rs1 = (uint8_t)BITS(r, 19, 15);
	d->rs2 = (uint8_t)BITS(r, 24, 20);
	d->imm = imm_i(r);
	d->op = OP_ILLEGAL;

	switch (BITS(r, 6, 0)) {
	case 0x37:
		d->op = OP_LUI;
		d->imm = (int32_t)(r & 0xfffff000u);
		break;
	case 0x17:
		d->op = OP_AUIPC;
		d->imm = (int32_t)(r & 0xfffff000u);
		break;
	case 0x6f:
		d->op = OP_JAL;
		d->imm = imm_j(r);
		break;
	case 0x67:
		if (f3 == 0)
			d->op = OP_JALR;
		break;
	case 0x63: {
		static const enum cpu_op br[8] = {
			OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
			OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
		};
		d->op = br[f3];
		d->imm = imm_b(r);
		break;
	}
	case 0x03: {
		static const enum cpu_op ld[8] = {
			OP_LB, OP_LH, OP_LW, OP_LD,
			OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL,
		};
		d->op = ld[f3];
		break;
	}
	case 0x23: {
		static const enum cpu_op st[8] = {
			OP_SB, OP_SH, OP_SW, OP_SD,
			OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
		};
		d->op = st[f3];
		d->imm = imm_s(r);
		break;
	}
	case 0x13:
		d->op = decode_op_imm(r, f3, &d->imm);
		break;
	case 0x1b:
		d->op = decode_op_imm32(r, f3, &d->imm);
		break;
	case 0x33:
		d->op = decode_op(r, f3);
		break;
	case 0x3b:
		d->op = decode_op32(r, f3);
		break;
	case 0x2f:
		d->op = decode_amo(r, f3, d->rs2);
		break;
	case 0x0f:
		if (f3 == 0)
			d->op = OP_FENCE;
		else if (f3 == 1)
			d->op = OP_FENCE_I;
		break;
	case 0x73:
		d->op = decode_system(r, f3, d->rd, &d->imm);
		break;
	case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f:
	case 0x53:
		cpu_decode_fp(r, d);
		break;
	default:
		break;
	}
	if (d->op == OP_ILLEGAL)
		d->imm = (int32_t)r;
	specialize(d);
}
