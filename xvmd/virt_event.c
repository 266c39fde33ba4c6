/*
 * libvirt lifecycle events (virConnectDomainEventRegisterAny).
 *
 * Domains change state through both front-ends and on their own (a guest
 * that powers off, lc_check's restarts), so events are not raised where
 * things happen: after every change and every lc_check (domops.h's
 * observer) we compare each domain with how it was at the last look and
 * send what changed.  Example: x1 was running as domain 3 and is now
 * running as domain 4 (on_reboot = restart between two looks): STOPPED
 * then STARTED.  While no client listens there is no look at all; the
 * first registration takes the baseline.
 */
#include <stdlib.h>
#include <string.h>

#include <xvm/xenctrl.h>
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/vm.h"
#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"
#include "xvmd/xvmd.h"

/* virDomainEventType and the details we send. */
enum {
	EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_SUSPENDED, EV_RESUMED,
	EV_STOPPED, EV_SHUTDOWN, EV_PMSUSPENDED, EV_CRASHED,
};
#define PROC_EVENT_LIFECYCLE		107
#define PROC_EVENT_CALLBACK_LIFECYCLE	318
#define MAX_CALLBACKS			64

struct virt_snap {
	uint8_t		 uuid[16];
	char		 name[64];
	int		 domid;
	int		 state;
	int		 managed;
	int		 seen;		/* still there at this look */
};

static int
listening(struct virt_server *vs)
{
	struct virt_conn	*conn;

	TAILQ_FOREACH(conn, &vs->conns, entry)
		if (conn->ncbs > 0)
			return 1;
	return 0;
}

/* Send one event to every callback that wants this domain. */
static void
send_event(struct virt_server *vs, const struct virt_snap *s, int event,
    int detail)
{
	struct virt_conn	*conn;
	struct buf		 b = BUF_INITIALIZER;
	size_t			 i;

	log_debug("%s: %s event %d detail %d", __func__, s->name, event,
	    detail);
	TAILQ_FOREACH(conn, &vs->conns, entry) {
		for (i = 0; i < conn->ncbs; i++) {
			if (conn->cbs[i].has_dom &&
			    memcmp(conn->cbs[i].uuid, s->uuid, 16) != 0)
				continue;
			buf_reset(&b);
			if (!conn->cbs[i].legacy)
				xdr_put_i32(&b, conn->cbs[i].id);
			xdr_put_str(&b, s->name);
			xdr_put_fixed(&b, s->uuid, 16);
			xdr_put_i32(&b, s->domid);
			xdr_put_i32(&b, event);
			xdr_put_i32(&b, detail);
			virt_send(conn, VIRT_PROGRAM, conn->cbs[i].legacy ?
			    PROC_EVENT_LIFECYCLE :
			    PROC_EVENT_CALLBACK_LIFECYCLE, VT_MESSAGE, 0,
			    VS_OK, &b);
		}
	}
	buf_free(&b);
}

/* Events from how a domain was (o) to how it is (n). */
static void
diff(struct virt_server *vs, const struct virt_snap *o,
    const struct virt_snap *n)
{
	int	 was_on = o != NULL && o->state != VIR_DOMAIN_SHUTOFF;
	int	 is_on = n->state != VIR_DOMAIN_SHUTOFF;
	struct virt_snap s = *n;

	if (o == NULL && n->managed)
		send_event(vs, n, EV_DEFINED, 0);
	if (was_on && (!is_on || o->domid != n->domid)) {
		s.domid = o->domid;
		send_event(vs, &s, o->state == VIR_DOMAIN_CRASHED ?
		    EV_CRASHED : EV_STOPPED, 0);
		was_on = 0;
	}
	if (!was_on && is_on)
		send_event(vs, n, EV_STARTED, 0);
	else if (was_on && o->state != VIR_DOMAIN_PAUSED &&
	    n->state == VIR_DOMAIN_PAUSED)
		send_event(vs, n, EV_SUSPENDED, 0);
	else if (was_on && o->state == VIR_DOMAIN_PAUSED &&
	    n->state != VIR_DOMAIN_PAUSED)
		send_event(vs, n, EV_RESUMED, 0);
	if (o != NULL && !o->managed && n->managed)
		send_event(vs, n, EV_DEFINED, 0);
	if (is_on && n->state == VIR_DOMAIN_SHUTDOWN &&
	    (o == NULL || o->state != VIR_DOMAIN_SHUTDOWN))
		send_event(vs, n, EV_SHUTDOWN, 0);
}

static void
gone(struct virt_server *vs, const struct virt_snap *o)
{
	if (o->state != VIR_DOMAIN_SHUTOFF)
		send_event(vs, o, EV_STOPPED, 0);
	if (o->managed)
		send_event(vs, o, EV_UNDEFINED, 0);
}

