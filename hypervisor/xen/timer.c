/* One timer structure for every vCPU deadline (SBI set_timer, set_timer_op, block). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/timer.h"

/*
 * A binary min-heap on deadline; each vCPU remembers its slot (plus one,
 * so zero means "not armed") and so can be re-armed or cancelled in
 * O(log n).  One thread sleeps on a condition variable until the root's
 * deadline.  1000 idle domains with timers armed cost one sleeping thread.
 *
 * Delegated (timerq_delegate()), the thread only sleeps: the scheduler's
 * pCPU workers fire the due timers themselves (timerq_fire_due()) and
 * sleep until the root's deadline (timerq_next()), and 'notify' tells
 * them when the root moved earlier.  A timer then wakes one thread, the
 * pCPU that will run the vCPU, instead of a timer thread that wakes a pCPU
 * and is itself woken again when the vCPU re-arms (issue 21).  One firer
 * at a time ('firing'), so timer_cancel() waits for at most one fire().
 */
struct timerq {
	pthread_mutex_t	  lock;
	pthread_cond_t	  cv;		/* the root changed, or stop */
	pthread_cond_t	  done;		/* a fire() finished */
	struct dom_vcpu	**heap;
	unsigned	  n;
	unsigned	  cap;
	struct dom_vcpu	 *firing;
	int		  stop;
	int		  delegated;
	void		(*notify)(void *);
	void		 *notify_arg;
	pthread_t	  thread;
	void		(*fire)(struct dom_vcpu *, void *);
	void		 *arg;
};

uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
heap_swap(struct timerq *q, unsigned a, unsigned b)
{
	struct dom_vcpu	*t = q->heap[a];

	q->heap[a] = q->heap[b];
	q->heap[b] = t;
	q->heap[a]->timer_slot = a + 1;
	q->heap[b]->timer_slot = b + 1;
}

static void
heap_up(struct timerq *q, unsigned i)
{
	while (i > 0 && q->heap[(i - 1) / 2]->timer_at > q->heap[i]->timer_at) {
		heap_swap(q, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct timerq *q, unsigned i)
{
	unsigned	l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < q->n && q->heap[l]->timer_at < q->heap[m]->timer_at)
			m = l;
		if (r < q->n && q->heap[r]->timer_at < q->heap[m]->timer_at)
			m = r;
		if (m == i)
			return;
		heap_swap(q, i, m);
		i = m;
	}
}

static void
heap_remove(struct timerq *q, struct dom_vcpu *v)
{
	unsigned	i = v->timer_slot - 1;

	v->timer_slot = 0;
	if (--q->n == i)
		return;
	q->heap[i] = q->heap[q->n];
	q->heap[i]->timer_slot = i + 1;
	heap_down(q, i);
	heap_up(q, i);
}

