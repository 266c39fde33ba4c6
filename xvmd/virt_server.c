/*
 * The libvirt front-end's sockets and connections: framing, the dispatch
 * prologue, replies and errors (virt.h).
 *
 * A message is a big-endian u32 length (counting itself), a 24-byte
 * header (program, version, procedure, type, serial, status) and an XDR
 * body.  Whatever a client sends, the daemon goes on: a length outside
 * [28, 32 MiB] or a header we cannot answer closes the connection; a call
 * we can answer but not serve gets a remote_error reply.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "xvmd/domops.h"
#include "xvmd/vm.h"
#include "xvmd/virt.h"
#include "xvmd/virt_pool.h"
#include "xvmd/xvmd.h"

/* Output queued past this makes us stop reading (a client not reading). */
#define OUT_HIGH_WATER	(64u * 1024 * 1024)

struct virt_later {
	LIST_ENTRY(virt_later)	 entry;
	struct virt_conn	*conn;		/* NULL once the client left */
	uint32_t		 proc;
	uint32_t		 serial;
};

static void	conn_free(struct virt_conn *);

int
virt_error(struct virt_call *c, int code, const char *fmt, ...)
{
	va_list	 ap;

	free(c->message);
	va_start(ap, fmt);
	if (vasprintf(&c->message, fmt, ap) == -1)
		fatalx("%s: out of memory", __func__);
	va_end(ap);
	c->code = code;
	if (c->domain == 0)
		c->domain = VIR_FROM_XEN;
	return -1;
}

int
virt_bad_args(struct virt_call *c)
{
	c->domain = VIR_FROM_RPC;
	return virt_error(c, VIR_ERR_RPC, "Unable to decode message payload "
	    "of procedure %u", c->proc);
}

int
virt_errno(struct virt_call *c, int err, char *cause)
{
	int	 code;

	switch (err) {
	case ENOENT:
	case ESRCH:
		code = VIR_ERR_NO_DOMAIN;
		break;
	case EEXIST:
		code = VIR_ERR_DOM_EXIST;
		break;
	case EINVAL:
		code = VIR_ERR_INVALID_ARG;
		break;
	case EBUSY:
	case EPERM:
		code = VIR_ERR_OPERATION_INVALID;
		break;
	case ENOTSUP:
	case ENOSYS:
		code = VIR_ERR_NO_SUPPORT;
		break;
	default:
		code = VIR_ERR_OPERATION_FAILED;
		break;
	}
	virt_error(c, code, "%s", cause ? cause : strerror(err));
	free(cause);
	return -1;
}

void
virt_put_error(struct buf *b, int code, int domain, const char *msg)
{
	xdr_put_i32(b, code);
	xdr_put_i32(b, domain);
	xdr_put_optstr(b, msg);
	xdr_put_i32(b, 2);		/* VIR_ERR_ERROR */
	xdr_put_u32(b, 0);		/* dom */
	xdr_put_u32(b, 0);		/* str1 */
	xdr_put_u32(b, 0);		/* str2 */
	xdr_put_u32(b, 0);		/* str3 */
	xdr_put_i32(b, 0);		/* int1 */
	xdr_put_i32(b, 0);		/* int2 */
	xdr_put_u32(b, 0);		/* net */
}

