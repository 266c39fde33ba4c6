/*
 * Dependency evaluation (smf(7)).  Each entity is up (online, degraded,
 * or an existing file), waiting (may come up unaided: offline or
 * uninitialized and enabled, not blocked) or down for good (disabled,
 * maintenance, absent, or blocked on its own dependencies).  A group is:
 *
 *   require_all   satisfied when all are up; unsatisfiable if one is down
 *   require_any   satisfied when one is up; unsatisfiable if all are down
 *   optional_all  satisfied when each is up or down for good
 *   exclude_all   satisfied when none is up or waiting
 *
 * A dependency on a service (no instance) is a require_any over its
 * instances, as illumos's graph engine treats it.  Example: ssh requires
 * net (require_all) and net is disabled: ssh is offline, blocked, and
 * svcs -x says "Service svc:/net:default is disabled."
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/paths.h"
#include "lib/str.h"
#include "smf/fmri.h"
#include "smf/smf.h"
#include "smf/startd/startd.h"

enum cat { C_UP, C_WAIT, C_DOWN };

static enum cat
inst_cat(const struct inst *x)
{
	/* Still online but on its way down: not something to start on. */
	if (x->stop_pending || x->meth == METH_STOP || x->meth == METH_DRAIN)
		return inst_enabled(x) && x->stop_target == SMF_OFFLINE ?
		    C_WAIT : C_DOWN;
	switch (x->state) {
	case SMF_ONLINE:
	case SMF_DEGRADED:
		return C_UP;
	case SMF_MAINT:
	case SMF_DISABLED:
		return C_DOWN;
	case SMF_UNINIT:
		return inst_enabled(x) ? C_WAIT : C_DOWN;
	default:
		return inst_enabled(x) && !x->blocked ? C_WAIT : C_DOWN;
	}
}

static const char *
down_words(const struct inst *x)
{
	switch (x->state) {
	case SMF_MAINT:
		return "is in maintenance";
	case SMF_DISABLED:
		return "is disabled";
	default:
		return inst_enabled(x) ? "has unsatisfied dependencies" :
		    "is disabled";
	}
}

static const char *
file_path(const char *ent)
{
	if (str_has_prefix(ent, "file://localhost/"))
		return ent + 16;
	if (str_has_prefix(ent, "file:///"))
		return ent + 7;
	return NULL;
}

/* The category of one entity, and words for svcs -x when not up. */
static enum cat
entity_cat(struct startd *sd, const char *ent, char *why, size_t whysize,
    struct inst *ignore)
{
	struct fmri	 f;
	struct inst	*x;
	struct stat	 st;
	const char	*path;
	char		 full[4096], *cause = NULL;
	enum cat	 best = C_DOWN, c;
	int		 any = 0;

	if ((path = file_path(ent)) != NULL) {
		snprintf(full, sizeof(full), "%s%s", xvm_root(), path);
		if (stat(full, &st) == 0)
			return C_UP;
		snprintf(why, whysize, "Dependency %s is absent.", ent);
		return C_DOWN;
	}
	if (fmri_parse(ent, &f, &cause) == -1) {
		free(cause);
		snprintf(why, whysize, "Dependency %s is not a valid FMRI.",
		    ent);
		return C_DOWN;
	}
	TAILQ_FOREACH(x, &sd->insts, entry) {
		if (x == ignore || strcmp(x->svc, f.svc) != 0 ||
		    (f.inst[0] != '\0' && strcmp(x->name, f.inst) != 0))
			continue;
		c = inst_cat(x);
		if (!any || c < best) {
			best = c;
			if (c == C_DOWN)
				snprintf(why, whysize, "Service %s %s.",
				    x->fmri, down_words(x));
			else if (c == C_WAIT)
				snprintf(why, whysize, "Dependency %s is "
				    "not running yet.", x->fmri);
		}
		any = 1;
	}
	if (!any)
		snprintf(why, whysize, "Dependency %s is absent.", ent);
	return best;
}

