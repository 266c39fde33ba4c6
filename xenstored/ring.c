/* The guest ring transport: Xen's xenstore_domain_interface, both ends of it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xs_wire.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/domain.h"
#include "xenstored/ring.h"
#include "xenstored/transaction.h"
#include "xenstored/watch.h"

/*
 * Each ring is a 1024-byte circular buffer with free-running 32-bit
 * indexes (docs/misc/xenstore-ring.txt): bytes [cons, prod) are queued,
 * the slot of an index is idx & 1023.  The producer copies data in, then
 * publishes prod with release ordering; the consumer reads prod with
 * acquire ordering, copies out, then publishes cons.  The other side may
 * write the page at any time, so an index pair more than a ring apart is
 * refused rather than trusted.
 */
static ssize_t
ring_get(const char *ring, uint32_t *consp, uint32_t *prodp, void *dst,
    size_t len)
{
	uint32_t	 cons, prod, avail, first;
	size_t		 n;

	cons = __atomic_load_n(consp, __ATOMIC_RELAXED);
	prod = __atomic_load_n(prodp, __ATOMIC_ACQUIRE);
	avail = prod - cons;
	if (avail > XENSTORE_RING_SIZE)
		return -1;
	n = len < avail ? len : avail;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
	if (first > n)
		first = (uint32_t)n;
	memcpy(dst, ring + MASK_XENSTORE_IDX(cons), first);
	memcpy((char *)dst + first, ring, n - first);
	__atomic_store_n(consp, cons + (uint32_t)n, __ATOMIC_RELEASE);
	return (ssize_t)n;
}

