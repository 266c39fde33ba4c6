/* xvmd: the xVM management daemon (the xend equivalent).  Options and wiring only. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "xvmd/lifecycle.h"
#include "xvmd/recover.h"
#include "xvmd/xsdom.h"
#include "xvmd/control.h"
#include "xvmd/settings.h"
#include "xvmd/xvmd.h"

static const char *const levels[] = { "ERROR", "WARNING", "INFO", "DEBUG" };

/* xend.log's line: "[2026-11-24 00:15:02 4242] INFO (xvmd) message". */
static int
xend_log_format(char *buf, size_t size, enum log_level level, const char *msg)
{
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 when[32];

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	return snprintf(buf, size, "[%s %ld] %s (%s) %s", when, (long)getpid(),
	    levels[level], log_procname(), msg);
}

static void
on_term(void *arg)
{
	struct xvmd	*xd = arg;

	/*
	 * The domains run on: a restart of xvmd never shuts down, saves or
	 * restarts a guest.  on_xend_stop is xvm-domains stop's, at the
	 * host's shutdown (or svcadm disable xvm/domains).
	 */
	event_base_loopbreak(xd->base);
}

/* SIGHUP (svcadm refresh xvm/xend): the settings that can change now. */
static void
on_hup(void *arg)
{
	struct xvmd	*xd = arg;
	char		*cause = NULL, *changes = NULL;

	if (settings_reload(&xd->conf, xd->conffile, &changes, &cause) == -1) {
		log_warnx("refresh: %s; the settings in force stay", cause);
		free(cause);
		return;
	}
	log_info("refresh: %s", changes ? changes : "no setting changed");
	free(changes);
}

static __attribute__((noreturn)) void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: xvmd [-Fv] [--root DIR] [-f CONFIG]\n"
	    "  -F, --foreground   stay in the foreground, log to stderr too\n"
	    "  -v, --verbose      debug logging (the default logs INFO, as xend)\n"
	    "  -f, --config FILE  host settings file (default "
	    "<root>/etc/xvm/xvmd.conf)\n"
	    "      --root DIR     run/, var/ and etc/ under DIR "
	    "(default $XVM_ROOT, else /)\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "config", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xvmd		 xd = { 0 };
	struct evloop_signals	*sigs;
	struct vm		*vm;
	const char		*root = NULL, *conffile = NULL;
	char			*cause = NULL, *path;
	int			 ch, foreground = 0, verbose = 1;

	while ((ch = getopt_long(argc, argv, "Fvf:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			foreground = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);

	daemon_init("xvmd", root, verbose);
	log_set_format(xend_log_format);
	if (!foreground && daemon_start() == -1)
		fatal("fork");

	xd.conffile = conffile;
	xendconf_defaults(&xd.conf);
	if (settings_load(&xd.conf, conffile, &cause) == -1)
		fatalx("%s", cause);
	xd.started = time(NULL);
	TAILQ_INIT(&xd.vms);
	/* The hypervisor and the store come first (SMF dependencies). */
	if ((xd.xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		fatal("cannot reach the hypervisor (is xvm-hypervisor "
		    "running?)");
	if ((xd.xs = xs_open(0)) == NULL)
		fatal("cannot reach the store (is xenstored running?)");
	xsdom_load_managed(&xd);
	recover_running(&xd);
	xd.base = evloop_new();
	sigs = evloop_signals(xd.base, on_term, on_hup, &xd);
	if ((path = xvm_path(XVM_XVMD_SOCK)) == NULL)
		fatal("socket path");
	if (control_listen(&xd, path) == -1)
		fatal("listen on %s", path);
	lc_watch(&xd);
	lc_check(&xd);
	lc_autostart(&xd);
	log_info("xvmd %s started (root %s)", XVM_VERSION,
	    *xvm_root() ? xvm_root() : "/");
	if (!foreground)
		log_init("xvmd", 0, verbose);
	daemon_ready();

	event_base_dispatch(xd.base);

	log_info("xvmd stopping; running domains are left alone");
	lc_unwatch(&xd);
	control_close(&xd);
	while ((vm = TAILQ_FIRST(&xd.vms)) != NULL) {
		TAILQ_REMOVE(&xd.vms, vm, entry);
		vm_free(vm);
	}
	xs_close(xd.xs);
	xc_interface_close(xd.xch);
	unlink(path);
	free(path);
	evloop_signals_free(sigs);
	event_base_free(xd.base);
	xendconf_clear(&xd.conf);
	return 0;
}
