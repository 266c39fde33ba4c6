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
/*
 * Every commit appends each page it dirtied to the WAL (copied, checksummed
 * and written): with one node per commit, a whole page per write.  A node
 * row is ~100 bytes, so 1 KiB pages still hold about ten, and a one-node
 * commit moves 1 KiB instead of 4 (the WAL after 100,000 writes: 30 MB
 * instead of 68).  Only a new database takes the size; an existing one
 * keeps its own (SQLite cannot change it in WAL mode).
 */
#define DB_PAGE_SIZE	"1024"

static sqlite3		*db;
static sqlite3_stmt	*st_ins, *st_upd, *st_del, *st_begin, *st_commit;
static sqlite3_stmt	*st_dput, *st_ddel;
static sqlite3_stmt	*st_wput, *st_wdel, *st_wclear;
static int		 in_txn;
static int		 turn_rc;	/* first failure in the open txn */
static uint64_t		 turn_reserved;	/* WAL bytes promised to the txn */
static int		 page_size = 1024;
static char		*db_path;
static int		 db_durable;
static uint64_t		 ncommits, ckpt_at;
static int		 ckpt_failing;
static int64_t		 next_seq = 1;
static struct buf	 permtext;	/* reused by every put */

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

static void
read_page_size(void)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL) !=
	    SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0)
		page_size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
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
	    exec("PRAGMA page_size=" DB_PAGE_SIZE, cause) == -1 ||
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
	    prep("INSERT OR REPLACE INTO node(path, seq, value, perms) "
	    "VALUES (?1, ?4, ?2, ?3)", &st_ins, cause) == -1 ||
	    prep("UPDATE node SET value = ?2, perms = ?3 WHERE path = ?1",
	    &st_upd, cause) == -1 ||
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
	read_page_size();
	if (db_path != path) {
		free(db_path);
		db_path = xstrdup(path);
	}
	db_durable = durable;
	return 0;
}

void
db_close(void)
{
	if (db == NULL)
		return;
	if (in_txn)
		(void)db_commit();
	sqlite3_finalize(st_ins);
	sqlite3_finalize(st_upd);
	sqlite3_finalize(st_del);
	sqlite3_finalize(st_begin);
	sqlite3_finalize(st_commit);
	sqlite3_finalize(st_dput);
	sqlite3_finalize(st_ddel);
	sqlite3_finalize(st_wput);
	sqlite3_finalize(st_wdel);
	sqlite3_finalize(st_wclear);
	st_ins = st_upd = st_del = st_begin = st_commit = NULL;
	st_dput = st_ddel = st_wput = st_wdel = st_wclear = NULL;
	buf_free(&permtext);
	sqlite3_close(db);
	db = NULL;
	in_txn = 0;
	turn_rc = SQLITE_OK;
	turn_reserved = 0;
	free(db_path);
	db_path = NULL;
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

/*
 * A statement that fails (the disk is full, an I/O error) fails the
 * whole open transaction: the rest of the turn's statements are skipped
 * -- SQLite may already have rolled back, and they must not go on in
 * autocommit mode -- and db_commit() reports the failure.
 */
static void
step(sqlite3_stmt *st, const char *what)
{
	int	 rc;

	if (turn_rc != SQLITE_OK)
		return;
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		turn_rc = sqlite3_extended_errcode(db);
		if (turn_rc == SQLITE_OK)
			turn_rc = rc;
		log_warnx("%s: %s: %s", __func__, what, sqlite3_errmsg(db));
	}
	sqlite3_reset(st);
}

static void
begin(void)
{
	if (!in_txn) {
		in_txn = 1;
		step(st_begin, "BEGIN");
	}
}

int
db_in_txn(void)
{
	return in_txn;
}

/*
 * What a commit of 'rows' rows of 'bytes' bytes in all may append to the
 * WAL, generously: SQLite writes every page it dirtied whole, as a frame
 * of a page and a 24-byte header.  Each row may dirty its own leaf; with
 * 1 KiB pages a row over ~230 bytes spills to overflow pages (the rest of
 * it, ~1000 bytes a page); splits dirty siblings and parents; page 1 and
 * the freelist come on top.
 */
uint64_t
db_wal_estimate(uint64_t rows, uint64_t bytes)
{
	uint64_t	 frames;

	frames = rows + 2 * (bytes / 700 + 1) + 8;
	return frames * (uint64_t)(page_size + 24);
}

int
db_reserve(uint64_t bytes)
{
	if (db == NULL || bytes == 0)
		return 0;
	if (db_vfs_reserve(turn_reserved + bytes) == -1)
		return -1;
	turn_reserved += bytes;
	return 0;
}

