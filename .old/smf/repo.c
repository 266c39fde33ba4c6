/*
 * The SMF repository in SQLite: schema, entities and run-time state.
 * Property groups, properties and snapshots are in repo_pg.c.  The schema
 * is documented in docs/smf.md; several processes open the same file
 * (svc.startd, svccfg, svcs), so it runs in WAL mode with a busy timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/repo.h"
#include "smf/repo_impl.h"
#include "smf/smf.h"

#define SCHEMA_VERSION	1

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta("
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS service("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS instance("
	"  id INTEGER PRIMARY KEY,"
	"  svc INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, UNIQUE(svc, name));"
	"CREATE TABLE IF NOT EXISTS pg("
	"  id INTEGER PRIMARY KEY,"
	"  svc INTEGER NOT NULL REFERENCES service(id) ON DELETE CASCADE,"
	"  inst INTEGER NOT NULL,"
	"  level INTEGER NOT NULL,"
	"  snap TEXT NOT NULL,"
	"  name TEXT NOT NULL, type TEXT NOT NULL,"
	"  UNIQUE(svc, inst, level, snap, name));"
	"CREATE TABLE IF NOT EXISTS prop("
	"  id INTEGER PRIMARY KEY,"
	"  pg INTEGER NOT NULL REFERENCES pg(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, type TEXT NOT NULL, UNIQUE(pg, name));"
	"CREATE TABLE IF NOT EXISTS value("
	"  prop INTEGER NOT NULL REFERENCES prop(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL, v TEXT NOT NULL, PRIMARY KEY(prop, seq));"
	"CREATE TABLE IF NOT EXISTS state("
	"  inst INTEGER PRIMARY KEY REFERENCES instance(id) ON DELETE CASCADE,"
	"  state INTEGER NOT NULL, next_state INTEGER NOT NULL,"
	"  stime INTEGER NOT NULL, ctid INTEGER NOT NULL,"
	"  enabled_tmp INTEGER NOT NULL, blocked INTEGER NOT NULL,"
	"  aux TEXT NOT NULL, reason TEXT NOT NULL);";

struct repo_ent
repo_ent_svc(int64_t svc, const char *snap)
{
	struct repo_ent	 e = { svc, 0, 0, snap };

	return e;
}

struct repo_ent
repo_ent_inst(int64_t svc, int64_t inst, const char *snap)
{
	struct repo_ent	 e = { svc, inst, 1, snap };

	return e;
}

const char *
repo_errmsg(struct repo *r)
{
	return sqlite3_errmsg(r->db);
}

int
repo_exec(struct repo *r, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(r->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		sqlite3_free(err);
		errno = EIO;
		return -1;
	}
	return 0;
}

sqlite3_stmt *
repo_prepare(struct repo *r, const char *sql)
{
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		errno = EIO;
		return NULL;
	}
	return st;
}

/* Step a statement that returns no rows, finalize it; 0 or -1 (EIO). */
int
repo_step_done(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errno = rc == SQLITE_CONSTRAINT ? EEXIST : EIO;
		return -1;
	}
	return 0;
}

