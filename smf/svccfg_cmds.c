/* svccfg(8) subcommands, one function each, dispatched through svccfg_cmds[]. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/client.h"
#include "smf/fmri.h"
#include "smf/import.h"
#include "smf/manifest.h"
#include "smf/proto.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/svccfg.h"

static int
repo_fail(struct svccfg *sc, const char *what)
{
	if (errno == EIO)
		log_warnx("%s: repository: %s", what, repo_errmsg(sc->repo));
	else
		log_warnx("%s: %s", what, strerror(errno));
	return 1;
}

static int
cmd_import(struct svccfg *sc, int argc, char **argv)
{
	struct manifest	*m;
	const char	*file = argv[argc - 1];
	char		*cause = NULL;

	if (argc == 2 && strcmp(argv[0], "-V") != 0)
		return 2;
	if ((m = mf_parse_file(file, &cause)) == NULL ||
	    smf_import(sc->repo, m, &cause) == -1) {
		log_warnx("%s", cause);
		free(cause);
		mf_free(m);
		return 1;
	}
	mf_free(m);
	svccfg_reload();
	return 0;
}

static int
cmd_validate(struct svccfg *sc, int argc, char **argv)
{
	struct manifest	*m;
	char		*cause = NULL;

	(void)sc;
	(void)argc;
	if ((m = mf_parse_file(argv[0], &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
		return 1;
	}
	mf_free(m);
	return 0;
}

static int
cmd_export(struct svccfg *sc, int argc, char **argv)
{
	(void)argc;
	return svccfg_export(sc, argv[0]);
}

static int
cmd_delete(struct svccfg *sc, int argc, char **argv)
{
	struct fmri	 f;
	struct repo_state st;
	char		*cause = NULL;
	const char	*what = argv[argc - 1];
	int64_t		 sid, iid;
	int		 force = argc == 2 && strcmp(argv[0], "-f") == 0;

	if (argc == 2 && !force)
		return 2;
	if (fmri_parse(what, &f, &cause) == -1) {
		/* An abbreviation: as -s would resolve it. */
		free(cause);
		cause = NULL;
		xasprintf(&cause, "svc:/%s", what);
		if (fmri_parse(cause, &f, &cause) == -1) {
			log_warnx("%s", cause);
			free(cause);
			return 1;
		}
	}
	free(cause);
	if ((sid = repo_service(sc->repo, f.svc, 0)) == -1) {
		log_warnx("Pattern '%s' doesn't match any entities", what);
		return 1;
	}
	if (f.inst[0] != '\0') {
		if ((iid = repo_instance(sc->repo, sid, f.inst, 0)) == -1) {
			log_warnx("Pattern '%s' doesn't match any entities",
			    what);
			return 1;
		}
		if (!force && repo_state_get(sc->repo, iid, &st) == 0 &&
		    (st.state == SMF_ONLINE || st.state == SMF_DEGRADED)) {
			log_warnx("Instance \"%s\" may be running.  Use "
			    "delete -f if it is not.", what);
			return 1;
		}
		if (repo_instance_delete(sc->repo, iid) == -1)
			return repo_fail(sc, what);
	} else if (repo_service_delete(sc->repo, sid) == -1)
		return repo_fail(sc, what);
	svccfg_reload();
	return 0;
}

