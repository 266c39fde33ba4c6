/* Views of the tree (the live one, or a transaction's) and transaction commit. */
#ifndef XSD_TRANSACTION_H
#define XSD_TRANSACTION_H

#include <stdint.h>
#include <sys/queue.h>

#include "xenstored/perms.h"

struct buf;
struct conn;
struct node;
struct txn;
struct txnode;

/* Room for any valid absolute path and its NUL. */
#define XS_PATH_BUF	3200

/*
 * A node as one request sees it.  Pointers are borrowed and stay valid
 * until the next change through the same view.
 */
struct vnode {
	struct node		*n;		/* live node (no transaction) */
	struct txnode		*t;		/* transaction copy */
	const char		*path;
	const uint8_t		*value;
	uint32_t		 vlen;
	const struct xs_perm	*perms;
	uint32_t		 nperms;
	uint32_t		 childlen;
	uint64_t		 gen;
};

/*
 * Every function takes the request's transaction, or NULL for the live
 * tree.  Live changes are recorded in the database and fire watches at
 * once; a transaction's wait for its commit.  Return 0 or an errno:
 * ENOENT, ENOSPC (the transaction touched too many nodes).
 */
int	 view_get(struct conn *, struct txn *, const char *path,
	    struct vnode *);
/* Append each child name and its NUL. */
void	 view_children(struct txn *, const struct vnode *, struct buf *);
/* The parent of 'path' must exist in the view. */
int	 view_create(struct conn *, struct txn *, const char *path,
	    const void *value, uint32_t vlen, const struct xs_perm *,
	    uint32_t nperms);
int	 view_set_value(struct txn *, struct vnode *, const void *, uint32_t);
int	 view_set_perms(struct txn *, struct vnode *, const struct xs_perm *,
	    uint32_t);
int	 view_delete(struct conn *, struct txn *, struct vnode *);
/* The event of a write or mkdir (MATCH_SUBTREE on path). */
void	 view_fire_write(struct txn *, const char *path, const struct vnode *);
void	 view_fire_perms(struct txn *, const char *path, const struct vnode *,
	    const struct xs_perm *old, uint32_t nold);

/* Transactions of a connection. */
struct txn *txn_start(struct conn *);		/* never NULL */
struct txn *txn_lookup(struct conn *, uint32_t id);
uint32_t txn_id(const struct txn *);
/* Rows and bytes a commit of the transaction would write (add to *). */
void	 txn_write_size(const struct txn *, uint64_t *rows, uint64_t *bytes);
/* Commit (0, or EAGAIN on conflict) or abort; the txn is freed either way. */
int	 txn_end(struct txn *, int commit);
void	 txn_conn_gone(struct conn *);
uint64_t txn_count(void);

#endif
