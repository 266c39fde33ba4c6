/* The xvm-hypervisor daemon: options, logging, the privcmd loop. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "hypervisor/xen/control.h"
#include "hypervisor/xen/daemon.h"
#include "hypervisor/xen/domain.h"

static void
usage(void)
{
	fprintf(stderr, "usage: xvm-hypervisor [-Fv] [-c file] [-n ncpus] "
	    "[--root dir]\n"
	    "       xvm-hypervisor run [options] kernel\n");
}

/* 1000 domains hold 1000 memory fds: take what the hard limit allows. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("%s: setrlimit", __func__);
	}
}

int
hv_daemon_main(int argc, char **argv, const struct machine_ops *mops)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "console-log", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "daemon", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct evloop_signals	*sigs;
	struct event_base	*base;
	struct hv_config	 cfg;
	struct hv		*hv;
	struct ctl		*ctl;
	const char		*root = NULL, *errstr;
	char			*cause = NULL, *logpath, *sock;
	int			 ch, fg = 0, verbose = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mops = mops;
	while ((ch = getopt_long(argc, argv, "Fdvc:n:r:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':	/* daemon mode, said explicitly (SMF manifests) */
			break;
		case 'F':
			fg = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'c':
			cfg.console_echo = optarg;
			break;
		case 'n':
			cfg.nr_pcpus = (unsigned)strtonum(optarg, 1,
			    SCHED_MAX_PCPUS, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "xvm-hypervisor: -n %s: %s "
				    "(1..%d)\n", optarg, errstr,
				    SCHED_MAX_PCPUS);
				return 1;
			}
			break;
		case 'r':
			root = optarg;
			break;
		default:
			usage();
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xvm-hypervisor: unknown command: %s\n",
		    argv[optind]);
		usage();
		return 1;
	}
	log_init("xvm-hypervisor", fg, verbose + 1);
	if (xvm_paths_init(root) == -1)
		fatal("--root %s", root ? root : "(XVM_ROOT)");
	if ((logpath = xvm_path(XVM_LOG_DIR "/xvm-hypervisor.log")) == NULL ||
	    (sock = xvm_path(XVM_PRIVCMD_SOCK)) == NULL)
		fatal("paths");
	if (log_open_file(logpath) == -1)
		fatal("%s", logpath);
	/* The parent exits once privcmd is served (SMF's contract model). */
	if (!fg && daemon_start() == -1)
		fatal("daemon");
	raise_nofile();

	if ((hv = hv_new(&cfg, &cause)) == NULL)
		fatalx("%s", cause);
	base = evloop_new();
	sigs = evloop_signals(base, NULL, NULL, NULL);
	if ((ctl = control_new(hv, base, sock, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("serving %s with %u pCPUs", sock, sched_nr_pcpus(hv->sched));
	daemon_ready();
	event_base_dispatch(base);
	log_info("stopping: destroying every domain");
	control_free(ctl);
	hv_free(hv);
	evloop_signals_free(sigs);
	event_base_free(base);
	unlink(sock);
	free(sock);
	free(logpath);
	return 0;
}
