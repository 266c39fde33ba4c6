/* The store as a whole: the tree loaded from (or first written to) the database. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/db.h"
#include "xenstored/domain.h"
#include "xenstored/quota.h"
#include "xenstored/store.h"
#include "xenstored/tree.h"

static void
load_one(const char *path, const void *value, uint32_t vlen,
    const char *perms, void *arg)
{
	struct xs_perm	*p;
	struct node	*n, *parent;
	const char	*slash;
	uint32_t	 np;
	uint64_t	*bad = arg;

	if (path == NULL || perms == NULL || !path_valid(path) ||
	    (p = perm_from_db(perms, &np)) == NULL) {
		(*bad)++;
		return;
	}
	if (strcmp(path, "/") == 0) {
		n = tree_root();
		tree_set_perms(n, p, np);
		tree_set_value(n, value, vlen);
	} else {
		slash = strrchr(path, '/');
		parent = tree_lookup_len(path, slash == path ? 1 :
		    (size_t)(slash - path));
		if (parent == NULL || tree_lookup(path) != NULL)
			(*bad)++;
		else
			tree_create(path, value, vlen, p, np);
	}
	free(p);
}

static const struct tree_hooks	 hooks = { domain_owner_add, NULL };
static int			 meta_dirty;
static uint64_t			 nfailed;	/* turns failed in a row */

/* The tree as the database has it (after a failed commit). */
static int64_t
reload(char **cause)
{
	uint64_t	 bad = 0;
	int64_t		 n;

	tree_init(&hooks);
	if ((n = db_load(load_one, &bad, cause)) == -1)
		return -1;
	if (bad > 0)
		log_warnx("%s: %llu malformed or orphaned rows skipped",
		    __func__, (unsigned long long)bad);
	return n;
}

int
store_open(const char *dbpath, int durable, char **cause)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };
	int64_t				 n;

	quota_defaults();
	tree_init(&hooks);
	if (dbpath == NULL)
		n = 0;
	else {
		if (db_open(dbpath, durable, cause) == -1)
			return -1;
		if ((n = reload(cause)) == -1) {
			db_close();
			return -1;
		}
	}
	if (n == 0) {
		db_put_new(tree_root());
		db_put_new(tree_create("/tool", NULL, 0, &def, 1));
		db_put_new(tree_create("/tool/xenstored", NULL, 0, &def, 1));
		if (db_commit() == -1) {
			xasprintf(cause, "%s: creating the tree: %s", dbpath,
			    strerror(errno));
			db_close();
			return -1;
		}
	}
	log_info("%s: %llu nodes loaded", __func__,
	    (unsigned long long)tree_count());
	return 0;
}

void
store_close(void)
{
	db_close();
	tree_free();
}

/*
 * The end of a turn.  When the commit fails (a full disk that the
 * reservation did not foresee, an I/O error), nothing of the turn is in
 * the database: the tree goes back to what the database holds, the
 * turn's replies that told of the tree become the error (conn.c), and
 * the records of domains and their watches, which live in memory and
 * are only copied to the database, are written again whole.  Open
 * transactions then see every node changed and end in EAGAIN.
 */
void
store_commit(void *arg)
{
	char	*cause = NULL;
	int	 err;

	(void)arg;
	if (!db_in_txn())
		return;
	if (meta_dirty) {
		domain_db_rewrite();
		meta_dirty = 0;
	}
	if (db_commit() == 0) {
		if (nfailed > 0)
			log_info("%s: commits work again (%llu turns failed)",
			    __func__, (unsigned long long)nfailed);
		nfailed = 0;
		return;
	}
	err = errno;
	meta_dirty = 1;
	if (nfailed++ == 0)
		log_warnx("%s: the turn's changes could not be written (%s): "
		    "undone, their requests answered %s", __func__,
		    strerror(err), err == ENOSPC ? "ENOSPC" : "EIO");
	if (reload(&cause) == -1)
		fatalx("%s: the database cannot be read back: %s", __func__,
		    cause);
	conn_fail_turn(err);
}

void
store_tick(void *arg)
{
	static uint64_t	 last;

	(void)arg;
	/* Domain records still to write again, with no turn to carry them
	 * (nothing to undo in the tree if this fails). */
	if (meta_dirty && !db_in_txn()) {
		domain_db_rewrite();
		if (db_commit() == 0)
			meta_dirty = 0;
	}
	/* Quiet for a whole tick: checkpoint now, off the busy path. */
	if (db_commits() == last)
		db_idle();
	last = db_commits();
}