void
virt_send(struct virt_conn *conn, uint32_t prog, uint32_t proc,
    enum virt_type type, uint32_t serial, enum virt_status status,
    const struct buf *body)
{
	struct buf	 h = BUF_INITIALIZER;
	size_t		 blen = body ? buf_len(body) : 0;
	struct evbuffer	*out;

	if (conn->closing)
		return;
	if (blen > VIRT_MESSAGE_MAX - VIRT_HEADER_LEN) {
		/* Too big for the client to take: an error instead. */
		log_warnx("%s: a reply of %zu bytes to procedure %u is over "
		    "the limit", __func__, blen, proc);
		buf_init(&h, 0);
		virt_put_error(&h, VIR_ERR_RPC, VIR_FROM_RPC, "reply too "
		    "large");
		virt_send(conn, prog, proc, type, serial, VS_ERROR, &h);
		buf_free(&h);
		return;
	}
	xdr_put_u32(&h, (uint32_t)(VIRT_HEADER_LEN + blen));
	xdr_put_u32(&h, prog);
	xdr_put_u32(&h, VIRT_PROTOCOL_VERSION);
	xdr_put_u32(&h, proc);
	xdr_put_u32(&h, type);
	xdr_put_u32(&h, serial);
	xdr_put_u32(&h, status);
	if (buf_error(&h) || (body != NULL && buf_error(body)))
		fatalx("%s: out of memory", __func__);
	out = bufferevent_get_output(conn->bev);
	evbuffer_add(out, buf_data(&h), buf_len(&h));
	if (blen > 0)
		evbuffer_add(out, buf_data(body), blen);
	buf_free(&h);
}

static void
reply_error(struct virt_conn *conn, uint32_t prog, uint32_t proc,
    uint32_t serial, int code, int domain, const char *msg)
{
	struct buf	 b = BUF_INITIALIZER;

	virt_put_error(&b, code, domain, msg);
	virt_send(conn, prog, proc, VT_REPLY, serial, VS_ERROR, &b);
	buf_free(&b);
}

struct virt_later *
virt_later_new(struct virt_call *c)
{
	struct virt_later	*l = xcalloc(1, sizeof(*l));

	l->conn = c->conn;
	l->proc = c->proc;
	l->serial = c->serial;
	LIST_INSERT_HEAD(&c->conn->laters, l, entry);
	c->later = 1;
	return l;
}

void
virt_later_done(void *arg, int err, const char *message, const char *json)
{
	(void)json;
	virt_later_reply(arg, err, message, NULL);
}

void
virt_later_reply(void *arg, int err, const char *message,
    const struct buf *body)
{
	struct virt_later	*l = arg;

	if (l->conn != NULL) {
		LIST_REMOVE(l, entry);
		if (err != 0)
			reply_error(l->conn, VIRT_PROGRAM, l->proc, l->serial,
			    VIR_ERR_OPERATION_FAILED, VIR_FROM_XEN,
			    message ? message : strerror(err));
		else
			virt_send(l->conn, VIRT_PROGRAM, l->proc, VT_REPLY,
			    l->serial, VS_OK, body);
		dom_changed(l->conn->vs->xd);
	}
	free(l);
}

void
virt_later_cancel(struct virt_call *c)
{
	struct virt_later	*l = LIST_FIRST(&c->conn->laters);

	if (c->later && l != NULL) {
		LIST_REMOVE(l, entry);
		free(l);
	}
	c->later = 0;
}

