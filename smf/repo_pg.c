/*
 * Property groups, properties and snapshots of the SMF repository.
 *
 * A snapshot is a copy of groups under the instance with snap = its name
 * (repo.h explains the owner tuple).  `svcadm refresh` takes "running"
 * from the editing data, so `svccfg setprop` becomes visible to the
 * restarter (and to svcprop without -c) only then, as in smf(7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/fmri.h"
#include "smf/repo.h"
#include "smf/repo_impl.h"
#include "smf/smf.h"

#define ENT_WHERE	"svc = ?1 AND inst = ?2 AND level = ?3 AND snap = ?4"

static void
bind_ent(sqlite3_stmt *st, struct repo_ent e)
{
	sqlite3_bind_int64(st, 1, e.svc);
	sqlite3_bind_int64(st, 2, e.inst);
	sqlite3_bind_int(st, 3, e.level);
	sqlite3_bind_text(st, 4, e.snap, -1, SQLITE_TRANSIENT);
}

static int64_t
pg_id(struct repo *r, struct repo_ent e, const char *name)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if ((st = repo_prepare(r, "SELECT id FROM pg WHERE " ENT_WHERE
	    " AND name = ?5")) == NULL)
		return -1;
	bind_ent(st, e);
	sqlite3_bind_text(st, 5, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	if (id == -1)
		errno = rc == SQLITE_DONE ? ENOENT : EIO;
	return id;
}

int
repo_pg_add(struct repo *r, struct repo_ent e, const char *name,
    const char *type)
{
	sqlite3_stmt	*st;

	if (pg_id(r, e, name) != -1) {
		errno = EEXIST;
		return -1;
	}
	if ((st = repo_prepare(r, "INSERT INTO pg(svc, inst, level, snap,"
	    " name, type) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) == NULL)
		return -1;
	bind_ent(st, e);
	sqlite3_bind_text(st, 5, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, type, -1, SQLITE_TRANSIENT);
	return repo_step_done(st);
}

int
repo_pg_delete(struct repo *r, struct repo_ent e, const char *name)
{
	sqlite3_stmt	*st;
	int64_t		 id;

	if ((id = pg_id(r, e, name)) == -1)
		return -1;
	if ((st = repo_prepare(r, "DELETE FROM pg WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return repo_step_done(st);
}

int
repo_pg_type(struct repo *r, struct repo_ent e, const char *name,
    char *type, size_t size)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = repo_prepare(r, "SELECT type FROM pg WHERE " ENT_WHERE
	    " AND name = ?5")) == NULL)
		return -1;
	bind_ent(st, e);
	sqlite3_bind_text(st, 5, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		strlcpy(type, (const char *)sqlite3_column_text(st, 0), size);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	errno = rc == SQLITE_DONE ? ENOENT : EIO;
	return -1;
}

int
repo_pgs(struct repo *r, struct repo_ent e, struct repo_pg **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct repo_pg	*v = NULL;
	size_t		 cnt = 0;
	int		 rc;

	if ((st = repo_prepare(r, "SELECT name, type FROM pg WHERE " ENT_WHERE
	    " ORDER BY name")) == NULL)
		return -1;
	bind_ent(st, e);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, cnt + 1, sizeof(*v));
		v[cnt].name = xstrdup((const char *)sqlite3_column_text(st, 0));
		v[cnt].type = xstrdup((const char *)sqlite3_column_text(st, 1));
		cnt++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		repo_pgs_free(v, cnt);
		errno = EIO;
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

void
repo_pgs_free(struct repo_pg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].type);
	}
	free(v);
}

int
repo_prop_set(struct repo *r, struct repo_ent e, const char *pg,
    const char *name, const char *type, const char *const *values,
    size_t nvalues)
{
	sqlite3_stmt	*st;
	int64_t		 gid, pid;
	size_t		 i;

	if ((gid = pg_id(r, e, pg)) == -1)
		return -1;
	if ((st = repo_prepare(r, "DELETE FROM prop WHERE pg = ?1 AND"
	    " name = ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gid);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	if (repo_step_done(st) == -1)
		return -1;
	if ((st = repo_prepare(r, "INSERT INTO prop(pg, name, type) VALUES"
	    " (?1, ?2, ?3)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gid);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_TRANSIENT);
	if (repo_step_done(st) == -1)
		return -1;
	pid = sqlite3_last_insert_rowid(r->db);
	for (i = 0; i < nvalues; i++) {
		if ((st = repo_prepare(r, "INSERT INTO value(prop, seq, v)"
		    " VALUES (?1, ?2, ?3)")) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, pid);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, values[i], -1, SQLITE_TRANSIENT);
		if (repo_step_done(st) == -1)
			return -1;
	}
	return 0;
}

int
repo_prop_delete(struct repo *r, struct repo_ent e, const char *pg,
    const char *name)
{
	sqlite3_stmt	*st;
	int64_t		 gid;

	if ((gid = pg_id(r, e, pg)) == -1)
		return -1;
	if ((st = repo_prepare(r, "DELETE FROM prop WHERE pg = ?1 AND"
	    " name = ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, gid);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	if (repo_step_done(st) == -1)
		return -1;
	if (sqlite3_changes(r->db) == 0) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int
repo_props(struct repo *r, struct repo_ent e, const char *pg,
    struct repo_prop **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct repo_prop *v = NULL, *p;
	size_t		 cnt = 0;
	int64_t		 last = -1, pid;
	int		 rc;

	st = repo_prepare(r, "SELECT g.name, g.type, p.id, p.name, p.type,"
	    " v.v FROM pg g JOIN prop p ON p.pg = g.id"
	    " LEFT JOIN value v ON v.prop = p.id"
	    " WHERE g.svc = ?1 AND g.inst = ?2 AND g.level = ?3"
	    " AND g.snap = ?4 AND (?5 IS NULL OR g.name = ?5)"
	    " ORDER BY g.name, p.name, v.seq");
	if (st == NULL)
		return -1;
	bind_ent(st, e);
	if (pg != NULL)
		sqlite3_bind_text(st, 5, pg, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pid = sqlite3_column_int64(st, 2);
		if (pid != last) {
			v = xreallocarray(v, cnt + 1, sizeof(*v));
			p = &v[cnt++];
			memset(p, 0, sizeof(*p));
			p->pg = xstrdup((const char *)sqlite3_column_text(st, 0));
			p->pgtype = xstrdup((const char *)
			    sqlite3_column_text(st, 1));
			p->name = xstrdup((const char *)
			    sqlite3_column_text(st, 3));
			p->type = xstrdup((const char *)
			    sqlite3_column_text(st, 4));
			last = pid;
		}
		p = &v[cnt - 1];
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			p->values = xreallocarray(p->values, p->nvalues + 1,
			    sizeof(char *));
			p->values[p->nvalues++] = xstrdup((const char *)
			    sqlite3_column_text(st, 5));
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		repo_props_free(v, cnt);
		errno = EIO;
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static void
repo_props_free_one(struct repo_prop *p)
{
	size_t	 j;

	free(p->pg);
	free(p->pgtype);
	free(p->name);
	free(p->type);
	for (j = 0; j < p->nvalues; j++)
		free(p->values[j]);
	free(p->values);
}

void
repo_props_free(struct repo_prop *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		repo_props_free_one(&v[i]);
	free(v);
}

int
repo_snapshot_exists(struct repo *r, int64_t inst, const char *snap)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = repo_prepare(r, "SELECT 1 FROM pg WHERE inst = ?1 AND"
	    " snap = ?2 LIMIT 1")) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, inst);
	sqlite3_bind_text(st, 2, snap, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW;
}

/* Does v[0..n) hold a property of group pg? */
static int
has_group(const struct repo_prop *v, size_t n, const char *pg)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].pg, pg) == 0)
			return 1;
	return 0;
}

