/* svcadm's requests as the restarter carries them out: enable, restart, refresh, clear, mark, reload. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/str.h"
#include "smf/fmri.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

static int
set_enabled(struct startd *sd, struct inst *in, int on)
{
	struct repo_ent	 e = repo_ent_inst(in->svc_id, in->id, SMF_SNAP_EDIT);
	const char	*v = on ? "true" : "false";

	if ((repo_pg_add(sd->repo, e, "general", "framework") == -1 &&
	    errno != EEXIST) ||
	    repo_prop_set(sd->repo, e, "general", "enabled", "boolean", &v,
	    1) == -1)
		return -1;
	in->enabled = on;
	return 0;
}

static int
enable(struct startd *sd, struct inst *in, int on, int tmp, int depth,
    struct buf *msg)
{
	struct fmri	 f;
	struct inst	*x;
	char		*cause = NULL;
	size_t		 i, j;

	if (tmp)
		in->enabled_tmp = on;
	else {
		in->enabled_tmp = -1;
		if (set_enabled(sd, in, on) == -1) {
			buf_printf(msg, "%s: repository: %s", in->fmri,
			    repo_errmsg(sd->repo));
			return EIO;
		}
	}
	inst_save(in);
	if (depth < 0)
		return 0;
	/* -r: everything this instance needs (not what it excludes). */
	for (i = 0; i < in->ndeps; i++) {
		if (in->deps[i].is_path ||
		    in->deps[i].grouping == G_EXCLUDE_ALL)
			continue;
		for (j = 0; j < in->deps[i].nents; j++) {
			if (fmri_parse(in->deps[i].ents[j], &f, &cause) == -1) {
				free(cause);
				cause = NULL;
				continue;
			}
			TAILQ_FOREACH(x, &sd->insts, entry) {
				if (strcmp(x->svc, f.svc) != 0 ||
				    (f.inst[0] != '\0' &&
				    strcmp(x->name, f.inst) != 0))
					continue;
				if (inst_enabled(x) && depth < 1)
					continue;
				(void)enable(sd, x, 1, tmp, depth - 1, msg);
			}
		}
	}
	return 0;
}

int
graph_enable(struct startd *sd, struct inst *in, int on, int tmp,
    int recursive, struct buf *msg)
{
	int	 rc;

	rc = enable(sd, in, on, tmp, on && recursive ? 32 : -1, msg);
	graph_kick(sd);
	return rc;
}

int
graph_restart(struct inst *in, struct buf *msg)
{
	(void)msg;
	if (in->state != SMF_ONLINE && in->state != SMF_DEGRADED)
		return 0;
	graph_stop(in, SMF_OFFLINE, WHY_RESTART);
	return 0;
}

int
graph_refresh(struct inst *in, struct buf *msg)
{
	struct startd	*sd = in->sd;
	struct inst	*d;
	struct dep	*dep;

	if (repo_begin(sd->repo) == -1 ||
	    repo_snapshot_take(sd->repo, in->svc_id, in->id,
	    SMF_SNAP_RUNNING) == -1 || repo_commit(sd->repo) == -1) {
		repo_rollback(sd->repo);
		buf_printf(msg, "%s: repository: %s", in->fmri,
		    repo_errmsg(sd->repo));
		return EIO;
	}
	inst_log(in, "Rereading configuration.");
	inst_load_config(sd, in);
	if ((in->state == SMF_ONLINE || in->state == SMF_DEGRADED) &&
	    in->meth == METH_NONE && !in->stop_pending &&
	    in->refresh.exec != NULL &&
	    method_run(in, METH_REFRESH, &in->refresh) == 1)
		in->meth = METH_NONE;
	/* Dependents with restart_on="refresh" restart. */
	TAILQ_FOREACH(d, &sd->insts, entry) {
		if (d == in || (d->state != SMF_ONLINE &&
		    d->state != SMF_DEGRADED) || d->meth != METH_NONE)
			continue;
		if ((dep = deps_on(d, in)) != NULL &&
		    dep->restart_on >= RO_REFRESH &&
		    dep->grouping != G_EXCLUDE_ALL)
			graph_stop(d, SMF_OFFLINE, WHY_REFRESH);
	}
	graph_kick(sd);
	return 0;
}

int
graph_clear(struct inst *in, struct buf *msg)
{
	(void)msg;
	if (in->state == SMF_MAINT && in->meth == METH_NONE) {
		inst_log(in, "Leaving maintenance because clear requested.");
		in->nfails = 0;
		in->maint_pending = 0;
		memset(in->deaths, 0, sizeof(in->deaths));
		inst_set_state(in, inst_enabled(in) ? SMF_OFFLINE :
		    SMF_DISABLED, "");
	} else if (in->state == SMF_DEGRADED)
		inst_set_state(in, SMF_ONLINE, NULL);
	graph_kick(in->sd);
	return 0;
}

int
graph_mark(struct inst *in, int state, int immediate, struct buf *msg)
{
	if (state == SMF_DEGRADED) {
		if (in->state != SMF_ONLINE) {
			buf_printf(msg, "Instance \"%s\" is not online.",
			    in->fmri);
			return EINVAL;
		}
		inst_log(in, "Degraded by an administrative request.");
		inst_set_state(in, SMF_DEGRADED, "Degraded by an "
		    "administrator.");
		graph_kick(in->sd);
		return 0;
	}
	if (in->state == SMF_MAINT)
		return 0;
	inst_log(in, "Stopping for maintenance due to administrative "
	    "request.");
	strlcpy(in->reason, "Maintenance requested by an administrator.",
	    sizeof(in->reason));
	strlcpy(in->aux, "administrative_request", sizeof(in->aux));
	if (immediate && in->meth != METH_START && in->meth != METH_REFRESH) {
		contract_signal(in, SIGKILL);
		in->stop_target = SMF_MAINT;
		contract_drain(in, 1);
	} else if (in->state == SMF_ONLINE || in->state == SMF_DEGRADED)
		graph_stop(in, SMF_MAINT, WHY_ERROR);
	else if (in->meth == METH_NONE)
		inst_set_state(in, SMF_MAINT, NULL);
	else if (in->meth == METH_START || in->meth == METH_REFRESH) {
		/* End the method now; graph_method_done() does the rest. */
		in->maint_pending = 1;
		if (in->meth_pid > 0)
			(void)kill(-in->meth_pid, immediate ? SIGKILL : SIGTERM);
		contract_signal(in, immediate ? SIGKILL : SIGTERM);
	}
	else
		in->stop_target = SMF_MAINT;	/* already stopping */
	graph_kick(in->sd);
	return 0;
}

void
graph_reload(struct startd *sd)
{
	struct inst	*in, *next;

	inst_load_all(sd);
	TAILQ_FOREACH_SAFE(in, &sd->insts, entry, next) {
		if (in->seen)
			continue;
		log_info("%s: deleted from the repository", in->fmri);
		contract_signal(in, SIGKILL);
		TAILQ_REMOVE(&sd->insts, in, entry);
		inst_free(in);
	}
	graph_kick(sd);
}
