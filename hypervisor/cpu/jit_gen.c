/*
 * The translator's code generator: one guest block (RV64IMC, straight-line
 * code up to its first branch or jump, within one page) to x86-64.
 *
 * Register convention inside translated code: RBX holds the struct vcpu
 * (x[i] is at [rbx + 8*i], x[0] always reads 0 there because nothing ever
 * writes it).  The block's most used guest registers (up to five, chosen
 * by choose_cache) live in the callee-saved RBP and R12-R15: loaded at
 * the entry, written back before every exit.  The others live in memory;
 * x86's register-memory forms make that one load, one op with a memory
 * operand and one store for ADD.  RAX, RCX, RDX, RSI, RDI, R8-R11 are
 * scratch.  Loads and stores are emitted by jit_mem.c.
 *
 * Block layout (hot code first, slow paths after it):
 *
 *	entry:	mov rax, [rbx+instret]	; patched to "jmp exit" when the
 *		cmp rax, [rbx+jit_limit]; page is written (invalidation)
 *		jae exit
 *		cmp dword [rbx+events], 0
 *		jne exit
 *		<guest instructions>
 *		add qword [rbx+instret], N	; exact instret at every exit
 *		<goto_tb: see below>
 *	cold:	exit: v->pc = block pc, return JX_DONE
 *		<slow paths of loads/stores: call a C helper, jump back>
 *
 * A direct exit to the same virtual page is a 5-byte "jmp rel32" that
 * first leads to a stub returning JX_CHAIN with the field's address; the
 * dispatcher aims it at the target's translation (block chaining).  Exits
 * to another page and indirect jumps go through the jump cache (a
 * direct-mapped guest PC -> code table in the vcpu, cleared with the
 * TLBs) inline, and return to the dispatcher on a miss.
 *
 * Precise state: a slow path passes the instruction's pc and the number
 * of instructions retired before it in the block, so a trap sees the
 * exact pc and instret; the cached registers are written back before a
 * helper that may trap returns to the dispatcher, so the guest registers
 * in memory are current whenever anything outside the block looks.
 *
 * Worked example: "loop: addi a0,a0,-1; bnez a0,loop" becomes the entry
 * check, "mov rax,[rbx+80]; add rax,-1; mov [rbx+80],rax", "add
 * [instret],2; mov rax,[rbx+80]; cmp rax,[rbx+0]; jne taken", then two
 * goto_tb exits; once chained the taken one jumps straight to the entry.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/cpu/jit_gen.h"

static void
add_instret(struct xbuf *b, unsigned n)
{
	if (n != 0)
		x_g1_mi(b, G1_ADD, RBX, OFF_INSTRET, (int32_t)n);
}

/* v->pc = pc; return code (hot or cold stream). */
static void
exit_at(struct gen *g, struct xbuf *b, uint64_t pc, int code)
{
	writeback(g, b);
	x_mov_ri64(b, RAX, pc);
	x_op_mem(b, XO_MOV_ST, 1, 0, RAX, RBX, XNONE, OFF_PC);
	x_mov_ri64(b, RAX, (uint64_t)code);
	if (b == &g->c)
		cold_jmp(g, g->j->epilogue);
	else
		x_jmp(b, g->j->epilogue);
}

/* Leave the block for guest address 'target' (instret already counted). */
static void
goto_tb(struct gen *g, uint64_t target, uint64_t page_va)
{
	struct xbuf *b = &g->h;

	if (!g->chain) {
		exit_at(g, b, target, JX_DONE);
		return;
	}
	if (target == g->start) {
		/* a loop on itself: the entry's checks, registers kept */
		x_op_mem(b, XO_MOV, 1, 0, RAX, RBX, XNONE, OFF_INSTRET);
		x_op_mem(b, XO_CMP, 1, 0, RAX, RBX, XNONE, OFF_LIMIT);
		hot_jcc_cold(g, CC_AE);
		x_cmp32_mi0(b, RBX, OFF_EVENTS);
		hot_jcc_cold(g, CC_NE);
		x_jmp(b, g->body);
		exit_at(g, &g->c, target, JX_DONE);
		return;
	}
	writeback(g, b);
	if ((target & ~0xfffULL) == page_va) {
		uintptr_t field;

		/* jmp +0: falls into the stub until chained */
		x_byte(b, 0xe9);
		field = x_here(b);
		x_u32(b, 0);
		x_mov_ri64(b, RAX, field);
		x_op_mem(b, XO_MOV_ST, 1, 0, RAX, RBX, XNONE, OFF_PATCH);
		x_mov_ri64(b, RAX, target);
		x_op_mem(b, XO_MOV_ST, 1, 0, RAX, RBX, XNONE, OFF_PC);
		x_mov_ri64(b, RAX, JX_CHAIN);
		x_jmp(b, g->j->epilogue);
		return;
	}
	x_mov_ri64(b, RAX, target);
	x_jmp(b, g->j->lookup);
}

