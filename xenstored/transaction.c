/* Views of the tree (the live one, or a transaction's) and transaction commit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/db.h"
#include "xenstored/quota.h"
#include "xenstored/transaction.h"
#include "xenstored/tree.h"
#include "xenstored/watch.h"

/*
 * Transactions, with the conflict rule of Xen's C xenstored.
 *
 * A transaction keeps a private copy (a txnode) of every node it has
 * touched -- read, written, created, deleted, or whose child list it
 * changed -- and remembers the live generation of that node when first
 * touched (0 when it did not exist).  Reads and writes inside the
 * transaction use the copies.  At commit, if any touched node's live
 * generation differs from the remembered one, something outside changed
 * what the transaction saw, and the commit fails with EAGAIN; otherwise
 * the copies are applied to the live tree in one step and the recorded
 * watch events fire (none before commit, none on abort).
 *
 * Example: T reads /vm/x (gen 7).  Another client writes /vm/x (gen 9).
 * T writes /vm/x and commits: 9 != 7, EAGAIN.  Had the other client
 * written /vm/y instead, T's commit succeeds.  Creating /vm/z changes
 * /vm's child list, so a transaction that read or listed /vm fails.
 * Generations are global and never reused, so a node deleted and
 * re-created in between still conflicts.
 */
struct txnode {
	TAILQ_ENTRY(txnode)	 entry;
	struct txnode		*hnext;
	char			*path;
	uint32_t		 hash;
	int			 exists;
	int			 modified;	/* anything changed */
	int			 data_dirty;	/* value/perms changed, or created */
	uint64_t		 base_gen;	/* live gen when first touched */
	uint64_t		 seq;		/* order of first change */
	uint8_t			*value;
	uint32_t		 vlen;
	struct xs_perm		*perms;
	uint32_t		 nperms;
	struct buf		 children;	/* names, each with its NUL */
};

struct txevent {
	TAILQ_ENTRY(txevent)	 entry;
	enum watch_match	 match;
	char			*path;
	struct xs_perm		*perms, *old;
	uint32_t		 nperms, nold;
};

#define TX_HASH		256

struct txn {
	TAILQ_ENTRY(txn)	 entry;
	struct conn		*conn;
	uint32_t		 id;
	struct txnode		*hash[TX_HASH];
	TAILQ_HEAD(, txnode)	 nodes;
	TAILQ_HEAD(, txevent)	 events;
	uint32_t		 nnodes;
	uint64_t		 seq;
};

static uint64_t		 ntxns;

