/* Inside a hart: register file, CSRs, TLBs and the decode cache (cpu/ only). */
#ifndef XVM_HYPERVISOR_CPU_VCPU_H
#define XVM_HYPERVISOR_CPU_VCPU_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "hypervisor/cpu/cpu.h"

/*
 * A decoded instruction.  'h' is the execute handler (a label address in
 * cpu_run); rd is never 0 for an op that writes a register (writes to x0
 * go to the sink register 32).  'step' is the byte distance to the next
 * slot: 2-byte instructions occupy one slot, 4-byte ones two.
 */
struct insn {
	const void	*h;
	uint8_t		 rd;
	uint8_t		 rs1;
	uint8_t		 rs2;
	uint8_t		 step;
	int32_t		 imm;
};

#define DPAGE_SLOTS	2048	/* one per halfword of a 4 KiB page */

/*
 * The decoded form of one guest-physical code page.  Slots start as
 * "decode me"; the two slots past the end lead to the next page.
 * [lo, hi] bounds the slots decoded so far, so resetting is cheap.
 */
struct dpage {
	uint64_t	 ppn;		/* guest-physical page number */
	uint8_t		*host;		/* the RAM page */
	struct dpage	*hnext;		/* hash chain */
	struct jit_tb	*tbs;		/* translations of this page (jit.c) */
	unsigned	 lo, hi;
	struct insn	 slot[DPAGE_SLOTS + 2];
};

/* A direct-mapped TLB entry: host = vaddr + addend when tag matches. */
struct tlb {
	uint64_t	 tag;		/* page vaddr, or TLB_INVALID */
	uintptr_t	 addend;
};
struct ftlb {
	uint64_t	 tag;
	struct dpage	*dp;
};

#define PMP_ENTRIES	16

/* The translator's jump cache: guest virtual PC -> translated code. */
#define JC_BITS		10
#define JC_SIZE		(1u << JC_BITS)
struct jcache {
	uint64_t	 pc;		/* or TLB_INVALID */
	const void	*code;
};

#define TLB_BITS	8
#define TLB_SIZE	(1u << TLB_BITS)
#define TLB_INVALID	(~0ULL)
#define DHASH_SIZE	1024
#define DPAGE_MAX	4096		/* flush everything beyond this */

/* events: why the run loop must look up from the fast path */
#define EV_KICK		0x01u
#define EV_IRQ		0x02u
#define EV_FLUSH_CODE	0x04u
#define EV_FLUSH_TLB	0x08u
#define EV_SHUTDOWN	0x10u
#define EV_TIMER	0x20u

/* mstatus bits */
#define MS_SIE		(1ULL << 1)
#define MS_MIE		(1ULL << 3)
#define MS_SPIE		(1ULL << 5)
#define MS_UBE		(1ULL << 6)
#define MS_MPIE		(1ULL << 7)
#define MS_SPP		(1ULL << 8)
#define MS_MPP_SHIFT	11
#define MS_MPP		(3ULL << MS_MPP_SHIFT)
#define MS_FS		(3ULL << 13)	/* 0 Off, 1 Initial, 2 Clean, 3 Dirty */
#define MS_FS_INITIAL	(1ULL << 13)
#define MS_MPRV		(1ULL << 17)
#define MS_SUM		(1ULL << 18)
#define MS_MXR		(1ULL << 19)
#define MS_TVM		(1ULL << 20)
#define MS_TW		(1ULL << 21)
#define MS_TSR		(1ULL << 22)
#define MS_UXL		(3ULL << 32)
#define MS_SXL		(3ULL << 34)
#define MS_SD		(1ULL << 63)	/* read-only: FS == Dirty */

#define IRQ_SSI		1
#define IRQ_MSI		3
#define IRQ_STI		5
#define IRQ_MTI		7
#define IRQ_SEI		9
#define IRQ_MEI		11
#define MIP_SSIP	(1ULL << IRQ_SSI)
#define MIP_MSIP	(1ULL << IRQ_MSI)
#define MIP_STIP	(1ULL << IRQ_STI)
#define MIP_MTIP	(1ULL << IRQ_MTI)
#define MIP_SEIP	(1ULL << IRQ_SEI)
#define MIP_MEIP	(1ULL << IRQ_MEI)
#define SIP_MASK	(MIP_SSIP | MIP_STIP | MIP_SEIP)

/* exception causes */
enum {
	EXC_INSN_MISALIGNED = 0,
	EXC_INSN_ACCESS = 1,
	EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4,
	EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7,
	EXC_ECALL_U = 8,
	EXC_ECALL_S = 9,
	EXC_ECALL_M = 11,
	EXC_INSN_PAGE = 12,
	EXC_LOAD_PAGE = 13,
	EXC_STORE_PAGE = 15,
};

/* memory access kinds */
enum acc { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };

struct vcpu {
	/* hot: the run loop's state */
	uint64_t	 x[33];		/* x[32] is the sink for writes to x0 */
	uint64_t	 pc;
	uint64_t	 instret;
	uint64_t	 jit_limit;	/* translated code exits at this instret */
	uintptr_t	 jit_patch;	/* a jump to chain (jit.c) */
	_Atomic uint32_t events;
	int		 priv;
	uint32_t	 fflags;	/* fcsr's accrued exceptions (FFLAG_*) */
	uint32_t	 frm;		/* fcsr's rounding mode, 0-7 as written */
	uint64_t	 f[32];		/* f0-f31; singles NaN-boxed */
	struct tlb	 rtlb[TLB_SIZE];
	struct tlb	 wtlb[TLB_SIZE];
	struct ftlb	 ftlb[TLB_SIZE];

