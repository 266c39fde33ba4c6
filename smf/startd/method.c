/*
 * Running methods (smf_method(7)): token expansion, the environment, a
 * new session per method, the per-instance log as stdout and stderr,
 * timeouts that kill, and reaping.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

extern char **environ;

#define DRAIN_POLL_MS	25

static const char *const meth_names[] = {
	[METH_NONE] = "none",
	[METH_START] = "start",
	[METH_STOP] = "stop",
	[METH_REFRESH] = "refresh",
	[METH_DRAIN] = "stop",
};

/* %{pg/prop}: the values of the property, space separated. */
static int
expand_prop(struct inst *in, const char *name, struct buf *out, char **cause)
{
	struct repo_prop	*v = NULL;
	const struct repo_prop	*p;
	char			 pg[256];
	const char		*slash;
	size_t			 n = 0, i;

	if ((slash = strchr(name, '/')) == NULL ||
	    (size_t)(slash - name) >= sizeof(pg)) {
		xasprintf(cause, "token %%{%s}: not pg/prop", name);
		return -1;
	}
	memcpy(pg, name, (size_t)(slash - name));
	pg[slash - name] = '\0';
	if (repo_composed(in->sd->repo, in->svc_id, in->id, SMF_SNAP_RUNNING,
	    &v, &n) == -1) {
		xasprintf(cause, "token %%{%s}: repository error", name);
		return -1;
	}
	if ((p = repo_prop_find(v, n, pg, slash + 1)) == NULL) {
		xasprintf(cause, "token %%{%s}: no such property", name);
		repo_props_free(v, n);
		return -1;
	}
	for (i = 0; i < p->nvalues; i++)
		buf_printf(out, "%s%s", i ? " " : "", p->values[i]);
	repo_props_free(v, n);
	return 0;
}

int
method_expand(struct inst *in, const char *meth_name, const char *exec,
    char **out, char **cause)
{
	struct buf	 b;
	const char	*p, *end;
	char		 name[256];

	buf_init(&b, 64 * 1024);
	for (p = exec; *p != '\0'; p++) {
		if (*p != '%') {
			buf_add_byte(&b, (uint8_t)*p);
			continue;
		}
		switch (*++p) {
		case '%':
			buf_add_byte(&b, '%');
			break;
		case 'r':
			buf_add_str(&b, "svc.startd");
			break;
		case 'm':
			buf_add_str(&b, meth_name);
			break;
		case 's':
			buf_add_str(&b, in->svc);
			break;
		case 'i':
			buf_add_str(&b, in->name);
			break;
		case 'f':
			buf_add_str(&b, in->fmri);
			break;
		case '{':
			if ((end = strchr(p, '}')) == NULL ||
			    (size_t)(end - p - 1) >= sizeof(name)) {
				xasprintf(cause, "unterminated %%{ token");
				goto bad;
			}
			memcpy(name, p + 1, (size_t)(end - p - 1));
			name[end - p - 1] = '\0';
			if (expand_prop(in, name, &b, cause) == -1)
				goto bad;
			p = end;
			break;
		default:
			xasprintf(cause, "unknown method token %%%c",
			    *p != '\0' ? *p : '?');
			goto bad;
		}
	}
	if ((*out = buf_release(&b, NULL)) == NULL) {
		xasprintf(cause, "method too long");
		goto bad;
	}
	return 0;
bad:
	buf_free(&b);
	return -1;
}

/*
 * Why a stop method runs (SMF_STOP_REASON, an xVM extension): a method
 * can tell the administrator's stop or the system's shutdown from a stop
 * that a dependency's failure or absence forced.
 */
static const char *const stop_reasons[] = {
	[WHY_DISABLE] = "disable",
	[WHY_ERROR] = "error",
	[WHY_RESTART] = "restart",
	[WHY_REFRESH] = "refresh",
	[WHY_DEPENDENCY] = "dependency",
	[WHY_SHUTDOWN] = "shutdown",
};

