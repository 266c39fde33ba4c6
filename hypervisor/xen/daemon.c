/* The xvm-hypervisor daemon: options, logging, the privcmd loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/control.h"
#include "hypervisor/xen/daemon.h"
#include "hypervisor/xen/domain.h"

static int
set_console_log(void *arg, const char *file, char **cause)
{
	(void)cause;
	((struct hv_config *)arg)->console_echo = file;
	return 0;
}

static int
set_pcpus(void *arg, const char *s, char **cause)
{
	const char	*errstr;

	((struct hv_config *)arg)->nr_pcpus = (unsigned)strtonum(s, 1,
	    SCHED_MAX_PCPUS, &errstr);
	if (errstr != NULL) {
		xasprintf(cause, "-n %s: %s (1..%d)", s, errstr,
		    SCHED_MAX_PCPUS);
		return -1;
	}
	return 0;
}

static const struct daemon_option options[] = {
	{ "console-log", 'c', "FILE", "also append every console ring line "
	    "to FILE", set_console_log },
	{ NULL, 'n', "NCPUS", "pCPU worker threads, 1 to 64 (default: the "
	    "host's CPUs)", set_pcpus },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct daemon_spec spec = {
	.name = "xvm-hypervisor",
	.verbose = 1,
	.options = options,
};

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
	struct daemon		 d;
	struct event_base	*base;
	struct hv_config	 cfg;
	struct hv		*hv;
	struct ctl		*ctl;
	char			*cause = NULL, *sock;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mops = mops;
	daemon_setup(&d, &spec, argc, argv, &cfg);
	raise_nofile();
	if ((sock = xvm_path(XVM_PRIVCMD_SOCK)) == NULL)
		fatal("paths");
	if ((hv = hv_new(&cfg, &cause)) == NULL)
		fatalx("%s", cause);
	base = daemon_loop(&d, NULL, NULL, NULL);
	if ((ctl = control_new(hv, base, sock, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("serving %s with %u pCPUs", sock, sched_nr_pcpus(hv->sched));
	daemon_serving(&d);
	event_base_dispatch(base);
	log_info("stopping: destroying every domain");
	control_free(ctl);
	hv_free(hv);
	daemon_finish(&d);
	unlink(sock);
	free(sock);
	return 0;
}
