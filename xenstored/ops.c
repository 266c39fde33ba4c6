/* Handlers of the tree, watch and transaction requests (see wire.c's table). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/str.h"
#include "xenstored/conn.h"
#include "xenstored/domain.h"
#include "xenstored/ops.h"
#include "xenstored/quota.h"
#include "xenstored/transaction.h"
#include "xenstored/tree.h"
#include "xenstored/watch.h"
#include "xenstored/wire.h"

/*
 * Permission errors follow Xen: a node a requester may not see is
 * reported EACCES, and a missing node is reported EACCES too when the
 * nearest existing parent is not accessible either, so that ENOENT never
 * tells a guest what exists where it may not look.
 */
static int
errno_from_parents(struct req *r, const char *path, int err, uint32_t perm)
{
	char		 p[XS_PATH_BUF];
	struct vnode	 v;
	char		*slash;

	if (str_copy(p, path, sizeof(p)) == -1)
		return EINVAL;
	for (;;) {
		if ((slash = strrchr(p, '/')) == NULL)
			return EACCES;
		if (slash == p) {
			if (p[1] == '\0')
				return EACCES;	/* no root: cannot happen */
			p[1] = '\0';
		} else
			*slash = '\0';
		if (view_get(r->conn, r->tx, p, &v) == 0)
			break;
	}
	return (perm_for(&r->conn->who, v.perms, v.nperms) & perm) ? err :
	    EACCES;
}

static int
get_node(struct req *r, const char *path, uint32_t perm, struct vnode *v)
{
	int	 err;

	err = view_get(r->conn, r->tx, path, v);
	if (err == 0) {
		if ((perm_for(&r->conn->who, v->perms, v->nperms) & perm) ==
		    perm)
			return 0;
		err = EACCES;
	}
	if (err == ENOENT || err == EACCES)
		err = errno_from_parents(r, path, err, perm);
	return err;
}

/*
 * The single path argument of READ, DIRECTORY, ...: a payload that is not
 * exactly one NUL-terminated string is EINVAL.  (Xen's daemon answers
 * with whatever errno an earlier request left behind, ENOENT or EINVAL.)
 */
static int
onearg(struct req *r, char *out, size_t size)
{
	if (r->argc != 1 || r->argend != r->hdr.len)
		return EINVAL;
	return wire_canon(r->conn, r->argv[0], 0, out, size);
}

static int
check_size(struct req *r, uint32_t nperms, uint32_t vlen, uint32_t childlen)
{
	if (!r->conn->who.privileged &&
	    quota_node_size(nperms, vlen, childlen) >= quota_get(Q_NODE_SIZE))
		return ENOSPC;
	return 0;
}

/*
 * Create 'path' and its missing parents.  The nearest existing ancestor
 * must be writable.  New nodes inherit their parent's permissions, but a
 * guest owns what it creates.
 */
static int
create_path(struct req *r, const char *path, const void *val, uint32_t vlen)
{
	char		 p[XS_PATH_BUF];
	struct vnode	 v;
	struct xs_perm	 perms[64];
	size_t		 len = strlen(path), at;
	uint32_t	 np, missing = 0;
	int		 err;

	memcpy(p, path, len + 1);
	/* Walk up to the nearest existing ancestor. */
	for (at = len;;) {
		while (at > 0 && p[at] != '/')
			at--;
		p[at == 0 ? 1 : at] = '\0';
		missing++;
		if ((err = view_get(r->conn, r->tx, p, &v)) == 0)
			break;
		if (err != ENOENT)
			return err;
		if (at == 0)
			return EINVAL;
	}
	if (!(perm_for(&r->conn->who, v.perms, v.nperms) & PERM_WRITE))
		return EACCES;
	if (!r->conn->who.privileged && domain_nodes(r->conn->who.domid) +
	    missing > quota_get(Q_NODES))
		return ENOSPC;
	if ((err = check_size(r, v.nperms, v.vlen, v.childlen + (uint32_t)
	    strcspn(path + at + 1, "/") + 1)) != 0)
		return err;
	np = v.nperms < 64 ? v.nperms : 64;
	memcpy(perms, v.perms, np * sizeof(*perms));
	if (!r->conn->who.privileged)
		perms[0].domid = r->conn->who.domid;
	/* Create each missing level, top down ("/" is a prefix of length 0). */
	while (at < len) {
		at++;
		while (at < len && path[at] != '/')
			at++;
		memcpy(p, path, at);
		p[at] = '\0';
		err = view_create(r->conn, r->tx, p, at == len ? val : NULL,
		    at == len ? vlen : 0, perms, np);
		if (err != 0)
			return err;
	}
	return 0;
}

