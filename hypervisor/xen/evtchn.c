/* Event channels: per-domain ports, Xen's 2-level pending/mask bitmaps, dom0 sinks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"

/*
 * Every port of every domain is under hv->evtchn_lock, so an
 * interdomain send touches both ends without lock ordering games.  The
 * pending and mask bits of a guest live in its shared_info page in guest
 * memory, which the guest may scribble on at any time: they are only ever
 * changed with atomic bit operations and never trusted for anything but
 * "should the upcall fire".  Delivery follows Xen's 2-level scheme: set
 * the port's pending bit; if it was clear and the port is unmasked, set
 * the port's word in the vCPU's pending_sel and, if that was clear too,
 * raise evtchn_upcall_pending and the upcall interrupt.
 *
 * Dom0's ports are not bits in a page but belong to sinks (handles): a
 * firing port is handed to its sink once and then stays "delivered"
 * until the handle unmasks it; firings meanwhile are remembered in
 * 'again' and delivered at unmask.
 */

enum ecs { ECS_FREE = 0, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ };

struct evtchn {
	uint8_t			 state;
	uint8_t			 vcpu;
	uint8_t			 delivered;	/* dom0: with the sink */
	uint8_t			 again;		/* dom0: fired meanwhile */
	uint32_t		 remote_domid;	/* unbound: who may bind */
	uint32_t		 remote_port;
	struct domain		*remote;	/* interdomain */
	uint32_t		 virq;
	struct evtchn_sink	*sink;
};

struct evtchn_dom {
	struct domain	*d;
	struct evtchn	*port;
	uint32_t	 nr;			/* allocated entries */
	uint32_t	 virq_port[DOMAIN_MAX_VCPUS][NR_VIRQS];
	uint8_t		*shinfo;
	uint8_t		*private;		/* until the guest gives one */
};

#define LOCK(d)		pthread_mutex_lock(&(d)->hv->evtchn_lock)
#define UNLOCK(d)	pthread_mutex_unlock(&(d)->hv->evtchn_lock)

struct evtchn_dom *
evtchn_dom_new(struct domain *d)
{
	struct evtchn_dom	*ed;

	ed = xcalloc(1, sizeof(*ed));
	ed->d = d;
	ed->private = xcalloc(1, 4096);
	ed->shinfo = ed->private;
	return ed;
}

void
evtchn_dom_free(struct evtchn_dom *ed)
{
	if (ed == NULL)
		return;
	free(ed->port);
	free(ed->private);
	free(ed);
}

static uint64_t *
word(struct evtchn_dom *ed, unsigned off, uint32_t port)
{
	return (uint64_t *)(void *)(ed->shinfo + off) + port / 64;
}

static struct evtchn *
lookup(struct evtchn_dom *ed, uint32_t port)
{
	if (port == 0 || port >= ed->nr || ed->port[port].state == ECS_FREE)
		return NULL;
	return &ed->port[port];
}

static int
alloc_port(struct evtchn_dom *ed, uint32_t *port)
{
	uint32_t	p, n;

	for (p = 1; p < ed->nr; p++)
		if (ed->port[p].state == ECS_FREE)
			goto found;
	if (ed->nr >= EVTCHN_NR_PORTS)
		return ENOSPC;
	n = ed->nr ? ed->nr * 2 : 64;
	ed->port = xrecallocarray(ed->port, ed->nr, n, sizeof(*ed->port));
	p = ed->nr ? ed->nr : 1;
	ed->nr = n;
found:
	memset(&ed->port[p], 0, sizeof(ed->port[p]));
	*port = p;
	return 0;
}

static void
raise_upcall(struct evtchn_dom *ed, unsigned vcpu, uint32_t port)
{
	struct domain	*d = ed->d;
	uint8_t		*vi;
	uint64_t	 bit = 1ull << (port / 64);
	struct dom_vcpu	*v;

	if (vcpu >= d->max_vcpus)
		vcpu = 0;
	vi = ed->shinfo + vcpu * SHINFO_VCPU_INFO_SIZE;
	if (__atomic_fetch_or((uint64_t *)(void *)(vi + SHINFO_PENDING_SEL),
	    bit, __ATOMIC_SEQ_CST) & bit)
		return;
	__atomic_store_n(vi + SHINFO_UPCALL_PENDING, 1, __ATOMIC_SEQ_CST);
	if ((v = d->vcpu[vcpu]) == NULL)
		return;
	if (d->hv->mops != NULL && d->hv->mops->upcall != NULL)
		d->hv->mops->upcall(v);
	sched_vcpu_wake(d->hv->sched, v);
}

