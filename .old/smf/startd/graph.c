/*
 * The restarter: smf(7)'s state machine over the dependency graph.
 *
 * graph_eval() runs once per event-loop turn in which something changed
 * and moves idle instances: uninitialized -> offline/disabled, offline ->
 * start when dependencies are satisfied, online -> stop when disabled.
 * An instance with a method in progress is left alone until the method
 * ends.  Stopping goes dependents first: graph_stop() stops the
 * dependents that must go (propagate(), by grouping and restart_on) and
 * leaves this instance stop_pending until they are down, then runs its
 * stop method and drains the contract (SIGTERM, SIGKILL at the timeout).
 *
 * Failures: exit 95/96 -> maintenance at once; other start failures are
 * retried and the third in a row -> maintenance; a service whose processes
 * all die is restarted, and the third death within 60 s -> maintenance
 * ("Restarting too quickly.").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "lib/buf.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/str.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

#define MAX_START_FAILS		3
#define DEATH_WINDOW		60

static void	propagate(struct inst *, enum stop_why);
static void	to_maintenance(struct inst *, const char *reason,
		    const char *aux, int kill9);

void
graph_kick(struct startd *sd)
{
	evloop_defer_kick(sd->eval);
}

static int
is_up(const struct inst *in)
{
	return in->state == SMF_ONLINE || in->state == SMF_DEGRADED;
}

static void
go_online(struct inst *in)
{
	inst_set_state(in, SMF_ONLINE, NULL);
	in->nfails = 0;
	graph_kick(in->sd);
}

static void
start_instance(struct inst *in)
{
	int	 rc;

	in->ctid = ++in->sd->next_ctid;
	in->next_state = SMF_ONLINE;
	in->reason[0] = '\0';
	in->blocked = 0;
	inst_save(in);
	if (in->start.exec == NULL) {
		to_maintenance(in, "Instance has no start method.",
		    "invalid_config", 1);
		return;
	}
	rc = method_run(in, METH_START, &in->start);
	if (rc == -1) {
		to_maintenance(in, "Start method is invalid.",
		    "invalid_config", 1);
		return;
	}
	if (in->model == MODEL_CHILD && rc == 0) {
		/* The method is the service. */
		in->child_pid = in->meth_pid;
		in->meth_pid = 0;
		in->meth = METH_NONE;
		method_cancel_timer(in);
		go_online(in);
		return;
	}
	if (rc == 1) {
		in->meth = METH_START;
		graph_method_done(in, 0);
	}
}

/* Leftovers are killed, then the instance lands in 'target'. */
static void
finish_stop(struct inst *in, int target, unsigned timeout, int kill9)
{
	in->stop_target = target;
	in->next_state = target;
	inst_save(in);
	if (in->model == MODEL_TRANSIENT && target != SMF_MAINT) {
		in->meth = METH_DRAIN;
		graph_drained(in);
		return;
	}
	if (kill9)
		contract_signal(in, SIGKILL);
	contract_drain(in, timeout);
}

static void
to_maintenance(struct inst *in, const char *reason, const char *aux,
    int kill9)
{
	inst_log(in, "%s", reason);
	strlcpy(in->reason, reason, sizeof(in->reason));
	strlcpy(in->aux, aux, sizeof(in->aux));
	propagate(in, WHY_ERROR);
	finish_stop(in, SMF_MAINT, in->stop.timeout, kill9);
}

static void
start_failed(struct inst *in, const char *reason)
{
	if (++in->nfails >= MAX_START_FAILS) {
		to_maintenance(in, reason, "method_failed", 1);
		return;
	}
	finish_stop(in, SMF_OFFLINE, 1, 1);
}

/* The service's processes are gone: restart it, or give up. */
static void
died(struct inst *in, const char *msg)
{
	time_t	 now = time(NULL);

	inst_log(in, "%s", msg);
	memmove(&in->deaths[0], &in->deaths[1],
	    sizeof(in->deaths) - sizeof(in->deaths[0]));
	in->deaths[2] = now;
	if (in->deaths[0] != 0 && now - in->deaths[0] < DEATH_WINDOW) {
		to_maintenance(in, "Restarting too quickly.",
		    "restarting_too_quickly", 1);
		return;
	}
	graph_stop(in, SMF_OFFLINE, WHY_ERROR);
}

