/* The guest ring transport over libxc: foreign mapping, event channels, VIRQ_DOM_EXC. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <event2/event.h>

#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/domain.h"
#include "xenstored/xcmap.h"

#define PAGE_SIZE	4096
#define INFO_BATCH	1024

/*
 * One event-channel handle serves every guest, as in Xen's xenstored: its
 * fd is readable while any of our ports has an event; pending() names one.
 */
static struct {
	struct event_base	*base;
	xc_interface		*xch;
	xenevtchn_handle	*xce;
	struct event		*ev;
	int			 virq;		/* our VIRQ_DOM_EXC port, or -1 */
	int			 warned;
} xm = { .virq = -1 };

static void	 on_event(evutil_socket_t, short, void *);

static void
disconnect(void)
{
	if (xm.ev != NULL)
		event_free(xm.ev);
	xenevtchn_close(xm.xce);
	xc_interface_close(xm.xch);
	xm.ev = NULL;
	xm.xce = NULL;
	xm.xch = NULL;
	xm.virq = -1;
}

/* Reach the hypervisor; 0, or -1 with errno. */
static int
connect_hv(void)
{
	int	 saved, port;

	if (xm.xch != NULL)
		return 0;
	if ((xm.xch = xc_interface_open(NULL, NULL, 0)) == NULL ||
	    (xm.xce = xenevtchn_open(NULL, 0)) == NULL)
		goto fail;
	if (xm.base != NULL) {
		xm.ev = event_new(xm.base, xenevtchn_fd(xm.xce),
		    EV_READ | EV_PERSIST, on_event, NULL);
		if (xm.ev == NULL || event_add(xm.ev, NULL) == -1) {
			errno = ENOMEM;
			goto fail;
		}
	}
	if ((port = xenevtchn_bind_virq(xm.xce, VIRQ_DOM_EXC)) >= 0)
		xm.virq = port;
	else
		log_info("%s: VIRQ_DOM_EXC is bound by another program (%s); "
		    "looking at domains every second", __func__,
		    errno == EEXIST ? "EEXIST" : "error");
	log_info("%s: the hypervisor is reached; guest rings can be served",
	    __func__);
	xm.warned = 0;
	return 0;
fail:
	saved = errno;
	if (!xm.warned++)
		log_warn("%s: cannot reach the hypervisor; guest rings are "
		    "not served until it is up", __func__);
	disconnect();
	errno = saved;
	return -1;
}

static struct xenstore_domain_interface *
xc_ring_map(uint32_t domid, uint64_t mfn, uint32_t port, uint32_t *local,
    void *arg)
{
	void	*page;
	int	 lp, saved;

	(void)arg;
	if (connect_hv() == -1)
		return NULL;
	page = xc_map_foreign_range(xm.xch, domid, PAGE_SIZE,
	    PROT_READ | PROT_WRITE, (unsigned long)mfn);
	if (page == NULL)
		return NULL;
	if ((lp = xenevtchn_bind_interdomain(xm.xce, domid, port)) < 0) {
		saved = errno;
		munmap(page, PAGE_SIZE);
		errno = saved;
		return NULL;
	}
	*local = (uint32_t)lp;
	return page;
}

static void
xc_ring_notify(uint32_t local, void *arg)
{
	(void)arg;
	if (xm.xce != NULL && xenevtchn_notify(xm.xce, local) == -1)
		log_debug("%s: port %u: %s", __func__, local,
		    strerror(errno));
}

static void
xc_ring_unmap(struct xenstore_domain_interface *intf, uint32_t local, void *arg)
{
	(void)arg;
	if (xm.xce != NULL)
		(void)xenevtchn_unbind(xm.xce, local);
	munmap(intf, PAGE_SIZE);
}

static int
xc_dom_exists(uint32_t domid, void *arg)
{
	xc_domaininfo_t	 info;
	int		 n;

	(void)arg;
	if (connect_hv() == -1 ||
	    (n = xc_domain_getinfolist(xm.xch, domid, 1, &info)) < 0)
		return -1;
	return n == 1 && info.domain == domid;
}

struct snapshot {
	xc_domaininfo_t	*info;
	int		 n;
};

static enum dom_state
state_of(uint32_t domid, void *arg)
{
	const struct snapshot	*s = arg;
	int			 lo = 0, hi = s->n - 1, mid;

	/* getinfolist answers in domid order. */
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (s->info[mid].domain == domid) {
			if (s->info[mid].flags & XEN_DOMINF_dying)
				return DOM_GONE;
			if (s->info[mid].flags & XEN_DOMINF_shutdown)
				return DOM_SHUTDOWN;
			return DOM_RUNNING;
		}
		if (s->info[mid].domain < domid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return DOM_GONE;
}

void
xcmap_check(void)
{
	struct snapshot	 s = { NULL, 0 };
	uint32_t	 first = 1;
	int		 n;

	if (connect_hv() == -1)
		return;
	for (;;) {
		s.info = xreallocarray(s.info, (size_t)s.n + INFO_BATCH,
		    sizeof(*s.info));
		n = xc_domain_getinfolist(xm.xch, first, INFO_BATCH,
		    s.info + s.n);
		if (n < 0) {
			/* Never release domains on a failed look. */
			log_warn("%s: listing domains", __func__);
			free(s.info);
			return;
		}
		s.n += n;
		if (n < INFO_BATCH)
			break;
		first = s.info[s.n - 1].domain + 1;
	}
	domain_check(state_of, &s);
	free(s.info);
}

static void
on_event(evutil_socket_t fd, short what, void *arg)
{
	int	 port;

	(void)fd;
	(void)what;
	(void)arg;
	/* One port per call; the fd stays readable while more are pending. */
	if ((port = xenevtchn_pending(xm.xce)) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		/* The hypervisor went away: reach it again from the tick. */
		log_warn("%s: event channels lost", __func__);
		disconnect();
		return;
	}
	(void)xenevtchn_unmask(xm.xce, (evtchn_port_t)port);
	if (port == xm.virq)
		xcmap_check();
	else
		domain_port_event((uint32_t)port);
}

void
xcmap_init(struct event_base *base, struct ring_mapper *m)
{
	xm.base = base;
	m->map = xc_ring_map;
	m->notify = xc_ring_notify;
	m->unmap = xc_ring_unmap;
	m->exists = xc_dom_exists;
	m->arg = NULL;
	(void)connect_hv();
}

void
xcmap_tick(void)
{
	if (xm.xch == NULL) {
		if (connect_hv() == -1)
			return;
	} else if (xm.virq >= 0)
		return;
	xcmap_check();
}

void
xcmap_close(void)
{
	disconnect();
}
