/* svc.startd's instances: loading them and their configuration, saving their state. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/fmri.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

void
dep_free(struct dep *d, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		free(d[i].name);
		for (j = 0; j < d[i].nents; j++)
			free(d[i].ents[j]);
		free(d[i].ents);
	}
	free(d);
}

static void
method_cfg_free(struct method_cfg *m)
{
	free(m->exec);
	free(m->wd);
	m->exec = NULL;
	m->wd = NULL;
	m->timeout = 0;
}

void
inst_free(struct inst *in)
{
	if (in == NULL)
		return;
	method_cancel_timer(in);
	if (in->timer != NULL)
		event_free(in->timer);
	method_cfg_free(&in->start);
	method_cfg_free(&in->stop);
	method_cfg_free(&in->refresh);
	dep_free(in->deps, in->ndeps);
	free(in->svc);
	free(in->name);
	free(in->fmri);
	free(in->logpath);
	free(in);
}

static void
load_method(struct method_cfg *m, const struct repo_prop *v, size_t n,
    const char *name)
{
	const char	*exec, *tmo, *wd;
	uint64_t	 t;

	method_cfg_free(m);
	if ((exec = repo_prop_str(v, n, name, "exec", NULL)) == NULL)
		return;
	m->exec = xstrdup(exec);
	/* The method's own context, else the instance's or service's. */
	wd = repo_prop_str(v, n, name, "working_directory",
	    repo_prop_str(v, n, "method_context", "working_directory", NULL));
	if (wd != NULL)
		m->wd = xstrdup(wd);
	tmo = repo_prop_str(v, n, name, "timeout_seconds", "0");
	if (str_to_u64(tmo, 0, 86400 * 365, &t) == -1)
		t = 0;
	m->timeout = (unsigned)t;
}

static int
parse_grouping(const char *s)
{
	static const char *const names[] = { "require_all", "require_any",
	    "optional_all", "exclude_all" };
	int	 i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int
parse_restart_on(const char *s)
{
	static const char *const names[] = { "none", "error", "restart",
	    "refresh" };
	int	 i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void
load_deps(struct inst *in, const struct repo_prop *v, size_t n)
{
	const struct repo_prop *ents;
	struct dep	*d;
	size_t		 i, j;
	int		 g, r;

	dep_free(in->deps, in->ndeps);
	in->deps = NULL;
	in->ndeps = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].pgtype, "dependency") != 0 ||
		    strcmp(v[i].name, "entities") != 0)
			continue;
		ents = &v[i];
		g = parse_grouping(repo_prop_str(v, n, ents->pg, "grouping",
		    ""));
		r = parse_restart_on(repo_prop_str(v, n, ents->pg,
		    "restart_on", "none"));
		if (g == -1 || r == -1) {
			log_warnx("%s: dependency %s: bad grouping or "
			    "restart_on, ignored", in->fmri, ents->pg);
			continue;
		}
		in->deps = xreallocarray(in->deps, in->ndeps + 1,
		    sizeof(*in->deps));
		d = &in->deps[in->ndeps++];
		memset(d, 0, sizeof(*d));
		d->name = xstrdup(ents->pg);
		d->grouping = (enum grouping)g;
		d->restart_on = (enum restart_on)r;
		d->is_path = strcmp(repo_prop_str(v, n, ents->pg, "type",
		    "service"), "path") == 0;
		d->ents = xcalloc(ents->nvalues ? ents->nvalues : 1,
		    sizeof(char *));
		for (j = 0; j < ents->nvalues; j++)
			d->ents[d->nents++] = xstrdup(ents->values[j]);
	}
}

void
inst_load_config(struct startd *sd, struct inst *in)
{
	struct repo_prop *v = NULL, *ev = NULL;
	size_t		 n = 0, en = 0;
	const char	*dur, *on;

	if (repo_composed(sd->repo, in->svc_id, in->id, SMF_SNAP_RUNNING, &v,
	    &n) == -1) {
		log_warnx("%s: reading configuration: %s", in->fmri,
		    repo_errmsg(sd->repo));
		return;
	}
	dur = repo_prop_str(v, n, "startd", "duration", "contract");
	if (strcmp(dur, "transient") == 0)
		in->model = MODEL_TRANSIENT;
	else if (strcmp(dur, "child") == 0 || strcmp(dur, "wait") == 0)
		in->model = MODEL_CHILD;
	else
		in->model = MODEL_CONTRACT;
	load_method(&in->start, v, n, "start");
	load_method(&in->stop, v, n, "stop");
	load_method(&in->refresh, v, n, "refresh");
	load_deps(in, v, n);
	repo_props_free(v, n);

	/* general/enabled is read live, not from a snapshot (smf(7)). */
	if (repo_props(sd->repo, repo_ent_inst(in->svc_id, in->id,
	    SMF_SNAP_EDIT), "general", &ev, &en) == 0) {
		on = repo_prop_str(ev, en, "general", "enabled", "false");
		in->enabled = strcmp(on, "true") == 0;
		repo_props_free(ev, en);
	}
}

