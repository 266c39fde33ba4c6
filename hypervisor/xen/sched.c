/* The credit scheduler: vCPUs of every domain on a pool of pCPU worker threads. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/sched.h"
#include "hypervisor/xen/sched_priv.h"
#include "hypervisor/xen/timer.h"

/*
 * Credit scheduling after Xen's credit1.
 *
 * Every 30 ms (one accounting period) the pCPUs pay out their capacity
 * since the last accounting (see account()) as credit to the active
 * vCPUs that may run on them, by weight: a domain's weight split evenly
 * over its runnable vCPUs.  A cap limits a domain to cap% of one pCPU of
 * wall time per period.  Credit (kept in ns) burns by the host CPU time
 * a running vCPU gets.  A vCPU with credit left is UNDER, one without is
 * OVER; UNDER runs before OVER, and a vCPU woken from block with credit
 * left is BOOSTed ahead of both until it has run one tick (so
 * interactive, event-driven guests answer fast).  A capped vCPU whose
 * credit runs out is parked, off every queue, until accounting pays it
 * back above zero.  Credit is clamped to one period above (no hoarding)
 * and four below (a debt that can be paid back in a few periods).
 *
 * Example: domains A (weight 256) and B (512), one CPU-bound vCPU each, on
 * one pCPU.  Per period A earns 10 ms and B 20 ms.  Whoever has credit
 * runs first; once both are OVER they alternate, but B, earning more than
 * it burns in alternation, is soon UNDER again and preferred, so over many
 * periods B runs twice as long as A.  With a cap of 25, A earns at most
 * 7.5 ms per period, is parked on reaching zero, and so runs 25% of the
 * time even on an idle host.
 *
 * Credit1 keeps a runqueue per pCPU and steals between them.  With one
 * lock over the scheduler the per-pCPU queues reduce to one queue per
 * priority that each pCPU scans for the first vCPU its affinity allows,
 * which is what this does; the lock is held only to pick and to account,
 * never while a vCPU runs.  Blocked and paused vCPUs are on no queue and
 * cost nothing; an idle pCPU sleeps on its condition variable.  A vCPU
 * runs in ticks of at most 10 ms up to its 30 ms slice, so a BOOSTed or
 * UNDER arrival preempts an OVER runner within a tick (sooner: it kicks).
 *
 * Timers are fired by one pCPU, the keeper, as a real CPU takes its own
 * timer interrupt: idle, it sleeps until the earliest deadline; running a
 * vCPU, its run budget ends at that deadline (and a kick brings it back
 * when an earlier one is armed).  A vCPU a timer wakes runs on the keeper
 * that fired it ('claim'), so a guest's tick wakes one thread and no
 * other (issue 21: the timer thread's hand-off cost three quarters of a
 * wake-up).  An idle pCPU takes the duty over from a keeper that is busy
 * running a vCPU, and a keeper whose vCPU used its whole budget hands it
 * to an idle pCPU, so a CPU-bound guest is not interrupted for others'
 * timers while a pCPU sleeps.
 */

/* A keeper's vCPU runs at least this long before it looks up for timers. */
#define SCHED_TIMER_MIN_NS	10000ull
/* A run shorter than this is charged its wall time (see run_cpu()). */
#define SCHED_SHORT_RUN_NS	50000ull

void
sched_set_state(struct sched_vcpu *sv, enum vcpu_state st)
{
	__atomic_store_n(&sv->state, st, __ATOMIC_SEQ_CST);
}