static void
call_div(struct gen *g, const struct decoded *d, const void *fn)
{
	struct xbuf *b = &g->h;

	ld(b, RDI, d->rs1);
	ld(b, RSI, d->rs2);
	x_call(b, fn);
	st(b, d->rd, RAX);
}

/* reg = x[r] (64-bit) or its low 32 bits, unless reg already holds it */
static void
ld_into(struct xbuf *b, int reg, unsigned r, int w)
{
	if (r != 0 && cached(b, r) == reg)
		return;
	if (w)
		ld(b, reg, r);
	else
		ld32(b, reg, r);
}

/* reg-reg ALU: rd = rs1 op rs2, 64- or 32-bit (then sign-extended) */
static void
alu_rr(struct xbuf *b, const struct decoded *d, unsigned op, int w)
{
	int r = dest(b, d->rd, d->rs2 != d->rs1 ? d->rs2 : 32);

	ld_into(b, r, d->rs1, w);
	if (d->rs2 == 0 && op != XO_IMUL && op != XO_AND)
		;	/* x op 0 = x for add, sub, xor, or */
	else if (d->rs2 == 0)
		x_op_rr(b, XO_XOR, 0, r, r);
	else
		opm(b, op, w, r, d->rs2);
	if (!w)
		x_op_rr(b, XO_MOVSXD, 1, r, r);
	done(b, d->rd, r);
}

static void
alu_ri(struct xbuf *b, const struct decoded *d, int n, int w)
{
	int r = dest(b, d->rd, 32), h = cached(b, d->rs1);

	if (w && n == G1_ADD && h >= 0 && h != r && d->rs1 != 0) {
		x_op_mem(b, XO_LEA, 1, 0, r, h, XNONE, d->imm);	/* lea */
		done(b, d->rd, r);
		return;
	}
	if (!w && d->imm == 0 && n == G1_ADD && d->rs1 != 0) {
		/* sext.w: one movsxd from wherever x[rs1] is */
		if (h >= 0)
			x_op_rr(b, XO_MOVSXD, 1, r, h);
		else
			x_op_mem(b, XO_MOVSXD, 1, 0, r, RBX, XNONE,
			    OFF_X(d->rs1));
		done(b, d->rd, r);
		return;
	}
	ld_into(b, r, d->rs1, w);
	if (d->imm != 0 || n == G1_AND)
		x_g1_ri(b, n, w, r, d->imm);
	if (!w)
		x_op_rr(b, XO_MOVSXD, 1, r, r);
	done(b, d->rd, r);
}

static void
shift_ri(struct xbuf *b, const struct decoded *d, int n, int w)
{
	int r = dest(b, d->rd, 32);

	ld_into(b, r, d->rs1, w);
	x_shift_ri(b, n, w, r, (unsigned)d->imm & (w ? 63u : 31u));
	if (!w)
		x_op_rr(b, XO_MOVSXD, 1, r, r);
	done(b, d->rd, r);
}

static void
shift_rr(struct xbuf *b, const struct decoded *d, int n, int w)
{
	int r = dest(b, d->rd, 32);

	ld(b, RCX, d->rs2);		/* before r: rd may be rs2 */
	ld_into(b, r, d->rs1, w);
	x_shift_rcl(b, n, w, r);
	if (!w)
		x_op_rr(b, XO_MOVSXD, 1, r, r);
	done(b, d->rd, r);
}

