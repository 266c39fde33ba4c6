/* svcs(1) output columns (-o, -s, -S), the header, sorting and -p. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/xmalloc.h"
#include "smf/procs.h"
#include "smf/fmri.h"
#include "smf/smf.h"
#include "smf/svcs.h"

enum col {
	COL_CTID, COL_DESC, COL_FMRI, COL_INST, COL_NSTA, COL_NSTATE,
	COL_SCOPE, COL_SVC, COL_STA, COL_STATE, COL_STIME, NCOLS
};

struct column {
	const char	*name;
	int		 width;		/* 0: the last column, unpadded */
	void		(*fmt)(const struct svcs_row *, char *, size_t);
};

void
svcs_stime(char *buf, size_t size, time_t t)
{
	struct tm	 tm;
	time_t		 now = time(NULL);

	if (t == 0) {
		snprintf(buf, size, "-");
		return;
	}
	localtime_r(&t, &tm);
	if (now - t < 24 * 3600 && now >= t)
		strftime(buf, size, "%H:%M:%S", &tm);
	else if (now - t < 365 * 24 * 3600)
		strftime(buf, size, "%b_%d", &tm);
	else
		strftime(buf, size, "%Y", &tm);
}

static void
f_ctid(const struct svcs_row *r, char *b, size_t n)
{
	if (r->st.ctid > 0)
		snprintf(b, n, "%lld", (long long)r->st.ctid);
	else
		snprintf(b, n, "-");
}

static void
f_desc(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->desc != NULL ? r->desc : "-");
}

static void
f_fmri(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->fmri);
}

static void
f_inst(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s", r->ri->inst);
}

static void
f_nsta(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s", smf_state_abbrev(r->st.next_state));
}

static void
f_nstate(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s", smf_state_name(r->st.next_state));
}

static void
f_scope(const struct svcs_row *r, char *b, size_t n)
{
	(void)r;
	snprintf(b, n, "localhost");
}

static void
f_svc(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "svc:/%s", r->ri->svc);
}

static void
f_sta(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s%s", smf_state_abbrev(r->st.state),
	    r->st.next_state != SMF_NONE ? "*" : "");
}

static void
f_state(const struct svcs_row *r, char *b, size_t n)
{
	snprintf(b, n, "%s%s", smf_state_name(r->st.state),
	    r->st.next_state != SMF_NONE ? "*" : "");
}

static void
f_stime(const struct svcs_row *r, char *b, size_t n)
{
	svcs_stime(b, n, r->st.stime);
}

static const struct column columns[NCOLS] = {
	[COL_CTID] = { "CTID", 6, f_ctid },
	[COL_DESC] = { "DESC", 40, f_desc },
	[COL_FMRI] = { "FMRI", 60, f_fmri },
	[COL_INST] = { "INST", 14, f_inst },
	[COL_NSTA] = { "NSTA", 4, f_nsta },
	[COL_NSTATE] = { "NSTATE", 14, f_nstate },
	[COL_SCOPE] = { "SCOPE", 9, f_scope },
	[COL_SVC] = { "SVC", 40, f_svc },
	[COL_STA] = { "STA", 4, f_sta },
	[COL_STATE] = { "STATE", 14, f_state },
	[COL_STIME] = { "STIME", 8, f_stime },
};

int
svcs_sort_key(const char *name)
{
	int	 i;

	for (i = 0; i < NCOLS; i++)
		if (strcasecmp(name, columns[i].name) == 0)
			return i;
	return -1;
}

int
svcs_columns(const char *list, int *cols, size_t max, size_t *n)
{
	char	*copy = xstrdup(list), *tok, *save = NULL;
	int	 c;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((c = svcs_sort_key(tok)) == -1 || *n == max) {
			fprintf(stderr, "svcs: Unrecognized column \"%s\".\n",
			    tok);
			free(copy);
			return -1;
		}
		cols[(*n)++] = c;
	}
	free(copy);
	return *n > 0 ? 0 : -1;
}

void
svcs_header(const int *cols, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i + 1 == n)
			printf("%s\n", columns[cols[i]].name);
		else
			printf("%-*s ", columns[cols[i]].width,
			    columns[cols[i]].name);
	}
}

void
svcs_print(const struct svcs_row *r, const int *cols, size_t n)
{
	char	 b[600];
	size_t	 i;

	for (i = 0; i < n; i++) {
		columns[cols[i]].fmt(r, b, sizeof(b));
		if (i + 1 == n)
			printf("%s\n", b);
		else
			printf("%-*s ", columns[cols[i]].width, b);
	}
}

/* svcs(1)'s state order: what needs attention sorts last. */
static int
state_rank(int st)
{
	static const int rank[SMF_NSTATES] = {
		[SMF_DISABLED] = 0, [SMF_UNINIT] = 1, [SMF_ONLINE] = 2,
		[SMF_DEGRADED] = 3, [SMF_OFFLINE] = 4, [SMF_MAINT] = 5,
	};

	return st >= 0 && st < SMF_NSTATES ? rank[st] : 6;
}

static const int *sort_keys, *sort_rev;
static size_t sort_nkeys;

static int
cmp_rows(const void *a, const void *b)
{
	const struct svcs_row *x = *(const struct svcs_row *const *)a;
	const struct svcs_row *y = *(const struct svcs_row *const *)b;
	char	 bx[600], by[600];
	size_t	 i;
	int	 c;

	for (i = 0; i < sort_nkeys; i++) {
		switch (sort_keys[i]) {
		case COL_STATE:
		case COL_STA:
			c = state_rank(x->st.state) - state_rank(y->st.state);
			break;
		case COL_STIME:
			c = x->st.stime < y->st.stime ? -1 :
			    x->st.stime > y->st.stime;
			break;
		case COL_CTID:
			c = x->st.ctid < y->st.ctid ? -1 :
			    x->st.ctid > y->st.ctid;
			break;
		default:
			columns[sort_keys[i]].fmt(x, bx, sizeof(bx));
			columns[sort_keys[i]].fmt(y, by, sizeof(by));
			c = strcmp(bx, by);
			break;
		}
		if (c != 0)
			return sort_rev[i] ? -c : c;
	}
	return strcmp(x->fmri, y->fmri);
}

void
svcs_sort(struct svcs_row **v, size_t n, const int *keys, const int *rev,
    size_t nkeys)
{
	sort_keys = keys;
	sort_rev = rev;
	sort_nkeys = nkeys;
	qsort(v, n, sizeof(*v), cmp_rows);
}

void
svcs_procs(const struct svcs_ctx *ctx, const struct svcs_row *r)
{
	pid_t	 pids[256];
	size_t	 n, i;
	char	 path[64], comm[64], when[16];
	FILE	*f;

	n = smf_procs_find(&ctx->procs, r->fmri, pids, 256);
	for (i = 0; i < n && i < 256; i++) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
		comm[0] = '\0';
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(comm, sizeof(comm), f) == NULL)
				comm[0] = '\0';
			fclose(f);
		}
		comm[strcspn(comm, "\n")] = '\0';
		svcs_stime(when, sizeof(when), r->st.stime);
		printf("%-14s %-8s %7d %s\n", "", when, (int)pids[i], comm);
	}
}
