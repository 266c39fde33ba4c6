/* The privcmd server: run/xvm/privcmd, peer checks, table-dispatched requests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include <xvm/privcmd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/control.h"
#include "hypervisor/xen/control_priv.h"
#include "hypervisor/xen/domain.h"

/*
 * One request at a time per client: a request is read whole (header and
 * payload), dispatched through ctl_ops[] and answered before the next is
 * looked at; while a reply is still queued for writing, reading stops, so
 * a client that never reads costs one reply of memory.  The prologue
 * checks the op, the length and the domain, so handlers see only
 * well-formed input; anything else gets an errno reply, and only a
 * malformed header (length over the limit) closes the connection.
 */

#define CTL_MAX_CLIENTS	1024

struct ctl {
	struct hv		*hv;
	struct event_base	*base;
	struct evloop_listener	*listener;
	LIST_HEAD(, ctl_client)	 clients;
	unsigned		 nclients;
	struct buf		 payload;	/* the per-request arena */
};

static const struct ctl_op ctl_ops[PRIVCMD_OP_MAX] = {
	[PRIVCMD_OP_HELLO] = { "hello", ctl_hello,
	    sizeof(struct privcmd_hello), 0 },
	[PRIVCMD_OP_PHYSINFO] = { "physinfo", ctl_physinfo, 0, 0 },
	[PRIVCMD_OP_DOMAIN_CREATE] = { "domain_create", ctl_domain_create,
	    sizeof(struct privcmd_domain_create), 0 },
	[PRIVCMD_OP_DOMAIN_DESTROY] = { "domain_destroy", ctl_domain_destroy,
	    sizeof(struct privcmd_domid), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_PAUSE] = { "domain_pause", ctl_domain_pause,
	    sizeof(struct privcmd_domid), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_UNPAUSE] = { "domain_unpause", ctl_domain_unpause,
	    sizeof(struct privcmd_domid), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_SHUTDOWN] = { "domain_shutdown",
	    ctl_domain_shutdown, sizeof(struct privcmd_domain_shutdown),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_RESUME] = { "domain_resume", ctl_domain_resume,
	    sizeof(struct privcmd_domid), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_SETHANDLE] = { "domain_sethandle",
	    ctl_domain_sethandle, sizeof(struct privcmd_domain_handle),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_TRIGGER] = { "domain_trigger", ctl_domain_trigger,
	    sizeof(struct privcmd_domain_trigger),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_GETINFOLIST] = { "domain_getinfolist",
	    ctl_getinfolist, sizeof(struct privcmd_getinfolist), 0 },
	[PRIVCMD_OP_DOMAIN_SETMAXMEM] = { "domain_setmaxmem", ctl_setmaxmem,
	    sizeof(struct privcmd_setmaxmem), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_MEMORY_POPULATE] = { "memory_populate", ctl_populate,
	    sizeof(struct privcmd_memory), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_MEMORY_DECREASE] = { "memory_decrease", ctl_decrease,
	    sizeof(struct privcmd_memory), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_MAP_FOREIGN] = { "map_foreign", ctl_map_foreign,
	    sizeof(struct privcmd_map_foreign), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VCPU_SETAFFINITY] = { "vcpu_setaffinity", ctl_setaffinity,
	    sizeof(struct privcmd_affinity), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VCPU_GETAFFINITY] = { "vcpu_getaffinity", ctl_getaffinity,
	    sizeof(struct privcmd_affinity), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VCPU_GETINFO] = { "vcpu_getinfo", ctl_vcpu_getinfo,
	    sizeof(struct privcmd_vcpuinfo), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_SCHED_CREDIT_SET] = { "sched_credit_set", ctl_credit_set,
	    sizeof(struct privcmd_sched_credit), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_SCHED_CREDIT_GET] = { "sched_credit_get", ctl_credit_get,
	    sizeof(struct privcmd_sched_credit), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_READCONSOLERING] = { "readconsolering",
	    ctl_readconsolering, sizeof(struct privcmd_readconsolering), 0 },
	[PRIVCMD_OP_EVTCHN_OPEN] = { "evtchn_open", ctl_evtchn_open, 0, 0 },
	[PRIVCMD_OP_EVTCHN_BIND_INTERDOMAIN] = { "evtchn_bind_interdomain",
	    ctl_evtchn_bind_interdomain,
	    sizeof(struct privcmd_evtchn_bind_interdomain), CTL_F_EVTCHN },
	[PRIVCMD_OP_EVTCHN_BIND_VIRQ] = { "evtchn_bind_virq",
	    ctl_evtchn_bind_virq, sizeof(struct privcmd_evtchn_bind_virq),
	    CTL_F_EVTCHN },
	[PRIVCMD_OP_EVTCHN_BIND_UNBOUND] = { "evtchn_bind_unbound",
	    ctl_evtchn_bind_unbound, sizeof(struct privcmd_evtchn_bind_unbound),
	    CTL_F_EVTCHN },
	[PRIVCMD_OP_EVTCHN_NOTIFY] = { "evtchn_notify", ctl_evtchn_notify,
	    sizeof(struct privcmd_evtchn_port), CTL_F_EVTCHN },
	[PRIVCMD_OP_EVTCHN_UNMASK] = { "evtchn_unmask", ctl_evtchn_unmask,
	    sizeof(struct privcmd_evtchn_port), CTL_F_EVTCHN },
	[PRIVCMD_OP_EVTCHN_UNBIND] = { "evtchn_unbind", ctl_evtchn_unbind,
	    sizeof(struct privcmd_evtchn_port), CTL_F_EVTCHN },
	[PRIVCMD_OP_EVTCHN_ALLOC_UNBOUND] = { "evtchn_alloc_unbound",
	    ctl_evtchn_alloc_unbound, sizeof(struct privcmd_evtchn_alloc_unbound),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_GNTTAB_MAP] = { "gnttab_map", ctl_gnttab_map,
	    sizeof(struct privcmd_gnttab_map), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_GNTTAB_UNMAP] = { "gnttab_unmap", ctl_gnttab_unmap,
	    sizeof(struct privcmd_gnttab_unmap), 0 },
	[PRIVCMD_OP_GNTTAB_COPY] = { "gnttab_copy", ctl_gnttab_copy,
	    sizeof(struct privcmd_gnttab_copy), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_HVM_PARAM_SET] = { "hvm_param_set", ctl_hvm_param_set,
	    sizeof(struct privcmd_hvm_param), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_HVM_PARAM_GET] = { "hvm_param_get", ctl_hvm_param_get,
	    sizeof(struct privcmd_hvm_param), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VCPU_GETCONTEXT] = { "vcpu_getcontext", ctl_vcpu_getcontext,
	    sizeof(struct privcmd_vcpu_context), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VCPU_SETCONTEXT] = { "vcpu_setcontext", ctl_vcpu_setcontext,
	    sizeof(struct privcmd_vcpu_context), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_GETCONTEXT] = { "domain_getcontext",
	    ctl_domain_getcontext, sizeof(struct privcmd_domid),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_DOMAIN_SETCONTEXT] = { "domain_setcontext",
	    ctl_domain_setcontext, sizeof(struct privcmd_domid),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_LOGDIRTY] = { "logdirty", ctl_logdirty,
	    sizeof(struct privcmd_logdirty), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_CONSOLE_WATCH] = { "console_watch", ctl_console_watch,
	    0, 0 },
	[PRIVCMD_OP_CONSOLE_READ] = { "console_read", ctl_console_read,
	    sizeof(struct privcmd_console_read), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_CONSOLE_WRITE] = { "console_write", ctl_console_write,
	    sizeof(struct privcmd_console_write),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VIRTIO_MAP] = { "virtio_map", ctl_virtio_map,
	    sizeof(struct privcmd_domid), CTL_F_DOMAIN | CTL_F_NOT_DOM0 },
	[PRIVCMD_OP_VIRTIO_PLUG] = { "virtio_plug", ctl_virtio_plug,
	    sizeof(struct privcmd_virtio_plug),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 | CTL_F_EVTCHN },
	[PRIVCMD_OP_VIRTIO_UNPLUG] = { "virtio_unplug", ctl_virtio_unplug,
	    sizeof(struct privcmd_virtio_slotref),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 | CTL_F_EVTCHN },
	[PRIVCMD_OP_VIRTIO_CONFIG] = { "virtio_config", ctl_virtio_config,
	    sizeof(struct privcmd_virtio_config),
	    CTL_F_DOMAIN | CTL_F_NOT_DOM0 | CTL_F_EVTCHN },
};