/* flags = x[rs1] - (x[rs2] or imm), with x[rs1] in a register */
static void
cmp_rs(struct xbuf *b, unsigned rs1, unsigned rs2, int imm, int32_t v)
{
	int h = rs1 != 0 ? cached(b, rs1) : -1;

	if (h < 0) {
		ld(b, RAX, rs1);
		h = RAX;
	}
	if (imm && v == 0)
		x_op_rr(b, XO_TEST, 1, h, h);
	else if (imm)
		x_g1_ri(b, G1_CMP, 1, h, v);
	else if (rs2 == 0)
		x_op_rr(b, XO_TEST, 1, h, h);
	else
		opm(b, XO_CMP, 1, h, rs2);
}

static void
set_cc(struct xbuf *b, const struct decoded *d, int cc, int imm)
{
	cmp_rs(b, d->rs1, d->rs2, imm, d->imm);
	x_setcc(b, cc, RAX);
	x_op_rr(b, XO_MOVZX8, 0, RAX, RAX);
	st(b, d->rd, RAX);
}

/* Conditional branch: ends the block with two exits. */
static void
gen_branch(struct gen *g, const struct decoded *d, int cc, uint64_t page_va)
{
	struct xbuf	*b = &g->h;
	uint8_t		*field;
	uint32_t	 rel;

	add_instret(b, g->n + 1);
	cmp_rs(b, d->rs1, d->rs2, 0, 0);
	x_byte(b, 0x0f);
	x_byte(b, 0x80 + (unsigned)cc);
	field = b->p;
	x_u32(b, 0);
	goto_tb(g, g->pc + d->len, page_va);
	rel = (uint32_t)(b->p - (field + 4));
	memcpy(field, &rel, 4);
	goto_tb(g, g->pc + (uint64_t)(int64_t)d->imm, page_va);
}

/*
 * Straight-line instructions: 1 if emitted, 0 if the op is not
 * translated (the block ends before it).
 */
