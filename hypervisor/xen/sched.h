/* The credit scheduler: vCPUs of every domain on a pool of pCPU worker threads. */
#ifndef XVM_HV_SCHED_H
#define XVM_HV_SCHED_H

#include <stdint.h>
#include <sys/queue.h>

struct domain;
struct sched;
struct timerq;
struct dom_vcpu;

#define SCHED_MAX_PCPUS		64
#define SCHED_DEFAULT_WEIGHT	256
#define SCHED_TSLICE_NS		30000000ull	/* 30 ms */
#define SCHED_TICK_NS		10000000ull	/* 10 ms: credit burn step */

/* Why a vCPU's run returned (see struct vcpu_ops). */
enum vcpu_stop {
	VCPU_STOP_BUDGET,	/* budget used, or kicked */
	VCPU_STOP_YIELD,	/* SCHEDOP_yield */
	VCPU_STOP_CONTINUE,	/* a long hypercall did a part: as YIELD */
	VCPU_STOP_BLOCK,	/* WFI / SCHEDOP_block: sleep until woken */
	VCPU_STOP_DOWN,		/* vcpu_op down, HSM stop */
	VCPU_STOP_HALT,		/* the domain shut down or crashed */
};

/*
 * How a pCPU runs a vCPU: the machine glue implements this over the CPU
 * core.  run() executes v on the calling worker thread for at most
 * budget_ns of host time and says why it stopped; for BLOCK it sets
 * *wake_at to the CLOCK_MONOTONIC deadline of the vCPU's timer (TIMER_NONE
 * for none).  kick() may be called from any thread and makes a run() in
 * progress on v return soon.
 */
struct vcpu_ops {
	enum vcpu_stop (*run)(struct dom_vcpu *, uint64_t budget_ns,
		    uint64_t *wake_at);
	void	(*kick)(struct dom_vcpu *);
};

enum sched_prio { PRIO_BOOST = 0, PRIO_UNDER, PRIO_OVER, PRIO_NR };
enum vcpu_state { VS_DOWN = 0, VS_READY, VS_RUNNING, VS_BLOCKED };

/* The scheduler's part of a vCPU; fields are under the scheduler lock. */
struct sched_vcpu {
	enum vcpu_state		 state;
	enum sched_prio		 prio;
	int64_t			 credit;	/* ns; burns while running */
	int64_t			 slice_left;
	int			 pause_count;
	int			 parked;	/* capped out until credit > 0 */
	int			 woken;		/* a wake arrived while running */
	int			 queued;
	int			 pcpu;		/* running on, or last ran on */
	uint64_t		 affinity;	/* bit n = pCPU n */
	uint64_t		 cpu_time_ns;
	TAILQ_ENTRY(sched_vcpu)	 runq;
	TAILQ_ENTRY(sched_vcpu)	 all;
};

/*
 * nr_pcpus worker threads (0 = the host's CPU count), started here.  The
 * timer queue wakes blocked vCPUs.  Daemon code: aborts on OOM.
 */
struct sched *sched_new(unsigned nr_pcpus, struct timerq *);
void	 sched_free(struct sched *);	/* stops and joins the workers */
unsigned sched_nr_pcpus(const struct sched *);

/* Join/leave: leave pauses v synchronously first.  Not from v's thread. */
void	 sched_vcpu_add(struct sched *, struct dom_vcpu *);
void	 sched_vcpu_remove(struct sched *, struct dom_vcpu *);

/* DOWN -> READY (vcpu_op up, HSM start, toolstack setcontext). */
void	 sched_vcpu_up(struct sched *, struct dom_vcpu *);
/*
 * Pause counts nest.  With sync, wait until v is off its pCPU (never from
 * v's own worker thread: use sync = 0 there).
 */
void	 sched_vcpu_pause(struct sched *, struct dom_vcpu *, int sync);
void	 sched_vcpu_unpause(struct sched *, struct dom_vcpu *);
/* An event or timer for v: a blocked vCPU becomes ready (and boosted). */
void	 sched_vcpu_wake(struct sched *, struct dom_vcpu *);

int	 sched_set_affinity(struct sched *, struct dom_vcpu *, uint64_t cpumap);
uint64_t sched_get_affinity(struct sched *, struct dom_vcpu *);
/* weight 1..65535, cap 0..100*nr_pcpus; -1 with EINVAL otherwise. */
int	 sched_set_credit(struct sched *, struct domain *, unsigned weight,
	    unsigned cap);
void	 sched_get_credit(struct sched *, struct domain *, unsigned *weight,
	    unsigned *cap);

/* v's state now (an atomic read: may change at once unless paused). */
enum vcpu_state sched_vcpu_state(const struct dom_vcpu *);

/* Snapshot for getinfo: vCPUs up, any running, any not blocked; CPU time. */
/* One vCPU's state for getvcpuinfo (fills online .. cpu). */
struct privcmd_vcpuinfo;
void	 sched_vcpu_info(struct sched *, struct dom_vcpu *,
	    struct privcmd_vcpuinfo *);
void	 sched_dom_stats(struct sched *, struct domain *, unsigned *online,
	    int *running, int *blocked, uint64_t *cpu_time_ns);

#endif
