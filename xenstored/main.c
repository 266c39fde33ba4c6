/* xenstored: options, paths and wiring of the store daemon. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "xenstored/conn.h"
#include "xenstored/control.h"
#include "xenstored/domain.h"
#include "xenstored/store.h"
#include "xenstored/xcmap.h"

#define XSD_DB_DIR	XVM_LIB_DIR "/xenstored"
#define XSD_DB_FILE	XSD_DB_DIR "/store.db"

struct xenstored {
	struct event_base	*base;
	struct event		*tick;
	struct ring_mapper	 mapper;
	int			 durable;
	char			*rw, *ro;	/* the sockets */
};

static int
set_durable(void *arg, const char *unused, char **cause)
{
	(void)unused;
	(void)cause;
	((struct xenstored *)arg)->durable = 1;
	return 0;
}

static const struct daemon_option options[] = {
	{ "durable", 0, NULL, "commits survive power loss (fsync)",
	    set_durable },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct daemon_spec spec = {
	.name = "xenstored",
	.verbose = 0,		/* -v: information, -vv: debug */
	.options = options,
};

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	store_tick(arg);
	xcmap_tick();
}

/* The database, the checkpoint timer, guest rings, the two sockets. */
static void
start(struct xenstored *x)
{
	struct timeval	 second = { 1, 0 };
	char		*cause = NULL, *libdir, *dbdir, *dbfile;

	if ((dbdir = xvm_path(XSD_DB_DIR)) == NULL ||
	    (dbfile = xvm_path(XSD_DB_FILE)) == NULL ||
	    (x->rw = xvm_path(XVM_XENSTORED_SOCK)) == NULL ||
	    (x->ro = xvm_path(XVM_XENSTORED_SOCK_RO)) == NULL)
		fatal("paths");
	/* var/lib/xvm is shared with the other daemons; our own dir is 0700. */
	if ((libdir = xvm_path(XVM_LIB_DIR)) == NULL ||
	    xvm_mkdirs(libdir, 0755) == -1 ||
	    (mkdir(dbdir, 0700) == -1 && errno != EEXIST))
		fatal("%s", dbdir);
	free(libdir);
	if (store_open(dbfile, x->durable, &cause) == -1)
		fatalx("database: %s", cause);
	free(dbdir);
	free(dbfile);
	conn_init(x->base);
	conn_set_turn_hook(store_commit, NULL);
	if ((x->tick = event_new(x->base, -1, EV_PERSIST, on_tick,
	    NULL)) == NULL || event_add(x->tick, &second) == -1)
		fatalx("cannot set up the checkpoint timer");
	/* Guest rings through libxc; domains that died meanwhile go. */
	xcmap_init(x->base, &x->mapper);
	domain_init(&x->mapper);
	xcmap_check();
	if (control_listen(x->base, x->rw, x->ro, &cause) == -1)
		fatalx("listening: %s", cause);
	log_info("xenstored: serving %s%s", x->rw,
	    x->durable ? " (durable)" : "");
}

static void
stop(struct xenstored *x)
{
	event_free(x->tick);
	control_close();
	domain_shutdown();
	xcmap_close();
	conn_shutdown();
	store_close();
	unlink(x->rw);
	unlink(x->ro);
	free(x->rw);
	free(x->ro);
	log_info("xenstored: stopped");
}

int
main(int argc, char *argv[])
{
	struct xenstored	 x = { 0 };
	struct daemon		 d;

	daemon_setup(&d, &spec, argc, argv, &x);
	x.base = daemon_loop(&d, NULL, NULL, NULL);
	start(&x);
	daemon_serving(&d);
	event_base_dispatch(x.base);
	stop(&x);
	daemon_finish(&d);
	return 0;
}