/* Fire 'port' of domain d (the evtchn lock held). */
static void
fire(struct domain *d, uint32_t port)
{
	struct evtchn_dom	*ed = d->evtchn;
	struct evtchn		*ch = &ed->port[port];
	uint64_t		 bit = 1ull << (port % 64);

	if (ch->sink != NULL) {
		if (ch->sink->every)
			ch->sink->deliver(ch->sink, port);
		else if (ch->delivered)
			ch->again = 1;
		else {
			ch->delivered = 1;
			ch->sink->deliver(ch->sink, port);
		}
		return;
	}
	if (__atomic_fetch_or(word(ed, SHINFO_EVTCHN_PENDING, port), bit,
	    __ATOMIC_SEQ_CST) & bit)
		return;
	if (__atomic_load_n(word(ed, SHINFO_EVTCHN_MASK, port),
	    __ATOMIC_SEQ_CST) & bit)
		return;
	raise_upcall(ed, ch->vcpu, port);
}

void
evtchn_set_shared_info(struct domain *d, uint8_t *page)
{
	struct evtchn_dom	*ed = d->evtchn;

	LOCK(d);
	if (ed->shinfo != page) {
		memcpy(page, ed->shinfo, 4096);
		ed->shinfo = page;
	}
	UNLOCK(d);
	if (d->hv->mops != NULL && d->hv->mops->shared_info_moved != NULL)
		d->hv->mops->shared_info_moved(d);
}

uint8_t *
evtchn_shared_info(struct domain *d)
{
	uint8_t	*p;

	LOCK(d);
	p = d->evtchn->shinfo;
	UNLOCK(d);
	return p;
}

int
evtchn_alloc_unbound(struct domain *d, uint32_t remote_dom,
    struct evtchn_sink *sink, uint32_t *port)
{
	int	rc;

	if (remote_dom >= DOMID_MAX)
		return ESRCH;
	LOCK(d);
	if ((rc = alloc_port(d->evtchn, port)) == 0) {
		d->evtchn->port[*port].state = ECS_UNBOUND;
		d->evtchn->port[*port].remote_domid = remote_dom;
		d->evtchn->port[*port].sink = sink;
	}
	UNLOCK(d);
	return rc;
}

int
evtchn_bind_interdomain(struct domain *d, uint32_t remote_dom,
    uint32_t remote_port, struct evtchn_sink *sink, uint32_t *port)
{
	struct domain	*rd;
	struct evtchn	*rch, *ch;
	int		 rc;

	if ((rd = domain_get(d->hv, remote_dom)) == NULL)
		return ESRCH;
	LOCK(d);
	rch = lookup(rd->evtchn, remote_port);
	if (rch == NULL || rch->state != ECS_UNBOUND ||
	    rch->remote_domid != d->domid) {
		rc = EINVAL;
		goto out;
	}
	if ((rc = alloc_port(d->evtchn, port)) != 0)
		goto out;
	ch = &d->evtchn->port[*port];
	ch->state = ECS_INTERDOMAIN;
	ch->remote = rd;
	ch->remote_port = remote_port;
	ch->sink = sink;
	rch = &rd->evtchn->port[remote_port];	/* alloc may have moved it */
	rch->state = ECS_INTERDOMAIN;
	rch->remote = d;
	rch->remote_port = *port;
	/* As in Xen: the new binding is pending at once on the local end. */
	fire(d, *port);
out:
	UNLOCK(d);
	domain_put(rd);
	return rc;
}

int
evtchn_bind_virq(struct domain *d, uint32_t virq, unsigned vcpu,
    struct evtchn_sink *sink, uint32_t *port)
{
	struct evtchn_dom	*ed = d->evtchn;
	unsigned		 nv = d->domid == 0 ? 1 : d->max_vcpus;
	int			 rc;

	if (virq >= NR_VIRQS || vcpu >= nv)
		return EINVAL;
	LOCK(d);
	if (ed->virq_port[vcpu][virq] != 0)
		rc = EEXIST;
	else if ((rc = alloc_port(ed, port)) == 0) {
		ed->port[*port].state = ECS_VIRQ;
		ed->port[*port].virq = virq;
		ed->port[*port].vcpu = (uint8_t)vcpu;
		ed->port[*port].sink = sink;
		ed->virq_port[vcpu][virq] = *port;
	}
	UNLOCK(d);
	return rc;
}

int
evtchn_bind_vcpu(struct domain *d, uint32_t port, unsigned vcpu)
{
	struct evtchn	*ch;
	int		 rc = 0;

	if (vcpu >= d->max_vcpus)
		return EINVAL;
	LOCK(d);
	if ((ch = lookup(d->evtchn, port)) == NULL || ch->state == ECS_VIRQ)
		rc = EINVAL;
	else
		ch->vcpu = (uint8_t)vcpu;
	UNLOCK(d);
	return rc;
}

int
evtchn_send(struct domain *d, uint32_t port, struct evtchn_sink *sink)
{
	struct evtchn	*ch;
	int		 rc = 0;

	LOCK(d);
	if ((ch = lookup(d->evtchn, port)) == NULL || ch->sink != sink)
		rc = EINVAL;
	else if (ch->state == ECS_INTERDOMAIN)
		fire(ch->remote, ch->remote_port);
	else if (ch->state != ECS_UNBOUND)
		rc = EINVAL;
	/* Sending on an unbound port is allowed and goes nowhere. */
	UNLOCK(d);
	return rc;
}

