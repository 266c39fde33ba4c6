/* svc.startd: the SMF restarter and repository daemon (options and wiring only). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "smf/import.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

/* Beyond the stop methods' own timeouts, before everything is killed. */
#define QUIT_GRACE	60

static int
set_manifest_dir(void *arg, const char *dir, char **cause)
{
	(void)cause;
	*(const char **)arg = dir;
	return 0;
}

static const struct daemon_option options[] = {
	{ "manifest-dir", 'm', "DIRS", "import manifests from DIRS, a "
	    "':'-separated list (default <root>/" SMF_SYS_MANIFEST_DIR
	    ":<root>/" SMF_MANIFEST_DIR ")", set_manifest_dir },
	{ NULL, 0, NULL, NULL, NULL },
};

/* The service manager is what starts daemons: it stays where it is run. */
static const struct daemon_spec spec = {
	.name = "svc.startd",
	.verbose = 0,
	.flags = DAEMON_STAYS,
	.log_file = SMF_LOG_DIR "/svc.startd.log",
	.pid_file = SMF_PID_PATH,
	.options = options,
};

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	method_sigchld(arg);
	graph_kick(arg);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	/* Catch a contract that emptied without a SIGCHLD reaching us. */
	method_sigchld(arg);
}

static void
on_quit_timer(evutil_socket_t fd, short what, void *arg)
{
	struct startd	*sd = arg;
	struct inst	*in;

	(void)fd;
	(void)what;
	log_warnx("services did not stop in time, killing them");
	TAILQ_FOREACH(in, &sd->insts, entry)
		contract_signal(in, SIGKILL);
	event_base_loopbreak(sd->base);
}

/*
 * How long a shutdown may take: the stop methods of the running instances
 * run one after another at worst (dependents first), each within its own
 * timeout, so their sum plus a grace.  The domains service saves every
 * guest in its stop method (1800 s): a fixed minute would cut that short.
 */
static time_t
quit_deadline(struct startd *sd)
{
	struct inst	*in;
	time_t		 t = QUIT_GRACE;

	TAILQ_FOREACH(in, &sd->insts, entry)
		if (in->state == SMF_ONLINE || in->state == SMF_DEGRADED ||
		    in->meth != METH_NONE)
			t += in->stop.timeout != 0 ? in->stop.timeout :
			    QUIT_GRACE;
	return t;
}

static void
on_term(void *arg)
{
	struct startd	*sd = arg;
	struct timeval	 tv = { 0, 0 };

	if (sd->shutting_down)
		return;
	tv.tv_sec = quit_deadline(sd);
	log_info("stopping every service (within %lld s)",
	    (long long)tv.tv_sec);
	sd->quit_timer = evtimer_new(sd->base, on_quit_timer, sd);
	evtimer_add(sd->quit_timer, &tv);
	graph_shutdown(sd);
}

static void
on_hup(void *arg)
{
	graph_reload(arg);
}

static void
import_warn(void *arg, const char *msg)
{
	(void)arg;
	log_warnx("%s", msg);
}

/* Import every directory of sd->mfdir (a ':'-separated list). */
static int
import_dirs(struct startd *sd)
{
	char	*list, *dir, *save = NULL;
	int	 failed = 0;

	list = xstrdup(sd->mfdir);
	for (dir = strtok_r(list, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save))
		failed += smf_import_dir(sd->repo, dir, import_warn, NULL);
	free(list);
	return failed;
}

/* -m DIR, else the packages' manifests, then the site's. */
static void
manifest_dirs(struct startd *sd, const char *mfdir)
{
	char	*p1 = NULL, *p2 = NULL;

	if (mfdir != NULL)
		sd->mfdir = xstrdup(mfdir);
	else if ((p1 = xvm_path(SMF_SYS_MANIFEST_DIR)) == NULL ||
	    (p2 = xvm_path(SMF_MANIFEST_DIR)) == NULL)
		fatal("manifest directory");
	else {
		xasprintf(&sd->mfdir, "%s:%s", p1, p2);
		free(p1);
		free(p2);
	}
}

/* The control socket, the repository and the manifests in it. */
static void
open_repo(struct startd *sd)
{
	char	 path[4096], *cause = NULL;
	int	 failed;

	/*
	 * Claim the root first: a second svc.startd must fail here, on
	 * stderr, before it touches the repository the first one uses.
	 */
	if (xvm_path_buf(path, sizeof(path), SMF_SOCK_PATH) == -1 ||
	    control_listen(sd, path) == -1)
		fatal("control socket %s%s", path, errno == EADDRINUSE ?
		    " (is another svc.startd running on this root?)" : "");
	if (xvm_path_buf(path, sizeof(path), SMF_REPO_PATH) == -1 ||
	    (sd->repo = repo_open(path, 1, &cause)) == NULL)
		fatalx("repository: %s", cause ? cause : path);
	/* The manifests are the source of truth: import them first. */
	if ((failed = import_dirs(sd)) > 0)
		log_warnx("%d manifest(s) in %s could not be imported", failed,
		    sd->mfdir);
	if (repo_state_clear_all(sd->repo) == -1)
		fatalx("repository: %s", repo_errmsg(sd->repo));
}

/* Children, signals and the clock; then the instances' graph. */
static void
start(struct startd *sd)
{
	struct timeval	 tick = { 2, 0 };

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		fatal("prctl(PR_SET_CHILD_SUBREAPER)");
	sd->eval = evloop_defer_new(sd->base, graph_eval, sd);
	sd->sigchld = evsignal_new(sd->base, SIGCHLD, on_sigchld, sd);
	sd->tick = event_new(sd->base, -1, EV_PERSIST, on_tick, sd);
	if (sd->sigchld == NULL || event_add(sd->sigchld, NULL) == -1 ||
	    sd->tick == NULL || event_add(sd->tick, &tick) == -1)
		fatalx("cannot watch SIGCHLD");
	inst_load_all(sd);
	graph_kick(sd);
	log_info("started, root \"%s\", manifests %s", xvm_root(), sd->mfdir);
}

static void
stop(struct startd *sd)
{
	struct inst	*in;
	char		 path[4096];

	evloop_listener_free(sd->listener);
	if (xvm_path_buf(path, sizeof(path), SMF_SOCK_PATH) == 0)
		unlink(path);
	while ((in = TAILQ_FIRST(&sd->insts)) != NULL) {
		TAILQ_REMOVE(&sd->insts, in, entry);
		inst_free(in);
	}
	evloop_defer_free(sd->eval);
	event_free(sd->sigchld);
	event_free(sd->tick);
	if (sd->quit_timer != NULL)
		event_free(sd->quit_timer);
	contract_cleanup();
	repo_close(sd->repo);
	free(sd->mfdir);
	log_info("exiting");
}

int
main(int argc, char **argv)
{
	struct startd	 sd;
	struct daemon	 d;
	const char	*mfdir = NULL;

	memset(&sd, 0, sizeof(sd));
	TAILQ_INIT(&sd.insts);
	daemon_setup(&d, &spec, argc, argv, &mfdir);
	manifest_dirs(&sd, mfdir);
	sd.base = daemon_loop(&d, on_term, on_hup, &sd);
	open_repo(&sd);
	start(&sd);
	daemon_serving(&d);
	event_base_dispatch(sd.base);
	stop(&sd);
	daemon_finish(&d);
	return 0;
}
