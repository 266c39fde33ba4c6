/* A daemon's connection to the store, made again whenever it is lost. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/xsclient.h"

/*
 * xvmd and xvm-consoled both keep one libxenstore handle open for their
 * whole life and watch through it.  When xenstored restarts (SMF restarts
 * it; kill -9 is survivable by design) the handle dies: libxenstore's
 * reader thread sees the end and makes xs_fileno() readable, the drain
 * below finds xs_check_watch() failing with something other than EAGAIN,
 * and a timer opens a new handle every RETRY until one works -- with the
 * owner's watches set again, and the owner told (connected, again = 1) so
 * that it can put back what the store may have lost.  The dead handle is
 * kept until then: the owner's store calls fail with an errno meanwhile.
 */
#define RETRY_MS	1000

struct xswatch {
	char	*path;
	char	*token;
};

struct xsclient {
	struct event_base		*base;
	char				*name;
	const struct xsclient_ops	*ops;
	void				*arg;
	struct xs_handle		*h;
	struct event			*rev;	/* xs_fileno(h), while up */
	struct event			*retry;
	struct xswatch			*watches;
	size_t				 nwatches;
	int				 up;
	int				 ever;	/* connected once */
	int				 warned;
};

static void	 read_cb(evutil_socket_t, short, void *);

static void
schedule(struct xsclient *c, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(c->retry, &tv);
}

/* Open a handle, set every watch, listen: 0, or -1 with errno. */
static int
try_connect(struct xsclient *c)
{
	struct xs_handle	*h;
	size_t			 i;
	int			 fd, saved;

	if ((h = xs_open(0)) == NULL)
		return -1;
	for (i = 0; i < c->nwatches; i++)
		if (!xs_watch(h, c->watches[i].path, c->watches[i].token))
			goto fail;
	if ((fd = xs_fileno(h)) == -1)
		goto fail;
	if (c->rev != NULL)
		event_free(c->rev);
	c->rev = event_new(c->base, fd, EV_READ | EV_PERSIST, read_cb, c);
	if (c->rev == NULL || event_add(c->rev, NULL) == -1)
		fatalx("%s: cannot watch the store connection", __func__);
	xs_close(c->h);
	c->h = h;
	c->up = 1;
	return 0;
fail:
	saved = errno;
	xs_close(h);
	errno = saved;
	return -1;
}

static void
connect_now(struct xsclient *c)
{
	int	 again = c->ever;

	if (try_connect(c) == -1) {
		if (!c->warned++)
			log_warn("%s: %s: cannot reach the store; trying "
			    "every second", __func__, c->name);
		schedule(c, RETRY_MS);
		return;
	}
	if (again || c->warned)
		log_info("%s: %s: connected to the store%s", __func__,
		    c->name, again ? " again" : "");
	c->ever = 1;
	c->warned = 0;
	if (c->ops->connected != NULL)
		c->ops->connected(c, c->arg, again);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	connect_now(arg);
}

static void
lost(struct xsclient *c, int err)
{
	if (!c->up)
		return;
	log_warnx("%s: %s: the store connection is lost (%s); reconnecting",
	    __func__, c->name, strerror(err));
	c->up = 0;
	event_free(c->rev);
	c->rev = NULL;
	/* A restarting store needs a moment; then every second. */
	schedule(c, 200);
}

static void
drain(struct xsclient *c)
{
	char	**ev;

	while ((ev = xs_check_watch(c->h)) != NULL) {
		if (c->ops->event != NULL)
			c->ops->event(c, c->arg, ev[XS_WATCH_PATH],
			    ev[XS_WATCH_TOKEN]);
		free(ev);
		if (!c->up)
			return;		/* the owner found it lost meanwhile */
	}
	if (errno != EAGAIN)
		lost(c, errno);
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg);
}

struct xsclient *
xsclient_new(struct event_base *base, const char *name,
    const struct xsclient_ops *ops, void *arg)
{
	static const struct xsclient_ops	 none;
	struct xsclient				*c;

	c = xcalloc(1, sizeof(*c));
	c->base = base;
	c->name = xstrdup(name);
	c->ops = ops != NULL ? ops : &none;
	c->arg = arg;
	if ((c->retry = evtimer_new(base, retry_cb, c)) == NULL)
		fatalx("%s: cannot make a timer", __func__);
	connect_now(c);
	return c;
}

void
xsclient_free(struct xsclient *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	if (c->rev != NULL)
		event_free(c->rev);
	event_free(c->retry);
	xs_close(c->h);
	for (i = 0; i < c->nwatches; i++) {
		free(c->watches[i].path);
		free(c->watches[i].token);
	}
	free(c->watches);
	free(c->name);
	free(c);
}

int
xsclient_watch(struct xsclient *c, const char *path, const char *token)
{
	struct xswatch	*w;

	c->watches = xreallocarray(c->watches, c->nwatches + 1,
	    sizeof(*c->watches));
	w = &c->watches[c->nwatches++];
	w->path = xstrdup(path);
	w->token = xstrdup(token);
	if (!c->up) {
		errno = ENOTCONN;
		return -1;
	}
	return xs_watch(c->h, path, token) ? 0 : -1;
}

struct xs_handle *
xsclient_handle(struct xsclient *c)
{
	return c->h;
}

int
xsclient_up(struct xsclient *c)
{
	return c->up;
}

void
xsclient_check(struct xsclient *c)
{
	if (c->up)
		drain(c);
}
