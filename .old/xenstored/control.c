/* The Unix sockets: run/xenstored/socket and socket_ro, accepting and per-client I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/control.h"

struct sock_tp {
	int		 fd;
	struct event	*rev, *wev;
	int		 wev_on;
};

static struct evloop_listener	*l_rw, *l_ro;
static struct event_base	*evbase;

static ssize_t
st_read(struct conn *c, void *dst, size_t len, int *eof)
{
	struct sock_tp	*t = c->tp;
	ssize_t		 n;

	*eof = 0;
	n = read(t->fd, dst, len);
	if (n == 0)
		*eof = 1;
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		n = 0;
	return n;
}

static ssize_t
st_write(struct conn *c, const void *src, size_t len)
{
	struct sock_tp	*t = c->tp;
	ssize_t		 n;

	n = write(t->fd, src, len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		n = 0;
	return n;
}

static void
st_want_read(struct conn *c, int on)
{
	struct sock_tp	*t = c->tp;

	if (on)
		event_add(t->rev, NULL);
	else
		event_del(t->rev);
}

static void
st_want_write(struct conn *c, int on)
{
	struct sock_tp	*t = c->tp;

	if (on && !t->wev_on)
		event_add(t->wev, NULL);
	else if (!on && t->wev_on)
		event_del(t->wev);
	t->wev_on = on;
}

static void
st_destroy(struct conn *c)
{
	struct sock_tp	*t = c->tp;

	event_free(t->rev);
	event_free(t->wev);
	close(t->fd);
	free(t);
}

static const struct conn_ops sock_ops = {
	.name = "socket",
	.read = st_read,
	.write = st_write,
	.want_read = st_want_read,
	.want_write = st_want_write,
	.kick = NULL,
	.destroy = st_destroy,
};

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_readable(arg);
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	struct sock_tp	*t = c->tp;

	(void)fd;
	(void)what;
	t->wev_on = 0;		/* not persistent */
	conn_writable(c);
}

struct conn *
control_adopt(struct event_base *base, int fd, int readonly)
{
	struct sock_tp	*t;
	struct conn	*c;
	char		 desc[64];
	pid_t		 pid = 0;
	uid_t		 uid;
	gid_t		 gid;

	(void)sock_peercred(fd, &uid, &gid, &pid);
	snprintf(desc, sizeof(desc), "%s fd %d pid %d",
	    readonly ? "socket_ro" : "socket", fd, (int)pid);
	t = xcalloc(1, sizeof(*t));
	t->fd = fd;
	c = conn_new(&sock_ops, t, 0, 1, readonly, desc);
	t->rev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, c);
	t->wev = event_new(base, fd, EV_WRITE, on_write, c);
	if (t->rev == NULL || t->wev == NULL || event_add(t->rev, NULL) == -1)
		fatalx("%s: cannot watch a client socket", __func__);
	return c;
}

static void
accept_cb(int fd, int readonly)
{
	if (!sock_peer_trusted(fd)) {
		log_warnx("%s: refusing a client that is neither root nor our "
		    "user", __func__);
		close(fd);
		return;
	}
	control_adopt(evbase, fd, readonly);
}

static void
accept_rw(int fd, void *arg)
{
	(void)arg;
	accept_cb(fd, 0);
}

static void
accept_ro(int fd, void *arg)
{
	(void)arg;
	accept_cb(fd, 1);
}

int
control_listen(struct event_base *base, const char *rw_path,
    const char *ro_path, char **cause)
{
	int	 fd;

	evbase = base;
	if ((fd = sock_listen_unix(rw_path, 0600, 128)) == -1) {
		xasprintf(cause, "%s: %s", rw_path, strerror(errno));
		return -1;
	}
	l_rw = evloop_listener_new(base, fd, accept_rw, NULL);
	if ((fd = sock_listen_unix(ro_path, 0660, 128)) == -1) {
		xasprintf(cause, "%s: %s", ro_path, strerror(errno));
		return -1;
	}
	l_ro = evloop_listener_new(base, fd, accept_ro, NULL);
	return 0;
}

void
control_close(void)
{
	evloop_listener_free(l_rw);
	evloop_listener_free(l_ro);
	l_rw = l_ro = NULL;
}
