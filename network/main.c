/*
 * xvm-network: the network in a box (svc:/system/xvm/network, docs/network.md).
 * Options and wiring only: it puts the box up (netup.c), serves until
 * SIGTERM (SMF's :kill), and takes it down; SIGHUP (svcadm refresh)
 * reads the settings again and puts the box up anew.  dnsmasq's death
 * ends it with status 1, so svc.startd restarts the service.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "network/netconf.h"
#include "network/netup.h"

struct netsvc {
	struct event_base	*base;
	const char		*file;
	struct netup		 nu;
	int			 status;
};

static int
set_config(void *arg, const char *file, char **cause)
{
	(void)cause;
	((struct netsvc *)arg)->file = file;
	return 0;
}

static const struct daemon_option options[] = {
	{ "config", 'f', "FILE", "settings file when SMF did not start us "
	    "(default <root>/etc/xvm/network.conf)", set_config },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct daemon_spec spec = {
	.name = "xvm-network",
	.verbose = 1,
	.pid_file = "run/xvm/xvm-network.pid",
	.options = options,
};

/* The settings, checked: 0, or -1 (logged). */
static int
settings(struct netsvc *ns, struct netconf *nc)
{
	char	*cause = NULL;

	if (netup_settings(nc, ns->file, &cause) == -1 ||
	    netconf_check(nc, &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static void
on_term(void *arg)
{
	struct netsvc	*ns = arg;

	event_base_loopbreak(ns->base);
}

/* svcadm refresh: new settings, or the old ones kept if they are bad. */
static void
on_hup(void *arg)
{
	struct netsvc	*ns = arg;
	struct netconf	 nc, old = ns->nu.nc;
	char		*cause = NULL;

	if (settings(ns, &nc) == -1) {
		log_warnx("refresh: keeping the settings in force");
		return;
	}
	netup_teardown(&ns->nu);
	if (netup_apply(&ns->nu, &nc, &cause) == 0)
		return;
	log_warnx("refresh: %s; back to the settings in force", cause);
	free(cause);
	cause = NULL;
	if (netup_apply(&ns->nu, &old, &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
		ns->status = 1;
		event_base_loopbreak(ns->base);
	}
}

static void
on_child(evutil_socket_t sig, short what, void *arg)
{
	struct netsvc	*ns = arg;
	pid_t		 pid;
	int		 st;

	(void)sig; (void)what;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != ns->nu.dnsmasq)
			continue;
		log_warnx("dnsmasq (pid %d) ended (%s %d): the network's DHCP "
		    "is down; stopping so that SMF restarts the service",
		    (int)pid, WIFEXITED(st) ? "exit" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		ns->nu.dnsmasq = -1;
		ns->status = 1;
		event_base_loopbreak(ns->base);
	}
}

int
main(int argc, char **argv)
{
	struct netsvc	 ns = { 0 };
	struct daemon	 d;
	struct netconf	 nc;
	struct event	*chld;
	char		*cause = NULL, *run;

	daemon_setup(&d, &spec, argc, argv, &ns);
	ns.base = daemon_loop(&d, on_term, on_hup, &ns);
	if ((chld = evsignal_new(ns.base, SIGCHLD, on_child, &ns)) == NULL ||
	    event_add(chld, NULL) == -1)
		fatalx("SIGCHLD event");
	if (settings(&ns, &nc) == -1)
		fatalx("no network: bad settings");
	if (netup_apply(&ns.nu, &nc, &cause) == -1)
		fatalx("no network: %s", cause);
	if ((run = xvm_path(XVM_RUN_DIR)) == NULL ||
	    xvm_mkdirs(run, 0755) == -1)
		log_warn("%s", run != NULL ? run : XVM_RUN_DIR);
	free(run);
	daemon_serving(&d);
	event_base_dispatch(ns.base);
	log_info("stopping: taking the network down (the bridge stays)");
	netup_teardown(&ns.nu);
	event_free(chld);
	daemon_finish(&d);
	return ns.status;
}
