/* xvmd: the xVM management daemon (the xend equivalent).  Options and wiring only. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "xvmd/control.h"
#include "xvmd/job.h"
#include "xvmd/lifecycle.h"
#include "xvmd/migrate.h"
#include "xvmd/reconcile.h"
#include "xvmd/reloc.h"
#include "xvmd/restore.h"
#include "xvmd/recover.h"
#include "xvmd/settings.h"
#include "xvmd/virt.h"
#include "xvmd/xsdom.h"
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

static int
set_config(void *arg, const char *file, char **cause)
{
	(void)cause;
	*(const char **)arg = file;
	return 0;
}

static const struct daemon_option options[] = {
	{ "config", 'f', "FILE", "host settings file (default "
	    "<root>/etc/xvm/xvmd.conf)", set_config },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct daemon_spec spec = {
	.name = "xvmd",
	.verbose = 1,		/* INFO, as xend */
	.options = options,
};

static void
idle(struct xvmd *xd)
{
	event_base_loopbreak(xd->base);
}

static void
on_term(void *arg)
{
	struct xvmd	*xd = arg;

	/*
	 * The domains run on: a restart of xvmd never shuts down, saves or
	 * restarts a guest.  on_xend_stop is xvm-domains stop's, at the
	 * host's shutdown (or svcadm disable xvm/domains).  The loop ends
	 * once every job (a migration, a save) has.
	 */
	if (xd->stopping)
		return;
	xd->stopping = 1;
	job_stop_all(xd, idle);
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

/*
 * Settings, the hypervisor and the store, known domains, the API socket
 * and libvirt's (the second front-end, virt.h).
 */
static void
start(struct xvmd *xd, const char *conffile, const char *sock)
{
	char	*cause = NULL, *vpath, *vpath_ro;

	xd->conffile = conffile;
	xendconf_defaults(&xd->conf);
	if (settings_load(&xd->conf, conffile, &cause) == -1)
		fatalx("%s", cause);
	xd->started = time(NULL);
	TAILQ_INIT(&xd->vms);
	TAILQ_INIT(&xd->restoring);
	/* The hypervisor and the store come first (SMF dependencies). */
	if ((xd->xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		fatal("cannot reach the hypervisor (is xvm-hypervisor "
		    "running?)");
	if (lc_store_open(xd) == -1)
		fatalx("cannot reach the store (is xenstored running?)");
	xsdom_load_managed(xd);
	rs_recover(xd);
	recover_running(xd);
	store_reconcile(xd);
	job_init(xd);
	reloc_init(xd);
	migrate_recover(xd);
	if (control_listen(xd, sock) == -1)
		fatal("listen on %s", sock);
	if ((vpath = xvm_path(XVM_VIRT_SOCK)) == NULL ||
	    (vpath_ro = xvm_path(XVM_VIRT_SOCK_RO)) == NULL)
		fatal("socket path");
	if (virt_start(xd, vpath, vpath_ro) == -1)
		fatal("listen on %s", vpath);
	free(vpath);
	free(vpath_ro);
	lc_watch(xd);
	lc_check(xd);
	lc_autostart(xd);
	log_info("xvmd %s started (root %s)", XVM_VERSION,
	    *xvm_root() ? xvm_root() : "/");
}

static void
stop(struct xvmd *xd, const char *sock)
{
	struct vm	*vm;

	log_info("xvmd stopping; running domains are left alone");
	virt_stop(xd);
	control_close(xd);
	job_fini(xd);
	reloc_fini(xd);
	lc_unwatch(xd);		/* the store last: the front-ends may use it */
	while ((vm = TAILQ_FIRST(&xd->vms)) != NULL) {
		TAILQ_REMOVE(&xd->vms, vm, entry);
		vm_free(vm);
	}
	xc_interface_close(xd->xch);
	unlink(sock);
	xendconf_clear(&xd->conf);
}

int
main(int argc, char **argv)
{
	struct xvmd	 xd = { 0 };
	struct daemon	 d;
	const char	*conffile = NULL;
	char		*sock;

	daemon_setup(&d, &spec, argc, argv, &conffile);
	log_set_format(xend_log_format);
	if ((sock = xvm_path(XVM_XVMD_SOCK)) == NULL)
		fatal("socket path");
	xd.base = daemon_loop(&d, on_term, on_hup, &xd);
	start(&xd, conffile, sock);
	daemon_serving(&d);
	event_base_dispatch(xd.base);
	stop(&xd, sock);
	free(sock);
	daemon_finish(&d);
	return 0;
}