/* The checks every call needs, then the handler; one reply. */
static void
dispatch(struct virt_conn *conn, uint32_t proc, uint32_t serial,
    const uint8_t *body, size_t len)
{
	const struct virt_proc	*p = virt_proc_find(proc);
	struct xdr_in		 in;
	struct buf		 out = BUF_INITIALIZER;
	struct virt_call	 c = { .conn = conn, .xd = conn->vs->xd,
				    .proc = proc, .serial = serial,
				    .in = &in, .out = &out };

	xdr_in_init(&in, body, len);
	buf_init(&out, VIRT_MESSAGE_MAX);
	if (p == NULL) {
		c.domain = VIR_FROM_RPC;
		virt_error(&c, VIR_ERR_NO_SUPPORT, "this function is not "
		    "supported by the connection driver: procedure %u", proc);
		log_debug("%s: procedure %u is not served", __func__, proc);
		goto out;
	}
	log_debug("%s: %s (serial %u)", __func__, p->name, serial);
	if (!conn->opened && !(p->flags & P_OPEN)) {
		c.domain = VIR_FROM_RPC;
		virt_error(&c, VIR_ERR_RPC, "connection not open");
		goto out;
	}
	if ((p->flags & P_WRITE) && conn->readonly) {
		virt_error(&c, VIR_ERR_OPERATION_DENIED, "operation forbidden: "
		    "read only access prevents %s", p->name);
		goto out;
	}
	if ((p->flags & P_DOM) && virt_get_dom(&c, &c.vm, &c.dom0) == -1)
		goto out;
	if ((p->flags & P_NOT_DOM0) && c.dom0) {
		virt_error(&c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: Domain-0 is the host; %s does "
		    "not apply to it", p->name);
		goto out;
	}
	if (p->fn(&c) == 0 && c.code == 0 && in.bad)
		virt_bad_args(&c);
	if (c.code == 0 && buf_error(&out)) {
		virt_error(&c, VIR_ERR_INTERNAL_ERROR, "internal error: the "
		    "reply to %s is too large", p->name);
	}
out:
	if (c.code != 0) {
		log_debug("%s: %s: %s", __func__, p ? p->name : "?",
		    c.message);
		reply_error(conn, VIRT_PROGRAM, proc, serial, c.code,
		    c.domain, c.message);
	} else if (!c.later)
		virt_send(conn, VIRT_PROGRAM, proc, VT_REPLY, serial, VS_OK,
		    &out);
	free(c.message);
	buf_free(&out);
}

static void
keepalive(struct virt_conn *conn, uint32_t proc)
{
	if (proc == 1)		/* PING: answer PONG */
		virt_send(conn, VIRT_KEEPALIVE_PROGRAM, 2, VT_MESSAGE, 0,
		    VS_OK, NULL);
}

