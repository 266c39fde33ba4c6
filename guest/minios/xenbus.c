/*
 * Xenbus client.
 *
 * A request is one xsd_sockmsg header and its payload written into the
 * req ring (waiting for room when the store is slow: a 4 KiB write does
 * not fit a 1 KiB ring at once).  Replies come back on the rsp ring in
 * order, but watch events can arrive between them at any time, so the
 * reader assembles whole messages and sorts them: a WATCH_EVENT is queued
 * for xenbus_next_event, a reply with our req_id ends the wait, anything
 * else (a reply to a request we gave up on) is dropped.  A header whose
 * length exceeds the protocol's 4096-byte limit, or ring indexes that
 * claim more than a ring's worth of data, mean the page is corrupt: the
 * client stops using it (every call then returns XEN_EIO) rather than
 * guess where the next message starts.
 */
#include <string.h>

#include "guest/minios/xenbus.h"

int
xenbus_errno(const char *name)
{
	int err;

	/* ETIMEDOUT is ours, not the wire's: the store did not answer. */
	if (strcmp(name, "ETIMEDOUT") == 0)
		return XEN_ETIMEDOUT;
	err = xsd_errnum(name);
	return err != 0 ? err : XEN_EIO;
}

const char *
xenbus_strerror(int err)
{
	const char *name = xsd_errname(err);

	if (err == XEN_ETIMEDOUT)
		return "ETIMEDOUT";
	return name != NULL ? name : "E?";
}

void
xenbus_init(struct xenbus *xb, struct xenstore_domain_interface *intf,
    const struct xenbus_ops *ops, void *arg)
{
	memset(xb, 0, sizeof(*xb));
	xb->intf = intf;
	xb->ops = ops;
	xb->arg = arg;
	xb->req.buf = intf->req;
	xb->req.size = XENSTORE_RING_SIZE;
	xb->req.cons = &intf->req_cons;
	xb->req.prod = &intf->req_prod;
	xb->rsp.buf = intf->rsp;
	xb->rsp.size = XENSTORE_RING_SIZE;
	xb->rsp.cons = &intf->rsp_cons;
	xb->rsp.prod = &intf->rsp_prod;
}

/* strnlen, which a strict C11 picolibc does not declare. */
static size_t
bounded_len(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);

	return nul != NULL ? (size_t)(nul - s) : max;
}

static void
queue_event(struct xenbus *xb)
{
	const char *path = xb->body, *token, *end = xb->body + xb->hdr.len;
	struct xb_event *ev;
	size_t plen, tlen;

	/* Payload: path NUL token NUL. */
	plen = bounded_len(path, xb->hdr.len);
	if (path + plen >= end) {
		xb->ev_dropped++;
		return;
	}
	token = path + plen + 1;
	tlen = bounded_len(token, (size_t)(end - token));
	if (plen >= XB_PATH_MAX || tlen >= XB_TOKEN_MAX ||
	    xb->ev_count == XB_MAX_EVENTS) {
		xb->ev_dropped++;
		return;
	}
	ev = &xb->ev[(xb->ev_head + xb->ev_count++) % XB_MAX_EVENTS];
	memcpy(ev->path, path, plen);
	ev->path[plen] = '\0';
	memcpy(ev->token, token, tlen);
	ev->token[tlen] = '\0';
}

/*
 * Bytes taken from the rsp ring make room the store may be waiting for
 * (a reply bigger than the ring arrives a ring-full at a time): it is
 * told at once, not when the whole message is in (xenstore-ring.txt:
 * every update of the ring is signalled).
 */
static void
consumed(struct xenbus *xb, long n)
{
	if (n > 0)
		xb->ops->notify(xb->arg);
}

/*
 * Moves bytes from the rsp ring into the message being assembled.
 * Returns 1 when a whole non-event message is in hdr/body, 0 when the ring
 * ran dry first, -1 when the ring is broken.
 */
static int
pump(struct xenbus *xb)
{
	uint32_t want;
	long n;

	for (;;) {
		if (xb->got < sizeof(xb->hdr)) {
			n = ring_get(&xb->rsp, (char *)&xb->hdr + xb->got,
			    sizeof(xb->hdr) - xb->got);
			if (n < 0)
				goto broken;
			consumed(xb, n);
			xb->got += (uint32_t)n;
			if (xb->got < sizeof(xb->hdr))
				return 0;
			if (xb->hdr.len > XENSTORE_PAYLOAD_MAX)
				goto broken;
		}
		want = (uint32_t)sizeof(xb->hdr) + xb->hdr.len;
		if (xb->got < want) {
			n = ring_get(&xb->rsp, xb->body + xb->got -
			    sizeof(xb->hdr), want - xb->got);
			if (n < 0)
				goto broken;
			consumed(xb, n);
			xb->got += (uint32_t)n;
			if (xb->got < want)
				return 0;
		}
		xb->body[xb->hdr.len] = '\0';
		xb->got = 0;
		if (xb->hdr.type != XS_WATCH_EVENT)
			return 1;
		queue_event(xb);
	}
broken:
	xb->broken = 1;
	return -1;
}