/*
 * Framework groups (general, restarter, ...) are the restarter's and
 * svcadm's live state, not configuration: as in Solaris, a snapshot does
 * not freeze them, so `svcprop -p general/enabled` says what is true now.
 * Replace them in v (a snapshot's composed view) by the instance's
 * current ones.
 */
static int
live_framework(struct repo *r, int64_t svc, int64_t inst,
    struct repo_prop **v, size_t *n)
{
	struct repo_ent	 cur = repo_ent_inst(svc, inst, SMF_SNAP_EDIT);
	struct repo_pg	*pgs = NULL;
	struct repo_prop *fv = NULL;
	size_t		 npg = 0, nf = 0, i, j, k;

	if (repo_pgs(r, cur, &pgs, &npg) == -1)
		return -1;
	for (i = 0; i < npg; i++) {
		if (strcmp(pgs[i].type, "framework") != 0)
			continue;
		/* Drop the snapshot's copy of the group ... */
		for (j = k = 0; j < *n; j++) {
			if (strcmp((*v)[j].pg, pgs[i].name) == 0)
				repo_props_free_one(&(*v)[j]);
			else
				(*v)[k++] = (*v)[j];
		}
		*n = k;
		/* ... and take the current one. */
		if (repo_props(r, cur, pgs[i].name, &fv, &nf) == -1) {
			repo_pgs_free(pgs, npg);
			return -1;
		}
		*v = xreallocarray(*v, *n + nf + 1, sizeof(**v));
		for (j = 0; j < nf; j++) {
			(*v)[(*n)++] = fv[j];
			memset(&fv[j], 0, sizeof(fv[j]));
		}
		repo_props_free(fv, nf);
	}
	repo_pgs_free(pgs, npg);
	return 0;
}

int
repo_composed(struct repo *r, int64_t svc, int64_t inst, const char *snap,
    struct repo_prop **out, size_t *n)
{
	struct repo_prop *iv = NULL, *sv = NULL;
	size_t		 ni = 0, ns = 0, ni0, i;
	struct repo_ent	 ie, se;

