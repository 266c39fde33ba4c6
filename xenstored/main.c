/* xenstored: options, paths, privileges and wiring of the store daemon. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/control.h"
#include "xenstored/domain.h"
#include "xenstored/store.h"
#include "xenstored/xcmap.h"

#define XSD_DB_DIR	XVM_LIB_DIR "/xenstored"
#define XSD_DB_FILE	XSD_DB_DIR "/store.db"
#define XSD_LOG_FILE	XVM_LOG_DIR "/xenstored.log"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: xenstored [-F] [-v] [--root DIR] [--durable] [--help]\n"
	    "  -F, --foreground  log to stderr (and the log file)\n"
	    "  -v, --verbose     more logging; twice for debug\n"
	    "  --root DIR        run/, var/ under DIR (default $XVM_ROOT, /)\n"
	    "  --durable         commits survive power loss (fsync)\n"
	    "Sockets: <root>/" XVM_XENSTORED_SOCK ", <root>/"
	    XVM_XENSTORED_SOCK_RO "\n"
	    "Database: <root>/" XSD_DB_FILE "\n");
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	store_tick(arg);
	xcmap_tick();
}

static void
on_term(void *arg)
{
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "root", required_argument, NULL, 'r' },
		{ "durable", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct event_base	*base;
	struct evloop_signals	*sigs;
	struct event		*tick;
	struct timeval		 second = { 1, 0 };
	struct ring_mapper	 mapper;
	const char		*root = NULL;
	char			*cause = NULL, *dbdir, *dbfile, *logfile, *libdir;
	char			*rw, *ro;
	int			 ch, fg = 0, verbose = 0, durable = 0;

	while ((ch = getopt_long(argc, argv, "Fvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			fg = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'r':
			root = optarg;
			break;
		case 'd':
			durable = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xenstored: unexpected argument: %s\n",
		    argv[optind]);
		usage(stderr);
		return 1;
	}
	log_init("xenstored", fg, verbose);
	if (xvm_paths_init(root) == -1)
		fatal("root %s", root ? root : "$XVM_ROOT");
	if ((dbdir = xvm_path(XSD_DB_DIR)) == NULL ||
	    (dbfile = xvm_path(XSD_DB_FILE)) == NULL ||
	    (logfile = xvm_path(XSD_LOG_FILE)) == NULL ||
	    (rw = xvm_path(XVM_XENSTORED_SOCK)) == NULL ||
	    (ro = xvm_path(XVM_XENSTORED_SOCK_RO)) == NULL)
		fatal("paths");
	if (log_open_file(logfile) == -1)
		fatal("log file %s", logfile);
	/* The parent exits once the sockets are served (SMF's contract model). */
	if (!fg && daemon_start() == -1)
		fatal("fork");
	/* var/lib/xvm is shared with the other daemons; our own dir is 0700. */
	if ((libdir = xvm_path(XVM_LIB_DIR)) == NULL ||
	    xvm_mkdirs(libdir, 0755) == -1 ||
	    (mkdir(dbdir, 0700) == -1 && errno != EEXIST))
		fatal("%s", dbdir);
	free(libdir);

	base = evloop_new();
	sigs = evloop_signals(base, on_term, NULL, base);
	if (store_open(dbfile, durable, &cause) == -1)
		fatalx("database: %s", cause);
	conn_init(base);
	conn_set_turn_hook(store_commit, NULL);
	if ((tick = event_new(base, -1, EV_PERSIST, on_tick, NULL)) == NULL ||
	    event_add(tick, &second) == -1)
		fatalx("cannot set up the checkpoint timer");
	/* Guest rings through libxc; domains that died meanwhile go. */
	xcmap_init(base, &mapper);
	domain_init(&mapper);
	xcmap_check();
	if (control_listen(base, rw, ro, &cause) == -1)
		fatalx("listening: %s", cause);
	log_info("xenstored: serving %s%s", rw, durable ? " (durable)" : "");
	daemon_ready();

	event_base_dispatch(base);

	event_free(tick);
	control_close();
	domain_shutdown();
	xcmap_close();
	conn_shutdown();
	store_close();
	unlink(rw);
	unlink(ro);
	free(rw);
	free(ro);
	free(dbdir);
	free(dbfile);
	free(logfile);
	evloop_signals_free(sigs);
	event_base_free(base);
	log_info("xenstored: stopped");
	return 0;
}
