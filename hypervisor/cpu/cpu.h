/* The RV64GC (IMAFDC+Zicsr+Zifencei+Zicntr) hart: the interface a machine or a hypervisor embeds. */
#ifndef XVM_HYPERVISOR_CPU_CPU_H
#define XVM_HYPERVISOR_CPU_CPU_H

/*
 * Interface promises (other parts, notably the multi-domain hypervisor,
 * build on these; change them only together with their users):
 *
 * (a) No globals.  Any number of machines and vCPUs live in one process.
 *     A vCPU has no thread of its own: cpu_run() executes it on whatever
 *     thread calls it, one thread at a time per vCPU.
 * (b) Guest RAM belongs to the machine (machine.h): one memfd mapped
 *     MAP_SHARED at guest-physical 0x80000000, sparse.  Other processes
 *     (dom0 tools) may map the same pages.
 * (c) cpu_run(v, budget) executes until about 'budget' instructions have
 *     retired (checked between blocks, so it may overshoot by one block)
 *     or something needs the caller, and says why in enum cpu_exit.
 * (d) S-mode ecalls, when the machine is its own firmware, are SBI handled
 *     in C (sbi.h).  An extension ID SBI does not know goes to the hook set
 *     with machine_set_hcall_hook(); without a hook the guest gets
 *     SBI_ERR_NOT_SUPPORTED.  The PV hypercall ABI is a7 = an ID in SBI's
 *     firmware-specific range 0x0A000000-0x0AFFFFFF, a6 = the Xen
 *     hypercall number, a0-a5 arguments, a0 the result.
 * (e) Interrupt lines (cpu_set_irq_line) and kicks (cpu_kick) may be used
 *     from any thread: they are atomic bit operations, and a vCPU inside
 *     cpu_run() notices them at its next block boundary (a taken branch,
 *     a jump or a page crossing: microseconds at most).
 * (f) When anyone but the vCPU itself writes guest memory that may hold
 *     code, call machine_invalidate() (or cpu_flush_code() per vCPU): the
 *     decode cache is per vCPU and keyed by guest-physical address.
 *     machine_gpa() turns a guest-physical range into a host pointer.
 */

#include <stddef.h>
#include <stdint.h>

struct machine;
struct vcpu;

/* Why cpu_run() returned. */
enum cpu_exit {
	CPU_EXIT_BUDGET = 0,	/* the instruction budget is spent */
	CPU_EXIT_WFI,		/* WFI with nothing pending: sleep until an
				   interrupt line, a kick or cpu_deadline() */
	CPU_EXIT_KICK,		/* cpu_kick() was called */
	CPU_EXIT_STOPPED,	/* the hart is stopped (SBI HSM) */
	CPU_EXIT_SHUTDOWN,	/* the machine powered off, rebooted or failed:
				   machine_shutdown_reason() says which */
	CPU_EXIT_HCALL,		/* the hcall hook asked to hand an ecall to
				   the caller; pc is already past the ecall */
	CPU_EXIT_FATAL,		/* the guest state cannot continue (e.g. a
				   trap to M-mode with no M-mode firmware) */
};

/* Interrupt inputs of a hart, driven by devices or a hypervisor. */
enum cpu_irq_line {
	CPU_IRQ_MSIP = 3,	/* CLINT software interrupt */
	CPU_IRQ_MTIP = 7,	/* CLINT timer (driven by the core itself) */
	CPU_IRQ_MEIP = 11,	/* PLIC, M-mode context */
	CPU_IRQ_SEIP = 9,	/* PLIC, S-mode context */
};

/*
 * The event-channel upcall, Xen's model (docs/guest-abi.md): the hart's
 * supervisor external interrupt is asserted while the guest's
 * vcpu_info.evtchn_upcall_pending byte is set and its evtchn_upcall_mask
 * byte is clear -- ORed with the PLIC's SEIP.  The level is not latched:
 * the hart reads both bytes whenever it decides on interrupts (trap entry
 * and return, sret/mret, every CSR write, every ecall including
 * hypercalls, WFI, a kick or line change from another thread, and at least
 * every 16384 instructions), so it is never lost and never spurious:
 * a guest that clears pending or sets mask with a plain store has dropped
 * it by its next such point.  vcpu_info is borrowed (NULL: no upcall);
 * any thread may set it.  cpu_upcall_notify() after the hypervisor sets
 * pending makes a running hart look at once and wakes a sleeping one.
 */
