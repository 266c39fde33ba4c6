/* svcs(1): report service status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "smf/client.h"
#include "smf/fmri.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/svcs.h"

#define MAXCOLS	16

static void
usage(void)
{
	fprintf(stderr, "Usage: svcs [-aHpv] [-o col[,col]...] [-R restarter] "
	    "[-sS col] [<service> ...]\n"
	    "       svcs -d | -D [-Hpv] [-o col[,col]...] [-sS col] "
	    "<service> ...\n"
	    "       svcs -l <service> ...\n"
	    "       svcs -x [-v] [<service> ...]\n"
	    "       svcs -?\n");
	exit(2);
}

static void
load_rows(struct svcs_ctx *ctx, struct repo_inst *all, size_t nall)
{
	struct repo_prop	*ev = NULL;
	struct svcs_row		*r;
	size_t			 i, en = 0;
	const char		*d;

	ctx->rows = xcalloc(nall ? nall : 1, sizeof(*ctx->rows));
	ctx->nrows = nall;
	for (i = 0; i < nall; i++) {
		r = &ctx->rows[i];
		r->ri = &all[i];
		fmri_format(r->fmri, sizeof(r->fmri), all[i].svc,
		    all[i].inst);
		if (repo_state_get(ctx->repo, all[i].id, &r->st) == -1 &&
		    errno != ENOENT)
			log_warnx("repository: %s", repo_errmsg(ctx->repo));
		if (repo_composed(ctx->repo, all[i].svc_id, all[i].id,
		    SMF_SNAP_RUNNING, &r->props, &r->nprops) == -1) {
			r->props = NULL;
			r->nprops = 0;
		}
		if ((d = repo_prop_str(r->props, r->nprops, "tm_common_name",
		    "C", NULL)) != NULL)
			r->desc = xstrdup(d);
		if (repo_props(ctx->repo, repo_ent_inst(all[i].svc_id,
		    all[i].id, SMF_SNAP_EDIT), "general", &ev, &en) == 0) {
			r->enabled = strcmp(repo_prop_str(ev, en, "general",
			    "enabled", "false"), "true") == 0;
			repo_props_free(ev, en);
		}
		if (r->st.enabled_tmp != -1)
			r->enabled = r->st.enabled_tmp;
	}
}

/* -R: is the row's restarter (general/restarter, else svc.startd) named? */
static int
svcs_restarted_by(const struct svcs_row *r, const char *pattern)
{
	struct fmri	 f;
	const char	*rs;
	char		*cause = NULL;

	rs = repo_prop_str(r->props, r->nprops, "general", "restarter",
	    SMF_RESTARTER_FMRI);
	if (fmri_parse(rs, &f, &cause) == -1) {
		free(cause);
		return 0;
	}
	return fmri_match(pattern, f.svc, f.inst);
}

