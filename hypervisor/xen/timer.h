/* One timer structure for every vCPU deadline (SBI set_timer, set_timer_op, block). */
#ifndef XVM_HV_TIMER_H
#define XVM_HV_TIMER_H

#include <stdint.h>

struct timerq;
struct dom_vcpu;

#define TIMER_NONE	UINT64_MAX

/*
 * A min-heap of (deadline, vCPU) served by one thread: when a deadline
 * passes, fire(v) runs on that thread.  A vCPU has at most one entry (its
 * earliest deadline).  Daemon code: aborts on OOM.
 */
struct timerq *timerq_new(void (*fire)(struct dom_vcpu *, void *), void *arg);
void	 timerq_free(struct timerq *);	/* joins the thread; NULL is fine */

/* Arm v's timer at 'deadline' (CLOCK_MONOTONIC ns), replacing any. */
void	 timer_set(struct timerq *, struct dom_vcpu *, uint64_t deadline);
/* Disarm; on return fire(v) is not running and will not run. */
void	 timer_cancel(struct timerq *, struct dom_vcpu *);
/*
 * Disarm for good (its domain is being destroyed): as timer_cancel, and
 * every later timer_set(v) is ignored, so a scheduler worker or a fire
 * callback that still holds v cannot arm it after its memory is freed.
 */
void	 timer_retire(struct timerq *, struct dom_vcpu *);
unsigned timerq_count(struct timerq *);

uint64_t now_ns(void);			/* CLOCK_MONOTONIC */

#endif
