/* The store's durable copy: an SQLite database in WAL mode, one commit per loop turn. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/db.h"
#include "xenstored/db_vfs.h"
#include "xenstored/tree.h"

/*
 * Schema: node(path PRIMARY KEY, seq, value, perms) WITHOUT ROWID: one
 * B-tree, so a commit of one write dirties one leaf page (a rowid table
 * with a unique index dirties two).  seq is the creation order: an upsert
 * keeps it, a new node gets a larger one than every existing node, so
 * "ORDER BY seq" lists parents before children and siblings in creation
 * order, and the tree reloads exactly.  A subtree is the key range
 * path = P or P/ <= path < P0 ('0' follows '/').
 *
 * Cost on the hot path: the database is opened in exclusive locking mode
 * (no shared-memory locks per commit; xenstored is its only user) and
 * checkpoints -- which copy the WAL into the database and, with
 * synchronous=NORMAL, fsync -- run from an idle timer (db_idle) rather
 * than inside a commit, with a large automatic checkpoint as a backstop.
 */
static sqlite3		*db;
static sqlite3_stmt	*st_put, *st_del, *st_begin, *st_commit;
static sqlite3_stmt	*st_dput, *st_ddel;
static sqlite3_stmt	*st_wput, *st_wdel, *st_wclear;
static int		 in_txn;
static uint64_t		 ncommits, ckpt_at;
static int64_t		 next_seq = 1;