static enum dep_status
group_eval(struct startd *sd, struct dep *d, char *why, size_t whysize)
{
	char		 w[512];
	size_t		 i;
	int		 up = 0, wait = 0, down = 0;
	enum cat	 c;
	const char	*first_down = NULL;
	char		 downwhy[512] = "", waitwhy[512] = "", upwhy[512] = "";

	for (i = 0; i < d->nents; i++) {
		w[0] = '\0';
		c = entity_cat(sd, d->ents[i], w, sizeof(w), NULL);
		if (c == C_UP) {
			up++;
			if (upwhy[0] == '\0')
				snprintf(upwhy, sizeof(upwhy), "Excluded "
				    "service %s is running.", d->ents[i]);
		} else if (c == C_WAIT) {
			wait++;
			if (waitwhy[0] == '\0')
				strlcpy(waitwhy, w, sizeof(waitwhy));
		} else {
			down++;
			if (first_down == NULL) {
				first_down = d->ents[i];
				strlcpy(downwhy, w, sizeof(downwhy));
			}
		}
	}
	switch (d->grouping) {
	case G_REQUIRE_ALL:
		if (down > 0) {
			strlcpy(why, downwhy, whysize);
			return DEP_UNSAT;
		}
		if (wait > 0) {
			strlcpy(why, waitwhy, whysize);
			return DEP_WAIT;
		}
		return DEP_SAT;
	case G_REQUIRE_ANY:
		if (up > 0)
			return DEP_SAT;
		if (wait > 0) {
			strlcpy(why, waitwhy, whysize);
			return DEP_WAIT;
		}
		strlcpy(why, downwhy, whysize);
		return DEP_UNSAT;
	case G_OPTIONAL_ALL:
		if (wait > 0) {
			strlcpy(why, waitwhy, whysize);
			return DEP_WAIT;
		}
		return DEP_SAT;
	case G_EXCLUDE_ALL:
		if (up > 0) {
			strlcpy(why, upwhy, whysize);
			return DEP_UNSAT;
		}
		if (wait > 0) {
			snprintf(why, whysize, "Excluded service %s may "
			    "start.", d->ents[0]);
			return DEP_WAIT;
		}
		return DEP_SAT;
	}
	return DEP_SAT;
}

enum dep_status
deps_eval(struct startd *sd, struct inst *in, char *why, size_t whysize)
{
	enum dep_status	 worst = DEP_SAT, s;
	char		 w[512];
	size_t		 i;

	why[0] = '\0';
	for (i = 0; i < in->ndeps; i++) {
		w[0] = '\0';
		s = group_eval(sd, &in->deps[i], w, sizeof(w));
		if (s > worst) {
			worst = s;
			strlcpy(why, w, whysize);
		}
	}
	return worst;
}

/* Does entity ent name instance x? */
static int
names(const char *ent, const struct inst *x)
{
	struct fmri	 f;
	char		*cause = NULL;

	if (fmri_parse(ent, &f, &cause) == -1) {
		free(cause);
		return 0;
	}
	return strcmp(f.svc, x->svc) == 0 &&
	    (f.inst[0] == '\0' || strcmp(f.inst, x->name) == 0);
}

struct dep *
deps_on(struct inst *in, struct inst *other)
{
	size_t	 i, j;

	for (i = 0; i < in->ndeps; i++) {
		if (in->deps[i].is_path)
			continue;
		for (j = 0; j < in->deps[i].nents; j++)
			if (names(in->deps[i].ents[j], other))
				return &in->deps[i];
	}
	return NULL;
}

int
deps_other_satisfies(struct startd *sd, struct inst *in, struct dep *d,
    struct inst *gone)
{
	char	 w[512];
	size_t	 i;

	(void)in;
	for (i = 0; i < d->nents; i++)
		if (entity_cat(sd, d->ents[i], w, sizeof(w), gone) == C_UP)
			return 1;
	return 0;
}
