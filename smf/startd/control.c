/*
 * svc.startd's control socket: accept, check the peer (root or our own
 * uid), frame requests and dispatch them through ctl_ops[].  A client's
 * bad message gets an error reply (or, when the framing itself is broken,
 * the connection is closed); the daemon goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "lib/buf.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "smf/proto.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

#define CTL_F_INST	0x1	/* argv[0] names exactly one instance */

typedef int (*ctl_fn)(struct startd *, const struct ctl_req *, struct inst *,
    struct buf *);

/* The handler of each request type; its arguments: smf/proto.c's table. */
struct ctl_op {
	unsigned	 flags;		/* CTL_F_* */
	ctl_fn		 fn;
};

static int
has(const struct ctl_req *req, int idx, char c)
{
	return idx < req->argc && strchr(req->argv[idx], c) != NULL;
}

static int
op_ping(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	(void)sd;
	(void)req;
	(void)in;
	buf_printf(reply, "%ld", (long)getpid());
	return 0;
}

static int
op_enable(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	return graph_enable(sd, in, 1, has(req, 1, 't'), has(req, 1, 'r'),
	    reply);
}

static int
op_disable(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	return graph_enable(sd, in, 0, has(req, 1, 't'), 0, reply);
}

static int
op_restart(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	(void)sd;
	(void)req;
	return graph_restart(in, reply);
}

static int
op_refresh(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	(void)sd;
	(void)req;
	return graph_refresh(in, reply);
}

static int
op_clear(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	(void)sd;
	(void)req;
	return graph_clear(in, reply);
}

static int
op_mark(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	(void)sd;
	return graph_mark(in, smf_state_parse(req->argv[1]), has(req, 2, 'I'),
	    reply);
}

static int
op_reload(struct startd *sd, const struct ctl_req *req, struct inst *in,
    struct buf *reply)
{
	(void)req;
	(void)in;
	(void)reply;
	graph_reload(sd);
	return 0;
}

static const struct ctl_op ctl_ops[CTL_NTYPES] = {
	[CTL_PING] = { .fn = op_ping },
	[CTL_ENABLE] = { .flags = CTL_F_INST, .fn = op_enable },
	[CTL_DISABLE] = { .flags = CTL_F_INST, .fn = op_disable },
	[CTL_RESTART] = { .flags = CTL_F_INST, .fn = op_restart },
	[CTL_REFRESH] = { .flags = CTL_F_INST, .fn = op_refresh },
	[CTL_CLEAR] = { .flags = CTL_F_INST, .fn = op_clear },
	[CTL_MARK] = { .flags = CTL_F_INST, .fn = op_mark },
	[CTL_RELOAD] = { .fn = op_reload },
};

int
control_check(const struct ctl_req *req, char **cause)
{
	const struct ctl_type_info *t = ctl_type_info(req->type);
	const char		*name, *p;
	int			 st;

	if (t == NULL || ctl_ops[req->type].fn == NULL) {
		xasprintf(cause, "unknown request type %u", req->type);
		return EOPNOTSUPP;
	}
	name = t->name;
	if (req->argc < t->min_args || req->argc > t->max_args) {
		xasprintf(cause, "%s: takes %d to %d arguments, not %d", name,
		    t->min_args, t->max_args, req->argc);
		return EINVAL;
	}
	if (t->flags_arg >= 0 && t->flags_arg < req->argc)
		for (p = req->argv[t->flags_arg]; *p != '\0'; p++)
			if (strchr(t->flags, *p) == NULL) {
				xasprintf(cause, "%s: unknown flag '%c'", name,
				    *p);
				return EINVAL;
			}
	if (req->type == CTL_MARK) {
		st = smf_state_parse(req->argv[1]);
		if (st != SMF_MAINT && st != SMF_DEGRADED) {
			xasprintf(cause, "mark: \"%s\" is not maintenance or "
			    "degraded", req->argv[1]);
			return EINVAL;
		}
	}
	return 0;
}

int
control_dispatch(struct startd *sd, uint32_t type, const uint8_t *payload,
    size_t len, struct buf *reply)
{
	struct ctl_req	 req;
	struct inst	*in = NULL;
	char		*cause = NULL;
	int		 rc;

	if (ctl_decode(type, payload, len, &req, &cause) == -1) {
		rc = EBADMSG;
		goto fail;
	}
	if ((rc = control_check(&req, &cause)) != 0)
		goto fail;
	if (ctl_ops[type].flags & CTL_F_INST) {
		if ((in = inst_resolve(sd, req.argv[0], &cause)) == NULL) {
			rc = ENOENT;
			goto fail;
		}
	}
	log_debug("control: %s %s", ctl_type_name(type),
	    in != NULL ? in->fmri : "");
	return ctl_ops[type].fn(sd, &req, in, reply);
fail:
	buf_add_str(reply, cause);
	free(cause);
	return rc;
}

struct client {
	struct startd		*sd;
	struct bufferevent	*bev;
};

static void
client_free(struct client *c)
{
	bufferevent_free(c->bev);
	free(c);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	client_free(arg);
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct ctl_hdr	 h, rh;
	struct buf	 reply;
	uint8_t		*p;

	while (evbuffer_get_length(in) >= sizeof(h)) {
		evbuffer_copyout(in, &h, sizeof(h));
		if (h.len > CTL_MAX_PAYLOAD) {
			log_warnx("control: request of %u bytes, closing",
			    h.len);
			client_free(c);
			return;
		}
		if (evbuffer_get_length(in) < sizeof(h) + h.len)
			return;
		p = evbuffer_pullup(in, (ssize_t)(sizeof(h) + h.len));
		buf_init(&reply, CTL_MAX_PAYLOAD);
		rh.type = (uint32_t)control_dispatch(c->sd, h.type,
		    p + sizeof(h), h.len, &reply);
		evbuffer_drain(in, sizeof(h) + h.len);
		rh.len = (uint32_t)buf_len(&reply);
		bufferevent_write(bev, &rh, sizeof(rh));
		if (rh.len > 0)
			bufferevent_write(bev, buf_data(&reply), rh.len);
		buf_free(&reply);
	}
}

static void
on_accept(int fd, void *arg)
{
	struct startd	*sd = arg;
	struct client	*c;

	if (!sock_peer_trusted(fd)) {
		log_warnx("control: refusing a client that is neither root "
		    "nor our user");
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->sd = sd;
	c->bev = bufferevent_socket_new(sd->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	bufferevent_setcb(c->bev, client_read, NULL, client_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

int
control_listen(struct startd *sd, const char *path)
{
	int	 fd;

	if ((fd = sock_listen_unix(path, 0600, 16)) == -1)
		return -1;
	sd->listener = evloop_listener_new(sd->base, fd, on_accept, sd);
	return 0;
}
