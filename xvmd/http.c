/*
 * xvmd's HTTP/1.1 server (the API's transport), in place of libevent's
 * evhttp, whose 2.1 series answers its own refusals (garbage, headers or
 * bodies over the limit, unknown methods) with HTML pages nobody can hook,
 * and takes the first of two differing Content-Length headers.  Here every
 * answer, refusals included, goes through the application (on_error), so
 * the API has one JSON error shape.
 *
 * A connection reads one request at a time: the head up to its empty line
 * (at most HTTP_MAX_HEAD bytes), parsed strictly (http_parse.c), then
 * exactly Content-Length bytes of body; reading stops until the request is
 * answered, so a pipelining client waits its turn and a client that never
 * reads its replies costs one reply of memory.  After a refusal of the
 * framing the connection is closed: its byte stream cannot be trusted.
 * A client that goes while its request is being served (xm save waits
 * for the guest) leaves the connection half-alive until the reply, which
 * is then only dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/http.h"

struct http_conn {
	struct http_server	*srv;
	struct bufferevent	*bev;		/* NULL once the client went */
	int			 fd;
	struct http_head	 head;
	int			 have_head;
	struct http_req		*cur;		/* being served */
	int			 closing;	/* after the last reply */
	int			 orphan;	/* its server is gone */
	LIST_ENTRY(http_conn)	 entry;
};

struct http_req {
	struct http_conn	*conn;
	int			 has_head;
	struct http_head	 head;
	char			*body;
	size_t			 body_len;
	int			 refused;	/* by the transport */
};

struct http_server {
	struct event_base	*base;
	struct evloop_listener	*listener;
	struct http_handlers	 h;
	size_t			 max_body;
	int			 idle_secs;
	LIST_HEAD(, http_conn)	 conns;
};

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" },
	{ 400, "Bad Request" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 408, "Request Timeout" },
	{ 409, "Conflict" }, { 413, "Content Too Large" },
	{ 417, "Expectation Failed" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

static const char *
reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

static void	conn_read(struct bufferevent *, void *);

static void
conn_free(struct http_conn *c)
{
	if (!c->orphan)
		LIST_REMOVE(c, entry);
	if (c->bev != NULL)
		bufferevent_free(c->bev);	/* closes fd */
	http_head_clear(&c->head);
	free(c);
}

/* The client went, or the connection broke: keep c for a pending reply. */
static void
conn_gone(struct http_conn *c)
{
	if (c->cur == NULL) {
		conn_free(c);
		return;
	}
	bufferevent_free(c->bev);
	c->bev = NULL;
	c->fd = -1;
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;		/* EOF, an error, or the idle timeout */
	conn_gone(arg);
}

/* Everything is written: close now if that was the last reply. */
static void
conn_written(struct bufferevent *bev, void *arg)
{
	struct http_conn	*c = arg;

	(void)bev;
	if (c->closing && c->cur == NULL)
		conn_free(c);
}

static struct http_req *
req_new(struct http_conn *c)
{
	struct http_req	*r = xcalloc(1, sizeof(*r));

	r->conn = c;
	c->cur = r;
	bufferevent_disable(c->bev, EV_READ);
	return r;
}

/* A refusal of the framing: answered through on_error, then closed. */
static void
refuse(struct http_conn *c, int status, const char *message)
{
	struct http_req	*r = req_new(c);

	r->refused = 1;
	c->closing = 1;
	c->srv->h.on_error(r, status, message, c->srv->h.arg);
}

/* Where the head ends in the input (after its empty line), or 0. */
static size_t
head_end(struct evbuffer *in)
{
	struct evbuffer_ptr	 p;
	size_t			 crlf = 0, lf = 0;

	p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (p.pos >= 0)
		crlf = (size_t)p.pos + 4;
	p = evbuffer_search(in, "\n\n", 2, NULL);
	if (p.pos >= 0)
		lf = (size_t)p.pos + 2;
	if (crlf && lf)
		return crlf < lf ? crlf : lf;
	return crlf ? crlf : lf;
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct http_conn	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct http_req		*r;
	char			*text, *cause = NULL;
	size_t			 n;
	int			 status;

	if (c->cur != NULL || c->closing)
		return;
	if (!c->have_head) {
		if ((n = head_end(in)) == 0 || n > HTTP_MAX_HEAD) {
			if (n > HTTP_MAX_HEAD || evbuffer_get_length(in) >
			    HTTP_MAX_HEAD)
				refuse(c, 431, "the HTTP request head is over "
				    "the limit of 16384 bytes");
			return;
		}
		text = xmalloc(n);
		evbuffer_remove(in, text, n);
		status = http_parse_head(text, n, c->srv->max_body, &c->head,
		    &cause);
		free(text);
		if (status != 0) {
			refuse(c, status, cause ? cause : "malformed request");
			free(cause);
			return;
		}
		c->have_head = 1;
		if (c->head.expect_continue && c->head.content_length > 0 &&
		    evbuffer_get_length(in) < (size_t)c->head.content_length)
			evbuffer_add_printf(bufferevent_get_output(bev),
			    "HTTP/1.1 100 Continue\r\n\r\n");
	}
	n = c->head.content_length > 0 ? (size_t)c->head.content_length : 0;
	if (evbuffer_get_length(in) < n)
		return;			/* more body to come */
	r = req_new(c);
	r->has_head = 1;
	r->head = c->head;
	memset(&c->head, 0, sizeof(c->head));
	c->have_head = 0;
	r->body = xmalloc(n + 1);
	evbuffer_remove(in, r->body, n);
	r->body[n] = '\0';
	r->body_len = n;
	if (!r->head.keep_alive)
		c->closing = 1;
	c->srv->h.on_request(r, c->srv->h.arg);
}

const struct http_head *
http_req_head(const struct http_req *r)
{
	return r->has_head ? &r->head : NULL;
}

const char *
http_req_body(const struct http_req *r, size_t *len)
{
	*len = r->body_len;
	return r->body != NULL ? r->body : "";
}

int
http_req_fd(const struct http_req *r)
{
	return r->conn->fd;
}

void
http_reply(struct http_req *r, int status, const char *json, size_t len,
    int close)
{
	struct http_conn	*c = r->conn;
	struct evbuffer		*out;
	int			 head_only;

	head_only = r->has_head && r->head.method == HTTP_HEAD;
	if (close)
		c->closing = 1;
	c->cur = NULL;
	if (r->has_head)
		http_head_clear(&r->head);
	free(r->body);
	free(r);
	if (c->bev == NULL) {		/* the client has gone */
		conn_free(c);
		return;
	}
	out = bufferevent_get_output(c->bev);
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n%s\r\n", status,
	    reason(status), len, c->closing ? "Connection: close\r\n" : "");
	if (!head_only)
		evbuffer_add(out, json, len);
	if (c->closing)
		return;			/* conn_written frees it */
	bufferevent_enable(c->bev, EV_READ);
	/* A pipelined request may be waiting already. */
	conn_read(c->bev, c);
}