int
main(int argc, char **argv)
{
	struct svcs_ctx	 ctx;
	struct repo_inst *all = NULL;
	struct svcs_row	**sel;
	size_t		 nall = 0, nsel = 0, i, j, ncols = 0, nkeys = 0, n;
	size_t		*idx, d[1024];
	int		 cols[MAXCOLS], keys[MAXCOLS], rev[MAXCOLS];
	int		 ch, aflag = 0, Hflag = 0, pflag = 0, vflag = 0;
	int		 xflag = 0, lflag = 0, dflag = 0, Dflag = 0, k, rc = 0;
	const char	*ocols = NULL, *restarter = NULL;
	char		*seen;

	smf_cmd_init("svcs", &argc, argv);
	while ((ch = getopt(argc, argv, "aHpvxldDo:s:S:R:?")) != -1) {
		switch (ch) {
		case 'a': aflag = 1; break;
		case 'H': Hflag = 1; break;
		case 'p': pflag = 1; break;
		case 'v': vflag = 1; break;
		case 'x': xflag = 1; break;
		case 'l': lflag = 1; break;
		case 'd': dflag = 1; break;
		case 'D': Dflag = 1; break;
		case 'o': ocols = optarg; break;
		case 'R':
			restarter = optarg;
			break;
		case 's':
		case 'S':
			if ((k = svcs_sort_key(optarg)) == -1 ||
			    nkeys == MAXCOLS) {
				fprintf(stderr, "svcs: Unrecognized column "
				    "\"%s\".\n", optarg);
				exit(2);
			}
			rev[nkeys] = ch == 'S';
			keys[nkeys++] = k;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((dflag && Dflag) || ((dflag || Dflag || lflag) && argc == 0) ||
	    (aflag && argc > 0))
		usage();
	if (ocols != NULL) {
		if (svcs_columns(ocols, cols, MAXCOLS, &ncols) == -1)
			exit(2);
	} else if (vflag)
		svcs_columns("state,nstate,stime,ctid,fmri", cols, MAXCOLS,
		    &ncols);
	else
		svcs_columns("state,stime,fmri", cols, MAXCOLS, &ncols);
	if (nkeys == 0) {
		keys[0] = svcs_sort_key("state");
		keys[1] = svcs_sort_key("stime");
		rev[0] = rev[1] = 0;
		nkeys = 2;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.repo = smf_cmd_repo(0);
	ctx.startd = smf_startd_pid();
	/* One consistent view of the repository for the whole listing. */
	if (repo_begin_read(ctx.repo) == -1 ||
	    repo_instances(ctx.repo, &all, &nall) == -1) {
		log_warnx("repository: %s", repo_errmsg(ctx.repo));
		exit(1);
	}
	load_rows(&ctx, all, nall);
	(void)repo_commit(ctx.repo);
	sel = xcalloc(nall ? nall : 1, sizeof(*sel));
	seen = xcalloc(nall ? nall : 1, 1);
	idx = xcalloc(nall ? nall : 1, sizeof(*idx));
	for (i = 0; i < (size_t)argc; i++) {
		n = smf_match(argv[i], all, nall, idx, nall);
		if (n == 0) {
			fprintf(stderr, "svcs: Pattern '%s' doesn't match any "
			    "instances\n", argv[i]);
			rc = 1;
		}
		for (j = 0; j < n && j < nall; j++) {
			if (dflag || Dflag) {
				size_t m, q;

				m = dflag ? svcs_deps_of(&ctx,
				    &ctx.rows[idx[j]], d, 1024) :
				    svcs_dependents_of(&ctx, &ctx.rows[idx[j]],
				    d, 1024);
				for (q = 0; q < m; q++)
					if (!seen[d[q]]) {
						seen[d[q]] = 1;
						sel[nsel++] = &ctx.rows[d[q]];
					}
			} else if (!seen[idx[j]]) {
				seen[idx[j]] = 1;
				sel[nsel++] = &ctx.rows[idx[j]];
			}
		}
	}
	if (argc == 0)
		for (i = 0; i < nall; i++) {
			if (xflag ? !svcs_troubled(&ctx.rows[i]) :
			    !aflag && ctx.rows[i].st.state == SMF_DISABLED)
				continue;
			if (restarter != NULL && !svcs_restarted_by(&ctx.rows[i],
			    restarter))
				continue;
			sel[nsel++] = &ctx.rows[i];
		}
	svcs_sort(sel, nsel, keys, rev, nkeys);
	if (xflag) {
		for (i = 0; i < nsel; i++)
			svcs_explain(&ctx, sel[i], vflag);
	} else if (lflag) {
		for (i = 0; i < nsel; i++)
			svcs_long(&ctx, sel[i]);
	} else {
		/* All of /proc: an adopted contract is not svc.startd's. */
		if (pflag)
			(void)smf_procs_scan(0, xvm_root(), &ctx.procs);
		if (!Hflag)
			svcs_header(cols, ncols);
		for (i = 0; i < nsel; i++) {
			svcs_print(sel[i], cols, ncols);
			if (pflag)
				svcs_procs(&ctx, sel[i]);
		}
	}
	for (i = 0; i < nall; i++) {
		free(ctx.rows[i].desc);
		repo_props_free(ctx.rows[i].props, ctx.rows[i].nprops);
	}
	smf_procs_free(&ctx.procs);
	free(ctx.rows);
	free(sel);
	free(seen);
	free(idx);
	repo_insts_free(all, nall);
	repo_close(ctx.repo);
	return rc;
}
