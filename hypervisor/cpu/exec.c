/*
 * The run loop: a threaded interpreter over the decode cache.
 *
 * How it goes fast.  Guest code is decoded once per guest-physical page
 * into a struct dpage: one slot per halfword, each slot holding the
 * address of its handler (a label in this function, "direct threading")
 * and its operands.  The loop keeps three things in host registers: 'ins'
 * (the current slot: the PC as a host pointer within the page), 'slots'
 * and 'pcbase' (the page's first slot and its guest-virtual address), so
 * straight-line code costs one indirect jump per instruction and the
 * guest PC is computed only when an instruction needs it.
 *
 * Blocks.  Only taken branches, jumps and page crossings leave the fast
 * path: they check the instruction budget and the vCPU's atomic 'events'
 * word (kicks, interrupt lines, flush requests) before going on, so
 * interrupts are taken between blocks and a kick from another thread is
 * seen within one block.  A jump within the same page just indexes the
 * slot array; one to another page goes through the fetch TLB (guest
 * virtual page -> dpage).  Slots past the end of the page lead to
 * 'page_cross', which does the same.
 *
 * Worked example: "loop: addi a0,a0,-1; bnez a0,loop" decodes to two
 * slots.  Each iteration runs op_ADDI (one add, NEXT) and op_BNE, whose
 * taken path compares icount with the limit, loads 'events', sees the
 * target in the same page and jumps to slots[(target & 0xfff) >> 1].
 *
 * Self-modifying code.  A page with decoded code never gets a write-TLB
 * entry (cpu/dcache.c), so stores to it take the slow path, which resets
 * the page's slots to "decode me" in place; the running slot pointer stays
 * valid, and the next instruction is decoded afresh.
 *
 * The handlers live in exec_*.inc, one file per instruction group; they
 * are textually part of this function because computed gotos cannot leave
 * it.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/fpu.h"
#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"
#include "hypervisor/sbi.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* Instructions between looks at the clock (timer interrupts). */
#define TIMER_SLICE	16384

struct dpage *
cpu_fetch_slow(struct vcpu *v, uint64_t pc)
{
	struct ftlb	*e;
	struct dpage	*dp;
	uint64_t	 pa;
	int		 cause;

	if ((cause = mmu_translate(v, pc, ACC_EXEC, v->priv, &pa)) != 0) {
		v->pc = pc;
		cpu_trap(v, (uint64_t)cause, pc);
		return NULL;
	}
	if (!pmp_check(v, pa, 2, ACC_EXEC, v->priv) ||
	    (dp = dcache_get(v, pa)) == NULL) {
		v->pc = pc;
		cpu_trap(v, EXC_INSN_ACCESS, pc);
		return NULL;
	}
	/* a page split by PMP is looked up again at every block */
	if (!pmp_page_uniform(v, pa))
		return dp;
	e = &v->ftlb[(pc >> 12) & (TLB_SIZE - 1)];
	e->tag = pc & ~0xfffULL;
	e->dp = dp;
	return dp;
}

/*
 * A 4-byte instruction whose second half is on the next page: decode it
 * into the vCPU's scratch slots, uncached.  0, or -1 after a fetch trap.
 */
static int
fetch_crossing(struct vcpu *v, uint64_t pc, uint16_t lo, struct decoded *d)
{
	uint64_t	 pa;
	uint16_t	 hi;
	uint8_t		*p;
	int		 cause;

	if ((cause = mmu_translate(v, pc + 2, ACC_EXEC, v->priv, &pa)) != 0) {
		v->pc = pc;
		cpu_trap(v, (uint64_t)cause, pc + 2);
		return -1;
	}
	if ((p = machine_gpa(v->m, pa, 2)) == NULL ||
	    !pmp_check(v, pa, 2, ACC_EXEC, v->priv)) {
		v->pc = pc;
		cpu_trap(v, EXC_INSN_ACCESS, pc + 2);
		return -1;
	}
	memcpy(&hi, p, 2);
	cpu_decode((uint32_t)lo | ((uint32_t)hi << 16), d);
	return 0;
}