static int
gen_simple(struct gen *g, const struct decoded *d)
{
	struct xbuf *b = &g->h;

	switch (d->op) {
	case OP_LUI:
	case OP_LI:
		if (d->rd != 0 && cached(b, d->rd) >= 0)
			x_mov_ri64(b, cached(b, d->rd),
			    (uint64_t)(int64_t)d->imm);
		else if (d->rd != 0)
			x_mov_mi(b, RBX, OFF_X(d->rd), d->imm);
		return 1;
	case OP_AUIPC:
		x_mov_ri64(b, RAX, g->pc + (uint64_t)(int64_t)d->imm);
		st(b, d->rd, RAX);
		return 1;
	case OP_MV: {
		int r = dest(b, d->rd, 32);

		ld_into(b, r, d->rs1, 1);
		done(b, d->rd, r);
		return 1;
	}
	case OP_ADDI:	alu_ri(b, d, G1_ADD, 1); return 1;
	case OP_XORI:	alu_ri(b, d, G1_XOR, 1); return 1;
	case OP_ORI:	alu_ri(b, d, G1_OR, 1); return 1;
	case OP_ANDI:	alu_ri(b, d, G1_AND, 1); return 1;
	case OP_ADDIW:	alu_ri(b, d, G1_ADD, 0); return 1;
	case OP_SLTI:	set_cc(b, d, CC_L, 1); return 1;
	case OP_SLTIU:	set_cc(b, d, CC_B, 1); return 1;
	case OP_SLT:	set_cc(b, d, CC_L, 0); return 1;
	case OP_SLTU:	set_cc(b, d, CC_B, 0); return 1;
	case OP_SLLI:	shift_ri(b, d, SH_SHL, 1); return 1;
	case OP_SRLI:	shift_ri(b, d, SH_SHR, 1); return 1;
	case OP_SRAI:	shift_ri(b, d, SH_SAR, 1); return 1;
	case OP_SLLIW:	shift_ri(b, d, SH_SHL, 0); return 1;
	case OP_SRLIW:	shift_ri(b, d, SH_SHR, 0); return 1;
	case OP_SRAIW:	shift_ri(b, d, SH_SAR, 0); return 1;
	case OP_SLL:	shift_rr(b, d, SH_SHL, 1); return 1;
	case OP_SRL:	shift_rr(b, d, SH_SHR, 1); return 1;
	case OP_SRA:	shift_rr(b, d, SH_SAR, 1); return 1;
	case OP_SLLW:	shift_rr(b, d, SH_SHL, 0); return 1;
	case OP_SRLW:	shift_rr(b, d, SH_SHR, 0); return 1;
	case OP_SRAW:	shift_rr(b, d, SH_SAR, 0); return 1;
	case OP_ADD:	alu_rr(b, d, XO_ADD, 1); return 1;
	case OP_SUB:	alu_rr(b, d, XO_SUB, 1); return 1;
	case OP_XOR:	alu_rr(b, d, XO_XOR, 1); return 1;
	case OP_OR:	alu_rr(b, d, XO_OR, 1); return 1;
	case OP_AND:	alu_rr(b, d, XO_AND, 1); return 1;
	case OP_ADDW:	alu_rr(b, d, XO_ADD, 0); return 1;
	case OP_SUBW:	alu_rr(b, d, XO_SUB, 0); return 1;
	case OP_MUL:	alu_rr(b, d, XO_IMUL, 1); return 1;
	case OP_MULW:	alu_rr(b, d, XO_IMUL, 0); return 1;
	case OP_MULH:
	case OP_MULHU:
		ld(b, RAX, d->rs1);
		if (cached(b, d->rs2) >= 0)
			x_mul_r(b, d->op == OP_MULH, cached(b, d->rs2));
		else
			x_mul_m(b, d->op == OP_MULH, RBX, OFF_X(d->rs2));
		st(b, d->rd, RDX);
		return 1;
	case OP_MULHSU:	call_div(g, d, (const void *)jit_helper_mulhsu); return 1;
	case OP_DIV:	call_div(g, d, (const void *)jit_helper_div); return 1;
	case OP_DIVU:	call_div(g, d, (const void *)jit_helper_divu); return 1;
	case OP_REM:	call_div(g, d, (const void *)jit_helper_rem); return 1;
	case OP_REMU:	call_div(g, d, (const void *)jit_helper_remu); return 1;
	case OP_DIVW:	call_div(g, d, (const void *)jit_helper_divw); return 1;
	case OP_DIVUW:	call_div(g, d, (const void *)jit_helper_divuw); return 1;
	case OP_REMW:	call_div(g, d, (const void *)jit_helper_remw); return 1;
	case OP_REMUW:	call_div(g, d, (const void *)jit_helper_remuw); return 1;
	case OP_LB:	jit_gen_load(g, d, 1, 1); return 1;
	case OP_LH:	jit_gen_load(g, d, 2, 1); return 1;
	case OP_LW:	jit_gen_load(g, d, 4, 1); return 1;
	case OP_LD:	jit_gen_load(g, d, 8, 0); return 1;
	case OP_LBU:	jit_gen_load(g, d, 1, 0); return 1;
	case OP_LHU:	jit_gen_load(g, d, 2, 0); return 1;
	case OP_LWU:	jit_gen_load(g, d, 4, 0); return 1;
	case OP_SB:	jit_gen_store(g, d, 1); return 1;
	case OP_SH:	jit_gen_store(g, d, 2); return 1;
	case OP_SW:	jit_gen_store(g, d, 4); return 1;
	case OP_SD:	jit_gen_store(g, d, 8); return 1;
	case OP_FENCE:
		x_byte(b, 0x0f);	/* mfence */
		x_byte(b, 0xae);
		x_byte(b, 0xf0);
		return 1;
	default:
		return 0;
	}
}

