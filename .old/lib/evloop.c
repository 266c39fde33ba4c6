/* Event-loop glue over libevent: signals, listening sockets, per-turn work. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define PRIO_URGENT	0
#define PRIO_DEFAULT	1
#define PRIO_DEFER	2

struct event_base *
evloop_new(void)
{
	struct event_base	*base;

	if ((base = event_base_new()) == NULL)
		fatalx("%s: event_base_new failed", __func__);
	if (event_base_priority_init(base, 3) == -1)
		fatalx("%s: event_base_priority_init failed", __func__);
	return base;
}

#define NSIGS	3

struct evloop_signals {
	struct event_base	*base;
	struct event		*ev[NSIGS];
	void			(*on_term)(void *);
	void			(*on_hup)(void *);
	void			*arg;
};

static void
on_signal(evutil_socket_t sig, short what, void *p)
{
	struct evloop_signals *ctx = p;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("%s: signal %d, shutting down", __func__, (int)sig);
		if (ctx->on_term != NULL)
			ctx->on_term(ctx->arg);
		else
			event_base_loopbreak(ctx->base);
		break;
	case SIGHUP:
		if (log_reopen() == -1)
			log_warn("%s: reopening the log file", __func__);
		if (ctx->on_hup != NULL)
			ctx->on_hup(ctx->arg);
		break;
	default:
		break;
	}
}

struct evloop_signals *
evloop_signals(struct event_base *base, void (*on_term)(void *),
    void (*on_hup)(void *), void *arg)
{
	static const int	 sigs[NSIGS] = { SIGTERM, SIGINT, SIGHUP };
	struct evloop_signals	*ctx;
	struct event		*ev;
	size_t			 i;

	signal(SIGPIPE, SIG_IGN);
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->base = base;
	ctx->on_term = on_term;
	ctx->on_hup = on_hup;
	ctx->arg = arg;
	for (i = 0; i < NSIGS; i++) {
		ev = evsignal_new(base, sigs[i], on_signal, ctx);
		if (ev == NULL || event_priority_set(ev, PRIO_URGENT) == -1 ||
		    event_add(ev, NULL) == -1)
			fatalx("%s: cannot watch signal %d", __func__, sigs[i]);
		ctx->ev[i] = ev;
	}
	return ctx;
}

void
evloop_signals_free(struct evloop_signals *ctx)
{
	size_t	 i;

	if (ctx == NULL)
		return;
	for (i = 0; i < NSIGS; i++)
		event_free(ctx->ev[i]);
	free(ctx);
}

struct evloop_listener {
	int		 fd;
	struct event	*ev;
	struct event	*pause;
	void		(*cb)(int, void *);
	void		*arg;
};

static void
listener_resume(evutil_socket_t fd, short what, void *p)
{
	struct evloop_listener	*l = p;

	(void)fd;
	(void)what;
	event_add(l->ev, NULL);
}

static void
listener_accept(evutil_socket_t fd, short what, void *p)
{
	struct evloop_listener	*l = p;
	struct timeval		 second = { 1, 0 };
	int			 cfd;

	(void)what;
	for (;;) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				log_warn("%s: accept", __func__);
				event_del(l->ev);
				evtimer_add(l->pause, &second);
			} else if (errno != EAGAIN)
				log_warn("%s: accept", __func__);
			return;
		}
		l->cb(cfd, l->arg);
	}
}

struct evloop_listener *
evloop_listener_new(struct event_base *base, int fd,
    void (*cb)(int, void *), void *arg)
{
	struct evloop_listener	*l;

	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	l->cb = cb;
	l->arg = arg;
	l->ev = event_new(base, fd, EV_READ | EV_PERSIST, listener_accept, l);
	l->pause = evtimer_new(base, listener_resume, l);
	if (l->ev == NULL || l->pause == NULL || event_add(l->ev, NULL) == -1)
		fatalx("%s: cannot watch listening socket", __func__);
	return l;
}

void
evloop_listener_free(struct evloop_listener *l)
{
	if (l == NULL)
		return;
	event_free(l->ev);
	event_free(l->pause);
	close(l->fd);
	free(l);
}

struct evloop_defer {
	struct event	*ev;
	void		(*cb)(void *);
	void		*arg;
};

static void
defer_run(evutil_socket_t fd, short what, void *p)
{
	struct evloop_defer	*d = p;

	(void)fd;
	(void)what;
	d->cb(d->arg);
}

struct evloop_defer *
evloop_defer_new(struct event_base *base, void (*cb)(void *), void *arg)
{
	struct evloop_defer	*d;

	d = xcalloc(1, sizeof(*d));
	d->cb = cb;
	d->arg = arg;
	if ((d->ev = event_new(base, -1, 0, defer_run, d)) == NULL ||
	    event_priority_set(d->ev, PRIO_DEFER) == -1)
		fatalx("%s: cannot create deferred event", __func__);
	return d;
}

void
evloop_defer_kick(struct evloop_defer *d)
{
	/* Activating an already active event is a no-op in libevent. */
	if (!event_pending(d->ev, EV_TIMEOUT, NULL))
		event_active(d->ev, EV_TIMEOUT, 0);
}

void
evloop_defer_free(struct evloop_defer *d)
{
	if (d == NULL)
		return;
	event_free(d->ev);
	free(d);
}
