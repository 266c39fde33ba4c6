/* A hart's life cycle and the thread-safe inputs other parties use (cpu.h). */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hypervisor/cpu/jit.h"
#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"

/* hsm value while a starter fills the mailbox */
#define HSM_CLAIMED	100

/* RV64 (MXL=2) with A, C, D, F, I, M, S, U. */
#define MISA_RV64IMAFDC	((2ULL << 62) | (1u << 0) | (1u << 2) | (1u << 3) | \
			 (1u << 5) | (1u << 8) | (1u << 12) | (1u << 18) | \
			 (1u << 20))

struct vcpu *
cpu_new(struct machine *m, unsigned hartid, int firmware)
{
	struct vcpu *v;

	if ((v = aligned_alloc(64, (sizeof(*v) + 63) & ~(size_t)63)) == NULL)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->m = m;
	v->hartid = hartid;
	v->firmware = firmware;
	v->ram = machine_gpa(m, MACHINE_RAM_BASE, 1);
	v->ram_pages = machine_ram_size(m) >> 12;
	if ((v->codemap = calloc((v->ram_pages + 7) / 8, 1)) == NULL) {
		free(v);
		errno = ENOMEM;
		return NULL;
	}
	atomic_init(&v->hsm, CPU_HSM_STOPPED);
	memset(v->jc, 0xff, sizeof(v->jc));
	(void)interp_run(v, 0, INTERP_INIT);	/* the decode cache's labels */
	cpu_reset(v, MACHINE_RAM_BASE, firmware ? CPU_PRIV_S : CPU_PRIV_M);
	return v;
}

void
cpu_free(struct vcpu *v)
{
	if (v == NULL)
		return;
	dcache_flush(v);
	jit_free(v);
	free(v->codemap);
	free(v);
}

void
cpu_reset(struct vcpu *v, uint64_t pc, enum cpu_priv priv)
{
	memset(v->x, 0, sizeof(v->x));
	v->pc = pc;
	v->priv = (int)priv;
	v->mstatus = (2ULL << 32) | (2ULL << 34);	/* UXL = SXL = 64 */
	v->misa = MISA_RV64IMAFDC;
	/* FS starts Off: software turns the FPU on before using it */
	memset(v->f, 0, sizeof(v->f));
	v->fflags = v->frm = 0;
	/* PMP entries reset to OFF and unlocked (3.7.1) */
	memset(v->pmpcfg, 0, sizeof(v->pmpcfg));
	memset(v->pmpaddr, 0, sizeof(v->pmpaddr));
	v->pmp_locked = 0;
	v->medeleg = v->mideleg = 0;
	v->mie = 0;
	atomic_store(&v->mip, 0);
	v->mtvec = v->stvec = 0;
	v->mepc = v->sepc = v->mcause = v->scause = 0;
	v->mtval = v->stval = v->mscratch = v->sscratch = 0;
	v->satp = 0;
	v->mcounteren = v->scounteren = v->mcountinhibit = 0;
	v->res_addr = ~0ULL;
	v->fatal = 0;
	atomic_store(&v->mtimecmp, UINT64_MAX);
	atomic_store(&v->stimecmp, UINT64_MAX);
	if (v->firmware) {
		/*
		 * What an SBI firmware leaves behind for its S-mode payload:
		 * every S-level trap delegated; cycle, time and instret
		 * readable in S and U mode, as OpenSBI sets mcounteren and
		 * scounteren.  Linux 6.1 never writes scounteren, and its
		 * vDSO reads the time CSR in user mode (clock_gettime).
		 */
		v->medeleg = 0xb3ffULL & ~(1ULL << EXC_ECALL_S);
		v->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
		v->mcounteren = 7;
		v->scounteren = 7;
		v->mstatus |= 1ULL << MS_MPP_SHIFT;
	}
	atomic_fetch_and(&v->lines, ~(1ULL << IRQ_STI));
	tlb_flush(v);
}