static int
wants_cpu(const struct sched_vcpu *sv)
{
	return sv->state == VS_READY && sv->pause_count == 0 && !sv->parked;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * An idle pCPU sleeps on its own futex word rather than a condition
 * variable: the wake-up is one system call each side, where glibc's
 * condition variable leaves the scheduler lock marked contended after
 * every wait, so that the next unlock is a futex call too (issue 21:
 * every guest timer tick paid for it).  Both sides hold the lock when
 * they read or bump the word, so a wake between unlock and sleep is seen.
 */
static void
pcpu_wake(struct pcpu *p)
{
	p->wake_seq++;
	syscall(SYS_futex, &p->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Sleep (unlocked) until woken or the CLOCK_MONOTONIC time 'at', ns. */
static void
pcpu_sleep(struct sched *s, struct pcpu *p, uint64_t at)
{
	struct timespec	ts;
	uint32_t	seq = p->wake_seq;

	ts.tv_sec = (time_t)(at / 1000000000ull);
	ts.tv_nsec = (long)(at % 1000000000ull);
	pthread_mutex_unlock(&s->lock);
	syscall(SYS_futex, &p->wake_seq, FUTEX_WAIT_BITSET_PRIVATE, seq,
	    at == TIMER_NONE ? NULL : &ts, NULL, FUTEX_BITSET_MATCH_ANY);
	pthread_mutex_lock(&s->lock);
}

void
sched_kick(struct dom_vcpu *v)
{
	const struct machine_ops *m = v->dom->hv->mops;

	if (m != NULL && m->vops != NULL && m->vops->kick != NULL)
		m->vops->kick(v);
}

static struct pcpu *
preempt_target(struct sched *s, struct sched_vcpu *sv)
{
	struct pcpu	*best = NULL;
	unsigned	 i;

	for (i = 0; i < s->npcpu; i++)
		if ((sv->affinity & (1ull << i)) && s->pcpu[i].claim)
			return &s->pcpu[i];
	for (i = 0; i < s->npcpu; i++) {
		struct pcpu *p = &s->pcpu[i];

		if (!(sv->affinity & (1ull << i)))
			continue;
		if (p->idle)
			return p;
		if (p->cur != NULL && p->cur->sv.prio > sv->prio &&
		    (best == NULL || p->cur->sv.prio > best->cur->sv.prio))
			best = p;
	}
	return best;
}

void
sched_requeue(struct sched *s, struct sched_vcpu *sv, int front)
{
	struct pcpu	*p;

	if (sv->queued) {
		TAILQ_REMOVE(&s->runq[sv->prio], sv, runq);
		sv->queued = 0;
	}
	if (!wants_cpu(sv))
		return;
	if (front)
		TAILQ_INSERT_HEAD(&s->runq[sv->prio], sv, runq);
	else
		TAILQ_INSERT_TAIL(&s->runq[sv->prio], sv, runq);
	sv->queued = 1;
	if ((p = preempt_target(s, sv)) == NULL)
		return;
	if (p->claim)
		p->claim = 0;		/* awake already: it picks sv */
	else if (p->idle)
		pcpu_wake(p);
	else
		sched_kick(p->cur);
}

static void
set_prio(struct sched *s, struct sched_vcpu *sv, enum sched_prio prio)
{
	int	q = sv->queued;

	if (sv->prio == prio)
		return;
	if (q) {
		TAILQ_REMOVE(&s->runq[sv->prio], sv, runq);
		sv->queued = 0;
	}
	sv->prio = prio;
	if (q)
		sched_requeue(s, sv, 0);
}

/* Counted by the accounting: wants a pCPU, has one, or is capped out. */
static int
acct_active(const struct sched_vcpu *sv)
{
	return sv->pause_count == 0 &&
	    (sv->state == VS_READY || sv->state == VS_RUNNING);
}

/*
 * The 30 ms accounting: pay credit by weight, clamp, park and unpark.
 * Each pCPU's time is shared among the active vCPUs that may run there,
 * in proportion to their weight (a domain's weight split over its active
 * vCPUs, and a vCPU's over the pCPUs of its affinity).  Without pinning
 * this is credit1's rule; with it, two domains pinned to one pCPU share
 * that pCPU by weight, where credit1 would overpay both and let them tie.
 * What a pCPU pays out is its capacity since the last accounting: the
 * CPU time vCPUs got on it plus the time it sat idle, not the wall time.
 * On a host that takes time from our worker threads, paying wall time
 * would overpay everyone, push all to the upper clamp and flatten the
 * weights (measured 1:1.85 for 1:2 at load 6).  Caps stay in wall time:
 * a cap is a share of a real pCPU.
 */
static void
account(struct sched *s, uint64_t period)
{
	struct sched_vcpu	*sv;
	struct domain		*d;
	uint64_t		 W[SCHED_MAX_PCPUS], w, nw;
	int64_t			 share, capshare;
	int64_t			 lim = (int64_t)SCHED_TSLICE_NS;
	unsigned		 p, naff;

	memset(W, 0, sizeof(W));
	TAILQ_FOREACH(sv, &s->all, all)
		SV_VCPU(sv)->dom->acct_vcpus = 0;
	TAILQ_FOREACH(sv, &s->all, all)
		if (acct_active(sv))
			SV_VCPU(sv)->dom->acct_vcpus++;
	TAILQ_FOREACH(sv, &s->all, all) {
		if (!acct_active(sv))
			continue;
		d = SV_VCPU(sv)->dom;
		naff = (unsigned)__builtin_popcountll(sv->affinity);
		w = ((uint64_t)d->weight << 20) / d->acct_vcpus / naff;
		for (p = 0; p < s->npcpu; p++)
			if (sv->affinity & (1ull << p))
				W[p] += w;
	}
	TAILQ_FOREACH(sv, &s->all, all) {
		d = SV_VCPU(sv)->dom;
		if (!acct_active(sv)) {
			/* Idle: forgive debt, keep no hoard. */
			if (sv->credit > 0)
				sv->credit = 0;
			continue;
		}
		naff = (unsigned)__builtin_popcountll(sv->affinity);
		w = ((uint64_t)d->weight << 20) / d->acct_vcpus / naff;
		share = 0;
		for (p = 0; p < s->npcpu; p++)
			if ((sv->affinity & (1ull << p)) && W[p] != 0) {
				nw = s->pcpu[p].used * w / W[p];
				share += (int64_t)nw;
			}
		if (share > (int64_t)period)
			share = (int64_t)period;
		if (d->cap != 0) {
			capshare = (int64_t)(period * d->cap / 100) /
			    (int64_t)d->acct_vcpus;
			if (share > capshare)
				share = capshare;
		}
		sv->credit += share;
		if (sv->credit > lim)
			sv->credit = lim;
		if (sv->credit < -4 * lim)
			sv->credit = -4 * lim;
		if (sv->parked && sv->credit > 0) {
			sv->parked = 0;
			s->nparked--;
			sv->prio = PRIO_UNDER;
			sched_requeue(s, sv, 0);
		} else if (sv->prio != PRIO_BOOST)
			set_prio(s, sv, sv->credit > 0 ? PRIO_UNDER : PRIO_OVER);
	}
	for (p = 0; p < s->npcpu; p++)
		s->pcpu[p].used = 0;
}

static struct sched_vcpu *
pick(struct sched *s, struct pcpu *p)
{
	struct sched_vcpu	*sv;
	int			 prio;

	for (prio = 0; prio < PRIO_NR; prio++)
		TAILQ_FOREACH(sv, &s->runq[prio], runq)
			if (sv->affinity & (1ull << p->id))
				return sv;
	return NULL;
}

/* A better vCPU waits for this pCPU: the runner should give way. */
static int
better_waiting(struct sched *s, struct pcpu *p, enum sched_prio prio)
{
	struct sched_vcpu	*sv;
	int			 q;

	for (q = 0; q < (int)prio; q++)
		TAILQ_FOREACH(sv, &s->runq[q], runq)
			if (sv->affinity & (1ull << p->id))
				return 1;
	return 0;
}

static void
wait_idle(struct sched *s, struct pcpu *p)
{
	struct sched_vcpu	*sv;
	uint64_t		 at = TIMER_NONE, t0, next;

	/* A keeper busy running a vCPU gives the timers to an idle pCPU. */
	if (s->keeper != p->id && s->pcpu[s->keeper].cur != NULL)
		s->keeper = p->id;
	/* Only parked vCPUs need the accounting while idle; else sleep. */
	if (s->nparked > 0)
		TAILQ_FOREACH(sv, &s->all, all)
			if (sv->parked && sv->pause_count == 0) {
				at = s->next_acct;
				break;
			}
	if (s->keeper == p->id && (next = timerq_next(s->timers)) < at)
		at = next;
	p->idle = 1;
	t0 = now_ns();
	pcpu_sleep(s, p, at);
	p->idle = 0;
	/* Time nobody wanted is capacity all the same (see account()). */
	p->used += now_ns() - t0;
}

/*
 * The keeper fires what is due, unlocked (the fire takes the domain's and
 * our locks); what it wakes first is its own to run.
 */
static void
fire_timers(struct sched *s, struct pcpu *p, uint64_t now)
{
	p->claim = 1;
	pthread_mutex_unlock(&s->lock);
	timerq_fire_due(s->timers, now);
	pthread_mutex_lock(&s->lock);
	p->claim = 0;
}

/* The earliest deadline moved earlier: the keeper looks again (locked). */
static void
keeper_look(struct sched *s)
{
	struct pcpu	*p = &s->pcpu[s->keeper];

	if (p->idle)
		pcpu_wake(p);			/* sleeps too long */
	else if (p->cur != NULL)
		sched_kick(p->cur);		/* its budget ends too late */
}

/* The same from timer_set() on any thread, unlocked. */
static void
timers_moved(void *arg)
{
	struct sched	*s = arg;

	pthread_mutex_lock(&s->lock);
	keeper_look(s);
	pthread_mutex_unlock(&s->lock);
}

/* A keeper whose vCPU ran its whole budget: an idle pCPU takes over. */
static void
hand_timers(struct sched *s, struct pcpu *p)
{
	unsigned	i;

	if (s->keeper != p->id)
		return;
	for (i = 0; i < s->npcpu; i++)
		if (s->pcpu[i].idle && !s->pcpu[i].claim) {
			s->keeper = i;
			pcpu_wake(&s->pcpu[i]);
			return;
		}
}

/*
 * The host CPU a run of el ns wall time cost.  Reading the thread's CPU
 * clock is a system call (CPU clocks have no vDSO path; on this host one
 * costs about as much as a guest's yield, issue 21), so a short run --
 * a guest's timer tick, an event answered -- is charged its wall time and
 * the clock is read only after a long one.  What a read finds beyond the
 * wall time charged since the last read (picking, firing timers, the
 * thread's own wake-up) goes to that run, and what the short runs were
 * overcharged comes off it, so over time a pCPU charges its thread's CPU
 * time (what it spent between the last read and an accounting, its own
 * bookkeeping, goes to nobody).
 */
static uint64_t
run_cpu(struct pcpu *p, uint64_t el)
{
	uint64_t	c1, cpu;

	if (el < SCHED_SHORT_RUN_NS) {
		p->cpu_mark += el;
		return el;
	}
	c1 = thread_cpu_ns();
	cpu = c1 > p->cpu_mark ? c1 - p->cpu_mark : 0;
	p->cpu_mark = c1;
	return cpu;
}

static void *
pcpu_main(void *arg)
{
	struct pcpu		*p = arg;
	struct sched		*s = p->s;
	struct sched_vcpu	*sv;
	struct dom_vcpu		*v;
	const struct vcpu_ops	*ops;
	enum vcpu_stop		 stop;
	uint64_t		 t0, el, cpu, budget, wake_at, next;
	int			 front;
	char			 name[16];

	snprintf(name, sizeof(name), "xvm-pcpu%u", p->id);
	pthread_setname_np(pthread_self(), name);
	pthread_mutex_lock(&s->lock);
	p->cpu_mark = thread_cpu_ns();
	while (!s->stop) {
		t0 = now_ns();
		if (t0 >= s->next_acct) {
			/* Pay for the time that passed: a late tick pays more. */
			el = t0 - s->last_acct;
			if (el > 4 * SCHED_TSLICE_NS)
				el = 4 * SCHED_TSLICE_NS;
			account(s, el);
			s->last_acct = t0;
			s->next_acct = t0 + SCHED_TSLICE_NS;
			p->cpu_mark = thread_cpu_ns();	/* not the next guest's */
		}
		if (s->keeper == p->id && timerq_next(s->timers) <= t0)
			fire_timers(s, p, t0);
		if ((sv = pick(s, p)) == NULL) {
			wait_idle(s, p);
			continue;
		}
		v = SV_VCPU(sv);
		TAILQ_REMOVE(&s->runq[sv->prio], sv, runq);
		sv->queued = 0;
		sched_set_state(sv, VS_RUNNING);
		sv->pcpu = (int)p->id;
		__atomic_store_n(&sv->woken, 0, __ATOMIC_SEQ_CST);
		if (sv->slice_left <= 0)
			sv->slice_left = SCHED_TSLICE_NS;
		p->cur = v;
		budget = (uint64_t)sv->slice_left < SCHED_TICK_NS ?
		    (uint64_t)sv->slice_left : SCHED_TICK_NS;
		/* The keeper looks up at the next deadline. */
		if (s->keeper == p->id &&
		    (next = timerq_next(s->timers)) < t0 + budget)
			budget = next > t0 + SCHED_TIMER_MIN_NS ?
			    next - t0 : SCHED_TIMER_MIN_NS;
		ops = v->dom->hv->mops->vops;
		pthread_mutex_unlock(&s->lock);

		wake_at = TIMER_NONE;
		stop = ops->run(v, budget, &wake_at);
		el = now_ns() - t0;
		cpu = run_cpu(p, el);

		/*
		 * Credit burns by the CPU the vCPU got, not the wall time: when
		 * the host takes our thread away mid-run, that is not the
		 * guest's to pay for.  The slice is wall time (latency).
		 */
		pthread_mutex_lock(&s->lock);
		p->cur = NULL;
		sv->cpu_time_ns += cpu;
		p->used += cpu;
		sv->credit -= (int64_t)cpu;
		sv->slice_left -= (int64_t)el;
		if (sv->prio == PRIO_BOOST)
			sv->prio = PRIO_UNDER;
		if (sv->prio == PRIO_UNDER && sv->credit <= 0)
			sv->prio = PRIO_OVER;
		if (v->dom->cap != 0 && sv->credit <= 0 && !sv->parked) {
			sv->parked = 1;
			s->nparked++;
		}
		front = 0;
		switch (stop) {
		case VCPU_STOP_BUDGET:
			/*
			 * A kick ends a run early (often the keeper's own vCPU
			 * arming an earlier timer just before it blocks): only
			 * a budget used up says the vCPU is CPU-bound.
			 */
			if (el >= budget)
				hand_timers(s, p);
			sched_set_state(sv, VS_READY);
			/* Keep the pCPU for the rest of the slice if no one better waits. */
			front = sv->slice_left > 0 &&
			    !better_waiting(s, p, sv->prio);
			if (!front)
				sv->slice_left = 0;
			break;
		case VCPU_STOP_YIELD:
		case VCPU_STOP_CONTINUE:
			sched_set_state(sv, VS_READY);
			sv->slice_left = 0;
			break;
		case VCPU_STOP_BLOCK:
			/* Dekker with sched_vcpu_wake()'s lock-free path. */
			sv->slice_left = 0;
			sched_set_state(sv, VS_BLOCKED);
			if (__atomic_load_n(&sv->woken, __ATOMIC_SEQ_CST))
				sched_set_state(sv, VS_READY);
			break;
		case VCPU_STOP_DOWN:
		case VCPU_STOP_HALT:
			sv->slice_left = 0;
			sched_set_state(sv, VS_DOWN);
			break;
		}
		/*
		 * The wake-up is armed before anyone learns that the vCPU left
		 * its pCPU: sched_vcpu_remove() returning means no worker will
		 * touch it again (the timer queue's lock nests inside ours).
		 * A keeper looks at the new deadline anyway before it sleeps
		 * or runs; another keeper is told.
		 */
		if (sv->state == VS_BLOCKED && wake_at != TIMER_NONE &&
		    timer_set_quiet(s->timers, v, wake_at) &&
		    s->keeper != p->id)
			keeper_look(s);
		sched_requeue(s, sv, front);
		pthread_cond_broadcast(&s->desched);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct sched *
sched_new(unsigned nr_pcpus, struct timerq *timers)
{
	struct sched	*s;
	unsigned	 i;
	long		 n;
	int		 rc, q;

	if (nr_pcpus == 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		nr_pcpus = n < 1 ? 1 : (unsigned)n;
	}
	if (nr_pcpus > SCHED_MAX_PCPUS)
		nr_pcpus = SCHED_MAX_PCPUS;
	s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->desched, NULL);
	for (q = 0; q < PRIO_NR; q++)
		TAILQ_INIT(&s->runq[q]);
	TAILQ_INIT(&s->all);
	s->timers = timers;
	s->npcpu = nr_pcpus;
	s->last_acct = now_ns();
	s->next_acct = s->last_acct + SCHED_TSLICE_NS;
	s->pcpu = xcalloc(nr_pcpus, sizeof(*s->pcpu));
	for (i = 0; i < nr_pcpus; i++) {
		s->pcpu[i].s = s;
		s->pcpu[i].id = i;
	}
	for (i = 0; i < nr_pcpus; i++) {
		rc = pthread_create(&s->pcpu[i].thread, NULL, pcpu_main,
		    &s->pcpu[i]);
		if (rc != 0) {
			errno = rc;
			fatal("%s: pthread_create", __func__);
		}
	}
	/* pCPU 0 keeps the timers first; the queue's thread only sleeps. */
	timerq_delegate(timers, timers_moved, s);
	return s;
}

void
sched_free(struct sched *s)
{
	unsigned	i;

	if (s == NULL)
		return;
	timerq_delegate(s->timers, NULL, NULL);
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	for (i = 0; i < s->npcpu; i++)
		pcpu_wake(&s->pcpu[i]);
	pthread_mutex_unlock(&s->lock);
	for (i = 0; i < s->npcpu; i++)
		pthread_join(s->pcpu[i].thread, NULL);
	free(s->pcpu);
	pthread_cond_destroy(&s->desched);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

unsigned
sched_nr_pcpus(const struct sched *s)
{
	return s->npcpu;
}