	/* CSRs */
	uint64_t	 mstatus;
	uint64_t	 misa;
	uint64_t	 medeleg, mideleg;
	uint64_t	 mie;
	_Atomic uint64_t mip;		/* software-writable bits */
	_Atomic uint64_t lines;		/* device lines (cpu_irq_line) */
	const uint8_t *_Atomic upcall_vi; /* cpu_set_upcall(), or NULL */
	uint64_t	 mtvec, stvec;
	uint64_t	 mepc, sepc;
	uint64_t	 mcause, scause;
	uint64_t	 mtval, stval;
	uint64_t	 mscratch, sscratch;
	uint64_t	 satp;
	uint32_t	 mcounteren, scounteren, mcountinhibit;
	uint64_t	 mcycle_off;	/* mcycle = instret + mcycle_off */
	uint64_t	 minstret_off;
	uint64_t	 menvcfg, senvcfg;
	uint8_t		 pmpcfg[PMP_ENTRIES];
	uint64_t	 pmpaddr[PMP_ENTRIES];
	int		 pmp_locked;	/* a locked entry binds M-mode too */

	/* timers (mtime units); written by other harts through CLINT */
	_Atomic uint64_t mtimecmp;
	_Atomic uint64_t stimecmp;	/* SBI set_timer, firmware mode only */

	/* LR/SC reservation */
	uint64_t	 res_addr;	/* guest-physical, or ~0 */
	uint64_t	 res_val;

	/* identity and plumbing */
	struct machine	*m;
	unsigned	 hartid;
	int		 firmware;
	_Atomic int	 hsm;
	uint64_t	 start_pc, start_arg;	/* HSM hart_start mailbox */
	int		 fatal;		/* a trap with nowhere to go */
	cpu_wake_fn	 wake;
	void		*wake_arg;

	/* decode cache */
	struct dpage	*dhash[DHASH_SIZE];
	unsigned	 ndpages;
	uint8_t		*codemap;	/* 1 bit per RAM page with a dpage */
	uint64_t	 ram_pages;
	uint8_t		*ram;		/* host address of RAM base */
	struct insn	 xtmp[3];	/* page-crossing instruction + exits */
	const void	*h_decode;	/* label addresses, set by cpu_run */
	const void	*h_cross;
	int		 engine;	/* enum cpu_engine */
	struct jit	*jit;		/* the translator's state, or NULL */
	struct jcache	 jc[JC_SIZE];	/* valid for the current TLBs only */
};

/* cpu.c */
void	cpu_hsm_begin(struct vcpu *);
/*
 * FENCE.I on this hart (or an SBI remote fence.i to it): drop decoded and
 * translated code now.  Not needed for the hart's own stores (code pages
 * are write-protected), only for other harts': the translator skips it
 * on a machine with one hart, where nobody else writes code but through
 * machine_invalidate().
 */
void	cpu_fence_i(struct vcpu *);

/*
 * exec.c: the interpreter.  mode INTERP_RUN runs until about 'budget'
 * instructions retired (cpu_run's contract); INTERP_STEP executes exactly
 * the one instruction at v->pc (or takes its trap) and returns
 * CPU_EXIT_BUDGET unless the instruction itself exits (WFI, an ecall to
 * the caller...), with no interrupt check before or after; INTERP_INIT
 * only sets the vCPU's handler addresses.
 */
enum { INTERP_RUN = 0, INTERP_STEP = 1, INTERP_INIT = 2 };
enum cpu_exit interp_run(struct vcpu *, uint64_t budget, int mode);
struct dpage *cpu_fetch_slow(struct vcpu *, uint64_t pc);
int	cpu_handle_events(struct vcpu *);

/* trap.c */
void	cpu_trap(struct vcpu *, uint64_t cause, uint64_t tval);
int	cpu_irq_take(struct vcpu *);	/* deliver a pending irq; 1 if so */
uint64_t cpu_mip(const struct vcpu *);
void	cpu_do_mret(struct vcpu *);
void	cpu_do_sret(struct vcpu *);
void	cpu_timer_update(struct vcpu *);
void	cpu_set_priv(struct vcpu *, int);

/* csr.c: 0, or -1 for an illegal access */
int	cpu_csr_rw(struct vcpu *, unsigned csr, int op, uint64_t src,
	    int do_write, uint64_t *old);

/* mmu.c */
void	tlb_flush(struct vcpu *);
int	mmu_translate(struct vcpu *, uint64_t va, enum acc, int priv,
	    uint64_t *pa);
int	mem_load_slow(struct vcpu *, uint64_t va, unsigned size,
	    uint64_t *val);
int	mem_store_slow(struct vcpu *, uint64_t va, unsigned size,
	    uint64_t val);
int	mem_amo_addr(struct vcpu *, uint64_t va, unsigned size, int write,
	    void **host, uint64_t *pa);

/* pmp.c: 1 if the access is allowed; CSR accessors return 0 or -1 */
int	pmp_check(const struct vcpu *, uint64_t pa, unsigned size, enum acc,
	    int priv);
int	pmp_page_uniform(const struct vcpu *, uint64_t pa);
int	pmp_csr_read(const struct vcpu *, unsigned csr, uint64_t *);
int	pmp_csr_write(struct vcpu *, unsigned csr, uint64_t);
int	trigger_csr_read(unsigned csr, uint64_t *);

/* dcache.c */
struct dpage *dcache_get(struct vcpu *, uint64_t pa);
void	dcache_flush(struct vcpu *);
void	dcache_code_write(struct vcpu *, uint64_t pa, unsigned len);
void	dcache_mark_code(struct vcpu *, struct dpage *);
static inline int
dcache_is_code(const struct vcpu *v, uint64_t ppn_off)
{
	return (v->codemap[ppn_off >> 3] >> (ppn_off & 7)) & 1;
}

#endif