/* The method's environment: ours, minus SMF's own, plus SMF_*. */
static char **
make_env(struct inst *in, const char *meth_name)
{
	char	**env;
	size_t	 n = 0, i, k = 0;

	while (environ[n] != NULL)
		n++;
	env = xcalloc(n + 7, sizeof(*env));
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "SMF_", 4) == 0 ||
		    strncmp(environ[i], "XVM_ROOT=", 9) == 0)
			continue;
		env[k++] = xstrdup(environ[i]);
	}
	xasprintf(&env[k++], "SMF_FMRI=%s", in->fmri);
	xasprintf(&env[k++], "SMF_METHOD=%s", meth_name);
	xasprintf(&env[k++], "SMF_RESTARTER=%s", SMF_RESTARTER_FMRI);
	if (strcmp(meth_name, "stop") == 0 &&
	    (size_t)in->stop_why < sizeof(stop_reasons) /
	    sizeof(stop_reasons[0]))
		xasprintf(&env[k++], "SMF_STOP_REASON=%s",
		    stop_reasons[in->stop_why]);
	if (*xvm_root() != '\0')
		xasprintf(&env[k++], "XVM_ROOT=%s", xvm_root());
	env[k] = NULL;
	return env;
}

static void
free_env(char **env)
{
	size_t	 i;

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct inst	*in = arg;

	(void)fd;
	(void)what;
	if (in->meth == METH_DRAIN) {
		if (contract_empty(in)) {
			graph_drained(in);
			return;
		}
		if (time(NULL) >= in->drain_deadline && !in->timed_out) {
			inst_log(in, "Method or service exit timed out.  "
			    "Killing contract %lld.", (long long)in->ctid);
			in->timed_out = 1;
			contract_signal(in, SIGKILL);
		}
		{
			struct timeval	 tv = { 0, DRAIN_POLL_MS * 1000 };

			evtimer_add(in->timer, &tv);
		}
		return;
	}
	if (in->meth == METH_NONE || in->meth_pid <= 0)
		return;
	inst_log(in, "Method or service exit timed out.  Killing contract "
	    "%lld.", (long long)in->ctid);
	log_warnx("%s: %s method timed out", in->fmri, meth_names[in->meth]);
	in->timed_out = 1;
	(void)kill(-in->meth_pid, SIGKILL);
	(void)kill(in->meth_pid, SIGKILL);
	contract_signal(in, SIGKILL);
}

static void
arm_timer(struct inst *in, unsigned sec, unsigned ms)
{
	struct timeval	 tv = { (time_t)sec, (suseconds_t)ms * 1000 };

	if (in->timer == NULL)
		in->timer = evtimer_new(in->sd->base, on_timeout, in);
	if (in->timer == NULL)
		fatalx("%s: evtimer_new", __func__);
	evtimer_add(in->timer, &tv);
}

void
method_cancel_timer(struct inst *in)
{
	if (in->timer != NULL)
		evtimer_del(in->timer);
}

void
contract_drain(struct inst *in, unsigned timeout)
{
	in->meth = METH_DRAIN;
	in->meth_pid = 0;
	in->timed_out = 0;
	in->drain_deadline = time(NULL) + (timeout ? timeout : 10);
	contract_signal(in, SIGTERM);
	arm_timer(in, 0, 1);
}

/* In the child: become the method.  Never returns. */
static void
exec_child(const char *cmd, char **env, int logfd, const char *wd)
{
	sigset_t	 none;
	int		 fd, sig;

	(void)setsid();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	if ((fd = open("/dev/null", O_RDONLY)) != -1 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	if (logfd != -1) {
		dup2(logfd, 1);
		dup2(logfd, 2);
	}
	closefrom(3);
	if (wd != NULL && chdir(wd) == -1) {
		dprintf(2, "svc.startd: working_directory %s: %s\n", wd,
		    strerror(errno));
		_exit(SMF_EXIT_ERR_CONFIG);
	}
	execle("/bin/sh", "sh", "-c", cmd, (char *)NULL, env);
	_exit(SMF_EXIT_ERR_CONFIG);
}

/*
 * ":kill -SIG": a signal by number or by name (HUP, SIGHUP), as smf_method(7)
 * allows; -1 if neither.
 */
static int
kill_signal(const char *s)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
		{ "ALRM", SIGALRM }, { "TERM", SIGTERM },
	};
	long		 n;
	char		*end;
	size_t		 i;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(s, sigs[i].name) == 0)
			return sigs[i].sig;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || n <= 0 || n >= NSIG)
		return -1;
	return (int)n;
}