/* The schema version recorded in meta, or 0 when there is none yet. */
static int
schema_version(struct repo *r)
{
	sqlite3_stmt	*st = NULL;
	int		 v = 0;

	if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = "
	    "'schema'", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

struct repo *
repo_open(const char *path, int create, char **cause)
{
	struct repo	*r;
	char		 dir[1024], *slash;
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	r = xcalloc(1, sizeof(*r));
	if (create) {
		flags |= SQLITE_OPEN_CREATE;
		snprintf(dir, sizeof(dir), "%s", path);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			if (xvm_mkdirs(dir, 0755) == -1) {
				xasprintf(cause, "%s: %s", dir,
				    strerror(errno));
				free(r);
				return NULL;
			}
		}
	}
	if (sqlite3_open_v2(path, &r->db, flags, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, r->db != NULL ?
		    sqlite3_errmsg(r->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 10000);
	if (repo_exec(r, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;")
	    == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(r->db));
		goto fail;
	}
	/* Readers (svcs, svcprop) open often: no writes when up to date. */
	if (schema_version(r) == SCHEMA_VERSION)
		return r;
	if (repo_exec(r, "PRAGMA journal_mode=WAL") == -1 ||
	    repo_exec(r, schema) == -1 ||
	    repo_exec(r, "INSERT OR IGNORE INTO meta VALUES ('schema', '1')")
	    == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(r->db));
		goto fail;
	}
	if (schema_version(r) != SCHEMA_VERSION) {
		xasprintf(cause, "%s: schema version %d, expected %d", path,
		    schema_version(r), SCHEMA_VERSION);
		goto fail;
	}
	return r;
fail:
	repo_close(r);
	errno = EIO;
	return NULL;
}

void
repo_close(struct repo *r)
{
	if (r == NULL)
		return;
	sqlite3_close(r->db);
	free(r);
}

int
repo_begin(struct repo *r)
{
	return repo_exec(r, "BEGIN IMMEDIATE");
}

int
repo_begin_read(struct repo *r)
{
	return repo_exec(r, "BEGIN");
}

int
repo_commit(struct repo *r)
{
	return repo_exec(r, "COMMIT");
}

void
repo_rollback(struct repo *r)
{
	(void)repo_exec(r, "ROLLBACK");
}

static int64_t
lookup(struct repo *r, const char *sel, const char *ins, int64_t parent,
    const char *name, int create)
{
	sqlite3_stmt	*st;
	int64_t		 id = -1;
	int		 rc;

	if ((st = repo_prepare(r, sel)) == NULL)
		return -1;
	if (parent != -1)
		sqlite3_bind_int64(st, 2, parent);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return id;
	if (rc != SQLITE_DONE) {
		errno = EIO;
		return -1;
	}
	if (!create) {
		errno = ENOENT;
		return -1;
	}
	if ((st = repo_prepare(r, ins)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (parent != -1)
		sqlite3_bind_int64(st, 2, parent);
	if (repo_step_done(st) == -1)
		return -1;
	return sqlite3_last_insert_rowid(r->db);
}

int64_t
repo_service(struct repo *r, const char *name, int create)
{
	return lookup(r, "SELECT id FROM service WHERE name = ?1",
	    "INSERT INTO service(name) VALUES (?1)", -1, name, create);
}

int64_t
repo_instance(struct repo *r, int64_t svc, const char *name, int create)
{
	return lookup(r, "SELECT id FROM instance WHERE name = ?1 AND svc = ?2",
	    "INSERT INTO instance(name, svc) VALUES (?1, ?2)", svc, name,
	    create);
}

int
repo_service_delete(struct repo *r, int64_t svc)
{
	sqlite3_stmt	*st;

	if ((st = repo_prepare(r, "DELETE FROM service WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, svc);
	return repo_step_done(st);
}

int
repo_instance_delete(struct repo *r, int64_t inst)
{
	sqlite3_stmt	*st;

	/* Its groups (editing and snapshots) go first: pg.inst has no FK. */
	if ((st = repo_prepare(r, "DELETE FROM pg WHERE inst = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, inst);
	if (repo_step_done(st) == -1)
		return -1;
	if ((st = repo_prepare(r, "DELETE FROM instance WHERE id = ?1"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, inst);
	return repo_step_done(st);
}

int
repo_instances(struct repo *r, struct repo_inst **out, size_t *n)
{
	sqlite3_stmt	*st;
	struct repo_inst *v = NULL;
	size_t		 cnt = 0;
	int		 rc;

	st = repo_prepare(r, "SELECT i.id, s.id, s.name, i.name FROM instance i"
	    " JOIN service s ON s.id = i.svc ORDER BY s.name, i.name");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, cnt + 1, sizeof(*v));
		v[cnt].id = sqlite3_column_int64(st, 0);
		v[cnt].svc_id = sqlite3_column_int64(st, 1);
		v[cnt].svc = xstrdup((const char *)sqlite3_column_text(st, 2));
		v[cnt].inst = xstrdup((const char *)sqlite3_column_text(st, 3));
		cnt++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		repo_insts_free(v, cnt);
		errno = EIO;
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

void
repo_insts_free(struct repo_inst *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].svc);
		free(v[i].inst);
	}
	free(v);
}

int
repo_services(struct repo *r, char ***out, size_t *n)
{
	sqlite3_stmt	*st;
	char		**v = NULL;
	size_t		 cnt = 0, i;
	int		 rc;

	if ((st = repo_prepare(r, "SELECT name FROM service ORDER BY name"))
	    == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, cnt + 1, sizeof(*v));
		v[cnt++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (i = 0; i < cnt; i++)
			free(v[i]);
		free(v);
		errno = EIO;
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int
repo_state_get(struct repo *r, int64_t inst, struct repo_state *s)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(s, 0, sizeof(*s));
	s->state = SMF_UNINIT;
	s->next_state = SMF_NONE;
	s->enabled_tmp = -1;
	st = repo_prepare(r, "SELECT state, next_state, stime, ctid,"
	    " enabled_tmp, blocked, aux, reason FROM state WHERE inst = ?1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, inst);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->state = sqlite3_column_int(st, 0);
		s->next_state = sqlite3_column_int(st, 1);
		s->stime = (time_t)sqlite3_column_int64(st, 2);
		s->ctid = sqlite3_column_int64(st, 3);
		s->enabled_tmp = sqlite3_column_int(st, 4);
		s->blocked = sqlite3_column_int(st, 5);
		strlcpy(s->aux, (const char *)sqlite3_column_text(st, 6),
		    sizeof(s->aux));
		strlcpy(s->reason, (const char *)sqlite3_column_text(st, 7),
		    sizeof(s->reason));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	errno = rc == SQLITE_DONE ? ENOENT : EIO;
	return -1;
}

int
repo_state_put(struct repo *r, int64_t inst, const struct repo_state *s)
{
	sqlite3_stmt	*st;

	st = repo_prepare(r, "INSERT OR REPLACE INTO state(inst, state,"
	    " next_state, stime, ctid, enabled_tmp, blocked, aux, reason)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, inst);
	sqlite3_bind_int(st, 2, s->state);
	sqlite3_bind_int(st, 3, s->next_state);
	sqlite3_bind_int64(st, 4, (int64_t)s->stime);
	sqlite3_bind_int64(st, 5, s->ctid);
	sqlite3_bind_int(st, 6, s->enabled_tmp);
	sqlite3_bind_int(st, 7, s->blocked);
	sqlite3_bind_text(st, 8, s->aux, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, s->reason, -1, SQLITE_TRANSIENT);
	return repo_step_done(st);
}

int
repo_state_clear_all(struct repo *r)
{
	return repo_exec(r, "DELETE FROM state");
}
