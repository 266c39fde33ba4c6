/* Unit tests of the durable copy (db.c): what a restart reloads, and the page size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "lib/log.h"
#include "xenstored/db.h"
#include "xenstored/db_vfs.h"
#include "xenstored/tree.h"

static char	 dir[64], dbfile[96];

struct seen {
	char	 paths[16][64];
	char	 values[16][32];
	int	 n;
};

static void
collect(const char *path, const void *value, uint32_t vlen, const char *perms,
    void *arg)
{
	struct seen	*s = arg;

	(void)perms;
	if (s->n >= 16)
		return;
	snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", path);
	snprintf(s->values[s->n], sizeof(s->values[0]), "%.*s", (int)vlen,
	    (const char *)value);
	s->n++;
}

static int
setup(void **state)
{
	(void)state;
	log_init("test", 1, 0);
	snprintf(dir, sizeof(dir), "/tmp/xsd-db-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(dbfile, sizeof(dbfile), "%s/store.db", dir);
	tree_init(NULL);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	db_close();
	tree_free();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
page_size(void)
{
	sqlite3		*h;
	sqlite3_stmt	*st;
	int		 ps = -1;

	assert_int_equal(sqlite3_open_v2(dbfile, &h, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA page_size", -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		ps = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return ps;
}

/*
 * Updates keep a node's place (creation order), new nodes go last, and a
 * db_put of a node the database lacks (rows a load skipped) inserts it.
 */
static void
test_put_and_reload(void **state)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };
	struct node			*a, *b;
	struct seen			 s;
	char				*cause = NULL;

	(void)state;
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	db_put_new(tree_root());
	db_put_new(a = tree_create("/a", "1", 1, &def, 1));
	db_put_new(tree_create("/b", "2", 1, &def, 1));
	db_commit();
	tree_set_value(a, "one", 3);
	db_put(a);
	b = tree_create("/c", "3", 1, &def, 1);
	db_put(b);		/* not in the database: inserted */
	db_commit();
	db_close();
	assert_int_equal(page_size(), 1024);

	memset(&s, 0, sizeof(s));
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	assert_int_equal(db_load(collect, &s, &cause), 4);
	assert_string_equal(s.paths[0], "/");
	assert_string_equal(s.paths[1], "/a");
	assert_string_equal(s.values[1], "one");
	assert_string_equal(s.paths[2], "/b");
	assert_string_equal(s.paths[3], "/c");
	assert_string_equal(s.values[3], "3");
}

/* A database made with another page size keeps it and still works. */
static void
test_existing_page_size(void **state)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };
	sqlite3				*h;
	struct seen			 s;
	char				*cause = NULL;

	(void)state;
	assert_int_equal(sqlite3_open(dbfile, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA page_size=4096; "
	    "PRAGMA journal_mode=WAL; CREATE TABLE node (path TEXT NOT NULL "
	    "PRIMARY KEY, seq INTEGER NOT NULL, value BLOB NOT NULL, perms "
	    "TEXT NOT NULL) WITHOUT ROWID; INSERT INTO node VALUES "
	    "('/', 1, '', 'n0')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	db_put_new(tree_create("/x", "v", 1, &def, 1));
	db_commit();
	db_close();
	assert_int_equal(page_size(), 4096);
	memset(&s, 0, sizeof(s));
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	assert_int_equal(db_load(collect, &s, &cause), 2);
	assert_string_equal(s.paths[1], "/x");
}

/*
 * db_commit() hands the commit's WAL frames (gathered by the xsd-wal VFS)
 * to the kernel before it returns: a child commits and is killed (SIGKILL,
 * as kill -9), and every committed node is there when the database is
 * opened again.
 */
static void
test_survives_sigkill(void **state)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };
	struct seen			 s;
	char				*cause = NULL, path[32], val[16];
	pid_t				 pid;
	int				 i, st;

	(void)state;
	if ((pid = fork()) == 0) {
		if (db_open(dbfile, 0, &cause) == -1)
			_exit(2);
		db_put_new(tree_root());
		db_commit();
		for (i = 0; i < 14; i++) {
			snprintf(path, sizeof(path), "/n%d", i);
			snprintf(val, sizeof(val), "v%d", i);
			db_put_new(tree_create(path, val, (uint32_t)strlen(val),
			    &def, 1));
			db_commit();
		}
		raise(SIGKILL);
		_exit(3);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	memset(&s, 0, sizeof(s));
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	assert_int_equal(db_load(collect, &s, &cause), 15);
	assert_string_equal(s.paths[14], "/n13");
	assert_string_equal(s.values[14], "v13");
}

static void
sql(sqlite3 *h, const char *q)
{
	char	*err = NULL;

	if (sqlite3_exec(h, q, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q, err ? err : "?");
}

/*
 * The WAL is truncated when it restarts past journal_size_limit (0 here):
 * the VFS's gathered writes must not straddle the truncation, and writes
 * after it must land.  A lost row fails the test.
 */
static void
test_wal_truncated(void **state)
{
	sqlite3		*h;
	sqlite3_stmt	*st;
	struct stat	 sb;
	char		 wal[128], q[64];
	int		 i, n = -1;

	(void)state;
	assert_int_equal(db_vfs_register(), 0);
	assert_int_equal(sqlite3_open_v2(dbfile, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, db_vfs_name()), SQLITE_OK);
	sql(h, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; "
	    "PRAGMA journal_size_limit=0; PRAGMA wal_autocheckpoint=0; "
	    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
	for (i = 0; i < 200; i++) {
		snprintf(q, sizeof(q), "INSERT INTO t VALUES (%d, 'x')", i);
		sql(h, q);
		if (i == 100) {
			sql(h, "PRAGMA wal_checkpoint");
			snprintf(wal, sizeof(wal), "%s-wal", dbfile);
			assert_int_equal(stat(wal, &sb), 0);
		}
		if (i == 101) {		/* restarted: truncated to 0 first */
			assert_int_equal(stat(wal, &sb), 0);
			assert_true(sb.st_size > 0);
		}
	}
	assert_int_equal(db_vfs_flush(), 0);
	sqlite3_close(h);
	assert_int_equal(sqlite3_open(dbfile, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM t", -1,
	    &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	assert_int_equal(n, 200);
}

/*
 * One commit of ~400 KiB of WAL frames (the unix VFS takes at most
 * 0x1ffff bytes per write: the coalesced buffer goes down in pieces), and
 * a commit of it reloads whole.  Before the fix, db_commit() exited.
 */
static void
test_big_commit(void **state)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };
	static char			 val[3000];
	char				 path[32], *cause = NULL;
	struct seen			 s;
	int				 i;

	(void)state;
	memset(val, 'v', sizeof(val));
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	db_put_new(tree_root());
	for (i = 0; i < 130; i++) {
		snprintf(path, sizeof(path), "/k%03d", i);
		assert_int_equal(db_reserve(db_wal_estimate(1,
		    sizeof(val) + 64)), 0);
		db_put_new(tree_create(path, val, sizeof(val), &def, 1));
	}
	assert_int_equal(db_commit(), 0);
	db_close();

	memset(&s, 0, sizeof(s));
	assert_int_equal(db_open(dbfile, 0, &cause), 0);
	assert_int_equal(db_load(collect, &s, &cause), 131);
	assert_string_equal(s.paths[15], "/k014");
	assert_int_equal(strlen(s.values[15]), sizeof(s.values[15]) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_and_reload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_existing_page_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_survives_sigkill, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_commit, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
