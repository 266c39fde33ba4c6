/* svcs -l (long listing), svcs -x (explanations), and -d / -D (dependencies). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/paths.h"
#include "smf/fmri.h"
#include "smf/smf.h"
#include "smf/svcs.h"

/* Does dependency entity ent name row r? */
static int
names(const char *ent, const struct svcs_row *r)
{
	struct fmri	 f;
	char		*cause = NULL;

	if (fmri_parse(ent, &f, &cause) == -1) {
		free(cause);
		return 0;
	}
	return strcmp(f.svc, r->ri->svc) == 0 &&
	    (f.inst[0] == '\0' || strcmp(f.inst, r->ri->inst) == 0);
}

static int
depends_on(const struct svcs_row *a, const struct svcs_row *b, int excl)
{
	const char	*g;
	size_t		 i, j;

	for (i = 0; i < a->nprops; i++) {
		if (strcmp(a->props[i].pgtype, "dependency") != 0 ||
		    strcmp(a->props[i].name, "entities") != 0)
			continue;
		g = repo_prop_str(a->props, a->nprops, a->props[i].pg,
		    "grouping", "");
		if (!excl && strcmp(g, "exclude_all") == 0)
			continue;
		for (j = 0; j < a->props[i].nvalues; j++)
			if (names(a->props[i].values[j], b))
				return 1;
	}
	return 0;
}

size_t
svcs_deps_of(const struct svcs_ctx *ctx, const struct svcs_row *r,
    size_t *out, size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < ctx->nrows; i++)
		if (&ctx->rows[i] != r && depends_on(r, &ctx->rows[i], 1) &&
		    n < max)
			out[n++] = i;
	return n;
}

size_t
svcs_dependents_of(const struct svcs_ctx *ctx, const struct svcs_row *r,
    size_t *out, size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < ctx->nrows; i++)
		if (&ctx->rows[i] != r && depends_on(&ctx->rows[i], r, 1) &&
		    n < max)
			out[n++] = i;
	return n;
}

static void
long_time(char *buf, size_t size, time_t t)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%a %b %d %H:%M:%S %Y", &tm);
}

static void
log_path(const struct svcs_row *r, char *buf, size_t size)
{
	char	 name[600];

	smf_log_name(name, sizeof(name), r->ri->svc, r->ri->inst);
	snprintf(buf, size, "%s/%s/%s", xvm_root(), SMF_LOG_DIR, name);
}

static const char *
up_state(const struct svcs_ctx *ctx, const char *ent)
{
	struct fmri	 f;
	char		*cause = NULL;
	size_t		 i;

	if (fmri_parse(ent, &f, &cause) == -1) {
		free(cause);
		return "absent";
	}
	for (i = 0; i < ctx->nrows; i++)
		if (strcmp(ctx->rows[i].ri->svc, f.svc) == 0 &&
		    (f.inst[0] == '\0' ||
		    strcmp(ctx->rows[i].ri->inst, f.inst) == 0))
			return smf_state_name(ctx->rows[i].st.state);
	return "absent";
}

void
svcs_long(const struct svcs_ctx *ctx, const struct svcs_row *r)
{
	char		 when[64], path[4096];
	size_t		 i, j;
	const char	*g, *ro;

	long_time(when, sizeof(when), r->st.stime);
	log_path(r, path, sizeof(path));
	printf("%-12s %s\n", "fmri", r->fmri);
	if (r->desc != NULL)
		printf("%-12s %s\n", "name", r->desc);
	printf("%-12s %s%s\n", "enabled", r->enabled ? "true" : "false",
	    r->st.enabled_tmp != -1 ? " (temporary)" : "");
	printf("%-12s %s\n", "state", smf_state_name(r->st.state));
	printf("%-12s %s\n", "next_state", r->st.next_state == SMF_NONE ?
	    "none" : smf_state_name(r->st.next_state));
	printf("%-12s %s\n", "state_time", when);
	if (r->st.aux[0] != '\0')
		printf("%-12s %s\n", "aux_state", r->st.aux);
	printf("%-12s %s\n", "logfile", path);
	printf("%-12s %s\n", "restarter", repo_prop_str(r->props, r->nprops,
	    "general", "restarter", SMF_RESTARTER_FMRI));
	if (r->st.ctid > 0)
		printf("%-12s %lld\n", "contract_id", (long long)r->st.ctid);
	for (i = 0; i < r->nprops; i++) {
		if (strcmp(r->props[i].pgtype, "dependency") != 0 ||
		    strcmp(r->props[i].name, "entities") != 0)
			continue;
		g = repo_prop_str(r->props, r->nprops, r->props[i].pg,
		    "grouping", "?");
		ro = repo_prop_str(r->props, r->nprops, r->props[i].pg,
		    "restart_on", "?");
		printf("%-12s %s/%s", "dependency", g, ro);
		for (j = 0; j < r->props[i].nvalues; j++) {
			const char *e = r->props[i].values[j];

			printf(" %s", e);
			if (strncmp(e, "svc:", 4) == 0)
				printf(" (%s)", up_state(ctx, e));
		}
		printf("\n");
	}
	printf("\n");
}