/* Jumps and branches: 1 if d ended the block. */
static int
gen_control(struct gen *g, const struct decoded *d, uint64_t page_va)
{
	struct xbuf *b = &g->h;
	uint64_t target = g->pc + (uint64_t)(int64_t)d->imm;

	switch (d->op) {
	case OP_BEQ:	gen_branch(g, d, CC_E, page_va); return 1;
	case OP_BNE:	gen_branch(g, d, CC_NE, page_va); return 1;
	case OP_BLT:	gen_branch(g, d, CC_L, page_va); return 1;
	case OP_BGE:	gen_branch(g, d, CC_GE, page_va); return 1;
	case OP_BLTU:	gen_branch(g, d, CC_B, page_va); return 1;
	case OP_BGEU:	gen_branch(g, d, CC_AE, page_va); return 1;
	case OP_J:
	case OP_JAL:
		if (d->op == OP_JAL && d->rd != 0) {
			x_mov_ri64(b, RAX, g->pc + d->len);
			st(b, d->rd, RAX);
		}
		add_instret(b, g->n + 1);
		goto_tb(g, target, page_va);
		return 1;
	case OP_JALR:
		ld(b, RAX, d->rs1);
		if (d->imm != 0)
			x_g1_ri(b, G1_ADD, 1, RAX, d->imm);
		x_g1_ri(b, G1_AND, 1, RAX, -2);
		if (d->rd != 0) {
			x_mov_ri64(b, RCX, g->pc + d->len);
			st(b, d->rd, RCX);
		}
		add_instret(b, g->n + 1);
		writeback(g, b);
		if (g->chain) {
			x_jmp(b, g->j->lookup);
		} else {
			x_op_mem(b, XO_MOV_ST, 1, 0, RAX, RBX, XNONE, OFF_PC);
			x_mov_ri64(b, RAX, JX_DONE);
			x_jmp(b, g->j->epilogue);
		}
		return 1;
	default:
		return 0;
	}
}

/* Place the cold code after the hot code and resolve the jumps. */
static void
finish(struct gen *g)
{
	uint8_t		*cold_rw = g->h.p;
	uintptr_t	 cold_rx = x_here(&g->h);
	size_t		 clen = (size_t)(g->c.p - g->c.start);
	unsigned	 i;

	memcpy(cold_rw, g->c.start, clen);
	g->h.p += clen;
	for (i = 0; i < g->nfix; i++) {
		const struct fix *f = &g->fix[i];

		if (f->hot_field != NULL)
			x_patch_rel32(f->hot_field,
			    (uintptr_t)f->hot_field + (uintptr_t)g->h.rx_delta,
			    cold_rx + f->cold_off);
		else
			x_patch_rel32(cold_rw + f->cold_off,
			    cold_rx + f->cold_off, f->target);
	}
}

/* Ops the generator translates (gen_simple and gen_control). */
static int
translated(enum cpu_op op)
{
	return (op >= OP_LUI && op <= OP_REMUW) || op == OP_FENCE ||
	    op == OP_LI || op == OP_MV || op == OP_J;
}

static int	fetch_insn(const uint8_t *, unsigned, struct decoded *);

/*
 * Choose the guest registers to keep in host registers for the block
 * starting at 'off': the most used (at least twice), in the callee-saved
 * RBP and R12-R15, which survive helper calls.  'written' over-approximates
 * the ones the block writes (any rd field): writing back one it did not
 * write stores the value it had, which is harmless.
 */
static void
choose_cache(struct gen *g, const uint8_t *page, unsigned off)
{
	static const int8_t hregs[] = { RBP, R12, R13, R14, R15 };
	struct decoded	 d;
	unsigned	 uses[32] = { 0 }, n, i, r, best;

	memset(g->cache, -1, sizeof(g->cache));
	g->written = 0;
	for (n = 0; n < JIT_MAX_INSNS && off < 4096; n++) {
		if (fetch_insn(page, off, &d) != 0 || !translated(d.op))
			break;
		uses[d.rs1 & 31]++;
		uses[d.rs2 & 31]++;
		uses[d.rd & 31]++;
		g->written |= 1u << (d.rd & 31);
		if ((d.op >= OP_JAL && d.op <= OP_BGEU) || d.op == OP_J)
			break;
		off += d.len;
	}
	uses[0] = 0;
	for (i = 0; i < sizeof(hregs); i++) {
		for (best = 0, r = 1; r < 32; r++)
			if (g->cache[r] < 0 && uses[r] > uses[best])
				best = r;
		if (uses[best] < 2)
			break;
		g->cache[best] = hregs[i];
	}
	for (r = 0; r < 32; r++)
		if (g->cache[r] < 0)
			g->written &= ~(1u << r);
}

