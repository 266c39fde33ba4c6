/* privcmd handlers for dom0's event-channel handles and grant mappings. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/privcmd.h>

#include "lib/log.h"
#include "hypervisor/xen/control_priv.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/gnttab.h"

#define CTL_MAX_GMAPS	4096u

/*
 * A handle's descriptor is the read end of a pipe: a fired port is
 * written as one u32.  The evtchn layer hands a port over at most once
 * until it is unmasked, and a handle owns at most EVTCHN_NR_PORTS ports,
 * so the pipe (64 KiB, 16384 ports) never fills and the write never
 * blocks a vCPU thread.
 */
static void
sink_deliver(struct evtchn_sink *sink, uint32_t port)
{
	struct ctl_client	*c = (struct ctl_client *)(void *)
	    ((char *)sink - offsetof(struct ctl_client, sink));

	if (write(c->evfd_w, &port, sizeof(port)) != sizeof(port))
		log_warn("%s: event channel %u lost", __func__, port);
}

static struct domain *
dom0(struct ctl_client *c)
{
	return c->hv->dom[0];
}

int
ctl_evtchn_open(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	int	p[2];

	(void)d; (void)req; (void)len;
	if (c->evfd_w != -1)
		return EBUSY;
	if (pipe2(p, O_CLOEXEC) == -1)
		return errno;
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return errno;
	}
	c->sink.deliver = sink_deliver;
	c->evfd_w = p[1];
	r->fds[r->nfds++] = p[0];
	return 0;
}

static int
port_reply(struct ctl_reply *r, uint32_t port)
{
	struct privcmd_evtchn_port	ep = { port, 0 };

	buf_add(r->payload, &ep, sizeof(ep));
	return 0;
}

int
ctl_evtchn_bind_interdomain(struct ctl_client *c, struct domain *d,
    const void *req, uint32_t len, struct ctl_reply *r)
{
	struct privcmd_evtchn_bind_interdomain	b;
	uint32_t				port;
	int					rc;

	(void)d; (void)len;
	memcpy(&b, req, sizeof(b));
	rc = evtchn_bind_interdomain(dom0(c), b.remote_dom, b.remote_port,
	    &c->sink, &port);
	return rc ? rc : port_reply(r, port);
}

int
ctl_evtchn_bind_virq(struct ctl_client *c, struct domain *d,
    const void *req, uint32_t len, struct ctl_reply *r)
{
	struct privcmd_evtchn_bind_virq	b;
	uint32_t			port;
	int				rc;

	(void)d; (void)len;
	memcpy(&b, req, sizeof(b));
	rc = evtchn_bind_virq(dom0(c), b.virq, 0, &c->sink, &port);
	return rc ? rc : port_reply(r, port);
}

int
ctl_evtchn_bind_unbound(struct ctl_client *c, struct domain *d,
    const void *req, uint32_t len, struct ctl_reply *r)
{
	struct privcmd_evtchn_bind_unbound	b;
	uint32_t				port;
	int					rc;

	(void)d; (void)len;
	memcpy(&b, req, sizeof(b));
	rc = evtchn_alloc_unbound(dom0(c), b.remote_dom, &c->sink, &port);
	return rc ? rc : port_reply(r, port);
}

static uint32_t
req_port(const void *req)
{
	struct privcmd_evtchn_port	p;

	memcpy(&p, req, sizeof(p));
	return p.port;
}

int
ctl_evtchn_notify(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)d; (void)len; (void)r;
	return evtchn_send(dom0(c), req_port(req), &c->sink);
}

int
ctl_evtchn_unmask(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)d; (void)len; (void)r;
	return evtchn_unmask(dom0(c), req_port(req), &c->sink);
}

int
ctl_evtchn_unbind(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	(void)d; (void)len; (void)r;
	return evtchn_close(dom0(c), req_port(req), &c->sink);
}