static int
cmd_list(struct svccfg *sc, int argc, char **argv)
{
	char	**v = NULL;
	size_t	 n = 0, i;

	if (repo_services(sc->repo, &v, &n) == -1)
		return repo_fail(sc, "list");
	for (i = 0; i < n; i++) {
		if (argc == 0 || fnmatch(argv[0], v[i], 0) == 0 ||
		    fmri_match_service(argv[0], v[i]))
			printf("%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	return 0;
}

/* "type:" (separate or prefixing the first value) when it names a type. */
static const char *
take_type(char **arg, char *buf, size_t size)
{
	char	*colon = strchr(*arg, ':');

	if (colon == NULL || (size_t)(colon - *arg) >= size)
		return NULL;
	memcpy(buf, *arg, (size_t)(colon - *arg));
	buf[colon - *arg] = '\0';
	if (!repo_type_valid(buf))
		return NULL;
	*arg = colon + 1;
	return buf;
}

static int
cmd_setprop(struct svccfg *sc, int argc, char **argv)
{
	struct repo_prop *cur = NULL;
	char		 pg[256], tbuf[32], *slash, *a;
	const char	*type = NULL, **vals;
	size_t		 ncur = 0, nv = 0, i;
	int		 k = 2, rc = 1;

	if ((slash = strchr(argv[0], '/')) == NULL ||
	    (size_t)(slash - argv[0]) >= sizeof(pg) ||
	    strcmp(argv[1], "=") != 0) {
		fprintf(stderr, "Usage: svccfg setprop pg/name = [type:] "
		    "value\n");
		return 2;
	}
	memcpy(pg, argv[0], (size_t)(slash - argv[0]));
	pg[slash - argv[0]] = '\0';
	if (k < argc) {
		a = argv[k];
		type = take_type(&a, tbuf, sizeof(tbuf));
		if (type != NULL && *a == '\0')
			k++;
		else if (type != NULL)
			argv[k] = a;
	}
	vals = xcalloc((size_t)argc, sizeof(*vals));
	for (; k < argc; k++) {
		if (strcmp(argv[k], "(") == 0 || strcmp(argv[k], ")") == 0)
			continue;
		vals[nv++] = argv[k];
	}
	if (repo_props(sc->repo, sc->ent, pg, &cur, &ncur) == -1)
		goto out;
	if (type == NULL) {
		const struct repo_prop *p = repo_prop_find(cur, ncur, pg,
		    slash + 1);

		if (p == NULL) {
			log_warnx("Type required for new properties.");
			goto out;
		}
		strlcpy(tbuf, p->type, sizeof(tbuf));
		type = tbuf;
	}
	for (i = 0; i < nv; i++)
		if (!repo_value_valid(type, vals[i])) {
			log_warnx("Invalid %s value \"%s\".", type, vals[i]);
			goto out;
		}
	if (repo_prop_set(sc->repo, sc->ent, pg, slash + 1, type, vals, nv)
	    == -1) {
		if (errno == ENOENT)
			log_warnx("No such property group \"%s\".", pg);
		else
			repo_fail(sc, "setprop");
		goto out;
	}
	rc = 0;
out:
	repo_props_free(cur, ncur);
	free(vals);
	return rc;
}

static void
print_values(const struct repo_prop *p)
{
	size_t	 i;

	for (i = 0; i < p->nvalues; i++) {
		if (strcmp(p->type, "astring") == 0 ||
		    strcmp(p->type, "ustring") == 0)
			printf(" \"%s\"", p->values[i]);
		else
			printf(" %s", p->values[i]);
	}
}

static int
cmd_listprop(struct svccfg *sc, int argc, char **argv)
{
	struct repo_prop *v = NULL;
	struct repo_pg	*pgs = NULL;
	char		 name[512];
	size_t		 n = 0, npg = 0, i, j;

	if (repo_pgs(sc->repo, sc->ent, &pgs, &npg) == -1 ||
	    repo_props(sc->repo, sc->ent, NULL, &v, &n) == -1)
		return repo_fail(sc, "listprop");
	for (i = 0; i < npg; i++) {
		if (argc == 0 || fnmatch(argv[0], pgs[i].name, 0) == 0)
			printf("%-40s %s\n", pgs[i].name, pgs[i].type);
		for (j = 0; j < n; j++) {
			if (strcmp(v[j].pg, pgs[i].name) != 0)
				continue;
			snprintf(name, sizeof(name), "%s/%s", v[j].pg,
			    v[j].name);
			if (argc > 0 && fnmatch(argv[0], name, 0) != 0 &&
			    fnmatch(argv[0], pgs[i].name, 0) != 0)
				continue;
			printf("%-40s %-8s", name, v[j].type);
			print_values(&v[j]);
			printf("\n");
		}
	}
	repo_pgs_free(pgs, npg);
	repo_props_free(v, n);
	return 0;
}

static int
cmd_delprop(struct svccfg *sc, int argc, char **argv)
{
	char	 pg[256], *slash = strchr(argv[0], '/');

	(void)argc;
	if (slash == NULL) {
		if (repo_pg_delete(sc->repo, sc->ent, argv[0]) == -1) {
			log_warnx("No such property group \"%s\".", argv[0]);
			return 1;
		}
		return 0;
	}
	if ((size_t)(slash - argv[0]) >= sizeof(pg))
		return 2;
	memcpy(pg, argv[0], (size_t)(slash - argv[0]));
	pg[slash - argv[0]] = '\0';
	if (repo_prop_delete(sc->repo, sc->ent, pg, slash + 1) == -1) {
		log_warnx("No such property \"%s\".", argv[0]);
		return 1;
	}
	return 0;
}

static int
cmd_addpg(struct svccfg *sc, int argc, char **argv)
{
	(void)argc;
	if (repo_pg_add(sc->repo, sc->ent, argv[0], argv[1]) == -1) {
		if (errno == EEXIST)
			log_warnx("Property group \"%s\" already exists.",
			    argv[0]);
		else
			repo_fail(sc, "addpg");
		return 1;
	}
	return 0;
}

static int
cmd_delpg(struct svccfg *sc, int argc, char **argv)
{
	(void)argc;
	if (repo_pg_delete(sc->repo, sc->ent, argv[0]) == -1) {
		log_warnx("No such property group \"%s\".", argv[0]);
		return 1;
	}
	return 0;
}

static int
cmd_listpg(struct svccfg *sc, int argc, char **argv)
{
	struct repo_pg	*v = NULL;
	size_t		 n = 0, i;

	if (repo_pgs(sc->repo, sc->ent, &v, &n) == -1)
		return repo_fail(sc, "listpg");
	for (i = 0; i < n; i++)
		if (argc == 0 || fnmatch(argv[0], v[i].name, 0) == 0)
			printf("%-40s %s\n", v[i].name, v[i].type);
	repo_pgs_free(v, n);
	return 0;
}

static int
cmd_refresh(struct svccfg *sc, int argc, char **argv)
{
	const char	*args[1] = { sc->fmri };
	char		*msg = NULL;
	int		 st;

	(void)argc;
	(void)argv;
	if (sc->inst[0] == '\0') {
		log_warnx("refresh: select an instance");
		return 1;
	}
	st = smf_cmd_call(CTL_REFRESH, 1, args, &msg);
	if (st == -1) {
		/* No svc.startd: publish the snapshot ourselves. */
		if (repo_snapshot_take(sc->repo, sc->ent.svc, sc->ent.inst,
		    SMF_SNAP_RUNNING) == -1)
			return repo_fail(sc, "refresh");
		return 0;
	}
	if (st != 0)
		log_warnx("%s", msg);
	free(msg);
	return st == 0 ? 0 : 1;
}

const struct svccfg_cmd svccfg_cmds[] = {
	{ .name = "import", .usage = "import [-V] file", .min_args = 1,
	    .max_args = 2, .fn = cmd_import },
	{ .name = "validate", .usage = "validate file", .min_args = 1,
	    .max_args = 1, .fn = cmd_validate },
	{ .name = "export", .usage = "export {service | pattern}",
	    .min_args = 1, .max_args = 1, .fn = cmd_export },
	{ .name = "delete", .usage = "delete [-f] {entity | pattern}",
	    .min_args = 1, .max_args = 2, .fn = cmd_delete },
	{ .name = "list", .usage = "list [glob_pattern]", .min_args = 0,
	    .max_args = 1, .fn = cmd_list },
	{ .name = "setprop", .usage = "setprop pg/name = [type:] value",
	    .needs_entity = 1, .min_args = 3, .max_args = SVCCFG_ANY,
	    .fn = cmd_setprop },
	{ .name = "listprop", .usage = "listprop [glob_pattern]",
	    .needs_entity = 1, .min_args = 0, .max_args = 1,
	    .fn = cmd_listprop },
	{ .name = "delprop", .usage = "delprop pg[/name]", .needs_entity = 1,
	    .min_args = 1, .max_args = 1, .fn = cmd_delprop },
	{ .name = "addpg", .usage = "addpg name type [flags]",
	    .needs_entity = 1, .min_args = 2, .max_args = 3, .fn = cmd_addpg },
	{ .name = "delpg", .usage = "delpg name", .needs_entity = 1,
	    .min_args = 1, .max_args = 1, .fn = cmd_delpg },
	{ .name = "listpg", .usage = "listpg [glob_pattern]", .needs_entity = 1,
	    .min_args = 0, .max_args = 1, .fn = cmd_listpg },
	{ .name = "refresh", .usage = "refresh", .needs_entity = 1,
	    .min_args = 0, .max_args = 0, .fn = cmd_refresh },
	{ .name = NULL },
};