static void	client_event(evutil_socket_t, short, void *);

static void
client_free(struct ctl_client *c)
{
	int	i;

	ctl_virtio_client_gone(c);
	ctl_evtchn_client_gone(c);
	ctl_console_client_gone(c);
	LIST_REMOVE(c, entry);
	c->ctl->nclients--;
	event_free(c->ev);
	close(c->fd);
	for (i = 0; i < c->out_nfds; i++)
		close(c->out_fds[i]);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void
client_update(struct ctl_client *c)
{
	int	ww = buf_len(&c->out) > 0;

	if (ww == c->want_write)
		return;
	c->want_write = ww;
	event_del(c->ev);
	event_assign(c->ev, c->ctl->base, c->fd,
	    (ww ? EV_WRITE : EV_READ) | EV_PERSIST, client_event, c);
	event_add(c->ev, NULL);
}

/* Write what is queued; -1 when the client is gone. */
static int
client_flush(struct ctl_client *c)
{
	ssize_t	n;
	int	i;

	while (buf_len(&c->out) > 0) {
		if (c->out_nfds > 0)
			n = sock_send_fds(c->fd, buf_data(&c->out), buf_len(&c->out),
			    c->out_fds, c->out_nfds);
		else
			n = send(c->fd, buf_data(&c->out), buf_len(&c->out),
			    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		for (i = 0; i < c->out_nfds; i++)
			close(c->out_fds[i]);
		c->out_nfds = 0;
		buf_consume(&c->out, (size_t)n);
	}
	return 0;
}

static void
dispatch(struct ctl_client *c, const struct privcmd_hdr *req,
    const uint8_t *payload)
{
	struct ctl		*ctl = c->ctl;
	const struct ctl_op	*op = NULL;
	struct ctl_reply	 r;
	struct privcmd_hdr	 h;
	struct domain		*d = NULL;
	uint32_t		 domid;
	int			 rc, i;

	memset(&r, 0, sizeof(r));
	buf_reset(&ctl->payload);
	r.payload = &ctl->payload;
	if (req->op < PRIVCMD_OP_MAX)
		op = &ctl_ops[req->op];
	if (op == NULL || op->name == NULL)
		rc = EOPNOTSUPP;
	else if (op->fn == NULL)
		rc = ENOSYS;
	else if (req->len < op->min_len)
		rc = EINVAL;
	else if ((op->flags & CTL_F_EVTCHN) && c->evfd_w == -1)
		rc = EBADF;
	else {
		rc = 0;
		if (op->flags & CTL_F_DOMAIN) {
			memcpy(&domid, payload, sizeof(domid));
			if ((op->flags & CTL_F_NOT_DOM0) && domid == 0)
				rc = EPERM;
			else if ((d = domain_get(c->hv, domid)) == NULL)
				rc = ESRCH;
		}
		if (rc == 0)
			rc = op->fn(c, d, payload, req->len, &r);
		domain_put(d);
	}
	if (rc == 0 && buf_error(r.payload))
		rc = buf_error(r.payload);
	if (rc != 0) {
		log_debug("%s: %s: %s", __func__, op && op->name ? op->name :
		    "?", strerror(rc));
		for (i = 0; i < r.nfds; i++)
			close(r.fds[i]);
		r.nfds = 0;
		buf_reset(r.payload);
	}
	h.op = req->op;
	h.seq = req->seq;
	h.status = rc;
	h.len = (uint32_t)buf_len(r.payload);
	buf_add(&c->out, &h, sizeof(h));
	buf_add(&c->out, buf_data(r.payload), buf_len(r.payload));
	for (i = 0; i < r.nfds; i++)
		c->out_fds[c->out_nfds++] = r.fds[i];
}

static void
client_read(struct ctl_client *c)
{
	struct privcmd_hdr	 h;
	void			*p;
	ssize_t			 n;

	if ((p = buf_space(&c->in, 65536)) == NULL)
		goto drop;
	n = recv(c->fd, p, 65536, 0);
	if (n == 0)
		goto drop;
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		goto drop;
	}
	buf_commit(&c->in, (size_t)n);
	while (buf_len(&c->out) == 0 && buf_len(&c->in) >= sizeof(h)) {
		memcpy(&h, buf_data(&c->in), sizeof(h));
		if (h.len > PRIVCMD_MAX_PAYLOAD) {
			log_warnx("%s: client sent a %u-byte payload; closing",
			    __func__, h.len);
			goto drop;
		}
		if (buf_len(&c->in) < sizeof(h) + h.len)
			break;
		dispatch(c, &h, (uint8_t *)buf_data(&c->in) + sizeof(h));
		buf_consume(&c->in, sizeof(h) + h.len);
		if (buf_error(&c->out) || client_flush(c) == -1)
			goto drop;
	}
	client_update(c);
	return;
drop:
	client_free(c);
}

static void
client_event(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_client	*c = arg;

	(void)fd;
	if (what & EV_WRITE) {
		if (client_flush(c) == -1) {
			client_free(c);
			return;
		}
		client_update(c);
		/* Requests that arrived meanwhile wait in c->in. */
		if (buf_len(&c->out) == 0 && buf_len(&c->in) > 0) {
			client_read(c);
		}
		return;
	}
	client_read(c);
}

static void
control_accept(int fd, void *arg)
{
	struct ctl		*ctl = arg;
	struct ctl_client	*c;

	if (!sock_peer_trusted(fd)) {
		log_warnx("%s: refused a peer that is neither root nor us",
		    __func__);
		close(fd);
		return;
	}
	if (ctl->nclients >= CTL_MAX_CLIENTS) {
		log_warnx("%s: %u clients already; refused", __func__,
		    ctl->nclients);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctl = ctl;
	c->hv = ctl->hv;
	c->fd = fd;
	c->evfd_w = -1;
	buf_init(&c->in, sizeof(struct privcmd_hdr) + PRIVCMD_MAX_PAYLOAD +
	    65536);
	buf_init(&c->out, 0);
	c->ev = event_new(ctl->base, fd, EV_READ | EV_PERSIST, client_event, c);
	event_add(c->ev, NULL);
	LIST_INSERT_HEAD(&ctl->clients, c, entry);
	ctl->nclients++;
}

struct ctl *
control_new(struct hv *hv, struct event_base *base, const char *path,
    char **cause)
{
	struct ctl	*ctl;
	int		 fd;

	if ((fd = sock_listen_unix(path, 0600, 64)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->hv = hv;
	ctl->base = base;
	LIST_INIT(&ctl->clients);
	buf_init(&ctl->payload, PRIVCMD_MAX_PAYLOAD);
	ctl->listener = evloop_listener_new(base, fd, control_accept, ctl);
	return ctl;
}

void
control_free(struct ctl *ctl)
{
	if (ctl == NULL)
		return;
	evloop_listener_free(ctl->listener);
	while (!LIST_EMPTY(&ctl->clients))
		client_free(LIST_FIRST(&ctl->clients));
	buf_free(&ctl->payload);
	free(ctl);
}

unsigned
control_nr_clients(const struct ctl *ctl)
{
	return ctl->nclients;
}
