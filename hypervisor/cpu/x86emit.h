/* A minimal x86-64 instruction encoder for the translator (cpu/jit_gen.c). */
#ifndef XVM_HYPERVISOR_CPU_X86EMIT_H
#define XVM_HYPERVISOR_CPU_X86EMIT_H

/*
 * Only the forms the translator uses: 64- and 32-bit ALU operations
 * between a register and a register or a [base + index + disp32] memory
 * operand, moves with sign and zero extension, shifts, multiplies, Jcc /
 * JMP rel32 and indirect calls.  Every memory operand has a displacement,
 * 8-bit when it fits, else 32-bit (so RBP/R13 as a base need no special
 * case); RSP/R12 as a base get the SIB byte they need.  The emitter
 * writes through 'p' and never checks space: the caller reserves enough
 * before a block.
 */

#include <stdint.h>
#include <string.h>

enum xreg {
	RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
	XNONE = -1,
};

/* condition codes (the low nibble of Jcc/SETcc) */
enum xcc {
	CC_O = 0, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
	CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G,
};

struct xbuf {
	uint8_t		*p;		/* where the next byte goes (RW view) */
	uint8_t		*start;		/* RW address of the block */
	intptr_t	 rx_delta;	/* RX address = RW address + delta */
	const int8_t	*cache;		/* the translator's guest register ->
					   host register map (-1: memory) */
};

static inline void
x_byte(struct xbuf *b, unsigned v)
{
	*b->p++ = (uint8_t)v;
}

static inline void
x_u32(struct xbuf *b, uint32_t v)
{
	memcpy(b->p, &v, 4);
	b->p += 4;
}

static inline void
x_u64(struct xbuf *b, uint64_t v)
{
	memcpy(b->p, &v, 8);
	b->p += 8;
}

/* The executable address of the next byte. */
static inline uintptr_t
x_here(const struct xbuf *b)
{
	return (uintptr_t)b->p + (uintptr_t)b->rx_delta;
}

/* REX prefix: w = 64-bit operand; emitted when any bit is set or forced. */
static inline void
x_rex(struct xbuf *b, int w, int reg, int index, int base, int force)
{
	unsigned r = (unsigned)(w ? 8 : 0) | (reg >= 8 ? 4u : 0) |
	    (index >= 8 ? 2u : 0) | (base >= 8 ? 1u : 0);

	if (r || force)
		x_byte(b, 0x40 | r);
}

/*
 * ModRM + optional SIB for [base + index + disp] (index may be XNONE):
 * mod 01 (disp8) when the displacement fits, else mod 10 (disp32).
 */
static inline void
x_mem(struct xbuf *b, int reg, int base, int index, int32_t disp)
{
	unsigned mod = disp >= -128 && disp <= 127 ? 0x40 : 0x80;

	if (index == XNONE && (base & 7) != 4) {
		x_byte(b, mod | (unsigned)((reg & 7) << 3) |
		    (unsigned)(base & 7));
	} else {
		x_byte(b, mod | (unsigned)((reg & 7) << 3) | 4);
		x_byte(b, (unsigned)((index == XNONE ? 4 : index & 7) << 3) |
		    (unsigned)(base & 7));
	}
	if (mod == 0x40)
		x_byte(b, (uint8_t)(int8_t)disp);
	else
		x_u32(b, (uint32_t)disp);
}

/*
 * op reg, [base + index + disp] (or the reverse, as the opcode says).
 * 'op' is one or two opcode bytes (0x0fXX), 'w' the REX.W bit, 'byte'
 * forces a REX so SPL..DIL are not taken for AH..BH.
 */
static inline void
x_op_mem(struct xbuf *b, unsigned op, int w, int byte, int reg, int base,
    int index, int32_t disp)
{
	x_rex(b, w, reg, index == XNONE ? 0 : index, base, byte);
	if (op > 0xff)
		x_byte(b, op >> 8);
	x_byte(b, op & 0xff);
	x_mem(b, reg, base, index, disp);
}

/* op reg, rm (register direct). */
static inline void
x_op_rr(struct xbuf *b, unsigned op, int w, int reg, int rm)
{
	x_rex(b, w, reg, 0, rm, 0);
	if (op > 0xff)
		x_byte(b, op >> 8);
	x_byte(b, op & 0xff);
	x_byte(b, 0xc0 | (unsigned)((reg & 7) << 3) | (unsigned)(rm & 7));
}

/* opcodes, "r, r/m" direction unless noted */
#define XO_ADD		0x03
#define XO_OR		0x0b
#define XO_AND		0x23
#define XO_SUB		0x2b
#define XO_XOR		0x33
#define XO_CMP		0x3b
#define XO_MOV		0x8b
#define XO_MOV_ST	0x89		/* mov r/m, r */
#define XO_MOV8_ST	0x88
#define XO_LEA		0x8d
#define XO_IMUL		0x0faf
#define XO_MOVZX8	0x0fb6
#define XO_MOVZX16	0x0fb7
#define XO_MOVSX8	0x0fbe
#define XO_MOVSX16	0x0fbf
#define XO_MOVSXD	0x63
#define XO_TEST		0x85

