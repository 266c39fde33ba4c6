/*
 * The translating core's dispatcher, code cache and helpers (the code
 * generator is cpu/jit_gen.c).
 *
 * The dispatcher is the interpreter's block boundary (events, timer,
 * interrupts, budget) followed by: find the translation for v->pc, run
 * it until it returns, act on why it returned.  Translations are a cache,
 * never state: any of them can be dropped at a boundary.
 *
 * Keys and guards.  A translation block (TB) is keyed by its guest
 * virtual pc, its guest physical address and the privilege mode it was
 * made in; the virtual-to-physical step goes through the fetch TLB, which
 * is flushed whenever satp, privilege, MPRV/SUM/MXR or SFENCE.VMA change
 * the mapping.  Chained jumps bypass that lookup, so they are only made
 * between blocks of the same virtual page (the page's mapping was checked
 * when the chain was entered); every other exit goes through the jump
 * cache (virtual pc -> code), which is cleared together with the TLBs.
 * A page split by PMP gets neither.
 *
 * Invalidation.  A TB belongs to one guest-physical page and is listed on
 * its decode-cache page (struct dpage), which marks the page as code:
 * such a page never gets a write-TLB entry, so every store to it takes the
 * slow path into dcache_code_write(), which calls jit_page_written().  That
 * patches the entry of each TB whose guest bytes the store overlaps into a
 * jump to its "leave at pc" stub (so chained jumps into it leave too) and
 * unlists it; TBs elsewhere on the page stay.  So a loop that stores to
 * data sharing its page pays a slow-path store, never a retranslation
 * (QEMU's cliff); the page is unmarked (fast stores again) once it has
 * no TBs left.  Code memory is reclaimed only by a full flush (FENCE.I, a
 * full buffer, machine_invalidate), which happens only at a boundary.
 *
 * W^X.  The buffer is a memfd mapped twice: writable for the generator,
 * executable for running; no page is ever both.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hypervisor/cpu/jit.h"
#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"
#include "lib/log.h"

#define TIMER_SLICE	16384		/* as the interpreter (exec.c) */

#if defined(__x86_64__)

int
jit_supported(void)
{
	return 1;
}

/* CPU time of this thread: translation cost, not the machine's load */
static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned
tb_hash(uint64_t pc)
{
	return (unsigned)((pc >> 1) * 0x9e3779b97f4a7c15ULL >> 52) &
	    (JIT_HASH - 1);
}