static uint32_t
hash_str(const char *s)
{
	uint32_t	 h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

static void
fill_live(struct vnode *v, struct node *n)
{
	memset(v, 0, sizeof(*v));
	v->n = n;
	v->path = n->path;
	v->value = n->value;
	v->vlen = n->vlen;
	v->perms = n->perms;
	v->nperms = n->nperms;
	v->childlen = n->childlen;
	v->gen = n->gen;
}

static void
fill_tx(struct vnode *v, struct txnode *t)
{
	memset(v, 0, sizeof(*v));
	v->t = t;
	v->path = t->path;
	v->value = t->value;
	v->vlen = t->vlen;
	v->perms = t->perms;
	v->nperms = t->nperms;
	v->childlen = (uint32_t)buf_len(&t->children);
	v->gen = t->modified ? (t->seq << 1) | (1ULL << 63) : t->base_gen;
}

/* The transaction's copy of 'path', made on first touch; NULL: ENOSPC. */
static struct txnode *
tx_node(struct txn *tx, const char *path)
{
	struct txnode	*t;
	struct node	*n, *c;
	uint32_t	 h = hash_str(path);

	for (t = tx->hash[h % TX_HASH]; t != NULL; t = t->hnext)
		if (t->hash == h && strcmp(t->path, path) == 0)
			return t;
	if (!tx->conn->who.privileged && tx->nnodes >= quota_get(Q_TRANS_NODES))
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->path = xstrdup(path);
	t->hash = h;
	buf_init(&t->children, 0);
	if ((n = tree_lookup(path)) != NULL) {
		t->exists = 1;
		t->base_gen = n->gen;
		if (n->vlen > 0)
			t->value = xmemdup(n->value, n->vlen);
		t->vlen = n->vlen;
		t->perms = xmemdup(n->perms, n->nperms * sizeof(*n->perms));
		t->nperms = n->nperms;
		for (c = n->child_first; c != NULL; c = c->next)
			buf_add(&t->children, c->name, strlen(c->name) + 1);
	}
	t->hnext = tx->hash[h % TX_HASH];
	tx->hash[h % TX_HASH] = t;
	TAILQ_INSERT_TAIL(&tx->nodes, t, entry);
	tx->nnodes++;
	return t;
}

static void
touch(struct txn *tx, struct txnode *t, int data)
{
	if (!t->modified) {
		t->modified = 1;
		t->seq = ++tx->seq;
	}
	if (data)
		t->data_dirty = 1;
}

static void
parent_of(const char *path, char *out, size_t size)
{
	const char	*slash = strrchr(path, '/');
	size_t		 len = (slash == path) ? 1 : (size_t)(slash - path);

	if (len >= size)
		len = size - 1;
	memcpy(out, path, len);
	out[len] = '\0';
}

int
view_get(struct conn *c, struct txn *tx, const char *path, struct vnode *v)
{
	struct node	*n;
	struct txnode	*t;

	(void)c;
	if (tx == NULL) {
		if ((n = tree_lookup(path)) == NULL)
			return ENOENT;
		fill_live(v, n);
		return 0;
	}
	if ((t = tx_node(tx, path)) == NULL)
		return ENOSPC;
	if (!t->exists)
		return ENOENT;
	fill_tx(v, t);
	return 0;
}

void
view_children(struct txn *tx, const struct vnode *v, struct buf *out)
{
	struct node	*c;

	(void)tx;
	if (v->t != NULL) {
		buf_add(out, buf_data(&v->t->children),
		    buf_len(&v->t->children));
		return;
	}
	/* childlen is the size of the list: one allocation at most. */
	if (buf_space(out, v->n->childlen) == NULL)
		return;
	for (c = v->n->child_first; c != NULL; c = c->next)
		buf_add(out, c->name, strlen(c->name) + 1);
}

int
view_create(struct conn *c, struct txn *tx, const char *path,
    const void *value, uint32_t vlen, const struct xs_perm *p, uint32_t np)
{
	struct txnode	*t, *pt;
	char		 ppath[XS_PATH_BUF];
	const char	*name = strrchr(path, '/') + 1;

	(void)c;
	if (tx == NULL) {
		db_put_new(tree_create(path, value, vlen, p, np));
		return 0;
	}
	parent_of(path, ppath, sizeof(ppath));
	if ((pt = tx_node(tx, ppath)) == NULL || (t = tx_node(tx, path)) == NULL)
		return ENOSPC;
	touch(tx, pt, 0);
	buf_add(&pt->children, name, strlen(name) + 1);
	touch(tx, t, 1);
	t->exists = 1;
	free(t->value);
	t->value = vlen > 0 ? xmemdup(value, vlen) : NULL;
	t->vlen = vlen;
	free(t->perms);
	t->perms = xmemdup(p, np * sizeof(*p));
	t->nperms = np;
	buf_reset(&t->children);
	return 0;
}

int
view_set_value(struct txn *tx, struct vnode *v, const void *value,
    uint32_t vlen)
{
	if (v->n != NULL) {
		tree_set_value(v->n, value, vlen);
		db_put(v->n);
		fill_live(v, v->n);
		return 0;
	}
	touch(tx, v->t, 1);
	free(v->t->value);
	v->t->value = vlen > 0 ? xmemdup(value, vlen) : NULL;
	v->t->vlen = vlen;
	fill_tx(v, v->t);
	return 0;
}

int
view_set_perms(struct txn *tx, struct vnode *v, const struct xs_perm *p,
    uint32_t np)
{
	if (v->n != NULL) {
		tree_set_perms(v->n, p, np);
		db_put(v->n);
		fill_live(v, v->n);
		return 0;
	}
	touch(tx, v->t, 1);
	free(v->t->perms);
	v->t->perms = xmemdup(p, np * sizeof(*p));
	v->t->nperms = np;
	fill_tx(v, v->t);
	return 0;
}

static void
record(struct txn *tx, enum watch_match m, const char *path,
    const struct xs_perm *p, uint32_t np, const struct xs_perm *old,
    uint32_t nold)
{
	struct txevent	*e;

	e = xcalloc(1, sizeof(*e));
	e->match = m;
	e->path = xstrdup(path);
	e->perms = xmemdup(p, np * sizeof(*p));
	e->nperms = np;
	if (old != NULL) {
		e->old = xmemdup(old, nold * sizeof(*old));
		e->nold = nold;
	}
	TAILQ_INSERT_TAIL(&tx->events, e, entry);
}

/* Live deletion: events while the nodes (and their permissions) exist. */
static void
fire_deleted(struct node *n, int top)
{
	struct node	*c;

	for (c = n->child_first; c != NULL; c = c->next)
		fire_deleted(c, 0);
	watch_fire(n->path, top ? MATCH_SUBTREE : MATCH_EXACT, n->perms,
	    n->nperms, NULL, 0);
}

static int
tx_delete(struct txn *tx, struct txnode *t, int top)
{
	struct txnode	*ct;
	struct buf	 kids = BUF_INITIALIZER;
	const char	*name, *end;
	char		*cpath;

	buf_add(&kids, buf_data(&t->children), buf_len(&t->children));
	name = buf_data(&kids);
	end = name + buf_len(&kids);
	for (; name != NULL && name < end; name += strlen(name) + 1) {
		xasprintf(&cpath, "%s/%s", strcmp(t->path, "/") ? t->path : "",
		    name);
		ct = tx_node(tx, cpath);
		free(cpath);
		if (ct == NULL) {
			buf_free(&kids);
			return ENOSPC;
		}
		if (ct->exists && tx_delete(tx, ct, 0) != 0) {
			buf_free(&kids);
			return ENOSPC;
		}
	}
	buf_free(&kids);
	record(tx, top ? MATCH_SUBTREE : MATCH_EXACT, t->path, t->perms,
	    t->nperms, NULL, 0);
	touch(tx, t, 1);
	t->exists = 0;
	buf_reset(&t->children);
	return 0;
}

static void
remove_name(struct buf *b, const char *name)
{
	struct buf	 nb = BUF_INITIALIZER;
	const char	*s = buf_data(b), *end = s + buf_len(b);

	for (; s != NULL && s < end; s += strlen(s) + 1)
		if (strcmp(s, name) != 0)
			buf_add(&nb, s, strlen(s) + 1);
	buf_reset(b);
	buf_add(b, buf_data(&nb), buf_len(&nb));
	buf_free(&nb);
}

int
view_delete(struct conn *c, struct txn *tx, struct vnode *v)
{
	struct txnode	*pt;
	char		 ppath[XS_PATH_BUF];
	int		 err;

	(void)c;
	if (v->n != NULL) {
		fire_deleted(v->n, 1);
		db_del(v->n->path);
		tree_delete(v->n);
		return 0;
	}
	parent_of(v->t->path, ppath, sizeof(ppath));
	if ((pt = tx_node(tx, ppath)) == NULL)
		return ENOSPC;
	if ((err = tx_delete(tx, v->t, 1)) != 0)
		return err;
	touch(tx, pt, 0);
	remove_name(&pt->children, strrchr(v->t->path, '/') + 1);
	return 0;
}

void
view_fire_write(struct txn *tx, const char *path, const struct vnode *v)
{
	if (tx == NULL)
		watch_fire(path, MATCH_SUBTREE, v->perms, v->nperms, NULL, 0);
	else
		record(tx, MATCH_SUBTREE, path, v->perms, v->nperms, NULL, 0);
}

void
view_fire_perms(struct txn *tx, const char *path, const struct vnode *v,
    const struct xs_perm *old, uint32_t nold)
{
	if (tx == NULL)
		watch_fire(path, MATCH_SUBTREE, v->perms, v->nperms, old, nold);
	else
		record(tx, MATCH_SUBTREE, path, v->perms, v->nperms, old, nold);
}

struct txn *
txn_start(struct conn *c)
{
	struct txn	*tx;

	tx = xcalloc(1, sizeof(*tx));
	tx->conn = c;
	TAILQ_INIT(&tx->nodes);
	TAILQ_INIT(&tx->events);
	/* Ids are per connection, never 0, never one still open. */
	do {
		tx->id = c->next_txid++;
	} while (tx->id == 0 || txn_lookup(c, tx->id) != NULL);
	TAILQ_INSERT_TAIL(&c->txns, tx, entry);
	c->ntxns++;
	ntxns++;
	return tx;
}

struct txn *
txn_lookup(struct conn *c, uint32_t id)
{
	struct txn	*tx;

	TAILQ_FOREACH(tx, &c->txns, entry)
		if (tx->id == id)
			return tx;
	return NULL;
}

uint32_t
txn_id(const struct txn *tx)
{
	return tx->id;
}

static void
txn_free(struct txn *tx)
{
	struct txnode	*t;
	struct txevent	*e;

	while ((t = TAILQ_FIRST(&tx->nodes)) != NULL) {
		TAILQ_REMOVE(&tx->nodes, t, entry);
		free(t->path);
		free(t->value);
		free(t->perms);
		buf_free(&t->children);
		free(t);
	}
	while ((e = TAILQ_FIRST(&tx->events)) != NULL) {
		TAILQ_REMOVE(&tx->events, e, entry);
		free(e->path);
		free(e->perms);
		free(e->old);
		free(e);
	}
	TAILQ_REMOVE(&tx->conn->txns, tx, entry);
	tx->conn->ntxns--;
	ntxns--;
	free(tx);
}

static int
by_seq(const void *a, const void *b)
{
	const struct txnode	*x = *(struct txnode *const *)a;
	const struct txnode	*y = *(struct txnode *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
commit(struct txn *tx)
{
	struct txnode	*t, **order;
	struct txevent	*e;
	struct node	*n;
	size_t		 i, k = 0;

	TAILQ_FOREACH(t, &tx->nodes, entry) {
		n = tree_lookup(t->path);
		if ((n != NULL ? n->gen : 0) != t->base_gen)
			return EAGAIN;
	}
	/* Deletions first, then creations and updates, parents first. */
	TAILQ_FOREACH(t, &tx->nodes, entry)
		if (t->modified && !t->exists &&
		    (n = tree_lookup(t->path)) != NULL) {
			db_del(n->path);
			tree_delete(n);
		}
	order = xreallocarray(NULL, tx->nnodes + 1, sizeof(*order));
	TAILQ_FOREACH(t, &tx->nodes, entry)
		if (t->modified && t->exists && t->data_dirty)
			order[k++] = t;
	qsort(order, k, sizeof(*order), by_seq);
	for (i = 0; i < k; i++) {
		t = order[i];
		if ((n = tree_lookup(t->path)) == NULL)
			db_put_new(tree_create(t->path, t->value, t->vlen,
			    t->perms, t->nperms));
		else {
			tree_set_value(n, t->value, t->vlen);
			tree_set_perms(n, t->perms, t->nperms);
			db_put(n);
		}
	}
	free(order);
	TAILQ_FOREACH(e, &tx->events, entry)
		watch_fire(e->path, e->match, e->perms, e->nperms, e->old,
		    e->nold);
	return 0;
}

void
txn_write_size(const struct txn *tx, uint64_t *rows, uint64_t *bytes)
{
	const struct txnode	*t;

	/* A deleted subtree's nodes are each a txnode (tx_delete). */
	TAILQ_FOREACH(t, &tx->nodes, entry) {
		if (!t->modified)
			continue;
		*rows += 1;
		*bytes += strlen(t->path) + t->vlen +
		    t->nperms * sizeof(*t->perms);
	}
}

int
txn_end(struct txn *tx, int do_commit)
{
	int	 err = 0;

	if (do_commit)
		err = commit(tx);
	txn_free(tx);
	return err;
}

void
txn_conn_gone(struct conn *c)
{
	struct txn	*tx;

	while ((tx = TAILQ_FIRST(&c->txns)) != NULL)
		txn_free(tx);
}

uint64_t
txn_count(void)
{
	return ntxns;
}
