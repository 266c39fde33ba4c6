/* Disk space: what a request may add to the WAL, reserved before it runs. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "xenstored/conn.h"
#include "xenstored/db.h"
#include "xenstored/space.h"
#include "xenstored/transaction.h"
#include "xenstored/tree.h"
#include "xenstored/wire.h"

/*
 * A request that may change the database first reserves room for its
 * share of the turn's commit (db_reserve), from an upper bound computed
 * here without changing anything.  A full disk is then an ENOSPC reply
 * to that request alone, before any effect, while reads go on; and the
 * commit, whose WAL blocks are already allocated, does not fail for
 * space.  The bounds are generous rather than exact -- a few rows and a
 * few KiB too many cost nothing until the disk is within that of full.
 *
 * Requests inside a transaction change only the transaction's copies:
 * nothing to reserve until TRANSACTION_END.  Example: a WRITE of 100
 * bytes to /local/domain/3/data/x may create 5 nodes (every level may be
 * missing): 5 rows of at most 5 x (path + home) + value bytes, so
 * db_wal_estimate(5, 320) = 17 frames of 1,048 bytes.
 */
#define PERMS_ROW	64	/* a row's fixed part and a perms text */
#define META_ROW	128	/* a domain or watch row */

/* Levels and bytes of every node a WRITE or MKDIR of 'path' may create. */
static uint64_t
est_create(struct req *r)
{
	const char	*path, *end;
	uint64_t	 levels = 1, plen, vlen;

	if (r->tx != NULL || r->argc < 1)
		return 0;
	path = r->argv[0];
	for (end = path; *end != '\0'; end++)
		levels += (*end == '/');
	plen = (uint64_t)(end - path);
	vlen = r->hdr.len > plen + 1 ? r->hdr.len - plen - 1 : 0;
	/* A relative path lives below the connection's home (< 32 bytes). */
	plen += sizeof(r->conn->home);
	return db_wal_estimate(levels, levels * (plen + PERMS_ROW) + vlen);
}

/* The node and everything below it (RM deletes them all). */
static void
subtree_size(const struct node *n, uint64_t *rows, uint64_t *bytes)
{
	const struct node	*c;

	*rows += 1;
	*bytes += strlen(n->path) + n->vlen + PERMS_ROW;
	for (c = n->child_first; c != NULL; c = c->next)
		subtree_size(c, rows, bytes);
}

static uint64_t
est_rm(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct node	*n;
	uint64_t	 rows = 0, bytes = 0;

	if (r->tx != NULL || r->argc < 1 ||
	    wire_canon(r->conn, r->argv[0], 0, path, sizeof(path)) != 0 ||
	    (n = tree_lookup(path)) == NULL)
		return 0;
	subtree_size(n, &rows, &bytes);
	/* The parent's row is not rewritten, but its page may split. */
	return db_wal_estimate(rows + 1, bytes);
}

static uint64_t
est_set_perms(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct node	*n;

	if (r->tx != NULL || r->argc < 1 ||
	    wire_canon(r->conn, r->argv[0], 0, path, sizeof(path)) != 0 ||
	    (n = tree_lookup(path)) == NULL)
		return 0;
	return db_wal_estimate(1, strlen(path) + n->vlen + r->hdr.len +
	    PERMS_ROW);
}

static uint64_t
est_txn_end(struct req *r)
{
	uint64_t	 rows = 0, bytes = 0;

	if (r->tx == NULL || r->argc < 1 || strcmp(r->argv[0], "T") != 0)
		return 0;
	txn_write_size(r->tx, &rows, &bytes);
	return rows == 0 ? 0 : db_wal_estimate(rows, bytes + rows * PERMS_ROW);
}

/* INTRODUCE, RELEASE: a domain's row and its watches' rows. */
static uint64_t
est_meta(struct req *r)
{
	(void)r;
	return db_wal_estimate(8, 8 * META_ROW);
}

/* WATCH, UNWATCH, RESET_WATCHES: recorded for guest rings only. */
static uint64_t
est_ring(struct req *r)
{
	return r->conn->who.domid == 0 ? 0 : est_meta(r);
}

static uint64_t (*const estimators[])(struct req *) = {
	[SPACE_CREATE] = est_create,
	[SPACE_RM] = est_rm,
	[SPACE_SET_PERMS] = est_set_perms,
	[SPACE_TXN_END] = est_txn_end,
	[SPACE_META] = est_meta,
	[SPACE_RING] = est_ring,
};

static int	 disk_full;

/* Say when the disk fills (at most once a minute) and when it has room. */
static void
note_full(int full)
{
	static time_t	 said;
	time_t		 now = time(NULL);

	if (full && (!disk_full || now - said >= 60)) {
		log_warnx("the disk of the store is full: requests that "
		    "would write are answered ENOSPC, reads go on");
		said = now;
	} else if (!full && disk_full)
		log_info("room on the disk of the store again: writes are "
		    "accepted");
	disk_full = full;
}

int
space_reserve(struct req *r, enum space_kind kind)
{
	uint64_t	 bytes;

	if (kind == SPACE_NONE ||
	    (bytes = estimators[kind](r)) == 0)
		return 0;
	if (db_reserve(bytes) == -1) {
		note_full(1);
		return ENOSPC;
	}
	if (disk_full)
		note_full(0);
	return 0;
}