static void
fill_slot(struct insn *s, const struct decoded *d, const void *const *labels,
    const void *const *labels_c)
{
	s->h = (d->len == 2 ? labels_c : labels)[d->op];
	/* writes to x0 go to the sink; f0 is a register like the others */
	s->rd = d->rd == 0 && !cpu_op_writes_f(d->op) ? 32 : d->rd;
	s->rs1 = d->rs1;
	s->rs2 = d->rs2;
	s->imm = d->imm;
	s->step = (uint8_t)(d->len * 8);
}

/*
 * The instruction at pc as fetched (16 or 32 bits), for the tval of an
 * illegal instruction whose slot no longer holds its encoding.
 */
static uint64_t
insn_bits(struct vcpu *v, uint64_t pc)
{
	uint64_t	 pa;
	uint16_t	 lo, hi;
	uint8_t		*p;

	if (mmu_translate(v, pc, ACC_EXEC, v->priv, &pa) != 0 ||
	    (p = machine_gpa(v->m, pa, 2)) == NULL)
		return 0;
	memcpy(&lo, p, 2);
	if ((lo & 3) != 3)
		return lo;
	if (mmu_translate(v, pc + 2, ACC_EXEC, v->priv, &pa) != 0 ||
	    (p = machine_gpa(v->m, pa, 2)) == NULL)
		return 0;
	memcpy(&hi, p, 2);
	return (uint64_t)lo | (uint64_t)hi << 16;
}

/* The raw bits of a CSR instruction, for the illegal-instruction tval. */
static uint64_t
csr_raw(const struct insn *s, unsigned f3)
{
	unsigned rd = s->rd == 32 ? 0 : s->rd;

	return ((uint64_t)(s->imm & 0xfff) << 20) | ((uint64_t)s->rs1 << 15) |
	    ((uint64_t)f3 << 12) | ((uint64_t)rd << 7) | 0x73;
}

/* Events seen at a block boundary; returns an exit or -1 to go on. */
int
cpu_handle_events(struct vcpu *v)
{
	uint32_t ev = atomic_load_explicit(&v->events, memory_order_acquire);

	if (ev & EV_SHUTDOWN)
		return CPU_EXIT_SHUTDOWN;
	ev = atomic_fetch_and(&v->events, EV_SHUTDOWN);
	if (ev & EV_FLUSH_CODE)
		dcache_flush(v);
	if (ev & EV_FLUSH_TLB)
		tlb_flush(v);
	if (ev & (EV_TIMER | EV_IRQ))
		cpu_timer_update(v);
	if (ev & EV_KICK)
		return CPU_EXIT_KICK;
	return -1;
}

/* On entry: a hart started by SBI HSM takes its start parameters. */
static int
enter_hsm(struct vcpu *v)
{
	int st = atomic_load(&v->hsm);

	if (st == CPU_HSM_START_PENDING) {
		cpu_hsm_begin(v);
		return -1;
	}
	if (st == CPU_HSM_STOPPED)
		return CPU_EXIT_STOPPED;
	return -1;
}

