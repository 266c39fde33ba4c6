/* Importing manifests into the repository, keeping administrator changes. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/xmalloc.h"
#include "smf/fmri.h"
#include "smf/import.h"
#include "smf/manifest.h"
#include "smf/repo.h"
#include "smf/smf.h"

static int
same_values(const struct repo_prop *p, const struct mf_prop *q)
{
	size_t	 i;

	if (strcmp(p->type, q->type) != 0 || p->nvalues != q->nvalues)
		return 0;
	for (i = 0; i < p->nvalues; i++)
		if (strcmp(p->values[i], q->values[i]) != 0)
			return 0;
	return 1;
}

static int
same_repo_values(const struct repo_prop *p, const struct repo_prop *q)
{
	size_t	 i;

	if (strcmp(p->type, q->type) != 0 || p->nvalues != q->nvalues)
		return 0;
	for (i = 0; i < p->nvalues; i++)
		if (strcmp(p->values[i], q->values[i]) != 0)
			return 0;
	return 1;
}

/* Merge the manifest's groups into ent, then record them as last_import. */
static int
import_groups(struct repo *r, struct repo_ent ent, struct repo_ent last,
    const struct mf_pg *pgs, size_t npgs)
{
	struct repo_prop	*cur = NULL, *old = NULL;
	const struct repo_prop	*c, *o;
	size_t			 ncur = 0, nold = 0, i, j;
	int			 rc = -1;

	if (repo_props(r, ent, NULL, &cur, &ncur) == -1 ||
	    repo_props(r, last, NULL, &old, &nold) == -1)
		goto out;
	for (i = 0; i < npgs; i++) {
		if (repo_pg_add(r, ent, pgs[i].name, pgs[i].type) == -1 &&
		    errno != EEXIST)
			goto out;
		for (j = 0; j < pgs[i].nprops; j++) {
			const struct mf_prop *p = &pgs[i].props[j];

			c = repo_prop_find(cur, ncur, pgs[i].name, p->name);
			o = repo_prop_find(old, nold, pgs[i].name, p->name);
			/* Customized by the administrator: keep it. */
			if (c != NULL && o != NULL &&
			    !same_repo_values(c, o))
				continue;
			if (c != NULL && o == NULL && !same_values(c, p))
				continue;
			if (repo_prop_set(r, ent, pgs[i].name, p->name,
			    p->type, (const char *const *)p->values,
			    p->nvalues) == -1)
				goto out;
		}
	}
	/* last_import := exactly the manifest. */
	{
		struct repo_pg	*lp = NULL;
		size_t		 nlp = 0;

		if (repo_pgs(r, last, &lp, &nlp) == -1)
			goto out;
		for (i = 0; i < nlp; i++)
			(void)repo_pg_delete(r, last, lp[i].name);
		repo_pgs_free(lp, nlp);
	}
	for (i = 0; i < npgs; i++) {
		if (repo_pg_add(r, last, pgs[i].name, pgs[i].type) == -1)
			goto out;
		for (j = 0; j < pgs[i].nprops; j++)
			if (repo_prop_set(r, last, pgs[i].name,
			    pgs[i].props[j].name, pgs[i].props[j].type,
			    (const char *const *)pgs[i].props[j].values,
			    pgs[i].props[j].nvalues) == -1)
				goto out;
	}
	rc = 0;
out:
	repo_props_free(cur, ncur);
	repo_props_free(old, nold);
	return rc;
}

static int
set_enabled(struct repo *r, struct repo_ent e, int on)
{
	const char	*v = on ? "true" : "false";

	if (repo_pg_add(r, e, "general", "framework") == -1 && errno != EEXIST)
		return -1;
	return repo_prop_set(r, e, "general", "enabled", "boolean", &v, 1);
}