/* group-1 immediate ops: /n of 0x81 */
enum { G1_ADD = 0, G1_OR = 1, G1_AND = 4, G1_SUB = 5, G1_XOR = 6, G1_CMP = 7 };
/* shift ops: /n of 0xc1 (imm8) and 0xd3 (by CL) */
enum { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

/* op r, imm (imm8 or imm32, sign-extended) */
static inline void
x_g1_ri(struct xbuf *b, int n, int w, int rm, int32_t imm)
{
	x_rex(b, w, 0, 0, rm, 0);
	x_byte(b, imm >= -128 && imm <= 127 ? 0x83 : 0x81);
	x_byte(b, 0xc0 | (unsigned)(n << 3) | (unsigned)(rm & 7));
	if (imm >= -128 && imm <= 127)
		x_byte(b, (uint8_t)(int8_t)imm);
	else
		x_u32(b, (uint32_t)imm);
}

/* op qword [base + disp], imm (imm8 or imm32, sign-extended) */
static inline void
x_g1_mi(struct xbuf *b, int n, int base, int32_t disp, int32_t imm)
{
	x_rex(b, 1, 0, 0, base, 0);
	x_byte(b, imm >= -128 && imm <= 127 ? 0x83 : 0x81);
	x_mem(b, n, base, XNONE, disp);
	if (imm >= -128 && imm <= 127)
		x_byte(b, (uint8_t)(int8_t)imm);
	else
		x_u32(b, (uint32_t)imm);
}

/* cmp dword [base + disp], 0 */
static inline void
x_cmp32_mi0(struct xbuf *b, int base, int32_t disp)
{
	x_rex(b, 0, 0, 0, base, 0);
	x_byte(b, 0x83);
	x_mem(b, G1_CMP, base, XNONE, disp);
	x_byte(b, 0);
}

static inline void
x_shift_ri(struct xbuf *b, int n, int w, int rm, unsigned imm)
{
	x_rex(b, w, 0, 0, rm, 0);
	x_byte(b, 0xc1);
	x_byte(b, 0xc0 | (unsigned)(n << 3) | (unsigned)(rm & 7));
	x_byte(b, imm);
}

static inline void
x_shift_rcl(struct xbuf *b, int n, int w, int rm)
{
	x_rex(b, w, 0, 0, rm, 0);
	x_byte(b, 0xd3);
	x_byte(b, 0xc0 | (unsigned)(n << 3) | (unsigned)(rm & 7));
}

/* mul/imul r (one-operand: rdx:rax = rax * r) */
static inline void
x_mul_r(struct xbuf *b, int sign, int rm)
{
	x_rex(b, 1, 0, 0, rm, 0);
	x_byte(b, 0xf7);
	x_byte(b, 0xc0 | (unsigned)((sign ? 5 : 4) << 3) | (unsigned)(rm & 7));
}

/* mul/imul qword [base + disp] (one-operand: rdx:rax = rax * m) */
static inline void
x_mul_m(struct xbuf *b, int sign, int base, int32_t disp)
{
	x_rex(b, 1, 0, 0, base, 0);
	x_byte(b, 0xf7);
	x_mem(b, sign ? 5 : 4, base, XNONE, disp);
}

static inline void
x_mov_ri64(struct xbuf *b, int r, uint64_t imm)
{
	if (imm <= 0xffffffffULL) {		/* mov r32, imm32 zero-extends */
		x_rex(b, 0, 0, 0, r, 0);
		x_byte(b, 0xb8 + (unsigned)(r & 7));
		x_u32(b, (uint32_t)imm);
	} else if ((uint64_t)(int64_t)(int32_t)imm == imm) {
		x_rex(b, 1, 0, 0, r, 0);
		x_byte(b, 0xc7);
		x_byte(b, 0xc0 | (unsigned)(r & 7));
		x_u32(b, (uint32_t)imm);
	} else {
		x_rex(b, 1, 0, 0, r, 0);
		x_byte(b, 0xb8 + (unsigned)(r & 7));
		x_u64(b, imm);
	}
}

/* mov qword [base + disp], simm32 */
static inline void
x_mov_mi(struct xbuf *b, int base, int32_t disp, int32_t imm)
{
	x_rex(b, 1, 0, 0, base, 0);
	x_byte(b, 0xc7);
	x_mem(b, 0, base, XNONE, disp);
	x_u32(b, (uint32_t)imm);
}

static inline void
x_setcc(struct xbuf *b, int cc, int r)
{
	x_rex(b, 0, 0, 0, r, 1);
	x_byte(b, 0x0f);
	x_byte(b, 0x90 + (unsigned)cc);
	x_byte(b, 0xc0 | (unsigned)(r & 7));
}

/* Jcc rel32 / JMP rel32 to an executable address. */
static inline void
x_jcc(struct xbuf *b, int cc, uintptr_t target)
{
	x_byte(b, 0x0f);
	x_byte(b, 0x80 + (unsigned)cc);
	x_u32(b, (uint32_t)(target - (x_here(b) + 4)));
}

static inline void
x_jmp(struct xbuf *b, uintptr_t target)
{
	x_byte(b, 0xe9);
	x_u32(b, (uint32_t)(target - (x_here(b) + 4)));
}

/* Patch a rel32 field (RW address 'field') to reach executable 'target'. */
static inline void
x_patch_rel32(uint8_t *field, uintptr_t field_rx, uintptr_t target)
{
	uint32_t rel = (uint32_t)(target - (field_rx + 4));

	memcpy(field, &rel, 4);
}

/* call an absolute address through rax */
static inline void
x_call(struct xbuf *b, const void *fn)
{
	x_mov_ri64(b, RAX, (uint64_t)(uintptr_t)fn);
	x_byte(b, 0xff);
	x_byte(b, 0xd0);
}

#endif
