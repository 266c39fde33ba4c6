/* Domains and vCPUs: the table, lifecycle (create, pause, shutdown, destroy), state. */
#ifndef XVM_HV_DOMAIN_H
#define XVM_HV_DOMAIN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <xvm/xen.h>	/* DOMID_*, HVM_PARAM_* */

#include "lib/ratelimit.h"
#include "hypervisor/xen/mm.h"
#include "hypervisor/xen/sched.h"

struct domcons;
struct domcons_watch;
struct evtchn_dom;
struct gnttab;
struct hv;
struct privcmd_dominfo;
struct vdev_dom;
struct vmmio;

#define DOMID_MAX		DOMID_FIRST_RESERVED
#define DOMAIN_MAX_VCPUS	32u
#define HVM_NR_PARAMS		64u

struct dom_vcpu {
	struct domain		*dom;
	unsigned		 id;
	struct sched_vcpu	 sv;
	void			*arch;		/* the machine glue's hart */
	/*
	 * Deadlines in guest time (ns, domain_guest_time_ns()), or
	 * TIMER_NONE: set_timer_op's, SCHEDOP_poll's timeout, and the one a
	 * blocked vCPU wakes at (the earliest of its timers).  The timer
	 * queue holds their host-time equivalents, armed again whenever the
	 * guest clock restarts.
	 */
	uint64_t		 timer_pv;
	uint64_t		 poll_deadline;
	uint64_t		 block_deadline;
	unsigned		 timer_slot;	/* timerq heap index + 1 */
	uint64_t		 timer_at;	/* CLOCK_MONOTONIC ns */
	int			 timer_retired;	/* timer_retire(): never again */
	int			 initialised;	/* VCPUOP_initialise done */
	int			 hc_stop;	/* enum vcpu_stop of a hypercall */
	unsigned		 storm;		/* chunks in a row with no insn */
	uint64_t		 chunk;		/* instructions per cpu_run() */
	uint64_t		 start_pc;
	uint64_t		 start_arg;
};

/*
 * Machine glue: how a domain gets a CPU and devices.  init runs at create
 * (after memory exists), fini at the final release.  NULL ops: the domain
 * has memory, event channels and grants but its vCPUs never run ("not
 * implemented" to anything that needs them).
 */
#define DOMAIN_BUTTON_POWER	0
#define DOMAIN_BUTTON_REBOOT	1

struct machine_ops {
	int	(*domain_init)(struct domain *, char **cause);
	void	(*domain_fini)(struct domain *);
	/*
	 * The event-channel upcall (docs/guest-abi.md): upcall() after the
	 * hypervisor set v's evtchn_upcall_pending (any thread);
	 * shared_info_moved() when the domain's shared_info page changed
	 * place, so the harts read the bytes where they now are.
	 */
	void	(*upcall)(struct dom_vcpu *);
	void	(*shared_info_moved)(struct domain *);
	/*
	 * User-visible state of a vCPU that is not running (paused or
	 * down): pc, x and f registers, fcsr; set_context on a down vCPU
	 * starts it.  0 or a positive errno.
	 */
	int	(*get_context)(struct dom_vcpu *, uint64_t *pc, uint64_t x[32],
		    unsigned *priv, uint64_t f[32], uint64_t *fcsr);
	int	(*set_context)(struct dom_vcpu *, uint64_t pc,
		    const uint64_t x[32], const uint64_t f[32], uint64_t fcsr);
	/*
	 * The whole hart as n u64 fields (save/restore): save returns the
	 * count written (at most max); load checks and applies, 0 or a
	 * positive errno.
	 */
	unsigned (*save_vcpu)(struct dom_vcpu *, uint64_t *fields,
		    unsigned max);
	int	(*load_vcpu)(struct dom_vcpu *, const uint64_t *fields,
		    unsigned n);
	/* The CPU core's own view of the domain's RAM (for log-dirty). */
	void	*(*ram_view)(struct domain *);
	/*
	 * The guest clock (ns), which the machine keeps (its mtime x 100):
	 * now, the host CLOCK_MONOTONIC time a guest time will be reached
	 * (TIMER_NONE while stopped), stop (run = 0) and start, set.  NULL:
	 * domain.c keeps a clock of its own.
	 */
	/*
	 * Input for the emulated console (UART, SBI getchar): bytes queued,
	 * at most what fits; returns the count taken.
	 */
	size_t	(*console_input)(struct domain *, const char *, size_t);
	/*
	 * Press a button of the domain's machine (docs/guest-abi.md):
	 * DOMAIN_BUTTON_*.  0 or a positive errno.
	 */
	int	(*press_button)(struct domain *, unsigned button);
	uint64_t (*clock_now)(struct domain *);
	uint64_t (*clock_to_host)(struct domain *, uint64_t guest_ns);
	void	(*clock_run)(struct domain *, int run);
	void	(*clock_set)(struct domain *, uint64_t guest_ns);
	/* The domain's virtio-mmio transport (devices/virtio_mmio.h). */
	struct vmmio *(*virtio)(struct domain *);
	const struct vcpu_ops *vops;
};