/*
 * Bind what every row holds.  Every parameter is bound again on each use,
 * so no sqlite3_clear_bindings(); the bound memory (the node's, and
 * permtext) stays valid until the step.
 */
static void
bind_node(sqlite3_stmt *st, const struct node *n)
{
	static const char empty[1];

	buf_reset(&permtext);
	perm_to_db(&permtext, n->perms, n->nperms);
	if (buf_error(&permtext) != 0)
		fatalx("%s: out of memory", __func__);
	sqlite3_bind_text(st, 1, n->path, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, n->vlen ? (const void *)n->value :
	    (const void *)empty, (int)n->vlen, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, buf_data(&permtext), (int)buf_len(&permtext),
	    SQLITE_STATIC);
}

void
db_put_new(const struct node *n)
{
	if (db == NULL)
		return;
	begin();
	bind_node(st_ins, n);
	sqlite3_bind_int64(st_ins, 4, next_seq++);
	step(st_ins, n->path);
}

void
db_put(const struct node *n)
{
	if (db == NULL)
		return;
	begin();
	/* One B-tree seek for a node the database has (the usual case). */
	bind_node(st_upd, n);
	step(st_upd, n->path);
	if (sqlite3_changes(db) == 0)
		db_put_new(n);
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
db_domain_clear_all(void)
{
	sqlite3_stmt	*st;
	const char	*sql[] = { "DELETE FROM domain", "DELETE FROM dwatch" };
	size_t		 i;

	if (db == NULL)
		return;
	begin();
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (sqlite3_prepare_v2(db, sql[i], -1, &st, NULL) != SQLITE_OK) {
			if (turn_rc == SQLITE_OK)
				turn_rc = sqlite3_extended_errcode(db);
			return;
		}
		step(st, sql[i]);
		sqlite3_finalize(st);
	}
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

/*
 * SQLite says it committed, but WAL data it handed us could not be
 * written: what it believes and what the file holds differ.  A fresh
 * connection believes the file (it recovers the WAL from disk).
 */
static int
reopen(void)
{
	char	*path = db_path, *cause = NULL;
	int	 rc;

	db_path = NULL;
	in_txn = 0;
	db_close();
	rc = db_open(path, db_durable, &cause);
	if (rc == -1) {
		log_warnx("%s: %s", __func__, cause);
		free(cause);
	}
	free(path);
	return rc;
}

int
db_commit(void)
{
	int	 rc;

	if (db == NULL || !in_txn)
		return 0;
	if (turn_rc == SQLITE_OK) {
		/* The commit's WAL frames reach the kernel in this step. */
		if ((rc = sqlite3_step(st_commit)) != SQLITE_DONE) {
			turn_rc = sqlite3_extended_errcode(db);
			if (turn_rc == SQLITE_OK)
				turn_rc = rc;
			log_warnx("%s: %s", __func__, sqlite3_errmsg(db));
		}
		sqlite3_reset(st_commit);
	}
	turn_reserved = 0;
	if (turn_rc == SQLITE_OK && db_vfs_flush() == -1) {
		log_warnx("%s: writing the WAL failed after the commit; "
		    "reopening the database", __func__);
		turn_rc = SQLITE_IOERR;
		if (reopen() == -1)
			fatalx("%s: the database cannot be reopened", __func__);
	}
	in_txn = 0;
	if (turn_rc != SQLITE_OK) {
		rc = (turn_rc & 0xff) == SQLITE_FULL ? ENOSPC : EIO;
		turn_rc = SQLITE_OK;
		if (db != NULL && !sqlite3_get_autocommit(db) &&
		    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
			log_warnx("%s: rollback: %s", __func__,
			    sqlite3_errmsg(db));
		errno = rc;
		return -1;
	}
	ncommits++;
	return 0;
}

void
db_idle(void)
{
	if (db == NULL || in_txn || ckpt_at == ncommits)
		return;
	/* A full disk fails checkpoints until there is room again: say it
	 * once, not every second. */
	if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL) != SQLITE_OK) {
		if (!ckpt_failing)
			log_warnx("%s: checkpoint: %s (the WAL keeps the "
			    "data; retried when idle)", __func__,
			    sqlite3_errmsg(db));
		ckpt_failing = 1;
		return;
	}
	if (ckpt_failing)
		log_info("%s: checkpoints work again", __func__);
	ckpt_failing = 0;
	ckpt_at = ncommits;
}

uint64_t
db_commits(void)
{
	return ncommits;
}
