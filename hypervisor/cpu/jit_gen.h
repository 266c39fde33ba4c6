/*
 * The code generator's state and emitters shared by its files (cpu/jit_gen.c:
 * blocks, ALU and control flow; cpu/jit_mem.c: loads and stores).  cpu/ only.
 */
#ifndef XVM_HYPERVISOR_CPU_JIT_GEN_H
#define XVM_HYPERVISOR_CPU_JIT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/jit.h"
#include "hypervisor/cpu/x86emit.h"

#define OFF_X(r)	((int32_t)(offsetof(struct vcpu, x) + 8 * (r)))
#define OFF_PC		((int32_t)offsetof(struct vcpu, pc))
#define OFF_INSTRET	((int32_t)offsetof(struct vcpu, instret))
#define OFF_LIMIT	((int32_t)offsetof(struct vcpu, jit_limit))
#define OFF_PATCH	((int32_t)offsetof(struct vcpu, jit_patch))
#define OFF_EVENTS	((int32_t)offsetof(struct vcpu, events))
#define OFF_RTLB	((int32_t)offsetof(struct vcpu, rtlb))
#define OFF_WTLB	((int32_t)offsetof(struct vcpu, wtlb))
#define OFF_JC		((int32_t)offsetof(struct vcpu, jc))

#define MAX_FIX		1024

/* A rel32 to resolve once the cold code has its final place. */
struct fix {
	uint8_t		*hot_field;	/* hot jcc to cold_off, or NULL */
	uint32_t	 cold_off;	/* cold: offset of a field (or target) */
	uintptr_t	 target;	/* cold field's absolute target */
};

struct gen {
	struct xbuf	 h, c;		/* hot (code buffer) and cold (scratch) */
	unsigned	 nfix;
	struct jit	*j;
	uint64_t	 pc;		/* the instruction being translated */
	unsigned	 n;		/* instructions before it in the block */
	int		 chain;		/* direct exits may be chained */
	uint64_t	 start;		/* the block's guest pc */
	uintptr_t	 body;		/* after the entry: registers loaded */
	int		 full;		/* out of fixups: end the block */
	int8_t		 cache[33];	/* guest reg -> host reg, or -1 */
	uint32_t	 written;	/* cached guest regs the block writes */
	struct fix	 fix[MAX_FIX];	/* last: not cleared per block */
};

static inline void
add_fix(struct gen *g, uint8_t *hot_field, uint32_t cold_off,
    uintptr_t target)
{
	if (g->nfix >= MAX_FIX) {
		g->full = 1;
		return;
	}
	g->fix[g->nfix].hot_field = hot_field;
	g->fix[g->nfix].cold_off = cold_off;
	g->fix[g->nfix].target = target;
	g->nfix++;
}

static inline uint32_t
cold_pos(const struct gen *g)
{
	return (uint32_t)(g->c.p - g->c.start);
}

/* hot: jcc to the cold code about to be emitted */
static inline void
hot_jcc_cold(struct gen *g, int cc)
{
	x_byte(&g->h, 0x0f);
	x_byte(&g->h, 0x80 + (unsigned)cc);
	add_fix(g, g->h.p, cold_pos(g), 0);
	x_u32(&g->h, 0);
}

/* cold: jmp / jcc to an executable address */
static inline void
cold_jmp(struct gen *g, uintptr_t target)
{
	x_byte(&g->c, 0xe9);
	add_fix(g, NULL, cold_pos(g), target);
	x_u32(&g->c, 0);
}

/* Guest register access: a cached host register, or v->x[] in memory. */
static inline int
cached(const struct xbuf *b, unsigned r)
{
	return r < 32 && b->cache != NULL ? b->cache[r] : -1;
}

static inline void
ld(struct xbuf *b, int reg, unsigned r)
{
	int h = cached(b, r);

	if (r == 0)
		x_op_rr(b, XO_XOR, 0, reg, reg);
	else if (h >= 0)
		x_op_rr(b, XO_MOV, 1, reg, h);
	else
		x_op_mem(b, XO_MOV, 1, 0, reg, RBX, XNONE, OFF_X(r));
}

static inline void
ld32(struct xbuf *b, int reg, unsigned r)
{
	int h = cached(b, r);

	if (r == 0)
		x_op_rr(b, XO_XOR, 0, reg, reg);
	else if (h >= 0)
		x_op_rr(b, XO_MOV, 0, reg, h);
	else
		x_op_mem(b, XO_MOV, 0, 0, reg, RBX, XNONE, OFF_X(r));
}

static inline void
st(struct xbuf *b, unsigned r, int reg)
{
	int h = cached(b, r);

	if (r == 0)
		return;
	if (h >= 0)
		x_op_rr(b, XO_MOV, 1, h, reg);
	else
		x_op_mem(b, XO_MOV_ST, 1, 0, reg, RBX, XNONE, OFF_X(r));
}

/* op reg, x[r] (x[0] reads 0 from memory) */
static inline void
opm(struct xbuf *b, unsigned op, int w, int reg, unsigned r)
{
	int h = cached(b, r);

	if (h >= 0)
		x_op_rr(b, op, w, reg, h);
	else
		x_op_mem(b, op, w, 0, reg, RBX, XNONE, OFF_X(r));
}

/*
 * Where to compute rd: its host register when it is cached (and not
 * 'avoid', a source the computation still needs after writing it), RAX
 * otherwise.  done() stores RAX to rd when RAX was used.
 */
static inline int
dest(const struct xbuf *b, unsigned rd, unsigned avoid)
{
	int h = cached(b, rd);

	return rd != 0 && h >= 0 && rd != avoid ? h : RAX;
}

static inline void
done(struct xbuf *b, unsigned rd, int reg)
{
	if (reg == RAX)
		st(b, rd, RAX);
}

/*
 * Write the cached registers the block writes back to v->x[] (before
 * every exit; one the block has not written yet still holds the value
 * loaded at entry, so writing it is harmless).
 */
static inline void
writeback(const struct gen *g, struct xbuf *b)
{
	unsigned r;

	for (r = 1; r < 32; r++)
		if (g->cache[r] >= 0 && (g->written >> r) & 1)
			x_op_mem(b, XO_MOV_ST, 1, 0, g->cache[r], RBX, XNONE,
			    OFF_X(r));
}

/*
 * Cold: after a helper's "test eax, eax", leave with its code when it is
 * not JX_CONT (writing the cached registers back first).
 */
static inline void
fail_exit(struct gen *g)
{
	uint8_t *skip;

	x_byte(&g->c, 0x74);		/* jz +n */
	skip = g->c.p;
	x_byte(&g->c, 0);
	writeback(g, &g->c);
	cold_jmp(g, g->j->epilogue);
	*skip = (uint8_t)(g->c.p - (skip + 1));
}

/* jit_mem.c: loads and stores (inline TLB probe, helper on a miss). */
void	jit_gen_load(struct gen *, const struct decoded *, unsigned size,
	    int sign);
void	jit_gen_store(struct gen *, const struct decoded *, unsigned size);

#endif