int
do_read(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct vnode	 v;
	int		 err;

	if ((err = onearg(r, path, sizeof(path))) != 0 ||
	    (err = get_node(r, path, PERM_READ, &v)) != 0)
		return err;
	reply_data(r, v.value, v.vlen);
	return 0;
}

int
do_write(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct vnode	 v;
	const char	*val;
	uint32_t	 vlen;
	int		 err;

	if (r->argc < 1)
		return EINVAL;
	if ((err = wire_canon(r->conn, r->argv[0], 0, path, sizeof(path))) != 0)
		return err;
	val = r->argv[0] + strlen(r->argv[0]) + 1;
	vlen = r->hdr.len - (uint32_t)(val - r->data);
	err = get_node(r, path, PERM_WRITE, &v);
	if (err == 0) {
		if ((err = check_size(r, v.nperms, vlen, v.childlen)) != 0 ||
		    (err = view_set_value(r->tx, &v, val, vlen)) != 0)
			return err;
	} else if (err == ENOENT) {
		if ((err = check_size(r, 1, vlen, 0)) != 0 ||
		    (err = create_path(r, path, val, vlen)) != 0 ||
		    (err = view_get(r->conn, r->tx, path, &v)) != 0)
			return err;
	} else
		return err;
	view_fire_write(r->tx, path, &v);
	return 0;
}

int
do_mkdir(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct vnode	 v;
	int		 err;

	if ((err = onearg(r, path, sizeof(path))) != 0)
		return err;
	err = get_node(r, path, PERM_WRITE, &v);
	if (err != ENOENT)
		return err;	/* 0: it exists, nothing fires */
	if ((err = create_path(r, path, NULL, 0)) != 0 ||
	    (err = view_get(r->conn, r->tx, path, &v)) != 0)
		return err;
	view_fire_write(r->tx, path, &v);
	return 0;
}

int
do_rm(struct req *r)
{
	char		 path[XS_PATH_BUF], parent[XS_PATH_BUF];
	struct vnode	 v, pv;
	char		*slash;
	int		 err;

	if ((err = onearg(r, path, sizeof(path))) != 0)
		return err;
	err = get_node(r, path, PERM_WRITE, &v);
	if (err == ENOENT) {
		/* Fine when the parent exists. */
		memcpy(parent, path, strlen(path) + 1);
		slash = strrchr(parent, '/');
		slash[slash == parent ? 1 : 0] = '\0';
		return view_get(r->conn, r->tx, parent, &pv);
	}
	if (err != 0)
		return err;
	if (strcmp(path, "/") == 0)
		return EINVAL;
	return view_delete(r->conn, r->tx, &v);
}

int
do_directory(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct vnode	 v;
	struct buf	 b = BUF_INITIALIZER;
	int		 err;

	if ((err = onearg(r, path, sizeof(path))) != 0 ||
	    (err = get_node(r, path, PERM_READ, &v)) != 0)
		return err;
	view_children(r->tx, &v, &b);
	if (buf_error(&b) != 0)
		err = ENOMEM;
	else if (buf_len(&b) > XENSTORE_PAYLOAD_MAX)
		err = E2BIG;
	else
		reply_data(r, buf_data(&b), buf_len(&b));
	buf_free(&b);
	return err;
}

int
do_directory_part(struct req *r)
{
	char		 path[XS_PATH_BUF], gen[32];
	struct vnode	 v;
	struct buf	 kids = BUF_INITIALIZER, out = BUF_INITIALIZER;
	const char	*s, *end;
	uint64_t	 off;
	size_t		 glen, l;
	int		 err;

	if (r->argc != 2)
		return EINVAL;
	if ((err = wire_canon(r->conn, r->argv[0], 0, path, sizeof(path))) != 0)
		return err;
	if (str_to_u64(r->argv[1], 0, UINT32_MAX, &off) == -1)
		return EINVAL;
	if ((err = get_node(r, path, PERM_READ, &v)) != 0)
		return err;
	view_children(r->tx, &v, &kids);
	glen = (size_t)snprintf(gen, sizeof(gen), "%" PRIu64, v.gen) + 1;
	buf_add(&out, gen, glen);
	s = (const char *)buf_data(&kids) + (off < buf_len(&kids) ? off :
	    buf_len(&kids));
	end = (const char *)buf_data(&kids) + buf_len(&kids);
	/* Whole names that fit; an empty string marks the end of the list. */
	while (s < end) {
		l = strnlen(s, (size_t)(end - s)) + 1;
		if (buf_len(&out) + l + 1 > XENSTORE_PAYLOAD_MAX)
			break;
		buf_add(&out, s, l);
		s += l;
	}
	if (s >= end)
		buf_add_byte(&out, 0);
	if (buf_error(&out) != 0 || buf_error(&kids) != 0)
		err = ENOMEM;
	else
		reply_data(r, buf_data(&out), buf_len(&out));
	buf_free(&kids);
	buf_free(&out);
	return err;
}

