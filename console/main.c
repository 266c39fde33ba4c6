/* xvm-consoled: the console daemon.  Options and wiring only. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "console/consoled.h"
#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"

static __attribute__((noreturn)) void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: xvm-consoled [-Fv] [--root DIR] [-l KIB_PER_SEC]\n"
	    "  -F, --foreground   stay in the foreground, log to stderr too\n"
	    "  -v, --verbose      debug logging\n"
	    "  -l, --limit N      console output per guest, KiB/s on average "
	    "(default 1024; 0 = none)\n"
	    "      --root DIR     run/, var/ and etc/ under DIR\n");
	exit(status);
}

static void
on_hup(void *arg)
{
	console_reopen_logs(arg);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "limit", required_argument, NULL, 'l' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct consoled		 cd = { .rate = 1024 * 1024 };
	struct evloop_signals	*sigs;
	struct console		*con;
	const char		*root = NULL;
	char			*cause = NULL, *path, hvpath[PATH_MAX];
	uint64_t		 kib;
	int			 ch, foreground = 0, verbose = 1;

	while ((ch = getopt_long(argc, argv, "Fvl:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			foreground = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'l':
			if (str_to_u64(optarg, 0, 1 << 20, &kib) == -1) {
				fprintf(stderr, "xvm-consoled: -l %s: not a "
				    "number from 0 to 1048576\n", optarg);
				return 1;
			}
			cd.rate = kib * 1024;
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

	daemon_init("xvm-consoled", root, verbose);
	if ((cd.logdir = xvm_path(XVM_LOG_DIR "/console")) == NULL ||
	    xvm_mkdirs(cd.logdir, 0755) == -1)
		fatal("console log directory");
	snprintf(hvpath, sizeof(hvpath), "%s/hypervisor.log", cd.logdir);
	if (logfile_open(&cd.hvlog, hvpath, 0) == -1)
		fatal("%s", hvpath);
	if (!foreground && daemon_start() == -1)
		fatal("fork");

	TAILQ_INIT(&cd.consoles);
	TAILQ_INIT(&cd.pending);
	cd.base = evloop_new();
	sigs = evloop_signals(cd.base, NULL, on_hup, &cd);
	if ((path = xvm_path(XVM_CONSOLED_SOCK)) == NULL)
		fatal("socket path");
	if (attach_listen(&cd, path) == -1)
		fatal("listen on %s", path);
	if (uartsource_open(&cd, &cause) == -1 ||
	    pvsource_open(&cd, &cause) == -1)
		fatalx("%s", cause);
	log_info("xvm-consoled started (root %s)",
	    *xvm_root() ? xvm_root() : "/");
	if (!foreground)
		log_init("xvm-consoled", 0, verbose);
	daemon_ready();

	event_base_dispatch(cd.base);

	log_info("xvm-consoled stopping");
	while ((con = TAILQ_FIRST(&cd.consoles)) != NULL)
		console_free(con);
	attach_close(&cd);
	pvsource_close(&cd);
	uartsource_close(&cd);
	logfile_close(&cd.hvlog);
	unlink(path);
	free(path);
	free(cd.logdir);
	evloop_signals_free(sigs);
	event_base_free(cd.base);
	return 0;
}