enum cpu_exit
interp_run(struct vcpu *v, uint64_t budget, int mode)
{
	/* every handler twice: for 4-byte (op_) and 2-byte (opc_) forms */
#define CPU_OP_LABEL(n) [OP_##n] = &&op_##n,
#define CPU_OPC_LABEL(n) [OP_##n] = &&opc_##n,
	static const void *const labels[OP_COUNT] = {
		CPU_OPS(CPU_OP_LABEL)
	};
	static const void *const labels_c[OP_COUNT] = {
		CPU_OPS(CPU_OPC_LABEL)
	};
#undef CPU_OP_LABEL
#undef CPU_OPC_LABEL
	/* the decode cache's two special handlers (dcache.c) */
	static const void *const special[2] = { &&op_decode, &&page_cross };
	uint64_t		*x = v->x;
	const struct insn	*ins, *slots;
	const struct insn	*const xslots = v->xtmp;
	struct dpage		*dp = NULL;
	uint64_t		 pc, npc, pcbase;
	uint64_t		 icount = v->instret;
	uint64_t		 end = icount + budget;
	uint64_t		 tcheck = icount + TIMER_SLICE;
	uint64_t		 limit;
	struct decoded		 d;
	int			 r;

	/*
	 * Label addresses are code, valid beyond this call; GCC 12 takes
	 * them for locals once the function can return before using them.
	 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
	v->h_decode = special[0];
	v->h_cross = special[1];
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif
	if (mode == INTERP_INIT)
		return CPU_EXIT_BUDGET;
	if (mode == INTERP_STEP) {
		limit = end = icount + 1;
		pc = v->pc;
		goto step;
	}
	if (atomic_load(&v->events) & EV_SHUTDOWN)
		return CPU_EXIT_SHUTDOWN;
	if ((r = enter_hsm(v)) >= 0)
		return (enum cpu_exit)r;
	cpu_timer_update(v);
	pc = v->pc;
	goto boundary;

/* Macros for the handlers in exec_*.inc. */
#define RD	x[ins->rd]
#define RS1	x[ins->rs1]
#define RS2	x[ins->rs2]
#define IMM	((int64_t)ins->imm)
#define PC	(pcbase + (uint64_t)((const char *)ins - (const char *)slots) / 8)
#define LEN	((uint64_t)STEP >> 3)
#define NEXT do {							\
		icount++;						\
		ins = (const struct insn *)((const char *)ins + STEP);	\
		goto *ins->h;						\
	} while (0)
#define JUMP(t) do {							\
		icount++;						\
		npc = (t);						\
		goto jump;						\
	} while (0)
/* leave the block after this instruction (state may have changed) */
#define ENDBLOCK do {							\
		icount++;						\
		pc = PC + LEN;						\
		goto boundary;						\
	} while (0)
/* a slow path already raised a trap: v->pc is the handler */
#define TRAPPED do { goto trapped; } while (0)
#define TRAP(cause, tval) do {						\
		v->pc = PC;						\
		cpu_trap(v, (cause), (tval));				\
		goto trapped;						\
	} while (0)
#define SYNC do { v->pc = PC; v->instret = icount; } while (0)

jump:
	if (unlikely(icount >= limit ||
	    atomic_load_explicit(&v->events, memory_order_relaxed) != 0)) {
		pc = npc;
		goto boundary;
	}
	/*
	 * Same page: index its slots.  Not when running a page-crossing
	 * instruction from the scratch slots, whose pcbase is not a page.
	 */
	if (likely(((npc ^ pcbase) >> 12) == 0 && slots != xslots)) {
		ins = &slots[(npc & 0xfff) >> 1];
		goto *ins->h;
	}
	pc = npc;
	goto fetch;

page_cross:
	pc = PC;
	if (unlikely(icount >= limit ||
	    atomic_load_explicit(&v->events, memory_order_relaxed) != 0))
		goto boundary;
	goto fetch;

trapped:
	/* a trap storm (e.g. a vector that faults) must still end */
	pc = v->pc;
	if (limit > icount)
		limit--;
	end--;
	goto boundary;

boundary:
	v->pc = pc;
	v->instret = icount;
	if (unlikely(mode == INTERP_STEP))
		return CPU_EXIT_BUDGET;
	if (atomic_load_explicit(&v->events, memory_order_relaxed) != 0 &&
	    (r = cpu_handle_events(v)) >= 0)
		return (enum cpu_exit)r;
	if (icount >= tcheck) {
		cpu_timer_update(v);
		tcheck = icount + TIMER_SLICE;
	}
	cpu_irq_take(v);
	if (unlikely(v->fatal))
		return CPU_EXIT_FATAL;
	if (icount >= end || (int64_t)(end - icount) <= 0)
		return CPU_EXIT_BUDGET;
	limit = end < tcheck ? end : tcheck;
	pc = v->pc;
	/* FALLTHROUGH */

fetch: {
	const struct ftlb *e = &v->ftlb[(pc >> 12) & (TLB_SIZE - 1)];

	if (likely(e->tag == (pc & ~0xfffULL)))
		dp = e->dp;
	else if ((dp = cpu_fetch_slow(v, pc)) == NULL)
		goto trapped;
	slots = dp->slot;
	pcbase = pc & ~0xfffULL;
	ins = &slots[(pc & 0xfff) >> 1];
	goto *ins->h;
}

