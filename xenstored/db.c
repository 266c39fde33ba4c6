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
#include "xenstored/tree.h"

/*
 * Schema: node(id INTEGER PRIMARY KEY, path UNIQUE, value, perms).  An
 * upsert keeps a node's id, and a new node always gets a larger id than
 * every existing one, so "ORDER BY id" lists parents before children
 * and siblings in creation order: the tree reloads exactly.  A subtree
 * is the range path = P or P/ <= path < P0 ('0' follows '/').
 */
static sqlite3		*db;
static sqlite3_stmt	*st_put, *st_del, *st_begin, *st_commit;
static int		 in_txn;
static uint64_t		 ncommits;

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
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	if (exec("PRAGMA journal_mode=WAL", cause) == -1 ||
	    exec(durable ? "PRAGMA synchronous=FULL" :
	    "PRAGMA synchronous=NORMAL", cause) == -1 ||
	    exec("PRAGMA wal_autocheckpoint=4000", cause) == -1 ||
	    exec("CREATE TABLE IF NOT EXISTS node ("
	    "id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, "
	    "value BLOB NOT NULL, perms TEXT NOT NULL)", cause) == -1 ||
	    prep("INSERT INTO node(path, value, perms) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(path) DO UPDATE SET value = excluded.value, "
	    "perms = excluded.perms", &st_put, cause) == -1 ||
	    prep("DELETE FROM node WHERE path = ?1 OR "
	    "(path >= ?1 || '/' AND path < ?1 || '0')", &st_del, cause) == -1 ||
	    prep("BEGIN", &st_begin, cause) == -1 ||
	    prep("COMMIT", &st_commit, cause) == -1) {
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
	st_put = st_del = st_begin = st_commit = NULL;
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

	if (prep("SELECT path, value, perms FROM node ORDER BY id", &st,
	    cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
db_commit(void)
{
	if (db == NULL || !in_txn)
		return;
	step(st_commit, "COMMIT");
	in_txn = 0;
	ncommits++;
}

uint64_t
db_commits(void)
{
	return ncommits;
}
