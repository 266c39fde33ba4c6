/* Domains and vCPUs: the table, lifecycle (create, pause, shutdown, destroy), state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/privcmd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/console.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/domcons.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/gnttab.h"
#include "hypervisor/xen/logdirty.h"
#include "hypervisor/xen/timer.h"
#include "hypervisor/xen/vdev.h"

/*
 * Lifetime.  The table holds one reference to each domain; domain_get()
 * adds one for a caller, only while the domain is not dying.  Destroy sets
 * 'dying' under the table lock, tears the domain down, and drops the
 * table's reference; the final domain_put() removes it from the table and
 * frees it.  Between the two the domain is listed as dying (Xen's zombie:
 * a dom0 grant mapping keeps it).  Lock order: hv->lock, hv->evtchn_lock,
 * domain->lock, the scheduler lock, the timer queue's lock.
 */

static const char *const shutdown_names[] = {
	[PRIVCMD_SHUTDOWN_POWEROFF] = "poweroff",
	[PRIVCMD_SHUTDOWN_REBOOT] = "reboot",
	[PRIVCMD_SHUTDOWN_SUSPEND] = "suspend",
	[PRIVCMD_SHUTDOWN_CRASH] = "crash",
};

static struct domain *
domain_alloc(struct hv *hv, uint32_t domid)
{
	struct domain	*d;

	d = xcalloc(1, sizeof(*d));
	d->hv = hv;
	d->domid = domid;
	atomic_init(&d->refcnt, 1);
	pthread_mutex_init(&d->lock, NULL);
	d->mm.fd = -1;
	d->mm.base = NULL;
	d->weight = SCHED_DEFAULT_WEIGHT;
	ratelimit_init_burst(&d->cio_rl, HV_CONSOLE_GUEST_RATE,
	    HV_CONSOLE_GUEST_BURST, now_ns());
	return d;
}