#define CPU_UPCALL_PENDING	0	/* byte offsets in vcpu_info */
#define CPU_UPCALL_MASK		1
void	cpu_set_upcall(struct vcpu *, const uint8_t *vcpu_info);
void	cpu_upcall_notify(struct vcpu *);
/* Is the upcall asserted now (for tests and the hypervisor's block). */
int	cpu_upcall_level(const struct vcpu *);

/* Where a hart starts and in which mode. */
enum cpu_priv {
	CPU_PRIV_U = 0,
	CPU_PRIV_S = 1,
	CPU_PRIV_M = 3,
};

/*
 * Create hart 'hartid' of machine m.  firmware != 0 means the machine is
 * its own M-mode firmware (SBI in C, guest starts in S-mode); 0 means
 * M-mode code runs for real.  Owned by the caller, released with
 * cpu_free().  NULL with ENOMEM.
 */
struct vcpu *cpu_new(struct machine *m, unsigned hartid, int firmware);
void	cpu_free(struct vcpu *);

/* Reset to the architectural reset state with pc and privilege given. */
void	cpu_reset(struct vcpu *, uint64_t pc, enum cpu_priv priv);

/* Run on the calling thread; see enum cpu_exit. */
enum cpu_exit cpu_run(struct vcpu *, uint64_t budget);

/*
 * Execute exactly the one instruction at pc with the interpreter (or take
 * its trap), with no interrupt check: for differential tests.  Returns
 * CPU_EXIT_BUDGET, or what the instruction itself caused (WFI, HCALL...).
 */
enum cpu_exit cpu_step(struct vcpu *);

/*
 * How cpu_run() executes guest code (docs/cpu.md): the interpreter (the
 * reference, the default) or the translator to host code.  Both give the
 * same architectural results; translations are a cache, never state.
 */
enum cpu_engine {
	CPU_ENGINE_INTERP = 0,
	CPU_ENGINE_JIT = 1,
};
/* 0, or -1 with ENOTSUP when this host has no translator. */
int	cpu_set_engine(struct vcpu *, enum cpu_engine);
enum cpu_engine cpu_get_engine(const struct vcpu *);
/* "interp" / "jit" <-> enum; parse returns 0 or -1 (unknown name). */
int	cpu_engine_parse(const char *, enum cpu_engine *);
const char *cpu_engine_name(enum cpu_engine);
/*
 * Translator statistics since the vCPU was created (all 0 when it never
 * translated): blocks translated, host code bytes, guest instructions
 * translated, full flushes, nanoseconds spent translating.
 */
struct cpu_jit_stats {
	uint64_t	 blocks, code_bytes, guest_insns, flushes, translate_ns;
};
void	cpu_jit_stats(const struct vcpu *, struct cpu_jit_stats *);

/* Thread-safe inputs (promise e). */
void	cpu_set_irq_line(struct vcpu *, enum cpu_irq_line, int level);
void	cpu_kick(struct vcpu *);

/*
 * Called (from any thread) after an irq line changes or a kick, so an
 * embedder whose thread sleeps in WFI can wake it.  NULL = none.
 */
typedef void (*cpu_wake_fn)(struct vcpu *, void *arg);
void	cpu_set_wake(struct vcpu *, cpu_wake_fn, void *arg);

/*
 * Nonzero when an interrupt is pending that would end WFI (mip & mie),
 * after bringing the timer lines up to date.
 */
int	cpu_wfi_should_wake(struct vcpu *);

/* The host CLOCK_MONOTONIC time (ns) of the next timer event, or UINT64_MAX. */
uint64_t cpu_deadline(struct vcpu *);
/* The same in mtime units: the earlier of mtimecmp and stimecmp. */
uint64_t cpu_timer_cmp(struct vcpu *);

/* Drop decoded code and TLBs at the next block boundary (any thread). */
void	cpu_flush_code(struct vcpu *);
/* SBI remote fence.i: cpu_flush_code() unless nothing can be stale. */
void	cpu_remote_fence_i(struct vcpu *);
void	cpu_flush_tlb(struct vcpu *);
/*
 * Free the decode cache now: the vCPU's own thread, between cpu_run()
 * calls.  A vCPU that will sleep long keeps no decoded pages (32 KiB
 * each); it decodes again what it runs when it wakes.
 */
void	cpu_drop_code(struct vcpu *);