	if (*snap != '\0' && !repo_snapshot_exists(r, inst, snap))
		snap = SMF_SNAP_EDIT;
	ie = repo_ent_inst(svc, inst, snap);
	se = *snap == '\0' ? repo_ent_svc(svc, snap) :
	    (struct repo_ent){ svc, inst, 0, snap };
	if (repo_props(r, ie, NULL, &iv, &ni) == -1)
		return -1;
	if (repo_props(r, se, NULL, &sv, &ns) == -1) {
		repo_props_free(iv, ni);
		return -1;
	}
	/* Instance groups shadow service groups of the same name. */
	ni0 = ni;
	for (i = 0; i < ns; i++) {
		if (has_group(iv, ni0, sv[i].pg))
			continue;
		iv = xreallocarray(iv, ni + 1, sizeof(*iv));
		iv[ni++] = sv[i];
		memset(&sv[i], 0, sizeof(sv[i]));
	}
	repo_props_free(sv, ns);
	if (*snap != '\0' && live_framework(r, svc, inst, &iv, &ni) == -1) {
		repo_props_free(iv, ni);
		return -1;
	}
	*out = iv;
	*n = ni;
	return 0;
}

const struct repo_prop *
repo_prop_find(const struct repo_prop *v, size_t n, const char *pg,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].pg != NULL && strcmp(v[i].pg, pg) == 0 &&
		    strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

const char *
repo_prop_str(const struct repo_prop *v, size_t n, const char *pg,
    const char *name, const char *def)
{
	const struct repo_prop	*p = repo_prop_find(v, n, pg, name);

	if (p == NULL || p->nvalues == 0)
		return def;
	return p->values[0];
}

int
repo_copy_groups(struct repo *r, struct repo_ent from, struct repo_ent to)
{
	struct repo_pg	*pgs = NULL;
	struct repo_prop *props = NULL;
	size_t		 npg = 0, nprop = 0, i;
	int		 rc = -1;

	/* Drop what 'to' had. */
	if (repo_pgs(r, to, &pgs, &npg) == -1)
		return -1;
	for (i = 0; i < npg; i++)
		if (repo_pg_delete(r, to, pgs[i].name) == -1)
			goto out;
	repo_pgs_free(pgs, npg);
	pgs = NULL;
	if (repo_pgs(r, from, &pgs, &npg) == -1 ||
	    repo_props(r, from, NULL, &props, &nprop) == -1)
		goto out;
	for (i = 0; i < npg; i++)
		if (repo_pg_add(r, to, pgs[i].name, pgs[i].type) == -1)
			goto out;
	for (i = 0; i < nprop; i++)
		if (repo_prop_set(r, to, props[i].pg, props[i].name,
		    props[i].type, (const char *const *)props[i].values,
		    props[i].nvalues) == -1)
			goto out;
	rc = 0;
out:
	repo_pgs_free(pgs, npg);
	repo_props_free(props, nprop);
	return rc;
}

int
repo_snapshot_take(struct repo *r, int64_t svc, int64_t inst,
    const char *snap)
{
	struct repo_ent	 ssrc = repo_ent_svc(svc, SMF_SNAP_EDIT);
	struct repo_ent	 isrc = repo_ent_inst(svc, inst, SMF_SNAP_EDIT);
	struct repo_ent	 sdst = { svc, inst, 0, snap };
	struct repo_ent	 idst = { svc, inst, 1, snap };

	if (repo_copy_groups(r, ssrc, sdst) == -1 ||
	    repo_copy_groups(r, isrc, idst) == -1)
		return -1;
	return 0;
}

static const char *const types[] = {
	"astring", "ustring", "boolean", "count", "integer", "time",
	"fmri", "host", "hostname", "net_address", "net_address_v4",
	"net_address_v6", "uri", "opaque",
};

int
repo_type_valid(const char *type)
{
	size_t	 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return 1;
	return 0;
}

int
repo_value_valid(const char *type, const char *value)
{
	struct fmri	 f;
	uint64_t	 u;
	int64_t		 s;
	char		*cause = NULL;
	int		 ok;

	if (strcmp(type, "boolean") == 0)
		return strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
	if (strcmp(type, "count") == 0)
		return str_to_u64(value, 0, UINT64_MAX, &u) == 0;
	if (strcmp(type, "integer") == 0)
		return str_to_i64(value, INT64_MIN, INT64_MAX, &s) == 0;
	if (strcmp(type, "fmri") == 0) {
		if (str_has_prefix(value, "file:"))
			return 1;
		ok = fmri_parse(value, &f, &cause) == 0;
		free(cause);
		return ok;
	}
	if (strcmp(type, "opaque") == 0 || strcmp(type, "astring") == 0 ||
	    strcmp(type, "ustring") == 0 || strcmp(type, "time") == 0 ||
	    strcmp(type, "uri") == 0)
		return 1;
	return *value != '\0' && strpbrk(value, " \t\n") == NULL;
}