static int
fetch_insn(const uint8_t *page, unsigned off, struct decoded *d)
{
	uint16_t lo;
	uint32_t raw;

	memcpy(&lo, page + off, 2);
	if ((lo & 3) == 3) {
		if (off > 0xffc)
			return -1;	/* crosses the page: interpreted */
		memcpy(&raw, page + off, 4);
	} else {
		raw = lo;
	}
	cpu_decode(raw, d);
	return 0;
}

size_t
jit_gen_scratch_size(void)
{
	return sizeof(struct gen) + JIT_COLD_SIZE;
}

void
jit_gen_block(struct vcpu *v, struct jit *j, struct jit_tb *tb,
    const uint8_t *page)
{
	struct gen	*g;
	struct decoded	 d;
	uint64_t	 page_va = tb->pc & ~0xfffULL;
	uint32_t	 exit_off;
	uintptr_t	 entry;
	unsigned	 off = (unsigned)(tb->pc & 0xfff), i;
	int		 ended = 0;

	(void)v;
	g = (struct gen *)(void *)j->cold;	/* struct gen, then cold bytes */
	memset(g, 0, offsetof(struct gen, fix));
	g->h.start = g->h.p = j->rw + j->used;
	g->h.rx_delta = j->rx - j->rw;
	g->h.cache = g->c.cache = NULL;
	g->c.start = g->c.p = j->cold + sizeof(*g);
	g->j = j;
	g->chain = tb->chain;

	/* the entry check: budget and events (both go to the cold stub 0) */
	entry = x_here(&g->h);
	exit_off = cold_pos(g);
	x_op_mem(&g->h, XO_MOV, 1, 0, RAX, RBX, XNONE, OFF_INSTRET);
	x_op_mem(&g->h, XO_CMP, 1, 0, RAX, RBX, XNONE, OFF_LIMIT);
	hot_jcc_cold(g, CC_AE);
	x_cmp32_mi0(&g->h, RBX, OFF_EVENTS);
	hot_jcc_cold(g, CC_NE);
	memset(g->cache, -1, sizeof(g->cache));	/* nothing loaded yet */
	g->written = 0;
	exit_at(g, &g->c, tb->pc, JX_DONE);

	/* load the cached guest registers */
	choose_cache(g, page, off);
	for (i = 1; i < 32; i++)
		if (g->cache[i] >= 0)
			x_op_mem(&g->h, XO_MOV, 1, 0, g->cache[i], RBX, XNONE,
			    OFF_X(i));
	g->h.cache = g->c.cache = g->cache;
	g->start = tb->pc;
	g->body = x_here(&g->h);

	for (;;) {
		g->pc = page_va + off;
		if (fetch_insn(page, off, &d) != 0 || !translated(d.op))
			break;
		if (gen_control(g, &d, page_va)) {
			g->n++;
			off += d.len;
			ended = 1;
			break;
		}
		if (!gen_simple(g, &d))
			break;
		g->n++;
		off += d.len;
		if (off >= 4096 || g->n >= JIT_MAX_INSNS || g->full ||
		    cold_pos(g) > JIT_COLD_SIZE - 4096) {
			add_instret(&g->h, g->n);
			goto_tb(g, page_va + off, page_va);
			ended = 1;
			break;
		}
	}
	if (!ended) {
		if (g->n == 0) {
			/* nothing to translate here: the dispatcher steps it */
			tb->step = 1;
			tb->code = NULL;
			return;
		}
		add_instret(&g->h, g->n);
		exit_at(g, &g->h, g->pc, JX_STEP);
	}
	tb->exit_rx = x_here(&g->h) + exit_off;
	finish(g);
	tb->code = (const uint8_t *)entry;
	tb->entry_rw = g->h.start;
	tb->ninsns = g->n;
	tb->bytes = off - (unsigned)(tb->pc & 0xfff);
	j->used += (size_t)(g->h.p - g->h.start);
	j->n_bytes += (uint64_t)(g->h.p - g->h.start);
	j->n_guest += g->n;
}