static ssize_t
ring_put(char *ring, uint32_t *consp, uint32_t *prodp, const void *src,
    size_t len)
{
	uint32_t	 cons, prod, used, first;
	size_t		 n;

	cons = __atomic_load_n(consp, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(prodp, __ATOMIC_RELAXED);
	used = prod - cons;
	if (used > XENSTORE_RING_SIZE)
		return -1;
	n = XENSTORE_RING_SIZE - used;
	if (n > len)
		n = len;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
	if (first > n)
		first = (uint32_t)n;
	memcpy(ring + MASK_XENSTORE_IDX(prod), src, first);
	memcpy(ring, (const char *)src + first, n - first);
	__atomic_store_n(prodp, prod + (uint32_t)n, __ATOMIC_RELEASE);
	return (ssize_t)n;
}

ssize_t
ring_read_req(struct xenstore_domain_interface *i, void *dst, size_t len)
{
	return ring_get(i->req, &i->req_cons, &i->req_prod, dst, len);
}

ssize_t
ring_write_rsp(struct xenstore_domain_interface *i, const void *src, size_t len)
{
	return ring_put(i->rsp, &i->rsp_cons, &i->rsp_prod, src, len);
}

ssize_t
ring_write_req(struct xenstore_domain_interface *i, const void *src, size_t len)
{
	return ring_put(i->req, &i->req_cons, &i->req_prod, src, len);
}

ssize_t
ring_read_rsp(struct xenstore_domain_interface *i, void *dst, size_t len)
{
	return ring_get(i->rsp, &i->rsp_cons, &i->rsp_prod, dst, len);
}

void
ring_server_init(struct xenstore_domain_interface *i)
{
	i->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
	    XENSTORE_SERVER_FEATURE_ERROR;
	/* A guest that asked to reconnect while we were away starts anew. */
	if (ring_wants_reset(i)) {
		ring_reset(i);
		return;
	}
	i->error = XENSTORE_ERROR_NONE;
	__atomic_store_n(&i->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
}

int
ring_wants_reset(const struct xenstore_domain_interface *i)
{
	return __atomic_load_n(&i->connection, __ATOMIC_ACQUIRE) ==
	    XENSTORE_RECONNECT;
}

void
ring_reset(struct xenstore_domain_interface *i)
{
	/* The guest waits for CONNECTED before it touches the indexes. */
	i->req_cons = i->req_prod = 0;
	i->rsp_cons = i->rsp_prod = 0;
	i->error = XENSTORE_ERROR_NONE;
	__atomic_store_n(&i->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
}

/*
 * The daemon's end reads requests without consuming them: bytes from the
 * published req_cons up to 'rd' are read but still the guest's.  req_cons
 * moves (rt_release) only once the reply of each request up to there is in
 * the response ring -- so a request that a kill -9 caught between its
 * reading and its reply is read again by the next daemon and answered (a
 * Linux guest's xenbus waits for ever otherwise).  A request whose effect
 * was committed just before the kill, but whose reply was not yet in the
 * ring, runs twice: WRITE, MKDIR and SET_PERMS are the same the second
 * time, an RM answers ENOENT.  When the ring is full of what is read, it is
 * consumed at once: the guest needs the room to finish a long request.
 *
 * Impossible indexes (a guest bug or attack) set the page's error field to
 * RINGIDX and stop the ring, not the connection: when the guest asks to
 * reconnect (connection = RECONNECT, then an event), it starts afresh.
 */
struct ring_tp {
	struct xenstore_domain_interface	*intf;
	uint32_t		 local;
	uint32_t		 domid;
	uint32_t		 base;		/* req_cons at stream offset 0 */
	uint32_t		 rd;		/* read up to here */
	int			 broken;	/* bad indexes: until a reset */
	struct ring_mapper	 m;
	struct conn		*conn;
};

static void	 rt_kick(struct conn *);

static void
rt_broken(struct ring_tp *t, const char *which)
{
	if (!t->broken)
		log_warnx("domain %u: bad %s ring indexes: the ring stops "
		    "until the guest reconnects", t->domid, which);
	t->broken = 1;
	t->intf->error = XENSTORE_ERROR_RINGIDX;
}

static ssize_t
rt_read(struct conn *c, void *dst, size_t len, int *eof)
{
	struct ring_tp	*t = c->tp;
	struct xenstore_domain_interface *i = t->intf;
	uint32_t	 cons, prod, avail, first;
	size_t		 n;

	*eof = 0;
	if (t->broken)
		return 0;
	cons = __atomic_load_n(&i->req_cons, __ATOMIC_RELAXED);
	prod = __atomic_load_n(&i->req_prod, __ATOMIC_ACQUIRE);
	if (prod - cons > XENSTORE_RING_SIZE ||
	    t->rd - cons > prod - cons) {
		rt_broken(t, "request");
		return 0;
	}
	avail = prod - t->rd;
	n = len < avail ? len : avail;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(t->rd);
	if (first > n)
		first = (uint32_t)n;
	memcpy(dst, i->req + MASK_XENSTORE_IDX(t->rd), first);
	memcpy((char *)dst + first, i->req, n - first);
	t->rd += (uint32_t)n;
	return (ssize_t)n;
}

/* Give the guest back the room of what is answered (see above). */
static void
rt_release(struct conn *c, uint64_t acked, uint64_t read)
{
	struct ring_tp	*t = c->tp;
	struct xenstore_domain_interface *i = t->intf;
	uint32_t	 cons, prod, to;

	if (t->broken)
		return;
	cons = __atomic_load_n(&i->req_cons, __ATOMIC_RELAXED);
	prod = __atomic_load_n(&i->req_prod, __ATOMIC_ACQUIRE);
	to = t->base + (uint32_t)acked;
	if (prod - cons >= XENSTORE_RING_SIZE)
		to = t->base + (uint32_t)read;
	if (to == cons || to - cons > t->rd - cons)
		return;		/* nothing new, or already past */
	__atomic_store_n(&i->req_cons, to, __ATOMIC_RELEASE);
	rt_kick(c);		/* room for a guest waiting to write more */
}

static ssize_t
rt_write(struct conn *c, const void *src, size_t len)
{
	struct ring_tp	*t = c->tp;
	ssize_t		 n;

	if (t->broken)
		return (ssize_t)len;	/* dropped: the guest will reset */
	if ((n = ring_write_rsp(t->intf, src, len)) == -1) {
		rt_broken(t, "response");
		return (ssize_t)len;
	}
	return n;
}

static void
rt_want_write(struct conn *c, int on)
{
	/* The guest notifies when it consumes: ring_conn_event() then. */
	(void)c;
	(void)on;
}

static void
rt_kick(struct conn *c)
{
	struct ring_tp	*t = c->tp;

	if (t->m.notify != NULL)
		t->m.notify(t->local, t->m.arg);
}

static void
rt_destroy(struct conn *c)
{
	struct ring_tp	*t = c->tp;

	if (t->m.unmap != NULL)
		t->m.unmap(t->intf, t->local, t->m.arg);
	free(t);
}

static const struct conn_ops ring_ops = {
	.name = "ring",
	.read = rt_read,
	.write = rt_write,
	.want_write = rt_want_write,
	.kick = rt_kick,
	.release = rt_release,
	.destroy = rt_destroy,
};

void
ring_conn_event(struct conn *c)
{
	struct ring_tp	*t = c->tp;

	if (c->dead)
		return;
	if (ring_wants_reset(t->intf)) {
		/* A reconnecting guest starts from nothing. */
		log_info("%s: domain %u reconnects", __func__, t->domid);
		watch_conn_gone(c);
		domain_watches_reset(c);
		txn_conn_gone(c);
		conn_reset_streams(c);
		ring_reset(t->intf);
		t->base = t->rd = 0;
		t->broken = 0;
		rt_kick(c);
		return;
	}
	conn_writable(c);
	conn_readable(c);
}

struct conn *
ring_conn_new(uint32_t domid, struct xenstore_domain_interface *intf,
    uint32_t local, const struct ring_mapper *m)
{
	struct ring_tp	*t;
	char		 desc[32];

	t = xcalloc(1, sizeof(*t));
	t->intf = intf;
	t->local = local;
	t->domid = domid;
	t->m = *m;
	ring_server_init(intf);
	/* What the guest wrote past req_cons is unanswered: read it (again). */
	t->base = t->rd = __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE);
	snprintf(desc, sizeof(desc), "domain %u ring", domid);
	t->conn = conn_new(&ring_ops, t, domid, 0, 0, desc);
	/* Requests queued before we came up (or across a restart). */
	conn_readable(t->conn);
	return t->conn;
}