static struct jit *
jit_new(void)
{
	struct jit	*j;
	int		 fd;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->rw = j->rx = MAP_FAILED;
	if ((j->tbs = calloc(JIT_MAX_TBS, sizeof(*j->tbs))) == NULL ||
	    (j->cold = malloc(jit_gen_scratch_size())) == NULL)
		goto fail;
	if ((fd = memfd_create("xvm-jit", MFD_CLOEXEC)) == -1)
		goto fail;
	if (ftruncate(fd, JIT_CODE_SIZE) == -1) {
		close(fd);
		goto fail;
	}
	j->rw = mmap(NULL, JIT_CODE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	j->rx = mmap(NULL, JIT_CODE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED,
	    fd, 0);
	close(fd);
	if (j->rw == MAP_FAILED || j->rx == MAP_FAILED)
		goto fail;
	j->base = j->used = (jit_gen_stubs(j) + 63) & ~(size_t)63;
	return j;
fail:
	if (j->rw != MAP_FAILED)
		munmap(j->rw, JIT_CODE_SIZE);
	if (j->rx != MAP_FAILED)
		munmap(j->rx, JIT_CODE_SIZE);
	free(j->tbs);
	free(j->cold);
	free(j);
	return NULL;
}

void
jit_free(struct vcpu *v)
{
	struct jit *j = v->jit;

	if (j == NULL)
		return;
	munmap(j->rw, JIT_CODE_SIZE);
	munmap(j->rx, JIT_CODE_SIZE);
	free(j->tbs);
	free(j->cold);
	free(j);
	v->jit = NULL;
}

void
jit_flush(struct vcpu *v)
{
	struct jit	*j = v->jit;
	struct dpage	*dp;
	unsigned	 i;

	if (j == NULL)
		return;
	for (i = 0; i < DHASH_SIZE; i++)
		for (dp = v->dhash[i]; dp != NULL; dp = dp->hnext)
			dp->tbs = NULL;
	memset(j->hash, 0, sizeof(j->hash));
	memset(v->jc, 0xff, sizeof(v->jc));
	j->ntbs = 0;
	j->used = j->base;
	j->gen++;
	j->n_flushes++;
}

void
jit_page_written(struct vcpu *v, struct dpage *dp, uint64_t pa, unsigned len)
{
	struct jit	*j = v->jit;
	struct jit_tb	*tb, **pp, **link;

	if (j == NULL)
		return;
	for (link = &dp->tbs; (tb = *link) != NULL;) {
		if (pa >= tb->pa + tb->bytes || tb->pa >= pa + len) {
			link = &tb->pnext;	/* not this one's code */
			continue;
		}
		*link = tb->pnext;
		if (tb->code != NULL) {
			uint8_t		 jmp[5] = { 0xe9 };
			uint32_t	 rel = (uint32_t)(tb->exit_rx -
					    ((uintptr_t)tb->code + 5));

			memcpy(jmp + 1, &rel, 4);
			memcpy(tb->entry_rw, jmp, 5);
		}
		for (pp = &j->hash[tb_hash(tb->pc)]; *pp != NULL;
		    pp = &(*pp)->hnext)
			if (*pp == tb) {
				*pp = tb->hnext;
				break;
			}
		j->inval++;
	}
	/* stale jump-cache entries lead to the patched entries: harmless */
}

/* The TB for (pc, pa, priv), translated if need be; NULL after a trap. */
static struct jit_tb *
find_tb(struct vcpu *v, struct jit *j, uint64_t pc)
{
	const struct ftlb	*e = &v->ftlb[(pc >> 12) & (TLB_SIZE - 1)];
	struct dpage		*dp;
	struct jit_tb		*tb;
	uint64_t		 pa, t0;
	unsigned		 h = tb_hash(pc);
	int			 uniform = 1;

	if (e->tag == (pc & ~0xfffULL)) {
		dp = e->dp;
	} else {
		if ((dp = cpu_fetch_slow(v, pc)) == NULL)
			return NULL;
		uniform = e->tag == (pc & ~0xfffULL);
	}
	pa = (dp->ppn << 12) | (pc & 0xfff);
	for (tb = j->hash[h]; tb != NULL; tb = tb->hnext)
		if (tb->pc == pc && tb->pa == pa && tb->priv == v->priv)
			goto found;
	if (j->ntbs >= JIT_MAX_TBS || j->used + JIT_RESERVE > JIT_CODE_SIZE)
		jit_flush(v);
	t0 = now_ns();
	tb = &j->tbs[j->ntbs++];
	memset(tb, 0, sizeof(*tb));
	tb->pc = pc;
	tb->pa = pa;
	tb->priv = v->priv;
	tb->chain = uniform;
	dcache_mark_code(v, dp);
	jit_gen_block(v, j, tb, dp->host);
	tb->hnext = j->hash[h];
	j->hash[h] = tb;
	tb->pnext = dp->tbs;
	dp->tbs = tb;
	j->n_translated++;
	j->ns_translate += now_ns() - t0;
found:
	if (tb->code != NULL && tb->chain) {
		struct jcache *c = &v->jc[(pc >> 1) & (JC_SIZE - 1)];

		c->pc = pc;
		c->code = tb->code;
	}
	return tb;
}

/* Aim the jump at v->jit_patch (a rel32 field, executable address) at tb. */
static void
chain(struct jit *j, uintptr_t field_rx, const struct jit_tb *tb)
{
	uint8_t *field = (uint8_t *)(field_rx - (uintptr_t)(j->rx - j->rw));
	uint32_t rel = (uint32_t)((uintptr_t)tb->code - (field_rx + 4));

	memcpy(field, &rel, 4);
}

/* One instruction by the interpreter; an exit, or -1 to go on. */
static int
step(struct vcpu *v, uint64_t *end)
{
	uint64_t before = v->instret;
	enum cpu_exit r = interp_run(v, 1, INTERP_STEP);

	if (r != CPU_EXIT_BUDGET)
		return (int)r;
	if (v->instret == before && *end > before)
		(*end)--;	/* a trap storm must still end */
	return -1;
}

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
jit_run(struct vcpu *v, uint64_t budget)
{
	struct jit	*j = v->jit;
	uint64_t	 end, tcheck, gen;
	uintptr_t	 patch = 0;
	int		 r;

	if (j == NULL) {
		if ((v->jit = j = jit_new()) == NULL) {
			log_warn("%s: translator unavailable, interpreting",
			    __func__);
			v->engine = CPU_ENGINE_INTERP;
			return interp_run(v, budget, INTERP_RUN);
		}
		memset(v->jc, 0xff, sizeof(v->jc));
	}
	if (atomic_load(&v->events) & EV_SHUTDOWN)
		return CPU_EXIT_SHUTDOWN;
	if ((r = enter_hsm(v)) >= 0)
		return (enum cpu_exit)r;
	cpu_timer_update(v);
	v->x[0] = 0;
	end = v->instret + budget;
	tcheck = v->instret + TIMER_SLICE;
	for (;;) {
		struct jit_tb *tb;

		if (atomic_load_explicit(&v->events, memory_order_relaxed) &&
		    (r = cpu_handle_events(v)) >= 0)
			return (enum cpu_exit)r;
		if (v->instret >= tcheck) {
			cpu_timer_update(v);
			tcheck = v->instret + TIMER_SLICE;
		}
		if (cpu_irq_take(v))
			patch = 0;
		if (v->fatal)
			return CPU_EXIT_FATAL;
		if (v->instret >= end)
			return CPU_EXIT_BUDGET;
		v->jit_limit = end < tcheck ? end : tcheck;
		gen = j->gen;
		if ((tb = find_tb(v, j, v->pc)) == NULL) {
			if (end > v->instret)
				end--;
			patch = 0;
			continue;
		}
		if (patch != 0 && gen == j->gen && tb->code != NULL &&
		    tb->chain)
			chain(j, patch, tb);
		patch = 0;
		if (tb->code == NULL) {
			if ((r = step(v, &end)) >= 0)
				return (enum cpu_exit)r;
			continue;
		}
		switch (j->enter(v, tb->code)) {
		case JX_CHAIN:
			patch = v->jit_patch;
			break;
		case JX_STEP:
			if ((r = step(v, &end)) >= 0)
				return (enum cpu_exit)r;
			break;
		case JX_TRAP:
			if (end > v->instret)
				end--;
			break;
		default:
			break;
		}
	}
}

/* Helpers called from translated code. */

int
jit_helper_load(struct vcpu *v, uint64_t addr, unsigned kind, uint64_t pc,
    unsigned n, unsigned rd)
{
	unsigned	 size = kind & 0xf;
	uint64_t	 val;

	v->pc = pc;
	v->instret += n;
	if (mem_load_slow(v, addr, size, &val) != 0)
		return JX_TRAP;
	v->instret -= n;
	if (kind & JIT_LD_SIGNED) {
		unsigned sh = 64 - 8 * size;

		val = (uint64_t)((int64_t)(val << sh) >> sh);
	}
	v->x[rd] = val;
	return JX_CONT;
}

int
jit_helper_store(struct vcpu *v, uint64_t addr, uint64_t val, unsigned kind,
    uint64_t pc, unsigned n)
{
	uint64_t inval = v->jit->inval;

	v->pc = pc;
	v->instret += n;
	if (mem_store_slow(v, addr, kind & 0xf, val) != 0)
		return JX_TRAP;
	if (v->jit->inval != inval) {
		/* code was written: leave, the rest of the block may be stale */
		v->pc = pc + (kind >> 8);
		v->instret++;
		return JX_DONE;
	}
	v->instret -= n;
	return JX_CONT;
}

uint64_t
jit_helper_div(uint64_t a, uint64_t b)
{
	if (b == 0)
		return ~0ULL;
	if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
		return a;
	return (uint64_t)((int64_t)a / (int64_t)b);
}

uint64_t
jit_helper_divu(uint64_t a, uint64_t b)
{
	return b == 0 ? ~0ULL : a / b;
}

uint64_t
jit_helper_rem(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a;
	if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

uint64_t
jit_helper_remu(uint64_t a, uint64_t b)
{
	return b == 0 ? a : a % b;
}

uint64_t
jit_helper_divw(uint64_t a64, uint64_t b64)
{
	int32_t a = (int32_t)a64, b = (int32_t)b64;

	if (b == 0)
		return ~0ULL;
	if (a == INT32_MIN && b == -1)
		return (uint64_t)(int64_t)a;
	return (uint64_t)(int64_t)(a / b);
}

uint64_t
jit_helper_divuw(uint64_t a64, uint64_t b64)
{
	uint32_t a = (uint32_t)a64, b = (uint32_t)b64;

	return b == 0 ? ~0ULL : (uint64_t)(int64_t)(int32_t)(a / b);
}

uint64_t
jit_helper_remw(uint64_t a64, uint64_t b64)
{
	int32_t a = (int32_t)a64, b = (int32_t)b64;

	if (b == 0)
		return (uint64_t)(int64_t)a;
	if (a == INT32_MIN && b == -1)
		return 0;
	return (uint64_t)(int64_t)(a % b);
}

uint64_t
jit_helper_remuw(uint64_t a64, uint64_t b64)
{
	uint32_t a = (uint32_t)a64, b = (uint32_t)b64;

	return (uint64_t)(int64_t)(int32_t)(b == 0 ? a : a % b);
}

uint64_t
jit_helper_mulhsu(uint64_t a, uint64_t b)
{
	return (uint64_t)(((__int128)(int64_t)a *
	    (__int128)(unsigned __int128)b) >> 64);
}

#else	/* no translator for this host */

int
jit_supported(void)
{
	return 0;
}

enum cpu_exit
jit_run(struct vcpu *v, uint64_t budget)
{
	return interp_run(v, budget, INTERP_RUN);
}

void jit_free(struct vcpu *v) { (void)v; }
void jit_flush(struct vcpu *v) { (void)v; }
void jit_page_written(struct vcpu *v, struct dpage *dp) { (void)v; (void)dp; }

#endif