/* Register and state access for embedders (not thread-safe vs. cpu_run). */
uint64_t cpu_get_reg(const struct vcpu *, unsigned reg);	/* x0..x31 */
void	cpu_set_reg(struct vcpu *, unsigned reg, uint64_t);
/*
 * f0-f31 and fcsr (frm << 5 | fflags).  Setting them makes mstatus.FS
 * Dirty unless it is Off (the guest must save what it did not write);
 * fcsr bits above 7 are ignored.
 */
void	cpu_get_fp(const struct vcpu *, uint64_t f[32], uint64_t *fcsr);
void	cpu_set_fp(struct vcpu *, const uint64_t f[32], uint64_t fcsr);
uint64_t cpu_get_pc(const struct vcpu *);
void	cpu_set_pc(struct vcpu *, uint64_t);
enum cpu_priv cpu_get_priv(const struct vcpu *);
unsigned cpu_hartid(const struct vcpu *);
uint64_t cpu_instret(const struct vcpu *);
struct machine *cpu_machine(const struct vcpu *);

/*
 * SBI HSM state of the hart (used by the machine's SBI and its runner).
 * A stopped hart returns CPU_EXIT_STOPPED from cpu_run() at once.
 */
enum cpu_hsm {
	CPU_HSM_STARTED = 0,
	CPU_HSM_STOPPED = 1,
	CPU_HSM_START_PENDING = 2,
	CPU_HSM_STOP_PENDING = 3,
	CPU_HSM_SUSPENDED = 4,
};
enum cpu_hsm cpu_hsm_state(const struct vcpu *);
void	cpu_hsm_set(struct vcpu *, enum cpu_hsm);
/*
 * Start a stopped hart (any thread): it begins in S-mode at pc with
 * a0 = hartid, a1 = arg on its next cpu_run().  -1 if it is not stopped.
 */
int	cpu_hsm_start(struct vcpu *, uint64_t pc, uint64_t arg);

/*
 * The architectural state of a hart, for save/restore, migration and
 * set/get vCPU context.  Plain values: the save stream may store it field
 * by field (docs/cpu.md).  Only while the vCPU is not inside cpu_run().
 */
struct cpu_context {
	uint64_t	x[32];		/* x[0] is ignored on set */
	uint64_t	pc;
	uint64_t	priv;		/* enum cpu_priv */
	uint64_t	mstatus, misa, medeleg, mideleg, mie, mip;
	uint64_t	mtvec, stvec, mepc, sepc, mcause, scause;
	uint64_t	mtval, stval, mscratch, sscratch, satp;
	uint64_t	mcounteren, scounteren, mcountinhibit;
	uint64_t	instret, mcycle_off, minstret_off;
	uint64_t	mtimecmp, stimecmp;	/* mtime units */
	uint64_t	hsm;		/* enum cpu_hsm */
	/* from here on: added with F and D (a shorter context has none) */
	uint64_t	f[32];		/* f0-f31, singles NaN-boxed */
	uint64_t	fcsr;		/* frm << 5 | fflags */
	/* from here on: added with PMP entries */
	uint64_t	pmpcfg[2];	/* pmpcfg0, pmpcfg2 */
	uint64_t	pmpaddr[16];
};
/*
 * Older layouts are prefixes: before F and D a context ended at 'f'
 * (V1), before PMP at 'pmpcfg' (V2).  A loader given such a count zeroes
 * the rest: FS Off (as the saved mstatus says), PMP entries off.
 */
#define CPU_CONTEXT_FIELDS	(sizeof(struct cpu_context) / sizeof(uint64_t))
#define CPU_CONTEXT_FIELDS_V1	(offsetof(struct cpu_context, f) / \
				 sizeof(uint64_t))
#define CPU_CONTEXT_FIELDS_V2	(offsetof(struct cpu_context, pmpcfg) / \
				 sizeof(uint64_t))
void	cpu_get_context(const struct vcpu *, struct cpu_context *);
/*
 * Load a context (WARL fields are legalised as a CSR write would).
 * 0, or -1 with errno EINVAL for a privilege or HSM state that does not
 * exist (nothing changed).
 */
int	cpu_set_context(struct vcpu *, const struct cpu_context *);

/* SBI's inputs: IPI (sets SSIP), set_timer (S-mode timer compare). */
void	cpu_raise_ssip(struct vcpu *);
void	cpu_set_stimecmp(struct vcpu *, uint64_t mtime_value);
/* The machine's clock jumped or restarted: re-read the timer lines. */
void	cpu_timer_changed(struct vcpu *);
/* The machine is shutting down: cpu_run() returns CPU_EXIT_SHUTDOWN. */
void	cpu_shutdown_notify(struct vcpu *);

#endif