void
virt_event_check(struct xvmd *xd)
{
	struct virt_server	*vs = xd->virt;
	xc_domaininfo_t		*info = NULL;
	struct virt_snap	*now, *o;
	struct vm		*vm;
	size_t			 n = 0, i, j;
	int			 ninfo, k, quiet;

	if (vs == NULL || !listening(vs)) {
		if (vs != NULL)
			vs->snap_valid = 0;
		return;
	}
	if ((ninfo = vm_getinfo_all(xd, &info)) < 0)
		return;
	TAILQ_FOREACH(vm, &xd->vms, entry)
		n++;
	now = xcalloc(n ? n : 1, sizeof(*now));
	i = 0;
	TAILQ_FOREACH(vm, &xd->vms, entry) {
		memcpy(now[i].uuid, vm->uuid, 16);
		memcpy(now[i].name, vm->name, sizeof(now[i].name));
		now[i].domid = vm->domid;
		now[i].managed = vm->managed;
		now[i].state = VIR_DOMAIN_SHUTOFF;
		for (k = 0; vm->domid >= 0 && k < ninfo; k++)
			if (info[k].domain == (uint32_t)vm->domid)
				now[i].state = virt_state(&info[k], 1);
		i++;
	}
	free(info);
	quiet = !vs->snap_valid;	/* the baseline: no events */
	for (j = 0; j < vs->nsnap; j++)
		vs->snap[j].seen = 0;
	for (i = 0; i < n && !quiet; i++) {
		o = NULL;
		for (j = 0; j < vs->nsnap; j++)
			if (memcmp(vs->snap[j].uuid, now[i].uuid, 16) == 0) {
				o = &vs->snap[j];
				o->seen = 1;
				break;
			}
		if (o == NULL || o->state != now[i].state ||
		    o->domid != now[i].domid || o->managed != now[i].managed)
			diff(vs, o, &now[i]);
	}
	for (j = 0; j < vs->nsnap && !quiet; j++)
		if (!vs->snap[j].seen)
			gone(vs, &vs->snap[j]);
	free(vs->snap);
	vs->snap = now;
	vs->nsnap = n;
	vs->snap_valid = 1;
}

void
virt_event_free(struct virt_server *vs)
{
	free(vs->snap);
	vs->snap = NULL;
	vs->nsnap = 0;
}

/* Add a callback; the first one anywhere takes the baseline. */
static int
add_cb(struct virt_call *c, int legacy, int has_dom, const uint8_t *uuid)
{
	struct virt_conn	*conn = c->conn;
	struct virt_cb		*cb;

	if (conn->ncbs >= MAX_CALLBACKS)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: too many event callbacks (%d) "
		    "on one connection", MAX_CALLBACKS);
	if (!listening(conn->vs))
		conn->vs->snap_valid = 0;
	conn->cbs = xreallocarray(conn->cbs, conn->ncbs + 1,
	    sizeof(*conn->cbs));
	cb = &conn->cbs[conn->ncbs++];
	memset(cb, 0, sizeof(*cb));
	cb->id = conn->vs->next_cb++;
	cb->legacy = legacy;
	cb->has_dom = has_dom;
	if (has_dom)
		memcpy(cb->uuid, uuid, 16);
	virt_event_check(c->xd);
	return cb->id;
}

static void
del_cb(struct virt_conn *conn, size_t i)
{
	conn->cbs[i] = conn->cbs[--conn->ncbs];
}

/* Only lifecycle events (ID 0) are sent. */
static int
lifecycle_only(struct virt_call *c, int32_t id)
{
	if (id != 0)
		return virt_error(c, VIR_ERR_NO_SUPPORT, "this function is "
		    "not supported by the connection driver: event %d (xVM "
		    "sends lifecycle events only)", id);
	return 0;
}

int
vp_event_register(struct virt_call *c)
{
	if (add_cb(c, 1, 0, NULL) == -1)
		return -1;
	xdr_put_i32(c->out, 1);
	return 0;
}

int
vp_event_deregister(struct virt_call *c)
{
	size_t	 i;

	for (i = 0; i < c->conn->ncbs; i++)
		if (c->conn->cbs[i].legacy) {
			del_cb(c->conn, i);
			break;
		}
	xdr_put_i32(c->out, 0);
	return 0;
}

int
vp_event_register_any(struct virt_call *c)
{
	int32_t	 id;

	if (xdr_get_i32(c->in, &id) == -1)
		return virt_bad_args(c);
	if (lifecycle_only(c, id) == -1 || add_cb(c, 1, 0, NULL) == -1)
		return -1;
	return 0;
}

int
vp_event_deregister_any(struct virt_call *c)
{
	int32_t	 id;

	if (xdr_get_i32(c->in, &id) == -1)
		return virt_bad_args(c);
	return vp_event_deregister(c) == 0 ? (buf_reset(c->out), 0) : -1;
}

int
vp_event_cb_register_any(struct virt_call *c)
{
	struct vm	*vm = NULL;
	int32_t		 id, cb;
	uint32_t	 present;
	int		 dom0 = 0;

	if (xdr_get_i32(c->in, &id) == -1 ||
	    xdr_get_u32(c->in, &present) == -1 || present > 1)
		return virt_bad_args(c);
	if (present && virt_get_dom(c, &vm, &dom0) == -1)
		return -1;
	if (lifecycle_only(c, id) == -1)
		return -1;
	if ((cb = add_cb(c, 0, present && !dom0, vm ? vm->uuid : NULL)) ==
	    -1)
		return -1;
	xdr_put_i32(c->out, cb);
	return 0;
}

int
vp_event_cb_deregister_any(struct virt_call *c)
{
	int32_t	 id;
	size_t	 i;

	if (xdr_get_i32(c->in, &id) == -1)
		return virt_bad_args(c);
	for (i = 0; i < c->conn->ncbs; i++)
		if (!c->conn->cbs[i].legacy && c->conn->cbs[i].id == id) {
			del_cb(c->conn, i);
			return 0;
		}
	return virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: no "
	    "event callback %d", id);
}