/* Close a port (the evtchn lock held); an interdomain peer goes unbound. */
static void
close_port(struct domain *d, uint32_t port)
{
	struct evtchn_dom	*ed = d->evtchn;
	struct evtchn		*ch = &ed->port[port], *rch;

	if (ch->state == ECS_INTERDOMAIN) {
		rch = &ch->remote->evtchn->port[ch->remote_port];
		rch->state = ECS_UNBOUND;
		rch->remote_domid = d->domid;
		rch->remote = NULL;
	} else if (ch->state == ECS_VIRQ)
		ed->virq_port[ch->vcpu][ch->virq] = 0;
	memset(ch, 0, sizeof(*ch));
	__atomic_fetch_and(word(ed, SHINFO_EVTCHN_PENDING, port),
	    ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

int
evtchn_close(struct domain *d, uint32_t port, struct evtchn_sink *sink)
{
	struct evtchn	*ch;
	int		 rc = 0;

	LOCK(d);
	if ((ch = lookup(d->evtchn, port)) == NULL || ch->sink != sink)
		rc = EINVAL;
	else
		close_port(d, port);
	UNLOCK(d);
	return rc;
}

int
evtchn_unmask(struct domain *d, uint32_t port, struct evtchn_sink *sink)
{
	struct evtchn_dom	*ed = d->evtchn;
	struct evtchn		*ch;
	uint64_t		 bit = 1ull << (port % 64);
	int			 rc = 0;

	LOCK(d);
	if ((ch = lookup(ed, port)) == NULL || ch->sink != sink)
		rc = EINVAL;
	else if (sink != NULL) {
		ch->delivered = 0;
		if (ch->again) {
			ch->again = 0;
			fire(d, port);
		}
	} else {
		__atomic_fetch_and(word(ed, SHINFO_EVTCHN_MASK, port), ~bit,
		    __ATOMIC_SEQ_CST);
		if (__atomic_load_n(word(ed, SHINFO_EVTCHN_PENDING, port),
		    __ATOMIC_SEQ_CST) & bit)
			raise_upcall(ed, ch->vcpu, port);
	}
	UNLOCK(d);
	return rc;
}

int
evtchn_get_status(struct domain *d, uint32_t port, struct evtchn_status *st)
{
	struct evtchn	*ch;

	memset(st, 0, sizeof(*st));
	if (port >= EVTCHN_NR_PORTS)
		return EINVAL;
	LOCK(d);
	if ((ch = lookup(d->evtchn, port)) != NULL) {
		st->vcpu = ch->vcpu;
		switch (ch->state) {
		case ECS_UNBOUND:
			st->status = EVTCHNSTAT_unbound;
			st->remote_dom = ch->remote_domid;
			break;
		case ECS_INTERDOMAIN:
			st->status = EVTCHNSTAT_interdomain;
			st->remote_dom = ch->remote->domid;
			st->remote_port = ch->remote_port;
			break;
		case ECS_VIRQ:
			st->status = EVTCHNSTAT_virq;
			st->virq = ch->virq;
			break;
		default:
			break;
		}
	}
	UNLOCK(d);
	return 0;
}

void
evtchn_close_sink(struct domain *d, struct evtchn_sink *sink)
{
	uint32_t	p;

	LOCK(d);
	for (p = 1; p < d->evtchn->nr; p++)
		if (d->evtchn->port[p].state != ECS_FREE &&
		    d->evtchn->port[p].sink == sink)
			close_port(d, p);
	UNLOCK(d);
}

void
evtchn_dom_close_all(struct domain *d)
{
	uint32_t	p;

	LOCK(d);
	for (p = 1; p < d->evtchn->nr; p++)
		if (d->evtchn->port[p].state != ECS_FREE)
			close_port(d, p);
	/* Guest memory may go before this struct: back to the private page. */
	d->evtchn->shinfo = d->evtchn->private;
	UNLOCK(d);
}

void
evtchn_send_virq(struct domain *d, unsigned virq, unsigned vcpu)
{
	uint32_t	port;

	if (virq >= NR_VIRQS || vcpu >= DOMAIN_MAX_VCPUS)
		return;
	LOCK(d);
	if ((port = d->evtchn->virq_port[vcpu][virq]) != 0)
		fire(d, port);
	UNLOCK(d);
}

int
evtchn_is_pending(struct domain *d, uint32_t port)
{
	int	r;

	LOCK(d);
	r = port < EVTCHN_NR_PORTS && (*word(d->evtchn, SHINFO_EVTCHN_PENDING,
	    port) & (1ull << (port % 64))) != 0;
	UNLOCK(d);
	return r;
}

int
evtchn_is_masked(struct domain *d, uint32_t port)
{
	int	r;

	LOCK(d);
	r = port < EVTCHN_NR_PORTS && (*word(d->evtchn, SHINFO_EVTCHN_MASK,
	    port) & (1ull << (port % 64))) != 0;
	UNLOCK(d);
	return r;
}
