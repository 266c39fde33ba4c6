/* The credit scheduler's vCPU operations: join, leave, up, pause, wake, affinity, parameters. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <xvm/privcmd.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/sched.h"
#include "hypervisor/xen/sched_priv.h"

void
sched_vcpu_add(struct sched *s, struct dom_vcpu *v)
{
	struct sched_vcpu	*sv = &v->sv;

	pthread_mutex_lock(&s->lock);
	memset(sv, 0, sizeof(*sv));
	sched_set_state(sv, VS_DOWN);
	sv->prio = PRIO_UNDER;
	sv->pcpu = -1;
	sv->affinity = s->npcpu >= 64 ? ~0ull : (1ull << s->npcpu) - 1;
	TAILQ_INSERT_TAIL(&s->all, sv, all);
	pthread_mutex_unlock(&s->lock);
}

void
sched_vcpu_remove(struct sched *s, struct dom_vcpu *v)
{
	sched_vcpu_pause(s, v, 1);
	pthread_mutex_lock(&s->lock);
	sched_requeue(s, &v->sv, 0);
	v->dom->cpu_time_dead += v->sv.cpu_time_ns;
	v->sv.cpu_time_ns = 0;
	sched_set_state(&v->sv, VS_DOWN);
	if (v->sv.parked) {
		v->sv.parked = 0;
		s->nparked--;
	}
	TAILQ_REMOVE(&s->all, &v->sv, all);
	pthread_mutex_unlock(&s->lock);
}

void
sched_vcpu_up(struct sched *s, struct dom_vcpu *v)
{
	pthread_mutex_lock(&s->lock);
	if (v->sv.state == VS_DOWN) {
		sched_set_state(&v->sv, VS_READY);
		sched_requeue(s, &v->sv, 0);
	}
	pthread_mutex_unlock(&s->lock);
}

void
sched_vcpu_pause(struct sched *s, struct dom_vcpu *v, int sync)
{
	pthread_mutex_lock(&s->lock);
	v->sv.pause_count++;
	sched_requeue(s, &v->sv, 0);
	if (v->sv.state == VS_RUNNING)
		sched_kick(v);
	while (sync && v->sv.state == VS_RUNNING)
		pthread_cond_wait(&s->desched, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

void
sched_vcpu_unpause(struct sched *s, struct dom_vcpu *v)
{
	pthread_mutex_lock(&s->lock);
	if (v->sv.pause_count > 0 && --v->sv.pause_count == 0)
		sched_requeue(s, &v->sv, 0);
	pthread_mutex_unlock(&s->lock);
}

enum vcpu_state
sched_vcpu_state(const struct dom_vcpu *v)
{
	return __atomic_load_n(&v->sv.state, __ATOMIC_SEQ_CST);
}

void
sched_vcpu_wake(struct sched *s, struct dom_vcpu *v)
{
	struct sched_vcpu	*sv = &v->sv;

	/*
	 * A running vCPU only needs to know: no lock, so a kick made under
	 * the scheduler lock may call back here (the CPU's wake hook).  The
	 * worker stores BLOCKED before it reads woken, and we store woken
	 * before we read the state, so one of us sees the other.
	 */
	__atomic_store_n(&sv->woken, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sv->state, __ATOMIC_SEQ_CST) == VS_RUNNING)
		return;
	pthread_mutex_lock(&s->lock);
	if (sv->state == VS_BLOCKED) {
		sched_set_state(sv, VS_READY);
		if (sv->prio == PRIO_UNDER)
			sv->prio = PRIO_BOOST;
		sched_requeue(s, sv, 0);
	}
	pthread_mutex_unlock(&s->lock);
}

int
sched_set_affinity(struct sched *s, struct dom_vcpu *v, uint64_t map)
{
	uint64_t	all = s->npcpu >= 64 ? ~0ull : (1ull << s->npcpu) - 1;

	if ((map & all) == 0)
		return EINVAL;
	pthread_mutex_lock(&s->lock);
	v->sv.affinity = map & all;
	sched_requeue(s, &v->sv, 0);
	/* Running where it may no longer: move it off at once. */
	if (v->sv.state == VS_RUNNING &&
	    !(v->sv.affinity & (1ull << v->sv.pcpu))) {
		v->sv.slice_left = 0;
		sched_kick(v);
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

uint64_t
sched_get_affinity(struct sched *s, struct dom_vcpu *v)
{
	uint64_t	map;

	pthread_mutex_lock(&s->lock);
	map = v->sv.affinity;
	pthread_mutex_unlock(&s->lock);
	return map;
}

int
sched_set_credit(struct sched *s, struct domain *d, unsigned weight,
    unsigned cap)
{
	if (weight < 1 || weight > 65535 || cap > 100 * s->npcpu)
		return EINVAL;
	pthread_mutex_lock(&s->lock);
	d->weight = weight;
	d->cap = cap;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void
sched_get_credit(struct sched *s, struct domain *d, unsigned *weight,
    unsigned *cap)
{
	pthread_mutex_lock(&s->lock);
	*weight = d->weight;
	*cap = d->cap;
	pthread_mutex_unlock(&s->lock);
}

void
sched_vcpu_info(struct sched *s, struct dom_vcpu *v,
    struct privcmd_vcpuinfo *vi)
{
	pthread_mutex_lock(&s->lock);
	vi->online = v->sv.state != VS_DOWN;
	vi->blocked = v->sv.state == VS_BLOCKED;
	vi->running = v->sv.state == VS_RUNNING;
	vi->cpu_time_ns = v->sv.cpu_time_ns;
	vi->cpu = v->sv.pcpu < 0 ? 0 : (uint32_t)v->sv.pcpu;
	pthread_mutex_unlock(&s->lock);
}

void
sched_dom_stats(struct sched *s, struct domain *d, unsigned *online,
    int *running, int *blocked, uint64_t *cpu)
{
	unsigned	i;
	struct dom_vcpu	*v;

	*online = 0;
	*running = 0;
	*blocked = 0;
	pthread_mutex_lock(&s->lock);
	*cpu = d->cpu_time_dead;
	for (i = 0; i < d->max_vcpus; i++) {
		v = d->vcpu[i];
		if (v == NULL)
			continue;
		*cpu += v->sv.cpu_time_ns;
		if (v->sv.state == VS_DOWN)
			continue;
		(*online)++;
		if (v->sv.state == VS_BLOCKED)
			*blocked = 1;
		else if (v->sv.pause_count == 0 && !v->sv.parked)
			*running = 1;
	}
	pthread_mutex_unlock(&s->lock);
}