static void
exit_words(int wstatus, char *buf, size_t size, int *code)
{
	if (WIFEXITED(wstatus)) {
		*code = WEXITSTATUS(wstatus);
		snprintf(buf, size, "exited with status %d", *code);
	} else {
		*code = -1;
		snprintf(buf, size, "failed due to signal %d",
		    WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
	}
}

void
graph_method_done(struct inst *in, int wstatus)
{
	enum meth	 which = in->meth;
	char		 words[64], reason[256];
	int		 code;

	in->meth = METH_NONE;
	exit_words(wstatus, words, sizeof(words), &code);
	if (which != METH_NONE)
		inst_log(in, "Method \"%s\" %s.", which == METH_START ?
		    "start" : which == METH_STOP ? "stop" : "refresh", words);
	if (in->maint_pending && (which == METH_START ||
	    which == METH_REFRESH)) {
		/* svcadm mark maintenance arrived while the method ran. */
		in->maint_pending = 0;
		in->timed_out = 0;
		strlcpy(reason, in->reason, sizeof(reason));
		to_maintenance(in, reason, "administrative_request", 0);
		return;
	}
	switch (which) {
	case METH_START:
		if (in->timed_out) {
			in->timed_out = 0;
			start_failed(in, "Start method timed out.");
		} else if (code == 0) {
			if (in->model == MODEL_CONTRACT &&
			    contract_empty(in)) {
				in->state = SMF_ONLINE;
				died(in, "Stopping because all processes in "
				    "service exited.");
			} else
				go_online(in);
		} else if (code == SMF_EXIT_ERR_FATAL ||
		    code == SMF_EXIT_ERR_CONFIG) {
			snprintf(reason, sizeof(reason), "Start method exited "
			    "with $SMF_EXIT_ERR_%s.", code ==
			    SMF_EXIT_ERR_FATAL ? "FATAL" : "CONFIG");
			to_maintenance(in, reason, code == SMF_EXIT_ERR_CONFIG ?
			    "invalid_config" : "method_failed", 1);
		} else {
			snprintf(reason, sizeof(reason), "Start method failed "
			    "repeatedly, last %s.", words);
			start_failed(in, reason);
		}
		break;
	case METH_STOP:
		if (in->timed_out || code != 0) {
			snprintf(reason, sizeof(reason), "Stop method %s.",
			    in->timed_out ? "timed out" : words);
			strlcpy(in->reason, reason, sizeof(in->reason));
			strlcpy(in->aux, "method_failed", sizeof(in->aux));
			in->stop_target = SMF_MAINT;
		}
		finish_stop(in, in->stop_target, in->stop.timeout, 0);
		break;
	case METH_REFRESH:
		graph_kick(in->sd);
		break;
	case METH_DRAIN:
	case METH_NONE:
		break;
	}
}

void
graph_child_exited(struct inst *in, int wstatus)
{
	char	 words[64], msg[128];
	int	 code;

	if (in->meth != METH_NONE || in->stop_pending || !is_up(in))
		return;		/* being stopped: the drain notices */
	exit_words(wstatus, words, sizeof(words), &code);
	if (code == SMF_EXIT_ERR_FATAL || code == SMF_EXIT_ERR_CONFIG) {
		snprintf(msg, sizeof(msg), "Service exited with "
		    "$SMF_EXIT_ERR_%s.", code == SMF_EXIT_ERR_FATAL ?
		    "FATAL" : "CONFIG");
		to_maintenance(in, msg, "method_failed", 1);
		return;
	}
	snprintf(msg, sizeof(msg), "Stopping because process %s.", words);
	died(in, msg);
}

void
graph_contract_empty(struct inst *in)
{
	if (in->stop_pending)
		return;
	died(in, "Stopping because all processes in service exited.");
}

void
graph_drained(struct inst *in)
{
	int	 target = in->stop_target;

	method_cancel_timer(in);
	in->meth = METH_NONE;
	in->timed_out = 0;
	in->child_pid = 0;
	in->ctid = 0;
	in->adopted = 0;
	if (target == SMF_DISABLED)
		inst_log(in, "Disabled.");
	inst_set_state(in, target, NULL);
	graph_kick(in->sd);
}

/* Do dependents that graph_stop() asked to stop still run? */
static int
dependents_stopping(struct inst *in)
{
	struct inst	*d;

	TAILQ_FOREACH(d, &in->sd->insts, entry) {
		if (d == in || deps_on(d, in) == NULL)
			continue;
		if (is_up(d) && (d->stop_pending || d->meth == METH_STOP ||
		    d->meth == METH_DRAIN))
			return 1;
	}
	return 0;
}

static void
begin_stop(struct inst *in)
{
	int	 rc;

	in->stop_pending = 0;
	if (in->model == MODEL_TRANSIENT && in->stop.exec == NULL) {
		finish_stop(in, in->stop_target, 0, 0);
		return;
	}
	rc = method_run(in, METH_STOP, &in->stop);
	if (rc == 0)
		return;
	finish_stop(in, in->stop_target, in->stop.timeout, rc == -1);
}

static const char *const why_words[] = {
	[WHY_DISABLE] = "Stopping because service disabled.",
	[WHY_ERROR] = NULL,
	[WHY_RESTART] = "Stopping because service restarting.",
	[WHY_REFRESH] = "Stopping because dependency refreshed.",
	[WHY_DEPENDENCY] = "Stopping because dependency stopped.",
	[WHY_SHUTDOWN] = "Stopping because svc.startd is exiting.",
};

void
graph_stop(struct inst *in, int target, enum stop_why why)
{
	if (in->stop_pending || in->meth == METH_STOP ||
	    in->meth == METH_DRAIN)
		return;
	if (why_words[why] != NULL)
		inst_log(in, "%s", why_words[why]);
	in->stop_target = target;
	in->stop_why = why;
	in->next_state = target;
	in->stop_pending = 1;
	inst_save(in);
	propagate(in, why);
	graph_kick(in->sd);
}

/* Must dependent d stop because x stops for 'why'? */
static int
must_stop(struct startd *sd, struct inst *d, struct dep *dep, struct inst *x,
    enum stop_why why)
{
	int	 admits;

	switch (why) {
	case WHY_ERROR:
		admits = dep->restart_on >= RO_ERROR;
		break;
	case WHY_RESTART:
		admits = dep->restart_on >= RO_RESTART;
		break;
	case WHY_REFRESH:
		admits = dep->restart_on >= RO_REFRESH;
		break;
	default:
		/*
		 * Gone for good (disable, shutdown, its own dependency):
		 * required ones take their dependents down; an optional one
		 * that cannot run satisfies optional_all.
		 */
		admits = dep->grouping != G_OPTIONAL_ALL;
		break;
	}
	if (!admits)
		return 0;
	switch (dep->grouping) {
	case G_REQUIRE_ALL:
	case G_OPTIONAL_ALL:
		return 1;
	case G_REQUIRE_ANY:
		return why == WHY_REFRESH ||
		    !deps_other_satisfies(sd, d, dep, x);
	case G_EXCLUDE_ALL:
		return 0;
	}
	return 0;
}

static void
propagate(struct inst *x, enum stop_why why)
{
	struct inst	*d;
	struct dep	*dep;

	TAILQ_FOREACH(d, &x->sd->insts, entry) {
		if (d == x || !is_up(d) || d->meth == METH_START)
			continue;
		if ((dep = deps_on(d, x)) == NULL)
			continue;
		if (must_stop(x->sd, d, dep, x, why))
			graph_stop(d, SMF_OFFLINE, WHY_DEPENDENCY);
	}
}

static int
eval_one(struct startd *sd, struct inst *in)
{
	enum dep_status	 s;
	char		 why[512];
	int		 want = inst_enabled(in) && !sd->shutting_down;

	if (in->meth != METH_NONE)
		return 0;
	if (in->stop_pending) {
		if (dependents_stopping(in))
			return 0;
		begin_stop(in);
		return 1;
	}
	switch (in->state) {
	case SMF_UNINIT:
		/* A contract left running by an svc.startd that died. */
		if (want && in->model != MODEL_TRANSIENT) {
			in->adopted = 1;
			if (!contract_empty(in)) {
				inst_log(in, "Adopting the processes of an "
				    "earlier svc.startd.");
				in->ctid = ++sd->next_ctid;
				inst_set_state(in, SMF_ONLINE, NULL);
				return 1;
			}
			in->adopted = 0;
		}
		if (want)
			inst_log(in, "Enabled.");
		inst_set_state(in, want ? SMF_OFFLINE : SMF_DISABLED, NULL);
		return 1;
	case SMF_DISABLED:
		if (!want)
			return 0;
		inst_log(in, "Enabled.");
		inst_set_state(in, SMF_OFFLINE, "");
		return 1;
	case SMF_OFFLINE:
		if (!want) {
			if (!sd->shutting_down) {
				inst_log(in, "Disabled.");
				inst_set_state(in, SMF_DISABLED, "");
				return 1;
			}
			return 0;
		}
		s = deps_eval(sd, in, why, sizeof(why));
		if (s == DEP_SAT) {
			start_instance(in);
			return 1;
		}
		if (in->blocked != (s == DEP_UNSAT) ||
		    strcmp(in->reason, why) != 0) {
			in->blocked = s == DEP_UNSAT;
			strlcpy(in->reason, why, sizeof(in->reason));
			inst_save(in);
			return 1;
		}
		return 0;
	case SMF_ONLINE:
	case SMF_DEGRADED:
		if (!want) {
			graph_stop(in, sd->shutting_down ? SMF_OFFLINE :
			    SMF_DISABLED, sd->shutting_down ? WHY_SHUTDOWN :
			    WHY_DISABLE);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

void
graph_eval(void *arg)
{
	struct startd	*sd = arg;
	struct inst	*in;
	int		 changed, rounds = 0, busy;

	do {
		changed = 0;
		TAILQ_FOREACH(in, &sd->insts, entry)
			changed |= eval_one(sd, in);
	} while (changed && ++rounds < 64);
	if (changed)
		graph_kick(sd);
	if (!sd->shutting_down)
		return;
	busy = 0;
	TAILQ_FOREACH(in, &sd->insts, entry)
		if (in->meth != METH_NONE || in->stop_pending || is_up(in))
			busy = 1;
	if (!busy) {
		log_info("all services stopped");
		event_base_loopbreak(sd->base);
	}
}

void
graph_shutdown(struct startd *sd)
{
	sd->shutting_down = 1;
	graph_kick(sd);
}