static int
exec(const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
prep(const char *sql, sqlite3_stmt **st, char **cause)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) != SQLITE_OK) {
		xasprintf(cause, "preparing %s: %s", sql, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
db_open(const char *path, int durable, char **cause)
{
	if (db_vfs_register() == -1) {
		xasprintf(cause, "cannot register the SQLite VFS");
		return -1;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, db_vfs_name()) !=
	    SQLITE_OK) {
		xasprintf(cause, "%s: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	if (exec("PRAGMA locking_mode=EXCLUSIVE", cause) == -1 ||
	    exec("PRAGMA journal_mode=WAL", cause) == -1 ||
	    exec(durable ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL", cause) == -1 ||
	    exec("PRAGMA wal_autocheckpoint=50000", cause) == -1 ||
	    exec("PRAGMA journal_size_limit=67108864", cause) == -1 ||
	    exec("PRAGMA cache_size=-8192", cause) == -1 ||
	    exec("CREATE TABLE IF NOT EXISTS node ("
	    "path TEXT NOT NULL PRIMARY KEY, seq INTEGER NOT NULL, "
	    "value BLOB NOT NULL, perms TEXT NOT NULL) WITHOUT ROWID",
	    cause) == -1 ||
	    prep("INSERT INTO node(path, seq, value, perms) "
	    "VALUES (?1, ?4, ?2, ?3) "
	    "ON CONFLICT(path) DO UPDATE SET value = excluded.value, "
	    "perms = excluded.perms", &st_put, cause) == -1 ||
	    prep("DELETE FROM node WHERE path = ?1 OR "
	    "(path >= ?1 || '/' AND path < ?1 || '0')", &st_del, cause) == -1 ||
	    exec("CREATE TABLE IF NOT EXISTS domain (domid INTEGER PRIMARY KEY, "
	    "mfn INTEGER NOT NULL, port INTEGER NOT NULL)", cause) == -1 ||
	    prep("INSERT OR REPLACE INTO domain(domid, mfn, port) "
	    "VALUES (?1, ?2, ?3)", &st_dput, cause) == -1 ||
	    prep("DELETE FROM domain WHERE domid = ?1", &st_ddel, cause) == -1 ||
	    exec("CREATE TABLE IF NOT EXISTS dwatch (domid INTEGER NOT NULL, "
	    "path TEXT NOT NULL, token TEXT NOT NULL, rel INTEGER NOT NULL, "
	    "PRIMARY KEY(domid, path, token))", cause) == -1 ||
	    prep("INSERT OR REPLACE INTO dwatch(domid, path, token, rel) "
	    "VALUES (?1, ?2, ?3, ?4)", &st_wput, cause) == -1 ||
	    prep("DELETE FROM dwatch WHERE domid = ?1 AND path = ?2 AND "
	    "token = ?3", &st_wdel, cause) == -1 ||
	    prep("DELETE FROM dwatch WHERE domid = ?1", &st_wclear,
	    cause) == -1 ||
	    prep("BEGIN", &st_begin, cause) == -1 ||
	    prep("COMMIT", &st_commit, cause) == -1) {
		char	*inner = *cause;

		xasprintf(cause, "%s: %s", path, inner);
		free(inner);
		db_close();
		return -1;
	}
	return 0;
}

void
db_close(void)
{
	if (db == NULL)
		return;
	if (in_txn)
		db_commit();
	sqlite3_finalize(st_put);
	sqlite3_finalize(st_del);
	sqlite3_finalize(st_begin);
	sqlite3_finalize(st_commit);
	sqlite3_finalize(st_dput);
	sqlite3_finalize(st_ddel);
	sqlite3_finalize(st_wput);
	sqlite3_finalize(st_wdel);
	sqlite3_finalize(st_wclear);
	st_put = st_del = st_begin = st_commit = st_dput = st_ddel = NULL;
	st_wput = st_wdel = st_wclear = NULL;
	sqlite3_close(db);
	db = NULL;
}

int
db_is_open(void)
{
	return db != NULL;
}

int64_t
db_load(void (*cb)(const char *, const void *, uint32_t, const char *,
    void *), void *arg, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0;
	int		 rc;

	if (prep("SELECT path, value, perms, seq FROM node ORDER BY seq", &st,
	    cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 3) >= next_seq)
			next_seq = sqlite3_column_int64(st, 3) + 1;
		cb((const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_blob(st, 1),
		    (uint32_t)sqlite3_column_bytes(st, 1),
		    (const char *)sqlite3_column_text(st, 2), arg);
		n++;
	}
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "reading the tree: %s", sqlite3_errmsg(db));
		n = -1;
	}
	sqlite3_finalize(st);
	return n;
}

static void
step(sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		fatalx("%s: %s: %s", __func__, what, sqlite3_errmsg(db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
begin(void)
{
	if (!in_txn) {
		step(st_begin, "BEGIN");
		in_txn = 1;
	}
}

void
db_put(const struct node *n)
{
	struct buf	 b = BUF_INITIALIZER;
	static const char empty[1];

	if (db == NULL)
		return;
	begin();
	perm_to_db(&b, n->perms, n->nperms);
	sqlite3_bind_text(st_put, 1, n->path, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st_put, 2, n->vlen ? (const void *)n->value :
	    (const void *)empty, (int)n->vlen, SQLITE_STATIC);
	sqlite3_bind_text(st_put, 3, buf_cstr(&b), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st_put, 4, next_seq++);	/* used on insert only */
	step(st_put, n->path);
	buf_free(&b);
}

void
db_del(const char *path)
{
	if (db == NULL)
		return;
	begin();
	sqlite3_bind_text(st_del, 1, path, -1, SQLITE_STATIC);
	step(st_del, path);
}

void
db_domain_put(uint32_t domid, uint64_t mfn, uint32_t port)
{
	if (db == NULL)
		return;
	begin();
	sqlite3_bind_int64(st_dput, 1, domid);
	sqlite3_bind_int64(st_dput, 2, (sqlite3_int64)mfn);
	sqlite3_bind_int64(st_dput, 3, port);
	step(st_dput, "domain");
}

void
db_domain_del(uint32_t domid)
{
	if (db == NULL)
		return;
	begin();
	sqlite3_bind_int64(st_ddel, 1, domid);
	step(st_ddel, "domain");
	db_dwatch_clear(domid);
}

void
db_dwatch_put(uint32_t domid, const char *path, const char *token, int rel)
{
	if (db == NULL)
		return;
	begin();
	sqlite3_bind_int64(st_wput, 1, domid);
	sqlite3_bind_text(st_wput, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st_wput, 3, token, -1, SQLITE_STATIC);
	sqlite3_bind_int(st_wput, 4, rel);
	step(st_wput, "dwatch");
}

void
db_dwatch_del(uint32_t domid, const char *path, const char *token)
{
	if (db == NULL)
		return;
	begin();
	sqlite3_bind_int64(st_wdel, 1, domid);
	sqlite3_bind_text(st_wdel, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st_wdel, 3, token, -1, SQLITE_STATIC);
	step(st_wdel, "dwatch");
}

void
db_dwatch_clear(uint32_t domid)
{
	if (db == NULL)
		return;
	begin();
	sqlite3_bind_int64(st_wclear, 1, domid);
	step(st_wclear, "dwatch");
}

int
db_dwatch_load(uint32_t domid, void (*cb)(const char *, const char *, int,
    void *), void *arg)
{
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 rc;

	if (db == NULL)
		return 0;
	if (prep("SELECT path, token, rel FROM dwatch WHERE domid = ?1 "
	    "ORDER BY rowid", &st, &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		return -1;
	}
	sqlite3_bind_int64(st, 1, domid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int(st, 2), arg);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_domain_load(void (*cb)(uint32_t, uint64_t, uint32_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 rc;

	if (db == NULL)
		return 0;
	if (prep("SELECT domid, mfn, port FROM domain ORDER BY domid", &st,
	    &cause) == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb((uint32_t)sqlite3_column_int64(st, 0),
		    (uint64_t)sqlite3_column_int64(st, 1),
		    (uint32_t)sqlite3_column_int64(st, 2), arg);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
db_commit(void)
{
	if (db == NULL || !in_txn)
		return;
	step(st_commit, "COMMIT");
	/* The commit's WAL frames reach the kernel here, in one write. */
	if (db_vfs_flush() == -1)
		fatalx("%s: writing the WAL failed", __func__);
	in_txn = 0;
	ncommits++;
}

void
db_idle(void)
{
	if (db == NULL || in_txn || ckpt_at == ncommits)
		return;
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK)
		log_warnx("%s: checkpoint: %s", __func__, sqlite3_errmsg(db));
	ckpt_at = ncommits;
}

uint64_t
db_commits(void)
{
	return ncommits;
}