step: {
	/*
	 * One instruction for the translator, decoded into the scratch
	 * slots (never cached: it may be code being rewritten); whatever it
	 * does next (NEXT into the page_cross slots, a jump, a trap) ends at
	 * the boundary, which returns.
	 */
	uint16_t	 lo;
	uint32_t	 raw;
	unsigned	 off = (unsigned)(pc & 0xfff);
	const struct ftlb *e = &v->ftlb[(pc >> 12) & (TLB_SIZE - 1)];

	if (likely(e->tag == (pc & ~0xfffULL)))
		dp = e->dp;
	else if ((dp = cpu_fetch_slow(v, pc)) == NULL)
		goto trapped;
	memcpy(&lo, dp->host + off, 2);
	if ((lo & 3) == 3 && off == 0xffe) {
		if (fetch_crossing(v, pc, lo, &d) != 0)
			goto trapped;
	} else {
		if ((lo & 3) == 3)
			memcpy(&raw, dp->host + off, 4);
		else
			raw = lo;
		cpu_decode(raw, &d);
	}
	fill_slot(&v->xtmp[0], &d, labels, labels_c);
	v->xtmp[1].h = v->xtmp[2].h = &&page_cross;
	slots = v->xtmp;
	pcbase = pc;
	ins = v->xtmp;
	goto *ins->h;
}

fp_illegal:
	/* an F/D instruction with FS Off or a reserved dynamic rounding mode */
	v->pc = PC;
	cpu_trap(v, EXC_ILLEGAL, insn_bits(v, v->pc));
	goto trapped;

op_decode: {
	unsigned	 off = (unsigned)((const char *)ins -
			    (const char *)slots) / 8;
	uint16_t	 lo;
	uint32_t	 raw;
	struct insn	*s = (struct insn *)(uintptr_t)ins;

	pc = PC;
	dcache_mark_code(v, dp);
	memcpy(&lo, dp->host + off, 2);
	if ((lo & 3) == 3 && off == 0xffe) {
		if (fetch_crossing(v, pc, lo, &d) != 0)
			goto trapped;
		fill_slot(&v->xtmp[0], &d, labels, labels_c);
		v->xtmp[1].h = v->xtmp[2].h = &&page_cross;
		slots = v->xtmp;
		pcbase = pc;
		ins = v->xtmp;
		goto *ins->h;
	}
	if ((lo & 3) == 3)
		memcpy(&raw, dp->host + off, 4);
	else
		raw = lo;
	cpu_decode(raw, &d);
	fill_slot(s, &d, labels, labels_c);
	if (off / 2 < dp->lo)
		dp->lo = off / 2;
	if (off / 2 > dp->hi)
		dp->hi = off / 2;
	goto *ins->h;
}

/*
 * The handlers, twice: STEP is the slot distance to the next instruction
 * (32 bytes = two slots for a 4-byte instruction, 16 for a 2-byte one), a
 * constant in each copy, which keeps a load off the dispatch path.
 */
#define STEP	32
#define OP(n)	op_##n
#include "hypervisor/cpu/exec_int.inc"
#include "hypervisor/cpu/exec_branch.inc"
#include "hypervisor/cpu/exec_mem.inc"
#include "hypervisor/cpu/exec_muldiv.inc"
#include "hypervisor/cpu/exec_amo.inc"
#include "hypervisor/cpu/exec_system.inc"
#include "hypervisor/cpu/exec_fp.inc"
#undef STEP
#undef OP
#define STEP	16
#define OP(n)	opc_##n
#include "hypervisor/cpu/exec_int.inc"
#include "hypervisor/cpu/exec_branch.inc"
#include "hypervisor/cpu/exec_mem.inc"
#include "hypervisor/cpu/exec_muldiv.inc"
#include "hypervisor/cpu/exec_amo.inc"
#include "hypervisor/cpu/exec_system.inc"
#include "hypervisor/cpu/exec_fp.inc"
#undef STEP
#undef OP

#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef PC
#undef LEN
#undef NEXT
#undef JUMP
#undef ENDBLOCK
#undef TRAPPED
#undef TRAP
#undef SYNC
}