int
method_run(struct inst *in, enum meth which, const struct method_cfg *cfg)
{
	const char	*name = meth_names[which];
	char		*cmd = NULL, *cause = NULL, **env, wdbuf[4096];
	char		*wdpath = cfg->wd != NULL ? wdbuf : NULL;
	pid_t		 pid;
	int		 logfd, sig = SIGTERM;

	in->timed_out = 0;
	if (cfg->exec == NULL || strcmp(cfg->exec, ":true") == 0)
		return 1;
	if (strncmp(cfg->exec, ":kill", 5) == 0) {
		if (strncmp(cfg->exec, ":kill -", 7) == 0 &&
		    (sig = kill_signal(cfg->exec + 7)) == -1) {
			inst_log(in, "Method \"%s\" names no signal we know; "
			    "sending SIGTERM.", cfg->exec);
			sig = SIGTERM;
		}
		inst_log(in, "Executing %s method (:kill).", name);
		contract_signal(in, sig);
		return 1;
	}
	if (method_expand(in, name, cfg->exec, &cmd, &cause) == -1) {
		inst_log(in, "Method \"%s\" is invalid: %s.", name, cause);
		log_warnx("%s: %s method: %s", in->fmri, name, cause);
		free(cause);
		return -1;
	}
	inst_log(in, "Executing %s method (\"%s\").", name, cmd);
	logfd = open(in->logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644);
	env = make_env(in, name);
	if (cfg->wd != NULL)
		snprintf(wdbuf, sizeof(wdbuf), "%s%s", xvm_root(), cfg->wd);
	if ((pid = fork()) == -1) {
		log_warn("%s: fork", in->fmri);
		if (logfd != -1)
			close(logfd);
		free_env(env);
		free(cmd);
		return -1;
	}
	if (pid == 0)
		exec_child(cmd, env, logfd, wdpath);
	contract_invalidate();
	if (logfd != -1)
		close(logfd);
	free_env(env);
	free(cmd);
	in->meth = which;
	in->meth_pid = pid;
	if (cfg->timeout > 0 && in->model != MODEL_CHILD)
		arm_timer(in, cfg->timeout, 0);
	else if (cfg->timeout > 0 && which != METH_START)
		arm_timer(in, cfg->timeout, 0);
	return 0;
}

void
method_sigchld(struct startd *sd)
{
	struct inst	*in, *next;
	pid_t		 pid;
	int		 st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		/* What this child did before exiting is news to any scan. */
		contract_invalidate();
		TAILQ_FOREACH(in, &sd->insts, entry) {
			if (in->meth_pid == pid && in->meth != METH_NONE &&
			    in->meth != METH_DRAIN) {
				method_cancel_timer(in);
				in->meth_pid = 0;
				graph_method_done(in, st);
				break;
			}
			if (in->child_pid == pid) {
				in->child_pid = 0;
				graph_child_exited(in, st);
				break;
			}
		}
	}
	contract_invalidate();
	/* A contract whose last process just went away. */
	TAILQ_FOREACH_SAFE(in, &sd->insts, entry, next) {
		if (in->meth == METH_DRAIN && contract_empty(in)) {
			graph_drained(in);
			continue;
		}
		if (in->meth == METH_NONE &&
		    (in->model == MODEL_CONTRACT || in->adopted) &&
		    (in->state == SMF_ONLINE || in->state == SMF_DEGRADED) &&
		    in->next_state == SMF_NONE && contract_empty(in))
			graph_contract_empty(in);
	}
}
