/* svcprop(1): retrieve values of service configuration properties. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "smf/client.h"
#include "smf/fmri.h"
#include "smf/repo.h"
#include "smf/smf.h"

#define MAXP	32

static int	 tflag, qflag, fflag;

static void
usage(void)
{
	fprintf(stderr, "Usage: svcprop [-fqt] [-C | -c | -s snapshot] "
	    "[-p [name/]name]... {FMRI | pattern}...\n");
	exit(2);
}

/* A value as svcprop prints it: shell-safe, spaces escaped. */
static void
print_value(const char *v)
{
	const char	*p;

	if (*v == '\0') {
		fputs("\"\"", stdout);
		return;
	}
	for (p = v; *p != '\0'; p++) {
		if (strchr(" \t\n\\\"'", *p) != NULL)
			putchar('\\');
		putchar(*p);
	}
}

static void
print_prop(const char *fmri, const struct repo_prop *p, int full)
{
	size_t	 i;

	if (full || tflag) {
		if (fflag)
			printf("%s/:properties/", fmri);
		printf("%s/%s %s ", p->pg, p->name, p->type);
	}
	for (i = 0; i < p->nvalues; i++) {
		if (i > 0)
			putchar(' ');
		print_value(p->values[i]);
	}
	putchar('\n');
}

static int
show(const char *fmri, const struct repo_prop *v, size_t n, char **want,
    size_t nwant)
{
	const char	*slash;
	size_t		 i, j, hits;
	int		 rc = 0;

	if (nwant == 0) {
		for (i = 0; i < n; i++)
			if (!qflag)
				print_prop(fmri, &v[i], 1);
		return 0;
	}
	for (j = 0; j < nwant; j++) {
		slash = strchr(want[j], '/');
		hits = 0;
		for (i = 0; i < n; i++) {
			if (slash != NULL) {
				if (strlen(v[i].pg) != (size_t)(slash -
				    want[j]) || strncmp(v[i].pg, want[j],
				    (size_t)(slash - want[j])) != 0 ||
				    strcmp(v[i].name, slash + 1) != 0)
					continue;
			} else if (strcmp(v[i].pg, want[j]) != 0)
				continue;
			hits++;
			if (!qflag)
				print_prop(fmri, &v[i], slash == NULL);
		}
		if (hits == 0) {
			if (!qflag)
				fprintf(stderr, "svcprop: Couldn't find "
				    "property `%s' for instance `%s'.\n",
				    want[j], fmri);
			rc = 1;
		}
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct repo	*r;
	struct repo_inst *all = NULL;
	struct repo_prop *v;
	struct fmri	 f;
	char		*want[MAXP], fmri[600], *cause;
	const char	*snap = SMF_SNAP_RUNNING;
	size_t		 nwant = 0, nall = 0, n, i, idx[2];
	int64_t		 sid;
	int		 ch, cflag = 0, Cflag = 0, rc = 0;

	smf_cmd_init("svcprop", &argc, argv);
	while ((ch = getopt(argc, argv, "Ccfp:qs:t")) != -1) {
		switch (ch) {
		case 'C': Cflag = 1; break;
		case 'c': cflag = 1; snap = SMF_SNAP_EDIT; break;
		case 'f': fflag = 1; break;
		case 'p':
			if (nwant == MAXP)
				usage();
			want[nwant++] = optarg;
			break;
		case 'q': qflag = 1; break;
		case 's': snap = optarg; break;
		case 't': tflag = 1; break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (cflag && Cflag))
		usage();
	r = smf_cmd_repo(0);
	if (repo_instances(r, &all, &nall) == -1) {
		log_warnx("repository: %s", repo_errmsg(r));
		exit(1);
	}
	for (i = 0; i < (size_t)argc; i++) {
		v = NULL;
		n = 0;
		cause = NULL;
		/* A service FMRI shows the service's own properties. */
		if (strncmp(argv[i], "svc:/", 5) == 0 &&
		    fmri_parse(argv[i], &f, &cause) == 0 && f.inst[0] == '\0') {
			if ((sid = repo_service(r, f.svc, 0)) == -1) {
				fprintf(stderr, "svcprop: Pattern '%s' doesn't "
				    "match any entities\n", argv[i]);
				rc = 1;
				continue;
			}
			repo_props(r, repo_ent_svc(sid, SMF_SNAP_EDIT), NULL,
			    &v, &n);
			rc |= show(argv[i], v, n, want, nwant);
			repo_props_free(v, n);
			continue;
		}
		free(cause);
		if (smf_match(argv[i], all, nall, idx, 2) != 1) {
			fprintf(stderr, "svcprop: Pattern '%s' %s\n", argv[i],
			    smf_match(argv[i], all, nall, idx, 2) == 0 ?
			    "doesn't match any entities" :
			    "matches multiple instances");
			rc = 1;
			continue;
		}
		fmri_format(fmri, sizeof(fmri), all[idx[0]].svc,
		    all[idx[0]].inst);
		if (Cflag)
			repo_props(r, repo_ent_inst(all[idx[0]].svc_id,
			    all[idx[0]].id, SMF_SNAP_EDIT), NULL, &v, &n);
		else
			repo_composed(r, all[idx[0]].svc_id, all[idx[0]].id,
			    snap, &v, &n);
		rc |= show(fmri, v, n, want, nwant);
		repo_props_free(v, n);
	}
	repo_insts_free(all, nall);
	repo_close(r);
	return rc;
}
