/* A vCPU backend for scheduler tests: guest "code" that burns real CPU time. */
#include <stdatomic.h>
#include <stdlib.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/timer.h"
#include "spin_vcpu.h"

struct spin {
	enum spin_mode	mode;
	uint64_t	period;
	atomic_int	kicked[DOMAIN_MAX_VCPUS];
	atomic_ullong	runs;
	atomic_ullong	misplaced;
	atomic_ullong	allowed;
};

static int
spin_init(struct domain *d, char **cause)
{
	(void)cause;
	d->mach = calloc(1, sizeof(struct spin));
	return d->mach ? 0 : -1;
}

static void
spin_fini(struct domain *d)
{
	free(d->mach);
	d->mach = NULL;
}

static enum vcpu_stop
spin_run(struct dom_vcpu *v, uint64_t budget, uint64_t *wake_at)
{
	struct spin	*s = v->dom->mach;
	uint64_t	 end = now_ns() + budget;
	uint64_t	 allowed = atomic_load(&s->allowed);

	atomic_fetch_add(&s->runs, 1);
	if (allowed && !(allowed & (1ull << v->sv.pcpu)))
		atomic_fetch_add(&s->misplaced, 1);
	switch (s->mode) {
	case SPIN_BLOCK:
		return VCPU_STOP_BLOCK;
	case SPIN_SLEEPY:
		end = now_ns() + 100000;
		while (now_ns() < end)
			;
		*wake_at = now_ns() + s->period;
		return VCPU_STOP_BLOCK;
	case SPIN_BUSY:
		break;
	}
	while (now_ns() < end)
		if (atomic_exchange(&s->kicked[v->id], 0))
			break;
	return VCPU_STOP_BUDGET;
}

static void
spin_kick(struct dom_vcpu *v)
{
	struct spin	*s = v->dom->mach;

	atomic_store(&s->kicked[v->id], 1);
}

static const struct vcpu_ops spin_vops = {
	.run = spin_run,
	.kick = spin_kick,
};

const struct machine_ops spin_mops = {
	.domain_init = spin_init,
	.domain_fini = spin_fini,
	.vops = &spin_vops,
};

void
spin_set_mode(struct domain *d, enum spin_mode mode, uint64_t period)
{
	struct spin	*s = d->mach;

	s->mode = mode;
	s->period = period;
}

uint64_t
spin_runs(struct domain *d, uint64_t *misplaced, uint64_t allowed)
{
	struct spin	*s = d->mach;

	atomic_store(&s->allowed, allowed);
	if (misplaced != NULL)
		*misplaced = atomic_load(&s->misplaced);
	return atomic_load(&s->runs);
}