int
do_get_perms(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct vnode	 v;
	struct buf	 b = BUF_INITIALIZER;
	int		 err;

	if ((err = onearg(r, path, sizeof(path))) != 0 ||
	    (err = get_node(r, path, PERM_READ, &v)) != 0)
		return err;
	perm_format(&b, v.perms, v.nperms);
	reply_data(r, buf_data(&b), buf_len(&b));
	buf_free(&b);
	return 0;
}

int
do_set_perms(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct xs_perm	 perms[REQ_MAX_ARGS], old[64];
	struct vnode	 v;
	uint32_t	 i, n, nold;
	int		 err;

	if (r->argc < 2)
		return EINVAL;
	n = r->argc - 1;
	if (!r->conn->who.privileged && n > quota_get(Q_PERMS))
		return ENOSPC;
	if (n > REQ_MAX_ARGS - 1)
		return E2BIG;
	for (i = 0; i < n; i++)
		if (perm_parse(r->argv[i + 1], &perms[i]) == -1)
			return EINVAL;
	if ((err = wire_canon(r->conn, r->argv[0], 0, path, sizeof(path))) != 0)
		return err;
	if ((err = get_node(r, path, PERM_WRITE | PERM_OWNER, &v)) != 0)
		return err;
	/* A guest may not give its node away. */
	if (!r->conn->who.privileged && perms[0].domid != v.perms[0].domid)
		return EPERM;
	/* Nor may anyone give it to a domain that does not exist (Xen). */
	if (perms[0].domid != v.perms[0].domid &&
	    !domain_exists(perms[0].domid))
		return ENOENT;
	if ((err = check_size(r, n, v.vlen, v.childlen)) != 0)
		return err;
	nold = v.nperms < 64 ? v.nperms : 64;
	memcpy(old, v.perms, nold * sizeof(*old));
	if ((err = view_set_perms(r->tx, &v, perms, n)) != 0)
		return err;
	view_fire_perms(r->tx, path, &v, old, nold);
	return 0;
}

int
do_watch(struct req *r)
{
	char		 path[XS_PATH_BUF];
	struct watch	*w;
	int		 err;

	/* Exactly path and token: Xen 4.17 knows no depth argument. */
	if (r->argc != 2)
		return EINVAL;
	if ((err = wire_canon(r->conn, r->argv[0], 1, path, sizeof(path))) != 0)
		return err;
	if ((err = watch_add(r->conn, path, r->argv[1],
	    r->argv[0][0] != '/' && r->argv[0][0] != '@', &w)) != 0)
		return err;
	domain_watch_added(r->conn, w);
	reply_ok(r);
	watch_initial(w);
	return 0;
}

int
do_unwatch(struct req *r)
{
	char		 path[XS_PATH_BUF];
	int		 err;

	if (r->argc != 2)
		return EINVAL;
	if ((err = wire_canon(r->conn, r->argv[0], 1, path, sizeof(path))) != 0)
		return err;
	if ((err = watch_remove(r->conn, path, r->argv[1])) == 0)
		domain_watch_removed(r->conn, path, r->argv[1]);
	return err;
}

int
do_reset_watches(struct req *r)
{
	watch_conn_gone(r->conn);
	domain_watches_reset(r->conn);
	txn_conn_gone(r->conn);
	return 0;
}

int
do_transaction_start(struct req *r)
{
	char		 id[16];
	struct txn	*tx;

	if (r->tx != NULL)
		return EBUSY;
	if (!r->conn->who.privileged &&
	    r->conn->ntxns >= quota_get(Q_TRANSACTIONS))
		return ENOSPC;
	tx = txn_start(r->conn);
	snprintf(id, sizeof(id), "%u", txn_id(tx));
	reply_str(r, id);
	return 0;
}

int
do_transaction_end(struct req *r)
{
	int	 commit;

	if (r->tx == NULL)
		return ENOENT;
	if (r->argc != 1 || (strcmp(r->argv[0], "T") != 0 &&
	    strcmp(r->argv[0], "F") != 0))
		return EINVAL;
	commit = r->argv[0][0] == 'T';
	return txn_end(r->tx, commit);
}
