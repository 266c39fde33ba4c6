/* Inside the credit scheduler: its state, shared by sched.c (the algorithm) and sched_vcpu.c (the vCPU operations). */
#ifndef XVM_HV_SCHED_PRIV_H
#define XVM_HV_SCHED_PRIV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "hypervisor/xen/sched.h"

struct dom_vcpu;
struct timerq;

struct pcpu {
	struct sched	*s;
	unsigned	 id;
	pthread_t	 thread;
	uint32_t	 wake_seq;	/* futex word: bumped to wake it (locked) */
	struct dom_vcpu	*cur;
	uint64_t	 used;		/* ns run here since the accounting */
	uint64_t	 cpu_mark;	/* the thread's CPU clock at the last read */
	int		 idle;
	int		 claim;		/* awake, about to pick: wake no other */
};

TAILQ_HEAD(svq, sched_vcpu);

struct sched {
	pthread_mutex_t	 lock;
	pthread_cond_t	 desched;	/* some vCPU left its pCPU */
	struct svq	 runq[PRIO_NR];
	struct svq	 all;
	unsigned	 npcpu;
	struct pcpu	*pcpu;
	struct timerq	*timers;
	unsigned	 keeper;	/* the pCPU that fires the timers */
	unsigned	 nparked;	/* vCPUs with sv.parked set */
	uint64_t	 next_acct;
	uint64_t	 last_acct;
	int		 stop;
};

#define SV_VCPU(sv) \
	((struct dom_vcpu *)(void *)((char *)(sv) - offsetof(struct dom_vcpu, sv)))

/*
 * State changes happen under the lock but are atomic stores, because
 * sched_vcpu_wake() reads the state without it.
 */
void	 sched_set_state(struct sched_vcpu *, enum vcpu_state);
/* Make a running v look up from its pCPU (the machine glue's kick). */
void	 sched_kick(struct dom_vcpu *);
/* Put sv on or off its queue to match its state; wake or kick a pCPU. */
void	 sched_requeue(struct sched *, struct sched_vcpu *, int front);

#endif