void
inst_load_all(struct startd *sd)
{
	struct repo_inst *v = NULL;
	struct inst	*in;
	char		 fmri[FMRI_MAX], logname[FMRI_MAX + 8], path[4096];
	size_t		 n = 0, i;

	if (repo_instances(sd->repo, &v, &n) == -1) {
		log_warnx("%s: %s", __func__, repo_errmsg(sd->repo));
		return;
	}
	TAILQ_FOREACH(in, &sd->insts, entry)
		in->seen = 0;
	for (i = 0; i < n; i++) {
		TAILQ_FOREACH(in, &sd->insts, entry)
			if (in->id == v[i].id)
				break;
		if (in == NULL) {
			in = xcalloc(1, sizeof(*in));
			in->sd = sd;
			in->id = v[i].id;
			in->svc_id = v[i].svc_id;
			in->svc = xstrdup(v[i].svc);
			in->name = xstrdup(v[i].inst);
			fmri_format(fmri, sizeof(fmri), in->svc, in->name);
			in->fmri = xstrdup(fmri);
			smf_log_name(logname, sizeof(logname), in->svc,
			    in->name);
			snprintf(path, sizeof(path), "%s/%s/%s", xvm_root(),
			    SMF_LOG_DIR, logname);
			in->logpath = xstrdup(path);
			in->state = SMF_UNINIT;
			in->next_state = SMF_NONE;
			in->enabled_tmp = -1;
			in->stime = time(NULL);
			TAILQ_INSERT_TAIL(&sd->insts, in, entry);
			inst_save(in);
		}
		in->seen = 1;
		inst_load_config(sd, in);
	}
	repo_insts_free(v, n);
}

struct inst *
inst_find_fmri(struct startd *sd, const char *svc, const char *name)
{
	struct inst	*in;

	TAILQ_FOREACH(in, &sd->insts, entry)
		if (strcmp(in->svc, svc) == 0 && strcmp(in->name, name) == 0)
			return in;
	return NULL;
}

struct inst *
inst_resolve(struct startd *sd, const char *pattern, char **cause)
{
	struct inst	*in, *found = NULL;
	int		 n = 0;

	TAILQ_FOREACH(in, &sd->insts, entry) {
		if (!fmri_match(pattern, in->svc, in->name))
			continue;
		found = in;
		n++;
	}
	if (n == 0)
		xasprintf(cause, "Pattern '%s' doesn't match any instances",
		    pattern);
	else if (n > 1)
		xasprintf(cause, "Pattern '%s' matches multiple instances",
		    pattern);
	return n == 1 ? found : NULL;
}

int
inst_enabled(const struct inst *in)
{
	return in->enabled_tmp != -1 ? in->enabled_tmp : in->enabled;
}

void
inst_save(struct inst *in)
{
	struct repo_state	 s;

	memset(&s, 0, sizeof(s));
	s.state = in->state;
	s.next_state = in->next_state;
	s.stime = in->stime;
	s.ctid = in->ctid;
	s.enabled_tmp = in->enabled_tmp;
	s.blocked = in->blocked;
	strlcpy(s.aux, in->aux, sizeof(s.aux));
	strlcpy(s.reason, in->reason, sizeof(s.reason));
	if (repo_state_put(in->sd->repo, in->id, &s) == -1)
		log_warnx("%s: saving state: %s", in->fmri,
		    repo_errmsg(in->sd->repo));
}

void
inst_set_state(struct inst *in, int state, const char *reason)
{
	if (in->state != state) {
		log_info("%s: %s -> %s", in->fmri, smf_state_name(in->state),
		    smf_state_name(state));
		in->stime = time(NULL);
	}
	in->state = state;
	in->next_state = SMF_NONE;
	if (reason != NULL)
		strlcpy(in->reason, reason, sizeof(in->reason));
	if (state == SMF_ONLINE || state == SMF_DISABLED) {
		in->blocked = 0;
		if (reason == NULL)
			in->reason[0] = '\0';
	}
	if (state != SMF_MAINT)
		in->aux[0] = '\0';
	inst_save(in);
}

void
inst_log(struct inst *in, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	smf_log_append(in->logpath, msg);
}
