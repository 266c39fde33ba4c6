/* xvm-consoled: the console daemon.  Options and wiring only. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "console/consoled.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

static int
set_limit(void *arg, const char *s, char **cause)
{
	struct consoled	*cd = arg;
	uint64_t	 kib;

	if (str_to_u64(s, 0, 1 << 20, &kib) == -1) {
		xasprintf(cause, "-l %s: not a number from 0 to 1048576", s);
		return -1;
	}
	cd->rate = kib * 1024;
	return 0;
}

static const struct daemon_option options[] = {
	{ "limit", 'l', "KIB_PER_SEC", "console output per guest, KiB/s on "
	    "average (default 1024; 0 = none)", set_limit },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct daemon_spec spec = {
	.name = "xvm-consoled",
	.verbose = 1,
	.options = options,
};

static void
on_hup(void *arg)
{
	console_reopen_logs(arg);
}

/* Logs, the attach socket, the two sources of console output. */
static int
start(struct consoled *cd, char **cause)
{
	char	 hvpath[PATH_MAX];

	TAILQ_INIT(&cd->consoles);
	TAILQ_INIT(&cd->pending);
	if ((cd->logdir = xvm_path(XVM_LOG_DIR "/console")) == NULL ||
	    xvm_mkdirs(cd->logdir, 0755) == -1)
		fatal("console log directory");
	snprintf(hvpath, sizeof(hvpath), "%s/hypervisor.log", cd->logdir);
	if (logfile_open(&cd->hvlog, hvpath, 0) == -1)
		fatal("%s", hvpath);
	if ((cd->sock = xvm_path(XVM_CONSOLED_SOCK)) == NULL)
		fatal("socket path");
	if (attach_listen(cd, cd->sock) == -1)
		fatal("listen on %s", cd->sock);
	if (uartsource_open(cd, cause) == -1 || pvsource_open(cd, cause) == -1)
		return -1;
	log_info("xvm-consoled started (root %s)",
	    *xvm_root() ? xvm_root() : "/");
	return 0;
}

static void
stop(struct consoled *cd)
{
	struct console	*con;

	log_info("xvm-consoled stopping");
	while ((con = TAILQ_FIRST(&cd->consoles)) != NULL)
		console_free(con);
	attach_close(cd);
	pvsource_close(cd);
	uartsource_close(cd);
	logfile_close(&cd->hvlog);
	unlink(cd->sock);
	free(cd->sock);
	free(cd->logdir);
}

int
main(int argc, char **argv)
{
	struct consoled	 cd = { .rate = 1024 * 1024 };
	struct daemon	 d;
	char		*cause = NULL;

	daemon_setup(&d, &spec, argc, argv, &cd);
	cd.base = daemon_loop(&d, NULL, on_hup, &cd);
	if (start(&cd, &cause) == -1)
		fatalx("%s", cause);
	daemon_serving(&d);
	event_base_dispatch(cd.base);
	stop(&cd);
	daemon_finish(&d);
	return 0;
}