/* A hart started by SBI HSM: apply the mailbox (on its own thread). */
void
cpu_hsm_begin(struct vcpu *v)
{
	cpu_reset(v, v->start_pc, CPU_PRIV_S);
	v->x[10] = v->hartid;
	v->x[11] = v->start_arg;
	atomic_store(&v->hsm, CPU_HSM_STARTED);
}

static void
wake(struct vcpu *v)
{
	if (v->wake != NULL)
		v->wake(v, v->wake_arg);
}

void
cpu_set_irq_line(struct vcpu *v, enum cpu_irq_line line, int level)
{
	uint64_t bit = 1ULL << line, old;

	if (level)
		old = atomic_fetch_or(&v->lines, bit);
	else
		old = atomic_fetch_and(&v->lines, ~bit);
	if (((old & bit) != 0) != (level != 0)) {
		atomic_fetch_or(&v->events, EV_IRQ);
		wake(v);
	}
}

void
cpu_set_upcall(struct vcpu *v, const uint8_t *vi)
{
	atomic_store_explicit(&v->upcall_vi, vi, memory_order_release);
	atomic_fetch_or(&v->events, EV_IRQ);
	wake(v);
}

void
cpu_upcall_notify(struct vcpu *v)
{
	atomic_fetch_or(&v->events, EV_IRQ);
	wake(v);
}

int
cpu_upcall_level(const struct vcpu *v)
{
	const uint8_t *vi = atomic_load_explicit(&v->upcall_vi,
	    memory_order_acquire);

	return vi != NULL &&
	    __atomic_load_n(vi + CPU_UPCALL_PENDING, __ATOMIC_ACQUIRE) != 0 &&
	    __atomic_load_n(vi + CPU_UPCALL_MASK, __ATOMIC_ACQUIRE) == 0;
}

void
cpu_raise_ssip(struct vcpu *v)
{
	atomic_fetch_or(&v->mip, MIP_SSIP);
	atomic_fetch_or(&v->events, EV_IRQ);
	wake(v);
}

void
cpu_set_stimecmp(struct vcpu *v, uint64_t t)
{
	atomic_store(&v->stimecmp, t);
	atomic_fetch_or(&v->events, EV_TIMER);
	cpu_timer_update(v);
}

void
cpu_timer_changed(struct vcpu *v)
{
	atomic_fetch_or(&v->events, EV_TIMER);
	cpu_timer_update(v);
}

void
cpu_kick(struct vcpu *v)
{
	atomic_fetch_or(&v->events, EV_KICK);
	wake(v);
}

void
cpu_set_wake(struct vcpu *v, cpu_wake_fn fn, void *arg)
{
	v->wake = fn;
	v->wake_arg = arg;
}

void
cpu_flush_code(struct vcpu *v)
{
	atomic_fetch_or(&v->events, EV_FLUSH_CODE);
}

/* Does a FENCE.I have anything to drop (vcpu.h, cpu_fence_i)? */
static int
fence_i_needed(const struct vcpu *v)
{
	return v->engine != CPU_ENGINE_JIT || machine_nvcpus(v->m) > 1;
}

void
cpu_fence_i(struct vcpu *v)
{
	if (fence_i_needed(v))
		dcache_flush(v);
}

void
cpu_remote_fence_i(struct vcpu *v)
{
	if (fence_i_needed(v))
		cpu_flush_code(v);
}

void
cpu_drop_code(struct vcpu *v)
{
	dcache_flush(v);
}

void
cpu_flush_tlb(struct vcpu *v)
{
	atomic_fetch_or(&v->events, EV_FLUSH_TLB);
}

void
cpu_shutdown_notify(struct vcpu *v)
{
	atomic_fetch_or(&v->events, EV_SHUTDOWN);
	wake(v);
}

uint64_t
cpu_get_reg(const struct vcpu *v, unsigned reg)
{
	return reg < 32 ? v->x[reg] : 0;
}

void
cpu_set_reg(struct vcpu *v, unsigned reg, uint64_t val)
{
	if (reg > 0 && reg < 32)
		v->x[reg] = val;
}

