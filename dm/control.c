/*
 * xvm-dm's link to xvmd (docs/virtio.md, "xvm-dm"): a SOCK_SEQPACKET
 * socket xvmd made and passed as the --control descriptor.  Each message
 * is one JSON object; a request may carry one descriptor (SCM_RIGHTS) --
 * the disk image or tap xvmd opened.  Requests and their replies:
 *
 *   {"op":"plug","slot":N,"kind":K,...}  + fd  -> {"ok":true}
 *   {"op":"unplug","slot":N}                  -> {"ok":true}
 *   {"op":"vnc","width":W,"height":H,"listen":A,"port":P,"unused":B,
 *    "password":S}                      -> {"ok":true,"port":P}
 *   {"op":"stats"}     -> {"ok":true,"devices":[{...},...],"vnc":{...}}
 *   {"op":"quit"}                             -> {"ok":true}, then exit
 *
 * and on failure {"ok":false,"error":"one line"}.  Unsolicited events
 * carry "event" instead of "ok": {"event":"connected"|"closed"|"broken",
 * "slot":N,"detail":...}.  xvmd is our parent and trusted; still, a bad
 * request gets an error reply, never a crash.  When the socket closes
 * (xvmd went) the model exits: its devices are orphaned in the
 * hypervisor, and a new model may resume them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "dm/dm.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"

#define CTL_MSG_MAX	65536

struct dm_ctl {
	struct dm	*dm;
	int		 fd;
	struct event	*ev;
	char		*buf;
};

typedef int (*ctl_fn)(struct dm *, yajl_val, int fd, struct json_w *,
    char **cause);

static int
op_plug(struct dm *dm, yajl_val req, int fd, struct json_w *w, char **cause)
{
	struct dm_plug	 p;
	int64_t		 slot;
	int		 resume = 0;

	(void)w;
	memset(&p, 0, sizeof(p));
	if (json_get_i64(req, "slot", &slot) == -1 || slot < 0 ||
	    slot >= PRIVCMD_VIRTIO_SLOTS) {
		xasprintf(cause, "plug: a slot 0..%d is needed",
		    PRIVCMD_VIRTIO_SLOTS - 1);
		return -1;
	}
	if ((p.kind = json_get_str(req, "kind")) == NULL) {
		xasprintf(cause, "plug: a kind is needed");
		return -1;
	}
	(void)json_get_bool(req, "resume", &resume);
	p.slot = (unsigned)slot;
	p.fd = fd;
	p.req = req;
	p.resume = resume;
	return dm_dev_plug(dm, &p, cause);
}

static int
op_unplug(struct dm *dm, yajl_val req, int fd, struct json_w *w,
    char **cause)
{
	int64_t	slot;

	(void)fd; (void)w;
	if (json_get_i64(req, "slot", &slot) == -1 || slot < 0 ||
	    slot >= PRIVCMD_VIRTIO_SLOTS) {
		xasprintf(cause, "unplug: a slot 0..%d is needed",
		    PRIVCMD_VIRTIO_SLOTS - 1);
		return -1;
	}
	return dm_dev_unplug(dm, (unsigned)slot, cause);
}

static int
op_stats(struct dm *dm, yajl_val req, int fd, struct json_w *w,
    char **cause)
{
	(void)req; (void)fd; (void)cause;
	dm_dev_stats(dm, w);
	dm_vnc_stats(dm, w);
	return 0;
}

static int
op_vnc(struct dm *dm, yajl_val req, int fd, struct json_w *w, char **cause)
{
	int	port;

	(void)fd;
	if (dm_vnc_start(dm, req, &port, cause) == -1)
		return -1;
	json_w_ki64(w, "port", port);
	return 0;
}

static int
op_quit(struct dm *dm, yajl_val req, int fd, struct json_w *w, char **cause)
{
	(void)req; (void)fd; (void)w; (void)cause;
	event_base_loopexit(dm->base, NULL);
	return 0;
}

static const struct {
	const char	*name;
	ctl_fn		 fn;
	int		 takes_fd;
} ops[] = {
	{ "plug", op_plug, 1 },
	{ "unplug", op_unplug, 0 },
	{ "stats", op_stats, 0 },
	{ "vnc", op_vnc, 0 },
	{ "quit", op_quit, 0 },
};

static void
send_doc(struct dm_ctl *c, struct json_w *w)
{
	const char	*s;
	size_t		 len;

	if ((s = json_w_finish(w, &len)) == NULL) {
		log_warnx("%s: a reply did not encode", __func__);
		return;
	}
	if (send(c->fd, s, len, MSG_NOSIGNAL) == -1)
		log_warn("%s", __func__);
}

/* One request: run it and reply; the descriptor is consumed. */
static void
handle(struct dm_ctl *c, const char *msg, size_t len, int fd)
{
	struct json_w	*w = json_w_new(0);
	yajl_val	 req;
	const char	*name;
	char		*cause = NULL;
	size_t		 i;
	int		 rc = -1, used = 0;

	if (w == NULL)
		fatal("%s", __func__);
	json_w_obj_open(w);
	if ((req = json_parse(msg, len, CTL_MSG_MAX, &cause)) == NULL)
		goto reply;
	if ((name = json_get_str(req, "op")) == NULL) {
		xasprintf(&cause, "a request needs an \"op\"");
		goto reply;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		xasprintf(&cause, "unknown op '%s'", name);
		goto reply;
	}
	used = ops[i].takes_fd;
	json_w_kbool(w, "ok", 1);
	rc = ops[i].fn(c->dm, req, used ? fd : -1, w, &cause);
	if (rc == -1)
		used = 0;	/* a failed plug leaves the fd to us */
reply:
	if (rc == -1) {
		json_w_free(w);
		if ((w = json_w_new(0)) == NULL)
			fatal("%s", __func__);
		json_w_obj_open(w);
		json_w_kbool(w, "ok", 0);
		json_w_kstr(w, "error", cause != NULL ? cause : "failed");
		log_warnx("control: %s", cause != NULL ? cause : "failed");
	}
	json_w_obj_close(w);
	send_doc(c, w);
	json_w_free(w);
	free(cause);
	json_free(req);
	if (fd != -1 && !used)
		close(fd);
}

