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

/*
 * Delegate the firing to the caller's threads (notify != NULL), or give
 * it back to the queue's thread (NULL).  Delegated, the thread fires
 * nothing: the delegates call timerq_fire_due() when timerq_next() has
 * passed, and notify(arg) runs (on the thread of timer_set(), no queue
 * lock held) whenever the earliest deadline moved earlier.
 */
void	 timerq_delegate(struct timerq *, void (*notify)(void *), void *arg);
/* The earliest deadline armed, or TIMER_NONE. */
uint64_t timerq_next(struct timerq *);
/* Fire every timer due at 'now' on the calling thread; how many fired. */
unsigned timerq_fire_due(struct timerq *, uint64_t now);

/* Arm v's timer at 'deadline' (CLOCK_MONOTONIC ns), replacing any. */
void	 timer_set(struct timerq *, struct dom_vcpu *, uint64_t deadline);
/*
 * As timer_set, but notifies nobody: 1 when v's deadline became the
 * earliest and the queue is delegated, so the caller tells the delegates
 * itself (the scheduler does, under its own lock, which notify takes).
 */
int	 timer_set_quiet(struct timerq *, struct dom_vcpu *, uint64_t deadline);
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