/* One whole message; -1 to drop the connection. */
static int
message(struct virt_conn *conn, const uint8_t *m, size_t len)
{
	struct xdr_in	 h;
	uint32_t	 prog, vers, proc, type, serial, status;

	xdr_in_init(&h, m + 4, len - 4);
	xdr_get_u32(&h, &prog);
	xdr_get_u32(&h, &vers);
	xdr_get_u32(&h, &proc);
	xdr_get_u32(&h, &type);
	xdr_get_u32(&h, &serial);
	xdr_get_u32(&h, &status);
	if (prog == VIRT_KEEPALIVE_PROGRAM) {
		keepalive(conn, proc);
		return 0;
	}
	if (prog != VIRT_PROGRAM || vers != VIRT_PROTOCOL_VERSION) {
		log_info("%s: program %#x version %u is not served; closing",
		    __func__, prog, vers);
		reply_error(conn, prog, proc, serial, VIR_ERR_RPC,
		    VIR_FROM_RPC, "unknown program or version");
		return -1;
	}
	switch (type) {
	case VT_CALL:
		if (status != VS_OK)
			return -1;
		dispatch(conn, proc, serial, m + VIRT_HEADER_LEN,
		    len - VIRT_HEADER_LEN);
		return 0;
	case VT_STREAM:
		if (status > VS_CONTINUE)
			return -1;
		virt_stream_input(conn, proc, serial, status,
		    m + VIRT_HEADER_LEN, len - VIRT_HEADER_LEN);
		return 0;
	default:
		log_info("%s: message type %u from a client; closing",
		    __func__, type);
		return -1;
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct virt_conn	*conn = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	uint8_t			 lenb[4];
	const uint8_t		*m;
	uint32_t		 len;

	while (!conn->closing && evbuffer_get_length(in) >= 4) {
		evbuffer_copyout(in, lenb, 4);
		len = (uint32_t)lenb[0] << 24 | (uint32_t)lenb[1] << 16 |
		    (uint32_t)lenb[2] << 8 | lenb[3];
		if (len < VIRT_HEADER_LEN || len > VIRT_MESSAGE_MAX) {
			log_info("%s: a message of %u bytes; closing the "
			    "connection", __func__, len);
			conn_free(conn);
			return;
		}
		if (evbuffer_get_length(in) < len)
			break;
		if ((m = evbuffer_pullup(in, len)) == NULL)
			fatalx("%s: out of memory", __func__);
		if (message(conn, m, len) == -1) {
			conn->closing = 1;
			break;
		}
		evbuffer_drain(in, len);
	}
	if (conn->closing &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(conn);
	else if (evbuffer_get_length(bufferevent_get_output(bev)) >
	    OUT_HIGH_WATER)
		bufferevent_disable(bev, EV_READ);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct virt_conn	*conn = arg;

	if (conn->closing) {
		conn_free(conn);
		return;
	}
	bufferevent_enable(bev, EV_READ);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_free(arg);
}

static void
conn_free(struct virt_conn *conn)
{
	struct virt_later	*l;

	while ((l = LIST_FIRST(&conn->laters)) != NULL) {
		LIST_REMOVE(l, entry);
		l->conn = NULL;		/* freed by virt_later_done */
	}
	virt_stream_close_all(conn);
	TAILQ_REMOVE(&conn->vs->conns, conn, entry);
	bufferevent_free(conn->bev);
	free(conn->cbs);
	free(conn);
}

static void
accept_conn(struct virt_server *vs, int fd, int readonly)
{
	struct virt_conn	*conn;

	if (!readonly && !sock_peer_trusted(fd)) {
		log_info("%s: a client that is not root on the read-write "
		    "socket; closing", __func__);
		close(fd);
		return;
	}
	conn = xcalloc(1, sizeof(*conn));
	conn->vs = vs;
	conn->readonly = readonly;
	LIST_INIT(&conn->streams);
	LIST_INIT(&conn->laters);
	conn->bev = bufferevent_socket_new(vs->xd->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (conn->bev == NULL)
		fatalx("%s: out of memory", __func__);
	bufferevent_setcb(conn->bev, read_cb, write_cb, event_cb, conn);
	bufferevent_enable(conn->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&vs->conns, conn, entry);
}

static void
accept_rw(int fd, void *arg)
{
	accept_conn(arg, fd, 0);
}

static void
accept_ro(int fd, void *arg)
{
	accept_conn(arg, fd, 1);
}

static void
on_change(struct xvmd *xd)
{
	virt_event_check(xd);
}

int
virt_start(struct xvmd *xd, const char *rw_path, const char *ro_path)
{
	struct virt_server	*vs = xcalloc(1, sizeof(*vs));
	int			 fd, saved;

	vs->xd = xd;
	TAILQ_INIT(&vs->conns);
	vs->next_cb = 1;
	if ((fd = sock_listen_unix(rw_path, 0600, 64)) == -1)
		goto fail;
	vs->rw = evloop_listener_new(xd->base, fd, accept_rw, vs);
	if ((fd = sock_listen_unix(ro_path, 0666, 64)) == -1)
		goto fail;
	vs->ro = evloop_listener_new(xd->base, fd, accept_ro, vs);
	vs->rw_path = xstrdup(rw_path);
	vs->ro_path = xstrdup(ro_path);
	xd->virt = vs;
	xd->on_change = on_change;
	virt_pool_load(xd);
	log_info("%s: serving libvirt's remote protocol on %s and %s",
	    __func__, rw_path, ro_path);
	return 0;
fail:
	saved = errno;
	evloop_listener_free(vs->rw);
	free(vs);
	errno = saved;
	return -1;
}

void
virt_stop(struct xvmd *xd)
{
	struct virt_server	*vs = xd->virt;
	struct virt_conn	*conn;

	if (vs == NULL)
		return;
	while ((conn = TAILQ_FIRST(&vs->conns)) != NULL)
		conn_free(conn);
	evloop_listener_free(vs->rw);
	evloop_listener_free(vs->ro);
	unlink(vs->rw_path);
	unlink(vs->ro_path);
	free(vs->rw_path);
	free(vs->ro_path);
	virt_event_free(vs);
	virt_pool_unload();
	free(vs);
	xd->virt = NULL;
	xd->on_change = NULL;
}
