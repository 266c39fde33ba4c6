/* The translator's internals, shared by cpu/jit.c and cpu/jit_gen.c (cpu/ only). */
#ifndef XVM_HYPERVISOR_CPU_JIT_H
#define XVM_HYPERVISOR_CPU_JIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/cpu/vcpu.h"

/* Why translated code returned to the dispatcher (jit_enter's result). */
enum {
	JX_CONT = 0,	/* (helpers only) go on with the block */
	JX_DONE,	/* v->pc and v->instret are up to date: dispatch */
	JX_CHAIN,	/* same, and v->jit_patch is a jump to aim at v->pc */
	JX_STEP,	/* interpret the one instruction at v->pc */
	JX_TRAP,	/* a helper took a trap: v->pc is the handler */
};

/* A translation block: guest code from pc to its first exit, one page. */
struct jit_tb {
	uint64_t	 pc;		/* guest virtual */
	uint64_t	 pa;		/* guest physical */
	int		 priv;
	int		 step;		/* no code: interpret the first insn */
	int		 chain;		/* may be entered by chained jumps */
	unsigned	 ninsns;
	unsigned	 bytes;		/* guest code covered: [pa, pa+bytes) */
	const uint8_t	*code;		/* executable entry */
	uint8_t		*entry_rw;	/* the entry through the writable view */
	uintptr_t	 exit_rx;	/* the entry's "leave at pc" stub */
	struct jit_tb	*hnext;		/* hash chain */
	struct jit_tb	*pnext;		/* translations of the same page */
};

#define JIT_HASH	4096
#define JIT_MAX_TBS	32768
#define JIT_CODE_SIZE	(16u << 20)	/* per vCPU, sparse until used */
#define JIT_RESERVE	(64u << 10)	/* room a block may need */
#define JIT_MAX_INSNS	64
#define JIT_COLD_SIZE	(32u << 10)

struct jit {
	uint8_t		*rw, *rx;	/* the same memfd mapped twice (W^X) */
	size_t		 used;		/* bytes of code emitted */
	size_t		 base;		/* where blocks start (after stubs) */
	int		 (*enter)(struct vcpu *, const void *);
	uintptr_t	 epilogue;	/* executable addresses of the stubs */
	uintptr_t	 lookup;
	struct jit_tb	*tbs;		/* JIT_MAX_TBS, bump-allocated */
	unsigned	 ntbs;
	struct jit_tb	*hash[JIT_HASH];
	uint64_t	 gen;		/* full flushes so far */
	uint64_t	 inval;		/* translations invalidated so far */
	uint8_t		*cold;		/* jit_gen_scratch_size() bytes */
	/* statistics (--stats) */
	uint64_t	 n_translated, n_bytes, n_guest, n_flushes, ns_translate;
};

/* jit_gen.c: the size of j->cold (generator state and slow paths). */
size_t	jit_gen_scratch_size(void);
/* Emit the entry/exit stubs at j->rw; their size. */
size_t	jit_gen_stubs(struct jit *);
/*
 * Translate the guest code at tb->pc (page bytes at 'page', which is
 * tb->pa's page) into j's buffer.  Sets tb->code etc., or tb->step when
 * the first instruction is not translated.
 */
void	jit_gen_block(struct vcpu *, struct jit *, struct jit_tb *,
	    const uint8_t *page);

/* Helpers translated code calls (jit.c). */
int	jit_helper_load(struct vcpu *, uint64_t addr, unsigned kind,
	    uint64_t pc, unsigned n, unsigned rd);
int	jit_helper_store(struct vcpu *, uint64_t addr, uint64_t val,
	    unsigned kind, uint64_t pc, unsigned n);
uint64_t jit_helper_div(uint64_t, uint64_t);
uint64_t jit_helper_divu(uint64_t, uint64_t);
uint64_t jit_helper_rem(uint64_t, uint64_t);
uint64_t jit_helper_remu(uint64_t, uint64_t);
uint64_t jit_helper_divw(uint64_t, uint64_t);
uint64_t jit_helper_divuw(uint64_t, uint64_t);
uint64_t jit_helper_remw(uint64_t, uint64_t);
uint64_t jit_helper_remuw(uint64_t, uint64_t);
uint64_t jit_helper_mulhsu(uint64_t, uint64_t);

/* load kinds: size in the low 4 bits, sign extension in bit 4 */
#define JIT_LD_SIGNED	0x10u

/* Entry points for the rest of cpu/. */
int	jit_supported(void);
enum cpu_exit jit_run(struct vcpu *, uint64_t budget);
void	jit_free(struct vcpu *);
void	jit_flush(struct vcpu *);		/* not from translated code */
/* [pa, pa+len) of dp's page is about to be written. */
void	jit_page_written(struct vcpu *, struct dpage *, uint64_t pa,
	    unsigned len);

/* The TLBs changed: jump-cache entries may map to other pages now. */
static inline void
jit_tlb_flushed(struct vcpu *v)
{
	if (v->jit != NULL)
		memset(v->jc, 0xff, sizeof(v->jc));
}

#endif