uint32_t
xenbus_store_error(const struct xenbus *xb)
{
	const struct xenstore_domain_interface *i = xb->intf;

	if (!(__atomic_load_n(&i->server_features, __ATOMIC_ACQUIRE) &
	    XENSTORE_SERVER_FEATURE_ERROR))
		return XENSTORE_ERROR_NONE;
	return __atomic_load_n(&i->error, __ATOMIC_ACQUIRE);
}

int
xenbus_broken(const struct xenbus *xb)
{
	return xb->broken;
}

/* Waits for the store to finish a reconnection; 0 or XEN_ETIMEDOUT. */
static int
await_connected(struct xenbus *xb)
{
	struct xenstore_domain_interface *i = xb->intf;

	while (__atomic_load_n(&i->connection, __ATOMIC_ACQUIRE) !=
	    XENSTORE_CONNECTED)
		if (xb->ops->wait(xb->arg) != 0)
			return XEN_ETIMEDOUT;
	/* A half-read message and queued events belong to the old session. */
	xb->got = 0;
	xb->ev_head = xb->ev_count = 0;
	xb->broken = 0;
	return 0;
}

int
xenbus_reconnect(struct xenbus *xb)
{
	struct xenstore_domain_interface *i = xb->intf;

	if (!(__atomic_load_n(&i->server_features, __ATOMIC_ACQUIRE) &
	    XENSTORE_SERVER_FEATURE_RECONNECTION))
		return XEN_ENOSYS;
	/* From here until CONNECTED the indexes belong to the store. */
	__atomic_store_n(&i->connection, XENSTORE_RECONNECT, __ATOMIC_RELEASE);
	xb->ops->notify(xb->arg);
	return await_connected(xb);
}

int
xenbus_await_connected(struct xenbus *xb, int *reset)
{
	*reset = __atomic_load_n(&xb->intf->connection, __ATOMIC_ACQUIRE) !=
	    XENSTORE_CONNECTED;
	return *reset ? await_connected(xb) : 0;
}

int
xenbus_poll(struct xenbus *xb)
{
	int r;

	if (!xb->broken && xenbus_store_error(xb) != XENSTORE_ERROR_NONE)
		xb->broken = 1;	/* the store gave up on this ring */
	if (xb->broken)
		return XEN_EIO;
	/* A reply here answers nobody (its request was given up on). */
	while ((r = pump(xb)) == 1)
		;
	return r < 0 ? XEN_EIO : 0;
}

int
xenbus_next_event(struct xenbus *xb, struct xb_event *ev)
{
	if (xb->ev_count == 0)
		return 0;
	*ev = xb->ev[xb->ev_head];
	xb->ev_head = (xb->ev_head + 1) % XB_MAX_EVENTS;
	xb->ev_count--;
	return 1;
}

/* Writes all of p, waiting for room; 0 or a XEN_E* value. */
static int
put_all(struct xenbus *xb, const void *p, size_t len)
{
	const char *c = p;
	long n;

	while (len > 0) {
		n = ring_put(&xb->req, c, len);
		if (n < 0) {
			xb->broken = 1;
			return XEN_EIO;
		}
		c += n;
		len -= (size_t)n;
		if (len == 0)
			break;
		xb->ops->notify(xb->arg);
		if (n == 0 && xb->ops->wait(xb->arg) != 0) {
			/* Half a message is in the ring: the stream is lost. */
			xb->broken = 1;
			return XEN_ETIMEDOUT;
		}
	}
	return 0;
}

/*
 * Sends type with the parts as payload and waits for the reply, which is
 * left in xb->body (NUL-terminated, xb->hdr.len bytes).
 */
static int
request(struct xenbus *xb, uint32_t type, uint32_t tx,
    const char *const *parts, const uint32_t *lens, unsigned nparts)
{
	struct xsd_sockmsg h;
	uint32_t total = 0;
	unsigned i;
	int r;

	if (xb->broken)
		return XEN_EIO;
	for (i = 0; i < nparts; i++) {
		if (lens[i] > XENSTORE_PAYLOAD_MAX - total)
			return XEN_E2BIG;
		total += lens[i];
	}
	h.type = type;
	h.req_id = ++xb->req_id;
	h.tx_id = tx;
	h.len = total;
	if ((r = put_all(xb, &h, sizeof(h))) != 0)
		return r;
	for (i = 0; i < nparts; i++)
		if ((r = put_all(xb, parts[i], lens[i])) != 0)
			return r;
	xb->ops->notify(xb->arg);
	for (;;) {
		r = pump(xb);
		if (r < 0)
			return XEN_EIO;
		if (r == 1 && xb->hdr.req_id == h.req_id)
			break;
		if (r == 1)
			continue;	/* a stale reply: drop it */
		if (xenbus_store_error(xb) != XENSTORE_ERROR_NONE) {
			xb->broken = 1;
			return XEN_EIO;
		}
		if (xb->ops->wait(xb->arg) != 0)
			return XEN_ETIMEDOUT;
	}
	if (xb->hdr.type == XS_ERROR)
		return xenbus_errno(xb->body);
	if (xb->hdr.type != type)
		return XEN_EIO;
	return 0;
}