static void
ctl_read(evutil_socket_t s, short what, void *arg)
{
	struct dm_ctl	*c = arg;
	ssize_t		 n;
	int		 fds[SOCK_MAX_FDS], nfds = SOCK_MAX_FDS, i;

	(void)s; (void)what;
	n = sock_recv_fds(c->fd, c->buf, CTL_MSG_MAX, fds, &nfds);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n == -1)
			log_warn("control");
		log_info("control: xvmd went; the devices stay for a new "
		    "model to resume");
		event_base_loopexit(c->dm->base, NULL);
		return;
	}
	for (i = 1; i < nfds; i++)
		close(fds[i]);
	handle(c, c->buf, (size_t)n, nfds > 0 ? fds[0] : -1);
}

struct dm_ctl *
dm_ctl_new(struct dm *dm, int fd)
{
	struct dm_ctl	*c = xcalloc(1, sizeof(*c));

	c->dm = dm;
	c->fd = fd;
	c->buf = xmalloc(CTL_MSG_MAX);
	if (fd_set_nonblock(fd) == -1)
		fatal("control descriptor %d", fd);
	c->ev = event_new(dm->base, fd, EV_READ | EV_PERSIST, ctl_read, c);
	if (c->ev == NULL || event_add(c->ev, NULL) == -1)
		fatalx("control: event");
	return c;
}

void
dm_ctl_free(struct dm_ctl *c)
{
	if (c == NULL)
		return;
	event_free(c->ev);
	close(c->fd);
	free(c->buf);
	free(c);
}

void
dm_ctl_event(struct dm *dm, const char *event, unsigned slot,
    const char *detail)
{
	struct json_w	*w;

	if (dm->ctl == NULL)
		return;
	if ((w = json_w_new(0)) == NULL)
		return;
	json_w_obj_open(w);
	json_w_kstr(w, "event", event);
	json_w_ki64(w, "slot", slot);
	if (detail != NULL)
		json_w_kstr(w, "detail", detail);
	json_w_obj_close(w);
	send_doc(dm->ctl, w);
	json_w_free(w);
}
