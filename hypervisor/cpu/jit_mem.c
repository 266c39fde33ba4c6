/*
 * The translator's loads and stores: the vCPU's software TLB probed inline
 * (one compare of the tag, one add of the host-pointer addend), a C helper
 * on a miss, a fault or MMIO.  The tag keeps the address's low bits, so a
 * misaligned access misses and the helper handles it exactly as the
 * interpreter does.  Write-TLB entries never map a page that holds
 * translations, so a store that hits cannot modify translated code.
 */
#include <stdint.h>

#include "hypervisor/cpu/jit_gen.h"

/*
 * rsi = x[rs1] + imm; rax = the TLB entry's offset in the table; rdx =
 * the tag to compare (the page, and the low bits that must be zero for
 * an aligned access: a misaligned address misses).
 */
static void
probe(struct xbuf *b, const struct decoded *d, unsigned size)
{
	int h = d->rs1 != 0 ? cached(b, d->rs1) : -1;

	if (h >= 0) {
		x_op_mem(b, XO_LEA, 1, 0, RSI, h, XNONE, d->imm);
	} else {
		ld(b, RSI, d->rs1);
		if (d->imm != 0)
			x_g1_ri(b, G1_ADD, 1, RSI, d->imm);
	}
	/* ((addr >> 12) & (TLB_SIZE - 1)) * 16, in two operations */
	x_op_rr(b, XO_MOV, 0, RAX, RSI);
	x_shift_ri(b, SH_SHR, 0, RAX, 12 - 4);
	x_g1_ri(b, G1_AND, 0, RAX, (int32_t)((TLB_SIZE - 1) << 4));
	x_op_rr(b, XO_MOV, 1, RDX, RSI);
	x_g1_ri(b, G1_AND, 1, RDX, (int32_t)(~0xfffU | (size - 1)));
}

/* Loads: inline read-TLB probe, helper on a miss. */
void
jit_gen_load(struct gen *g, const struct decoded *d, unsigned size, int sign)
{
	struct xbuf	*b = &g->h;
	uintptr_t	 resume;
	unsigned	 op;
	int		 r = dest(b, d->rd, 32);

	probe(b, d, size);
	x_op_mem(b, XO_CMP, 1, 0, RDX, RBX, RAX, OFF_RTLB);
	hot_jcc_cold(g, CC_NE);
	x_op_mem(b, XO_MOV, 1, 0, RDX, RBX, RAX, OFF_RTLB + 8);
	switch (size) {
	case 1:
		op = sign ? XO_MOVSX8 : XO_MOVZX8;
		x_op_mem(b, op, sign, 0, r, RSI, RDX, 0);
		break;
	case 2:
		op = sign ? XO_MOVSX16 : XO_MOVZX16;
		x_op_mem(b, op, sign, 0, r, RSI, RDX, 0);
		break;
	case 4:
		if (sign)
			x_op_mem(b, XO_MOVSXD, 1, 0, r, RSI, RDX, 0);
		else
			x_op_mem(b, XO_MOV, 0, 0, r, RSI, RDX, 0);
		break;
	default:
		x_op_mem(b, XO_MOV, 1, 0, r, RSI, RDX, 0);
		break;
	}
	resume = x_here(b);
	done(b, d->rd, r);

	/* slow path: jit_helper_load(v, addr, kind, pc, n, rd) */
	x_op_rr(&g->c, XO_MOV, 1, RDI, RBX);
	x_mov_ri64(&g->c, RDX, size | (sign ? JIT_LD_SIGNED : 0));
	x_mov_ri64(&g->c, RCX, g->pc);
	x_mov_ri64(&g->c, R8, g->n);
	x_mov_ri64(&g->c, R9, d->rd == 0 ? 32 : d->rd);
	x_call(&g->c, (const void *)jit_helper_load);
	x_op_rr(&g->c, XO_TEST, 0, RAX, RAX);
	fail_exit(g);
	/* the helper wrote v->x[rd] (memory, even when rd is cached) */
	x_op_mem(&g->c, XO_MOV, 1, 0, r, RBX, XNONE,
	    OFF_X(d->rd == 0 ? 32 : d->rd));
	cold_jmp(g, resume);
}

/* Stores: inline write-TLB probe (code pages never have entries). */
void
jit_gen_store(struct gen *g, const struct decoded *d, unsigned size)
{
	struct xbuf	*b = &g->h;
	uintptr_t	 resume;
	int		 val = d->rs2 != 0 ? cached(b, d->rs2) : -1;

	probe(b, d, size);
	x_op_mem(b, XO_CMP, 1, 0, RDX, RBX, RAX, OFF_WTLB);
	hot_jcc_cold(g, CC_NE);
	x_op_mem(b, XO_MOV, 1, 0, RDX, RBX, RAX, OFF_WTLB + 8);
	if (val < 0) {
		ld(b, RCX, d->rs2);
		val = RCX;
	}
	switch (size) {
	case 1:
		x_op_mem(b, XO_MOV8_ST, 0, 1, val, RSI, RDX, 0);
		break;
	case 2:
		x_byte(b, 0x66);
		x_op_mem(b, XO_MOV_ST, 0, 0, val, RSI, RDX, 0);
		break;
	case 4:
		x_op_mem(b, XO_MOV_ST, 0, 0, val, RSI, RDX, 0);
		break;
	default:
		x_op_mem(b, XO_MOV_ST, 1, 0, val, RSI, RDX, 0);
		break;
	}
	resume = x_here(b);

	/* slow path: jit_helper_store(v, addr, val, kind, pc, n) */
	x_op_rr(&g->c, XO_MOV, 1, RDI, RBX);
	ld(&g->c, RDX, d->rs2);
	x_mov_ri64(&g->c, RCX, size | (unsigned)d->len << 8);
	x_mov_ri64(&g->c, R8, g->pc);
	x_mov_ri64(&g->c, R9, g->n);
	x_call(&g->c, (const void *)jit_helper_store);
	x_op_rr(&g->c, XO_TEST, 0, RAX, RAX);
	fail_exit(g);
	cold_jmp(g, resume);
}