static void
domain_free(struct domain *d)
{
	unsigned	i;

	logdirty_domain_gone(d);
	if (d->mach != NULL && d->hv->mops != NULL &&
	    d->hv->mops->domain_fini != NULL)
		d->hv->mops->domain_fini(d);
	for (i = 0; i < d->max_vcpus; i++)
		free(d->vcpu[i]);
	gnttab_free(d->gnttab);
	vdev_dom_free(d);
	evtchn_dom_free(d->evtchn);
	domcons_free(d->cons);
	if (d->mm.base != NULL)
		mm_fini(&d->mm);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/*
 * A vCPU's host-time deadline passed (timer thread).  Deadlines are guest
 * time: while the domain is paused its clock stands still, nothing is due
 * and domain_unpause() arms the timers again.  A due PV timer raises
 * VIRQ_TIMER; any due deadline wakes the vCPU, whose CPU then sees its own
 * timer interrupt.
 */
static void
vcpu_timer_fire(struct dom_vcpu *v, void *arg)
{
	struct hv	*hv = arg;
	struct domain	*d = v->dom;
	uint64_t	 pv = __atomic_load_n(&v->timer_pv, __ATOMIC_SEQ_CST);
	uint64_t	 now, h;

	if (domain_guest_to_host(d, 0) == TIMER_NONE)
		return;				/* paused */
	now = domain_guest_time_ns(d);
	if (pv != TIMER_NONE && pv <= now) {
		__atomic_store_n(&v->timer_pv, TIMER_NONE, __ATOMIC_SEQ_CST);
		evtchn_send_virq(d, VIRQ_TIMER, v->id);
	} else if (pv != TIMER_NONE &&
	    (h = domain_guest_to_host(d, pv)) != TIMER_NONE)
		timer_set(hv->timers, v, h);	/* an earlier deadline fired */
	sched_vcpu_wake(hv->sched, v);
}

struct hv *
hv_new(const struct hv_config *cfg, char **cause)
{
	struct hv	*hv;
	struct domain	*d0;

	hv = xcalloc(1, sizeof(*hv));
	pthread_mutex_init(&hv->lock, NULL);
	pthread_mutex_init(&hv->evtchn_lock, NULL);
	pthread_mutex_init(&hv->cons_lock, NULL);
	LIST_INIT(&hv->cons_watchers);
	hv->mops = cfg->mops;
	hv->next_domid = 1;
	if ((hv->console = hv_console_new(cfg->console_echo, cause)) == NULL) {
		free(hv);
		return NULL;
	}
	hv->timers = timerq_new(vcpu_timer_fire, hv);
	hv->sched = sched_new(cfg->nr_pcpus, hv->timers);
	/* Domain-0 is the host: event channels and grants, no vCPUs here. */
	d0 = domain_alloc(hv, 0);
	d0->evtchn = evtchn_dom_new(d0);
	d0->gnttab = gnttab_new(d0);
	hv->dom[0] = d0;
	hv->nr_domains = 1;
	hv_console_printf(hv->console, "xvm-hypervisor: %u pCPUs, Domain-0 "
	    "is the host", sched_nr_pcpus(hv->sched));
	return hv;
}

void
hv_free(struct hv *hv)
{
	struct domain	*d;
	uint32_t	 id;

	if (hv == NULL)
		return;
	for (id = 1; id < DOMID_MAX; id++) {
		if ((d = domain_get(hv, id)) == NULL)
			continue;
		domain_destroy(d);
		domain_put(d);
	}
	/* Stop the workers before the zombies go: nothing runs after this. */
	sched_free(hv->sched);
	timerq_free(hv->timers);
	for (id = 1; id < DOMID_MAX; id++)
		if (hv->dom[id] != NULL)
			domain_free(hv->dom[id]);
	evtchn_dom_close_all(hv->dom[0]);
	domain_free(hv->dom[0]);
	hv_console_free(hv->console);
	pthread_mutex_destroy(&hv->evtchn_lock);
	pthread_mutex_destroy(&hv->cons_lock);
	pthread_mutex_destroy(&hv->lock);
	free(hv);
}

static int
pick_domid(struct hv *hv, uint32_t *domid)
{
	uint32_t	i, id;

	if (*domid != 0) {
		if (*domid >= DOMID_MAX) {
			errno = EINVAL;
			return -1;
		}
		if (hv->dom[*domid] != NULL) {
			errno = EEXIST;
			return -1;
		}
		return 0;
	}
	for (i = 0; i < DOMID_MAX - 1; i++) {
		id = hv->next_domid;
		hv->next_domid = id + 1 >= DOMID_MAX ? 1 : id + 1;
		if (hv->dom[id] == NULL) {
			*domid = id;
			return 0;
		}
	}
	errno = ENOSPC;
	return -1;
}

struct domain *
domain_create(struct hv *hv, uint32_t domid, const uint8_t uuid[16],
    unsigned max_vcpus, uint64_t mem_bytes, char **cause)
{
	return domain_create_jit(hv, domid, uuid, max_vcpus, mem_bytes, 0, 0,
	    cause);
}

struct domain *
domain_create_jit(struct hv *hv, uint32_t domid, const uint8_t uuid[16],
    unsigned max_vcpus, uint64_t mem_bytes, int jit, uint64_t vram_bytes,
    char **cause)
{
	struct domain	*d;
	unsigned	 i;
	int		 saved;

	if (max_vcpus == 0 || max_vcpus > DOMAIN_MAX_VCPUS) {
		xasprintf(cause, "max_vcpus %u is not in 1..%u", max_vcpus,
		    DOMAIN_MAX_VCPUS);
		errno = EINVAL;
		return NULL;
	}
	/* Reserve the id first, so two creates cannot race for it. */
	pthread_mutex_lock(&hv->lock);
	if (pick_domid(hv, &domid) == -1) {
		saved = errno;
		pthread_mutex_unlock(&hv->lock);
		xasprintf(cause, "domain id %u: %s", domid, strerror(saved));
		errno = saved;
		return NULL;
	}
	d = domain_alloc(hv, domid);
	d->building = 1;	/* invisible until built */
	hv->dom[domid] = d;
	hv->nr_domains++;
	pthread_mutex_unlock(&hv->lock);

	memcpy(d->uuid, uuid, 16);
	d->max_vcpus = max_vcpus;
	d->cpu_jit = jit;
	d->ctl_paused = 1;		/* the guest clock stands at 0 */
	if (mm_init(&d->mm, domid, mem_bytes, cause) == -1)
		goto fail;
	if (vram_bytes != 0 &&
	    mm_init_vram(&d->mm, domid, vram_bytes, cause) == -1)
		goto fail;
	d->evtchn = evtchn_dom_new(d);
	d->gnttab = gnttab_new(d);
	d->cons = domcons_new();
	for (i = 0; i < max_vcpus; i++) {
		d->vcpu[i] = xcalloc(1, sizeof(struct dom_vcpu));
		d->vcpu[i]->dom = d;
		d->vcpu[i]->id = i;
		d->vcpu[i]->timer_pv = TIMER_NONE;
		d->vcpu[i]->poll_deadline = TIMER_NONE;
		d->vcpu[i]->block_deadline = TIMER_NONE;
	}
	if (hv->mops != NULL && hv->mops->domain_init != NULL &&
	    hv->mops->domain_init(d, cause) == -1)
		goto fail;
	for (i = 0; i < max_vcpus; i++) {
		sched_vcpu_add(hv->sched, d->vcpu[i]);
		sched_vcpu_pause(hv->sched, d->vcpu[i], 0);
	}
	pthread_mutex_lock(&hv->lock);
	d->building = 0;
	atomic_fetch_add(&d->refcnt, 1);	/* the caller's */
	pthread_mutex_unlock(&hv->lock);
	hv_console_printf(hv->console, "domain %u created: %u vCPUs, %llu KiB",
	    domid, max_vcpus, (unsigned long long)(mem_bytes >> 10));
	return d;
fail:
	saved = errno;
	pthread_mutex_lock(&hv->lock);
	hv->dom[domid] = NULL;
	hv->nr_domains--;
	pthread_mutex_unlock(&hv->lock);
	domain_free(d);
	errno = saved;
	return NULL;
}

struct domain *
domain_get(struct hv *hv, uint32_t domid)
{
	struct domain	*d = NULL;

	pthread_mutex_lock(&hv->lock);
	if (domid < DOMID_MAX && hv->dom[domid] != NULL &&
	    !hv->dom[domid]->dying && !hv->dom[domid]->building) {
		d = hv->dom[domid];
		atomic_fetch_add(&d->refcnt, 1);
	}
	pthread_mutex_unlock(&hv->lock);
	if (d == NULL)
		errno = ESRCH;
	return d;
}

void
domain_put(struct domain *d)
{
	struct hv	*hv;

	if (d == NULL || atomic_fetch_sub(&d->refcnt, 1) != 1)
		return;
	hv = d->hv;
	pthread_mutex_lock(&hv->lock);
	hv->dom[d->domid] = NULL;
	hv->nr_domains--;
	pthread_mutex_unlock(&hv->lock);
	hv_console_printf(hv->console, "domain %u released", d->domid);
	domain_free(d);
}

static void
stop_vcpus(struct domain *d, struct dom_vcpu *self)
{
	unsigned	i;

	for (i = 0; i < d->max_vcpus; i++)
		sched_vcpu_pause(d->hv->sched, d->vcpu[i], d->vcpu[i] != self);
}

int
domain_destroy(struct domain *d)
{
	struct hv	*hv = d->hv;
	unsigned	 i;

	if (d->domid == 0) {
		errno = EPERM;
		return -1;
	}
	pthread_mutex_lock(&hv->lock);
	if (d->dying) {
		pthread_mutex_unlock(&hv->lock);
		errno = ESRCH;
		return -1;
	}
	d->dying = 1;
	pthread_mutex_unlock(&hv->lock);

	/*
	 * Off the pCPUs first, then no timer ever again: a worker that just
	 * put a vCPU to sleep may still be arming its wake-up, and the last
	 * domain_put() frees the vCPUs.
	 */
	for (i = 0; i < d->max_vcpus; i++) {
		timer_cancel(hv->timers, d->vcpu[i]);
		sched_vcpu_remove(hv->sched, d->vcpu[i]);
		timer_retire(hv->timers, d->vcpu[i]);
	}
	evtchn_dom_close_all(d);
	domcons_gone(d);
	hv_console_printf(hv->console, "domain %u destroyed", d->domid);
	evtchn_send_virq(hv->dom[0], VIRQ_DOM_EXC, 0);
	domain_put(d);		/* the table's */
	return 0;
}

/*
 * Pause and unpause come from the privcmd thread only, so the count and
 * the clock change in the same order.  The vCPUs leave their pCPUs before
 * the clock stops, and the clock runs before they come back: a running
 * vCPU never sees it stand still.
 */
int
domain_pause(struct domain *d)
{
	const struct machine_ops *m = d->hv->mops;
	int		 first;

	pthread_mutex_lock(&d->lock);
	first = d->ctl_paused++ == 0;
	pthread_mutex_unlock(&d->lock);
	stop_vcpus(d, NULL);
	if (!first)
		return 0;
	if (m != NULL && m->clock_run != NULL && d->mach != NULL)
		m->clock_run(d, 0);
	pthread_mutex_lock(&d->lock);
	d->clk_frozen = now_ns() - d->clk_base;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

/* The clock runs again: every deadline gets its new host time. */
static void
rearm_timers(struct domain *d)
{
	struct dom_vcpu	*v;
	uint64_t	 g, h;
	unsigned	 i;

	for (i = 0; i < d->max_vcpus; i++) {
		v = d->vcpu[i];
		g = __atomic_load_n(&v->timer_pv, __ATOMIC_SEQ_CST);
		if (sched_vcpu_state(v) == VS_BLOCKED && v->block_deadline < g)
			g = v->block_deadline;
		if (g != TIMER_NONE &&
		    (h = domain_guest_to_host(d, g)) != TIMER_NONE)
			timer_set(d->hv->timers, v, h);
	}
}

int
domain_unpause(struct domain *d)
{
	const struct machine_ops *m = d->hv->mops;
	unsigned	i;
	int		last;

	pthread_mutex_lock(&d->lock);
	if (d->ctl_paused == 0) {
		pthread_mutex_unlock(&d->lock);
		errno = EINVAL;
		return -1;
	}
	if ((last = --d->ctl_paused == 0))
		d->clk_base = now_ns() - d->clk_frozen;
	pthread_mutex_unlock(&d->lock);
	if (last) {
		if (m != NULL && m->clock_run != NULL && d->mach != NULL)
			m->clock_run(d, 1);
		rearm_timers(d);
	}
	for (i = 0; i < d->max_vcpus; i++)
		sched_vcpu_unpause(d->hv->sched, d->vcpu[i]);
	return 0;
}

int
domain_shutdown(struct domain *d, unsigned reason, struct dom_vcpu *from)
{
	if (reason > PRIVCMD_SHUTDOWN_CRASH) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&d->lock);
	if (d->shutdown) {
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	d->shutdown = 1;
	d->shutdown_reason = reason;
	pthread_mutex_unlock(&d->lock);
	/* The pause a shutdown takes is given back only by domain_resume. */
	stop_vcpus(d, from);
	hv_console_printf(d->hv->console, "domain %u shut down: %s", d->domid,
	    shutdown_names[reason]);
	evtchn_send_virq(d->hv->dom[0], VIRQ_DOM_EXC, 0);
	return 0;
}

/*
 * Xen's XEN_DOMCTL_resumedomain: a domain that suspended runs on where
 * it stopped; the pause its shutdown took is given back (the toolstack's
 * own pauses stay).  EINVAL unless it is shut down with reason suspend.
 */
int
domain_resume(struct domain *d)
{
	unsigned	i;

	pthread_mutex_lock(&d->lock);
	if (!d->shutdown || d->shutdown_reason != PRIVCMD_SHUTDOWN_SUSPEND) {
		pthread_mutex_unlock(&d->lock);
		errno = EINVAL;
		return -1;
	}
	d->shutdown = 0;
	pthread_mutex_unlock(&d->lock);
	for (i = 0; i < d->max_vcpus; i++)
		sched_vcpu_unpause(d->hv->sched, d->vcpu[i]);
	hv_console_printf(d->hv->console, "domain %u resumed", d->domid);
	return 0;
}

void
domain_crash(struct domain *d, struct dom_vcpu *from, const char *why)
{
	hv_console_printf(d->hv->console, "domain %u crashed: %s", d->domid,
	    why);
	log_warnx("domain %u crashed: %s", d->domid, why);
	domain_shutdown(d, PRIVCMD_SHUTDOWN_CRASH, from);
}

void
domain_set_handle(struct domain *d, const uint8_t uuid[16])
{
	pthread_mutex_lock(&d->lock);
	memcpy(d->uuid, uuid, 16);
	pthread_mutex_unlock(&d->lock);
}

void
domain_getinfo(struct domain *d, struct privcmd_dominfo *info)
{
	unsigned	online;
	int		running, blocked;
	uint64_t	cpu;

	memset(info, 0, sizeof(*info));
	info->domid = d->domid;
	sched_dom_stats(d->hv->sched, d, &online, &running, &blocked, &cpu);
	pthread_mutex_lock(&d->lock);
	memcpy(info->uuid, d->uuid, 16);
	if (d->dying)
		info->flags |= PRIVCMD_DOMINF_DYING;
	if (d->shutdown)
		info->flags |= PRIVCMD_DOMINF_SHUTDOWN |
		    d->shutdown_reason << PRIVCMD_DOMINF_SHUTDOWNSHIFT;
	if (d->ctl_paused)
		info->flags |= PRIVCMD_DOMINF_PAUSED;
	if (__atomic_load_n(&d->pv_aware, __ATOMIC_RELAXED))
		info->flags |= PRIVCMD_DOMINF_PVAWARE;
	pthread_mutex_unlock(&d->lock);
	if (running || d->domid == 0)
		info->flags |= PRIVCMD_DOMINF_RUNNING;
	else if (blocked)
		info->flags |= PRIVCMD_DOMINF_BLOCKED;
	info->cpu_time_ns = cpu;
	info->nr_online_vcpus = d->domid == 0 ? sched_nr_pcpus(d->hv->sched) :
	    online;
	info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 :
	    sched_nr_pcpus(d->hv->sched) - 1;
	if (d->mm.base != NULL) {
		info->tot_pages = mm_tot_pages(&d->mm);
		info->resv_pages = mm_reservation(&d->mm);
		info->max_pages = d->mm.max_pages;
		info->shared_info_frame = domain_shared_info_gfn(d);
	}
}

unsigned
domain_getinfolist(struct hv *hv, uint32_t first, struct privcmd_dominfo *out,
    unsigned max)
{
	unsigned	n = 0;
	uint32_t	id;

	/* Under the table lock: a dying domain cannot be freed meanwhile. */
	pthread_mutex_lock(&hv->lock);
	for (id = first; id < DOMID_MAX && n < max; id++) {
		if (hv->dom[id] == NULL || hv->dom[id]->building)
			continue;
		domain_getinfo(hv->dom[id], &out[n++]);
	}
	pthread_mutex_unlock(&hv->lock);
	return n;
}

uint64_t
domain_shared_info_gfn(struct domain *d)
{
	uint8_t	*sh;

	if (d->mm.base == NULL || d->evtchn == NULL)
		return 0;
	sh = evtchn_shared_info(d);
	if (sh < d->mm.base || sh >= d->mm.base + d->mm.span)
		return 0;
	return (MM_RAM_BASE + (uint64_t)(sh - d->mm.base)) >> MM_PAGE_SHIFT;
}

uint64_t
domain_guest_time_ns(struct domain *d)
{
	const struct machine_ops *m = d->hv->mops;
	uint64_t	t;

	if (m != NULL && m->clock_now != NULL && d->mach != NULL)
		return m->clock_now(d);
	pthread_mutex_lock(&d->lock);
	t = d->ctl_paused ? d->clk_frozen : now_ns() - d->clk_base;
	pthread_mutex_unlock(&d->lock);
	return t;
}

uint64_t
domain_guest_to_host(struct domain *d, uint64_t g)
{
	const struct machine_ops *m = d->hv->mops;
	uint64_t	h;

	if (g == TIMER_NONE)
		return TIMER_NONE;
	if (m != NULL && m->clock_to_host != NULL && d->mach != NULL)
		return m->clock_to_host(d, g);
	pthread_mutex_lock(&d->lock);
	h = d->ctl_paused || g > TIMER_NONE - d->clk_base ? TIMER_NONE :
	    d->clk_base + g;
	pthread_mutex_unlock(&d->lock);
	return h;
}

void
domain_guest_time_set(struct domain *d, uint64_t g)
{
	const struct machine_ops *m = d->hv->mops;

	if (m != NULL && m->clock_set != NULL && d->mach != NULL)
		m->clock_set(d, g);
	pthread_mutex_lock(&d->lock);
	d->clk_frozen = g;
	pthread_mutex_unlock(&d->lock);
}