static int
path_op(struct xenbus *xb, uint32_t type, uint32_t tx, const char *path)
{
	const char *parts[1] = { path };
	uint32_t lens[1] = { (uint32_t)strlen(path) + 1 };

	return request(xb, type, tx, parts, lens, 1);
}

int
xenbus_read(struct xenbus *xb, uint32_t tx, const char *path, char *buf,
    size_t buflen)
{
	int r = path_op(xb, XS_READ, tx, path);

	if (r != 0)
		return r;
	if (xb->hdr.len >= buflen)
		return XEN_E2BIG;
	memcpy(buf, xb->body, xb->hdr.len + 1);
	return 0;
}

int
xenbus_write(struct xenbus *xb, uint32_t tx, const char *path,
    const char *value)
{
	/* The path is NUL-terminated; the value is not. */
	const char *parts[2] = { path, value };
	uint32_t lens[2] = { (uint32_t)strlen(path) + 1,
	    (uint32_t)strlen(value) };

	return request(xb, XS_WRITE, tx, parts, lens, 2);
}

int
xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path)
{
	return path_op(xb, XS_MKDIR, tx, path);
}

int
xenbus_rm(struct xenbus *xb, uint32_t tx, const char *path)
{
	return path_op(xb, XS_RM, tx, path);
}

int
xenbus_directory(struct xenbus *xb, uint32_t tx, const char *path,
    char *buf, size_t buflen, unsigned *n)
{
	uint32_t i;
	int r = path_op(xb, XS_DIRECTORY, tx, path);

	if (r != 0)
		return r;
	/* Names are NUL-terminated, the last one too (or none at all). */
	if (xb->hdr.len > 0 && xb->body[xb->hdr.len - 1] != '\0')
		return XEN_EIO;
	if (xb->hdr.len > buflen)
		return XEN_E2BIG;
	memcpy(buf, xb->body, xb->hdr.len);
	for (*n = 0, i = 0; i < xb->hdr.len; i++)
		*n += xb->body[i] == '\0';
	if (xb->hdr.len < buflen)
		buf[xb->hdr.len] = '\0';
	return 0;
}

static int
watch_op(struct xenbus *xb, uint32_t type, const char *path,
    const char *token)
{
	const char *parts[2] = { path, token };
	uint32_t lens[2] = { (uint32_t)strlen(path) + 1,
	    (uint32_t)strlen(token) + 1 };

	return request(xb, type, 0, parts, lens, 2);
}

int
xenbus_watch(struct xenbus *xb, const char *path, const char *token)
{
	struct xb_watch *w = NULL;
	unsigned i;
	int r;

	if (strlen(path) >= XB_PATH_MAX || strlen(token) >= XB_TOKEN_MAX)
		return XEN_E2BIG;
	for (i = 0; i < XB_MAX_WATCHES && w == NULL; i++)
		if (!xb->watches[i].used)
			w = &xb->watches[i];
	if (w == NULL)
		return XEN_ENOSPC;
	if ((r = watch_op(xb, XS_WATCH, path, token)) != 0)
		return r;
	memcpy(w->path, path, strlen(path) + 1);
	memcpy(w->token, token, strlen(token) + 1);
	w->used = 1;
	return 0;
}

int
xenbus_unwatch(struct xenbus *xb, const char *path, const char *token)
{
	unsigned i;
	int r = watch_op(xb, XS_UNWATCH, path, token);

	for (i = 0; i < XB_MAX_WATCHES; i++)
		if (xb->watches[i].used &&
		    strcmp(xb->watches[i].path, path) == 0 &&
		    strcmp(xb->watches[i].token, token) == 0)
			xb->watches[i].used = 0;
	return r;
}

int
xenbus_rewatch(struct xenbus *xb)
{
	unsigned i;
	int r, first = 0;

	for (i = 0; i < XB_MAX_WATCHES; i++) {
		if (!xb->watches[i].used)
			continue;
		r = watch_op(xb, XS_WATCH, xb->watches[i].path,
		    xb->watches[i].token);
		if (r != 0 && first == 0)
			first = r;
	}
	return first;
}

int
xenbus_transaction_start(struct xenbus *xb, uint32_t *tx)
{
	const char *parts[1] = { "" };
	uint32_t lens[1] = { 1 }, v = 0;
	const char *p;
	int r = request(xb, XS_TRANSACTION_START, 0, parts, lens, 1);

	if (r != 0)
		return r;
	/* The reply is the id in decimal. */
	for (p = xb->body; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT32_MAX - 9) / 10)
			return XEN_EIO;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	if (p == xb->body || *p != '\0' || v == 0)
		return XEN_EIO;
	*tx = v;
	return 0;
}

int
xenbus_transaction_end(struct xenbus *xb, uint32_t tx, int abort)
{
	const char *parts[1] = { abort ? "F" : "T" };
	uint32_t lens[1] = { 2 };

	return request(xb, XS_TRANSACTION_END, tx, parts, lens, 1);
}
