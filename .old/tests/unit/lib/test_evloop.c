/* Unit tests for lib/evloop.c: accepting, deferred per-turn work, signals. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "lib/evloop.h"
#include "lib/sock.h"

struct ctx {
	struct event_base	*base;
	struct evloop_defer	*defer;
	int			 accepted;
	int			 reads;
	int			 defers;
	int			 reads_at_defer;
	int			 terms;
	int			 cfds[4];
	struct event		*evs[4];
};

static void
on_read(evutil_socket_t fd, short what, void *p)
{
	struct ctx	*c = p;
	char		 b;

	(void)what;
	if (read(fd, &b, 1) == 1) {
		c->reads++;
		evloop_defer_kick(c->defer);
		evloop_defer_kick(c->defer);	/* idempotent within a turn */
	}
}

static void
on_defer(void *p)
{
	struct ctx	*c = p;

	c->defers++;
	c->reads_at_defer = c->reads;
	event_base_loopbreak(c->base);
}

static void
on_accept(int cfd, void *p)
{
	struct ctx	*c = p;
	struct event	*ev;

	ev = event_new(c->base, cfd, EV_READ | EV_PERSIST, on_read, c);
	event_add(ev, NULL);
	c->evs[c->accepted] = ev;
	c->cfds[c->accepted++] = cfd;
}

static void
test_accept_and_defer(void **state)
{
	char			 tmpl[] = "/tmp/xvm-ev-XXXXXX", path[PATH_MAX];
	struct ctx		 c = { 0 };
	struct evloop_listener	*l;
	int			 fd1, fd2;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/s", tmpl);
	c.base = evloop_new();
	c.defer = evloop_defer_new(c.base, on_defer, &c);
	l = evloop_listener_new(c.base, sock_listen_unix(path, 0600, 8),
	    on_accept, &c);
	fd1 = sock_connect_unix(path);
	fd2 = sock_connect_unix(path);
	assert_int_equal(write(fd1, "a", 1), 1);
	assert_int_equal(write(fd2, "b", 1), 1);
	/*
	 * Both clients are accepted in one turn and read in the next; the
	 * deferred work runs once, after both reads, and breaks the loop.
	 */
	event_base_dispatch(c.base);
	assert_int_equal(c.accepted, 2);
	assert_int_equal(c.defers, 1);
	assert_int_equal(c.reads_at_defer, 2);
	close(fd1);
	close(fd2);
	for (int i = 0; i < c.accepted; i++) {
		event_free(c.evs[i]);
		close(c.cfds[i]);
	}
	evloop_listener_free(l);
	evloop_defer_free(c.defer);
	evloop_listener_free(NULL);
	evloop_defer_free(NULL);
	event_base_free(c.base);
}

static void
on_term(void *p)
{
	struct ctx	*c = p;

	c->terms++;
	event_base_loopbreak(c->base);
}

static void
test_signals(void **state)
{
	struct ctx		 c = { 0 };
	struct evloop_signals	*sigs;

	(void)state;
	c.base = evloop_new();
	sigs = evloop_signals(c.base, on_term, NULL, &c);
	kill(getpid(), SIGTERM);
	event_base_dispatch(c.base);
	assert_int_equal(c.terms, 1);
	/* SIGPIPE is ignored: writing to a closed socket returns EPIPE. */
	{
		int sv[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		close(sv[1]);
		assert_int_equal(write(sv[0], "x", 1), -1);
		assert_int_equal(errno, EPIPE);
		close(sv[0]);
	}
	evloop_signals_free(sigs);
	evloop_signals_free(NULL);
	event_base_free(c.base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_and_defer),
		cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
