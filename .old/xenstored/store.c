/* The store as a whole: the tree loaded from (or first written to) the database. */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
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

int
store_open(const char *dbpath, int durable, char **cause)
{
	static const struct xs_perm	 def = { 0, PERM_NONE };
	struct tree_hooks		 hooks = { domain_owner_add, NULL };
	uint64_t			 bad = 0;
	int64_t				 n;

	quota_defaults();
	tree_init(&hooks);
	if (dbpath == NULL)
		n = 0;
	else {
		if (db_open(dbpath, durable, cause) == -1)
			return -1;
		if ((n = db_load(load_one, &bad, cause)) == -1) {
			db_close();
			return -1;
		}
	}
	if (bad > 0)
		log_warnx("%s: %llu malformed or orphaned rows skipped",
		    __func__, (unsigned long long)bad);
	if (n == 0) {
		db_put(tree_root());
		db_put(tree_create("/tool", NULL, 0, &def, 1));
		db_put(tree_create("/tool/xenstored", NULL, 0, &def, 1));
		db_commit();
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

void
store_commit(void *arg)
{
	(void)arg;
	db_commit();
}

void
store_tick(void *arg)
{
	static uint64_t	 last;

	(void)arg;
	/* Quiet for a whole tick: checkpoint now, off the busy path. */
	if (db_commits() == last)
		db_idle();
	last = db_commits();
}