/* <dependent>: a dependency group on the named (existing) entity. */
static int
import_dependent(struct repo *r, const struct mf_dependent *d)
{
	struct fmri	 f;
	struct repo_ent	 e;
	char		*cause = NULL;
	int64_t		 sid, iid;
	size_t		 j;

	if (fmri_parse(d->fmri, &f, &cause) == -1) {
		free(cause);
		return 0;
	}
	if ((sid = repo_service(r, f.svc, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (f.inst[0] != '\0') {
		if ((iid = repo_instance(r, sid, f.inst, 0)) == -1)
			return errno == ENOENT ? 0 : -1;
		e = repo_ent_inst(sid, iid, SMF_SNAP_EDIT);
	} else
		e = repo_ent_svc(sid, SMF_SNAP_EDIT);
	(void)repo_pg_delete(r, e, d->pg.name);
	if (repo_pg_add(r, e, d->pg.name, d->pg.type) == -1)
		return -1;
	for (j = 0; j < d->pg.nprops; j++)
		if (repo_prop_set(r, e, d->pg.name, d->pg.props[j].name,
		    d->pg.props[j].type,
		    (const char *const *)d->pg.props[j].values,
		    d->pg.props[j].nvalues) == -1)
			return -1;
	return 0;
}

static int
import_service(struct repo *r, const struct mf_svc *s)
{
	struct repo_inst *all = NULL;
	size_t		 nall = 0, i;
	int64_t		 sid, iid;
	int		 created, rc = -1;

	if ((sid = repo_service(r, s->name, 1)) == -1)
		return -1;
	if (import_groups(r, repo_ent_svc(sid, SMF_SNAP_EDIT),
	    repo_ent_svc(sid, SMF_SNAP_IMPORT), s->pgs, s->npgs) == -1)
		return -1;
	for (i = 0; i < s->ninsts; i++) {
		created = 0;
		if ((iid = repo_instance(r, sid, s->insts[i].name, 0)) == -1) {
			if (errno != ENOENT ||
			    (iid = repo_instance(r, sid, s->insts[i].name, 1))
			    == -1)
				return -1;
			created = 1;
		}
		if (created && set_enabled(r, repo_ent_inst(sid, iid,
		    SMF_SNAP_EDIT), s->insts[i].enabled) == -1)
			return -1;
		if (import_groups(r, repo_ent_inst(sid, iid, SMF_SNAP_EDIT),
		    repo_ent_inst(sid, iid, SMF_SNAP_IMPORT), s->insts[i].pgs,
		    s->insts[i].npgs) == -1)
			return -1;
	}
	for (i = 0; i < s->ndependents; i++)
		if (import_dependent(r, &s->dependents[i]) == -1)
			return -1;
	/* Import refreshes: every instance runs with what was imported. */
	if (repo_instances(r, &all, &nall) == -1)
		return -1;
	for (i = 0; i < nall; i++)
		if (all[i].svc_id == sid && repo_snapshot_take(r, sid,
		    all[i].id, SMF_SNAP_RUNNING) == -1)
			goto out;
	rc = 0;
out:
	repo_insts_free(all, nall);
	return rc;
}

int
smf_import(struct repo *r, const struct manifest *m, char **cause)
{
	size_t	 i;

	if (repo_begin(r) == -1) {
		xasprintf(cause, "%s: repository: %s", m->file,
		    repo_errmsg(r));
		return -1;
	}
	for (i = 0; i < m->nsvcs; i++) {
		if (import_service(r, &m->svcs[i]) == -1) {
			xasprintf(cause, "%s: importing svc:/%s: %s", m->file,
			    m->svcs[i].name, errno == EIO ? repo_errmsg(r) :
			    strerror(errno));
			repo_rollback(r);
			return -1;
		}
	}
	if (repo_commit(r) == -1) {
		xasprintf(cause, "%s: repository: %s", m->file,
		    repo_errmsg(r));
		repo_rollback(r);
		return -1;
	}
	return 0;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
smf_import_dir(struct repo *r, const char *dir,
    void (*warn)(void *, const char *), void *arg)
{
	struct dirent	**ents = NULL;
	struct manifest	*m;
	struct stat	 st;
	char		 path[4096], *cause = NULL;
	size_t		 len;
	int		 n, i, failed = 0;

	if ((n = scandir(dir, &ents, NULL, name_cmp)) == -1)
		return 0;	/* no manifest directory: nothing to do */
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (stat(path, &st) == -1)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			failed += smf_import_dir(r, path, warn, arg);
			goto next;
		}
		len = strlen(ents[i]->d_name);
		if (len < 5 || strcmp(ents[i]->d_name + len - 4, ".xml") != 0)
			goto next;
		if ((m = mf_parse_file(path, &cause)) == NULL ||
		    smf_import(r, m, &cause) == -1) {
			warn(arg, cause != NULL ? cause : path);
			failed++;
		}
		free(cause);
		cause = NULL;
		mf_free(m);
next:
		free(ents[i]);
	}
	free(ents);
	return failed;
}