static void
accept_cb(int fd, void *arg)
{
	struct http_server	*srv = arg;
	struct http_conn	*c = xcalloc(1, sizeof(*c));
	struct timeval		 idle = { srv->idle_secs, 0 };

	c->srv = srv;
	c->fd = fd;
	if ((c->bev = bufferevent_socket_new(srv->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("%s: out of memory", __func__);
	LIST_INSERT_HEAD(&srv->conns, c, entry);
	bufferevent_setcb(c->bev, conn_read, conn_written, conn_event, c);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	/* A bound on what one client can make us buffer. */
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    HTTP_MAX_HEAD + srv->max_body + 1);
	bufferevent_enable(c->bev, EV_READ);
}

struct http_server *
http_server_new(struct event_base *base, int fd, size_t max_body,
    int idle_secs, const struct http_handlers *h)
{
	struct http_server	*srv = xcalloc(1, sizeof(*srv));

	srv->base = base;
	srv->h = *h;
	srv->max_body = max_body;
	srv->idle_secs = idle_secs;
	LIST_INIT(&srv->conns);
	srv->listener = evloop_listener_new(base, fd, accept_cb, srv);
	return srv;
}

void
http_server_free(struct http_server *srv)
{
	struct http_conn	*c;

	if (srv == NULL)
		return;
	evloop_listener_free(srv->listener);
	while ((c = LIST_FIRST(&srv->conns)) != NULL) {
		if (c->cur == NULL) {
			conn_free(c);
			continue;
		}
		/* Its reply may still come (a save being answered as the
		 * daemon stops): it will find the client gone. */
		LIST_REMOVE(c, entry);
		c->orphan = 1;
		c->srv = NULL;
		conn_gone(c);
	}
	free(srv);
}