int
svcs_troubled(const struct svcs_row *r)
{
	switch (r->st.state) {
	case SMF_MAINT:
	case SMF_DEGRADED:
		return 1;
	case SMF_OFFLINE:
	case SMF_UNINIT:
		return r->enabled;
	default:
		return 0;
	}
}

static const char *
reason_of(const struct svcs_row *r)
{
	if (r->st.reason[0] != '\0')
		return r->st.reason;
	switch (r->st.state) {
	case SMF_DISABLED:
		return "Disabled by an administrator.";
	case SMF_ONLINE:
		return "The service is running.";
	case SMF_OFFLINE:
		return r->st.next_state == SMF_ONLINE ?
		    "Start method is running." :
		    "The service is waiting to start.";
	case SMF_UNINIT:
		return "svc.startd has not yet started the service.";
	default:
		return "Unknown.";
	}
}

/* Dependents (transitively) that are down because r is. */
static void
impact(const struct svcs_ctx *ctx, const struct svcs_row *r, int verbose)
{
	size_t		*seen, *list, nl = 0, i, j, k, n;
	size_t		 d[256];

	if (r->st.state == SMF_ONLINE) {
		printf("Impact: None.\n");
		return;
	}
	seen = calloc(ctx->nrows ? ctx->nrows : 1, sizeof(*seen));
	list = calloc(ctx->nrows ? ctx->nrows : 1, sizeof(*list));
	if (seen == NULL || list == NULL) {
		free(seen);
		free(list);
		return;
	}
	n = svcs_dependents_of(ctx, r, d, 256);
	for (i = 0; i < n; i++)
		if (!seen[d[i]] && ctx->rows[d[i]].st.state != SMF_ONLINE) {
			seen[d[i]] = 1;
			list[nl++] = d[i];
		}
	for (i = 0; i < nl; i++) {
		n = svcs_dependents_of(ctx, &ctx->rows[list[i]], d, 256);
		for (j = 0; j < n; j++) {
			k = d[j];
			if (!seen[k] && &ctx->rows[k] != r &&
			    ctx->rows[k].st.state != SMF_ONLINE) {
				seen[k] = 1;
				list[nl++] = k;
			}
		}
	}
	if (nl == 0)
		printf("Impact: This service is not running.\n");
	else if (!verbose)
		printf("Impact: %zu dependent service%s not running.  (Use -v "
		    "for list.)\n", nl, nl == 1 ? " is" : "s are");
	else {
		printf("Impact: %zu dependent service%s not running:\n", nl,
		    nl == 1 ? " is" : "s are");
		for (i = 0; i < nl; i++)
			printf("        %s\n", ctx->rows[list[i]].fmri);
	}
	free(seen);
	free(list);
}

void
svcs_explain(const struct svcs_ctx *ctx, const struct svcs_row *r,
    int verbose)
{
	const char	*t, *s, *m;
	char		 when[64], path[4096];
	size_t		 i;

	long_time(when, sizeof(when), r->st.stime);
	log_path(r, path, sizeof(path));
	printf("%s", r->fmri);
	if (r->desc != NULL)
		printf(" (%s)", r->desc);
	printf("\n State: %s since %s\n", smf_state_name(r->st.state), when);
	printf("Reason: %s\n", reason_of(r));
	if (verbose && r->st.aux[0] != '\0')
		printf("   See: auxiliary state %s\n", r->st.aux);
	for (i = 0; i < r->nprops; i++) {
		if (strncmp(r->props[i].pg, "tm_man_", 7) != 0 ||
		    strcmp(r->props[i].name, "title") != 0)
			continue;
		t = repo_prop_str(r->props, r->nprops, r->props[i].pg,
		    "title", "");
		s = repo_prop_str(r->props, r->nprops, r->props[i].pg,
		    "section", "");
		m = repo_prop_str(r->props, r->nprops, r->props[i].pg,
		    "manpath", "/usr/share/man");
		if (verbose)
			printf("   See: man -M %s -s %s %s\n", m, s, t);
		else
			printf("   See: %s(%s)\n", t, s);
	}
	printf("   See: %s\n", path);
	impact(ctx, r, verbose);
	printf("\n");
}