static void *
timer_thread(void *arg)
{
	struct timerq	*q = arg;
	struct dom_vcpu	*v;
	struct timespec	 ts;
	uint64_t	 at;

	pthread_setname_np(pthread_self(), "xvm-timer");
	pthread_mutex_lock(&q->lock);
	while (!q->stop) {
		if (q->n == 0 || q->delegated || q->firing != NULL) {
			pthread_cond_wait(&q->cv, &q->lock);
			continue;
		}
		at = q->heap[0]->timer_at;
		if (at > now_ns()) {
			ts.tv_sec = (time_t)(at / 1000000000ull);
			ts.tv_nsec = (long)(at % 1000000000ull);
			pthread_cond_timedwait(&q->cv, &q->lock, &ts);
			continue;
		}
		v = q->heap[0];
		heap_remove(q, v);
		q->firing = v;
		pthread_mutex_unlock(&q->lock);
		q->fire(v, q->arg);
		pthread_mutex_lock(&q->lock);
		q->firing = NULL;
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

void
timerq_delegate(struct timerq *q, void (*notify)(void *), void *arg)
{
	pthread_mutex_lock(&q->lock);
	q->delegated = notify != NULL;
	q->notify = notify;
	q->notify_arg = arg;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->lock);
}

uint64_t
timerq_next(struct timerq *q)
{
	uint64_t	at;

	pthread_mutex_lock(&q->lock);
	at = q->n == 0 ? TIMER_NONE : q->heap[0]->timer_at;
	pthread_mutex_unlock(&q->lock);
	return at;
}

unsigned
timerq_fire_due(struct timerq *q, uint64_t now)
{
	struct dom_vcpu	*v;
	unsigned	 n = 0;

	pthread_mutex_lock(&q->lock);
	/* Another firer at work fires what is due: it loops until none is. */
	while (q->firing == NULL && q->n > 0 && q->heap[0]->timer_at <= now) {
		v = q->heap[0];
		heap_remove(q, v);
		q->firing = v;
		pthread_mutex_unlock(&q->lock);
		q->fire(v, q->arg);
		pthread_mutex_lock(&q->lock);
		q->firing = NULL;
		pthread_cond_broadcast(&q->done);
		n++;
	}
	if (n > 0 && !q->delegated)
		pthread_cond_signal(&q->cv);	/* the thread's turn again */
	pthread_mutex_unlock(&q->lock);
	return n;
}

struct timerq *
timerq_new(void (*fire)(struct dom_vcpu *, void *), void *arg)
{
	struct timerq		*q;
	pthread_condattr_t	 ca;
	int			 rc;

	q = xcalloc(1, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->done, NULL);
	q->fire = fire;
	q->arg = arg;
	if ((rc = pthread_create(&q->thread, NULL, timer_thread, q)) != 0) {
		errno = rc;
		fatal("%s: pthread_create", __func__);
	}
	return q;
}

void
timerq_free(struct timerq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	free(q->heap);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

/*
 * Arm v; 1 when its deadline became the earliest one and the queue is
 * delegated, with the delegates' notify in *fn and *arg.
 */
static int
arm(struct timerq *q, struct dom_vcpu *v, uint64_t deadline,
    void (**fn)(void *), void **arg)
{
	uint64_t	root;
	int		moved = 0;

	pthread_mutex_lock(&q->lock);
	if (v->timer_retired) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	root = q->n == 0 ? TIMER_NONE : q->heap[0]->timer_at;
	if (v->timer_slot == 0) {
		if (q->n == q->cap) {
			q->cap = q->cap ? q->cap * 2 : 64;
			q->heap = xreallocarray(q->heap, q->cap,
			    sizeof(*q->heap));
		}
		q->heap[q->n] = v;
		v->timer_slot = ++q->n;
	}
	v->timer_at = deadline;
	heap_down(q, v->timer_slot - 1);
	heap_up(q, v->timer_slot - 1);
	if (q->heap[0] == v && deadline < root) {
		if (q->delegated) {
			moved = 1;
			*fn = q->notify;
			*arg = q->notify_arg;
		} else
			pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->lock);
	return moved;
}

void
timer_set(struct timerq *q, struct dom_vcpu *v, uint64_t deadline)
{
	void	(*fn)(void *);
	void	 *arg;

	if (deadline == TIMER_NONE) {
		timer_cancel(q, v);
		return;
	}
	/* Unlocked: the notified take their own locks, outside the queue's. */
	if (arm(q, v, deadline, &fn, &arg))
		fn(arg);
}

int
timer_set_quiet(struct timerq *q, struct dom_vcpu *v, uint64_t deadline)
{
	void	(*fn)(void *);
	void	 *arg;

	if (deadline == TIMER_NONE) {
		timer_cancel(q, v);
		return 0;
	}
	return arm(q, v, deadline, &fn, &arg);
}

static void
cancel(struct timerq *q, struct dom_vcpu *v, int retire)
{
	pthread_mutex_lock(&q->lock);
	if (retire)
		v->timer_retired = 1;
	/* A fire callback running now may arm it again: remove it again. */
	for (;;) {
		if (v->timer_slot != 0)
			heap_remove(q, v);
		if (q->firing != v)
			break;
		pthread_cond_wait(&q->done, &q->lock);
	}
	pthread_mutex_unlock(&q->lock);
}

void
timer_cancel(struct timerq *q, struct dom_vcpu *v)
{
	cancel(q, v, 0);
}

void
timer_retire(struct timerq *q, struct dom_vcpu *v)
{
	cancel(q, v, 1);
}

unsigned
timerq_count(struct timerq *q)
{
	unsigned	n;

	pthread_mutex_lock(&q->lock);
	n = q->n;
	pthread_mutex_unlock(&q->lock);
	return n;
}