int
ctl_evtchn_alloc_unbound(struct ctl_client *c, struct domain *d,
    const void *req, uint32_t len, struct ctl_reply *r)
{
	struct privcmd_evtchn_alloc_unbound	a;
	uint32_t				port;
	int					rc;

	(void)c; (void)len;
	memcpy(&a, req, sizeof(a));
	rc = evtchn_alloc_unbound(d, a.remote_dom, NULL, &port);
	return rc ? rc : port_reply(r, port);
}

static int
mem_fd(struct domain *d, int readonly)
{
	char	path[64];

	if (!readonly)
		return fcntl(d->mm.fd, F_DUPFD_CLOEXEC, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->mm.fd);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int
ctl_gnttab_map(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_gnttab_map	 m;
	struct privcmd_gnttab_map_reply	 rep;
	struct ctl_gmap			*g;
	uint64_t			 gfn;
	unsigned			 h;
	int				 rc, fd;

	(void)len;
	memcpy(&m, req, sizeof(m));
	for (h = 0; h < c->ngmap; h++)
		if (c->gmap[h].d == NULL)
			break;
	if (h == c->ngmap) {
		if (c->ngmap >= CTL_MAX_GMAPS)
			return ENOSPC;
		g = reallocarray(c->gmap, c->ngmap + 16, sizeof(*g));
		if (g == NULL)
			return ENOMEM;
		memset(g + c->ngmap, 0, 16 * sizeof(*g));
		c->gmap = g;
		c->ngmap += 16;
	}
	if ((fd = mem_fd(d, m.readonly != 0)) == -1)
		return errno;
	if ((rc = gnttab_map(d, m.ref, 0, m.readonly != 0, &gfn)) != 0) {
		close(fd);
		return rc;
	}
	/* The mapping keeps the domain (dying, not freed) until unmapped. */
	atomic_fetch_add(&d->refcnt, 1);
	c->gmap[h].d = d;
	c->gmap[h].ref = m.ref;
	c->gmap[h].readonly = m.readonly != 0;
	memset(&rep, 0, sizeof(rep));
	rep.offset = ((gfn - (MM_RAM_BASE >> MM_PAGE_SHIFT)) << MM_PAGE_SHIFT);
	rep.handle = h;
	r->fds[r->nfds++] = fd;
	buf_add(r->payload, &rep, sizeof(rep));
	return 0;
}

static void
gmap_release(struct ctl_gmap *g)
{
	gnttab_unmap(g->d, g->ref, g->readonly);
	domain_put(g->d);
	g->d = NULL;
}

int
ctl_gnttab_unmap(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_gnttab_unmap	u;

	(void)d; (void)len; (void)r;
	memcpy(&u, req, sizeof(u));
	if (u.handle >= c->ngmap || c->gmap[u.handle].d == NULL)
		return EINVAL;
	gmap_release(&c->gmap[u.handle]);
	return 0;
}

int
ctl_gnttab_copy(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_gnttab_copy	 gc;
	uint8_t				 page[MM_PAGE_SIZE];
	int				 rc;

	(void)c;
	memcpy(&gc, req, sizeof(gc));
	if (gc.len > MM_PAGE_SIZE || (gc.to_guest &&
	    len != sizeof(gc) + gc.len))
		return EINVAL;
	if (gc.to_guest)
		memcpy(page, (const uint8_t *)req + sizeof(gc), gc.len);
	rc = gnttab_copy(d, gc.ref, 0, gc.offset, page, gc.len,
	    gc.to_guest != 0);
	if (rc == 0 && !gc.to_guest)
		buf_add(r->payload, page, gc.len);
	return rc;
}

void
ctl_evtchn_client_gone(struct ctl_client *c)
{
	unsigned	i;

	if (c->evfd_w != -1) {
		evtchn_close_sink(dom0(c), &c->sink);
		close(c->evfd_w);
		c->evfd_w = -1;
	}
	for (i = 0; i < c->ngmap; i++)
		if (c->gmap[i].d != NULL)
			gmap_release(&c->gmap[i]);
	free(c->gmap);
	c->gmap = NULL;
	c->ngmap = 0;
}