void
cpu_get_fp(const struct vcpu *v, uint64_t f[32], uint64_t *fcsr)
{
	memcpy(f, v->f, sizeof(v->f));
	*fcsr = (uint64_t)(v->frm << 5 | v->fflags);
}

void
cpu_set_fp(struct vcpu *v, const uint64_t f[32], uint64_t fcsr)
{
	memcpy(v->f, f, sizeof(v->f));
	v->fflags = (uint32_t)fcsr & 0x1f;
	v->frm = (uint32_t)(fcsr >> 5) & 7;
	if (v->mstatus & MS_FS)
		v->mstatus |= MS_FS;
}

uint64_t cpu_get_pc(const struct vcpu *v) { return v->pc; }
void cpu_set_pc(struct vcpu *v, uint64_t pc) { v->pc = pc & ~1ULL; }
enum cpu_priv cpu_get_priv(const struct vcpu *v) { return (enum cpu_priv)v->priv; }
unsigned cpu_hartid(const struct vcpu *v) { return v->hartid; }
uint64_t cpu_instret(const struct vcpu *v) { return v->instret; }
struct machine *cpu_machine(const struct vcpu *v) { return v->m; }

enum cpu_hsm
cpu_hsm_state(const struct vcpu *v)
{
	int st = atomic_load(&v->hsm);

	return st == HSM_CLAIMED ? CPU_HSM_START_PENDING : (enum cpu_hsm)st;
}

void
cpu_hsm_set(struct vcpu *v, enum cpu_hsm st)
{
	atomic_store(&v->hsm, (int)st);
	wake(v);
}

/* Ask a stopped hart to start at pc with a1 = arg (SBI HSM hart_start). */
int
cpu_hsm_start(struct vcpu *v, uint64_t pc, uint64_t arg)
{
	int expect = CPU_HSM_STOPPED;

	/* claim the mailbox first, so two starters cannot mix their writes */
	if (!atomic_compare_exchange_strong(&v->hsm, &expect, HSM_CLAIMED))
		return -1;
	v->start_pc = pc;
	v->start_arg = arg;
	atomic_store(&v->hsm, CPU_HSM_START_PENDING);
	cpu_kick(v);
	return 0;
}

enum cpu_exit
cpu_run(struct vcpu *v, uint64_t budget)
{
	if (v->engine == CPU_ENGINE_JIT)
		return jit_run(v, budget);
	return interp_run(v, budget, INTERP_RUN);
}

enum cpu_exit
cpu_step(struct vcpu *v)
{
	return interp_run(v, 1, INTERP_STEP);
}

int
cpu_set_engine(struct vcpu *v, enum cpu_engine e)
{
	if (e == CPU_ENGINE_JIT && !jit_supported()) {
		errno = ENOTSUP;
		return -1;
	}
	if (e != CPU_ENGINE_JIT && e != CPU_ENGINE_INTERP) {
		errno = EINVAL;
		return -1;
	}
	v->engine = (int)e;
	return 0;
}

enum cpu_engine
cpu_get_engine(const struct vcpu *v)
{
	return (enum cpu_engine)v->engine;
}

int
cpu_engine_parse(const char *s, enum cpu_engine *e)
{
	if (strcmp(s, "interp") == 0)
		*e = CPU_ENGINE_INTERP;
	else if (strcmp(s, "jit") == 0)
		*e = CPU_ENGINE_JIT;
	else
		return -1;
	return 0;
}

const char *
cpu_engine_name(enum cpu_engine e)
{
	return e == CPU_ENGINE_JIT ? "jit" : "interp";
}

void
cpu_jit_stats(const struct vcpu *v, struct cpu_jit_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (v->jit == NULL)
		return;
	s->blocks = v->jit->n_translated;
	s->code_bytes = v->jit->n_bytes;
	s->guest_insns = v->jit->n_guest;
	s->flushes = v->jit->n_flushes;
	s->translate_ns = v->jit->ns_translate;
}
