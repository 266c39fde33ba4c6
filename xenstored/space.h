/* Disk space: what a request may add to the WAL, reserved before it runs. */
#ifndef XSD_SPACE_H
#define XSD_SPACE_H

struct req;

/* How a request type may change the database (wire.c's table). */
enum space_kind {
	SPACE_NONE = 0,		/* never */
	SPACE_CREATE,		/* WRITE, MKDIR: the node and its parents */
	SPACE_RM,		/* the subtree */
	SPACE_SET_PERMS,	/* one node */
	SPACE_TXN_END,		/* what the transaction changed */
	SPACE_META,		/* domain and watch records */
	SPACE_RING,		/* a guest ring's watch records */
};

/*
 * Reserve room in the WAL for what the request may write when the turn
 * commits.  Returns 0, or ENOSPC: answer that, and change nothing.
 */
int	 space_reserve(struct req *, enum space_kind);

#endif