struct domain {
	struct hv		*hv;
	uint32_t		 domid;
	uint8_t			 uuid[16];
	atomic_int		 refcnt;
	pthread_mutex_t		 lock;		/* the fields below */
	int			 dying;
	int			 pv_aware;	/* made a PV hypercall (atomic) */
	int			 building;	/* create not finished */
	int			 ctl_paused;	/* toolstack pause */
	int			 shutdown;
	unsigned		 shutdown_reason;
	uint64_t		 hvm_param[HVM_NR_PARAMS];
	/* The guest clock without a machine's: stopped while ctl_paused. */
	uint64_t		 clk_base;	/* host ns of guest time 0 */
	uint64_t		 clk_frozen;	/* guest ns while stopped */
	/* Set at create, then constant. */
	unsigned		 max_vcpus;
	int			 cpu_jit;	/* vCPUs on the translator */
	struct dom_vcpu		*vcpu[DOMAIN_MAX_VCPUS];
	struct mm		 mm;
	struct evtchn_dom	*evtchn;
	struct gnttab		*gnttab;
	struct domcons		*cons;		/* emulated console output */
	void			*mach;		/* the machine glue's state */
	struct vdev_dom		*vdev;		/* virtio slots (vdev.c) */
	/* console_io output allowed, and dropped since last said (lock). */
	struct ratelimit	 cio_rl;
	uint64_t		 cio_dropped;
	/* Scheduler parameters, under the scheduler lock. */
	unsigned		 weight;
	unsigned		 cap;
	uint64_t		 cpu_time_dead;	/* of vCPUs since removed */
	unsigned		 acct_vcpus;	/* scratch of the accounting */
};

struct hv_config {
	unsigned		 nr_pcpus;	/* 0 = host CPUs */
	const char		*console_echo;	/* file or NULL */
	const struct machine_ops *mops;		/* NULL: vCPUs cannot run */
};

struct hv {
	pthread_mutex_t		 lock;		/* the table */
	struct domain		*dom[DOMID_MAX];
	unsigned		 nr_domains;
	uint32_t		 next_domid;
	pthread_mutex_t		 evtchn_lock;	/* every event channel */
	struct hv_console	*console;
	pthread_mutex_t		 cons_lock;	/* the watchers */
	LIST_HEAD(, domcons_watch) cons_watchers;
	struct sched		*sched;
	struct timerq		*timers;
	const struct machine_ops *mops;
};

/* The hypervisor with Domain-0 (the host) in its table.  NULL + *cause. */
struct hv *hv_new(const struct hv_config *, char **cause);
void	 hv_free(struct hv *);		/* destroys every domain; NULL ok */

/*
 * Create a domain, paused by the toolstack (as Xen does).  *domid: 0
 * picks the next free id.  Returns a referenced domain (caller puts) or
 * NULL with errno (EEXIST, ENOSPC, EINVAL, ENOMEM) and *cause.
 */
struct domain *domain_create(struct hv *, uint32_t domid,
	    const uint8_t uuid[16], unsigned max_vcpus, uint64_t mem_bytes,
	    char **cause);
/*
 * The same, with the vCPUs on the translator when jit != 0, and
 * vram_bytes (0: none) of video memory at XVM_FB_BASE (<xvm/fb.h>).
 */
struct domain *domain_create_jit(struct hv *, uint32_t domid,
	    const uint8_t uuid[16], unsigned max_vcpus, uint64_t mem_bytes,
	    int jit, uint64_t vram_bytes, char **cause);

/* A reference to a live (not dying) domain, or NULL with ESRCH. */
struct domain *domain_get(struct hv *, uint32_t domid);
void	 domain_put(struct domain *);

/*
 * Destroy: stop every vCPU, close its event channels, drop the table's
 * reference.  The domain shows as dying until the last reference (e.g. a
 * grant mapping) goes.  0 or -1 with errno (EPERM for domain 0).
 */
int	 domain_destroy(struct domain *);
int	 domain_pause(struct domain *);		/* synchronous */
int	 domain_unpause(struct domain *);	/* EINVAL when not paused */
/*
 * Record a shutdown (PRIVCMD_SHUTDOWN_*) and stop every vCPU.  from_vcpu
 * is the caller's own vCPU when a guest shuts itself down (NULL for the
 * toolstack): it is not waited for.  A second shutdown keeps the first
 * reason.
 */
int	 domain_shutdown(struct domain *, unsigned reason,
	    struct dom_vcpu *from_vcpu);
/* A fatal fault of the guest: shutdown with reason crash, logged. */
/* A suspended domain runs on (Xen's resumedomain); 0, or -1 EINVAL. */
int	 domain_resume(struct domain *);
void	 domain_crash(struct domain *, struct dom_vcpu *from_vcpu,
	    const char *why);

/* Xen's setdomainhandle: the UUID the toolstack knows the domain by. */
void	 domain_set_handle(struct domain *, const uint8_t uuid[16]);

/* Fill one getinfo record (the table lock or a reference held). */
void	 domain_getinfo(struct domain *, struct privcmd_dominfo *);
/*
 * Up to max records for domains with id >= first, in id order, into out.
 * Returns the count.
 */
unsigned domain_getinfolist(struct hv *, uint32_t first,
	    struct privcmd_dominfo *out, unsigned max);

/* The gfn of the guest's shared_info page, or 0 before it gave one. */
uint64_t domain_shared_info_gfn(struct domain *);

/*
 * Guest time (ns): it runs only while the domain is not paused by the
 * toolstack (it starts at 0 on the first unpause), so a guest sees no
 * jump across pause, save and restore.  to_host: the CLOCK_MONOTONIC time
 * guest time 'g' will be reached, TIMER_NONE while paused.  set: only
 * while paused (restore).
 */
uint64_t domain_guest_time_ns(struct domain *);
uint64_t domain_guest_to_host(struct domain *, uint64_t g);
void	 domain_guest_time_set(struct domain *, uint64_t g);

#endif
