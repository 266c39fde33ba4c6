/* The request decoder and dispatch table of the xenstore wire protocol. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "xenstored/conn.h"
#include "xenstored/ctl.h"
#include "xenstored/domain.h"
#include "xenstored/ops.h"
#include "xenstored/quota.h"
#include "xenstored/space.h"
#include "xenstored/transaction.h"
#include "xenstored/tree.h"
#include "xenstored/wire.h"

#define F_PRIV		0x1	/* dom0 only: EACCES for guests */
#define F_NOTID		0x2	/* tx_id is not looked up */
#define F_WRITE		0x4	/* refused on the read-only socket: EROFS */

/*
 * One entry per message type.  The prologue in wire_dispatch() does what
 * every handler would otherwise repeat -- range, privilege, read-only
 * socket, transaction lookup, argument splitting, disk space for what the
 * request may write (space.c) -- and turns a handler's nonzero return
 * into Xen's error reply.  Types without a handler
 * (WATCH_EVENT, ERROR, the removed RESTRICT, anything past the table)
 * answer ENOSYS.
 */
static const struct {
	const char	*name;
	int		(*fn)(struct req *);
	unsigned	 flags;
	enum space_kind	 space;
} wire_funcs[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { "CONTROL", do_control, F_PRIV | F_NOTID | F_WRITE },
	[XS_DIRECTORY] = { "DIRECTORY", do_directory, 0 },
	[XS_READ] = { "READ", do_read, 0 },
	[XS_GET_PERMS] = { "GET_PERMS", do_get_perms, 0 },
	[XS_WATCH] = { "WATCH", do_watch, F_NOTID, SPACE_RING },
	[XS_UNWATCH] = { "UNWATCH", do_unwatch, F_NOTID, SPACE_RING },
	[XS_TRANSACTION_START] = { "TRANSACTION_START",
	    do_transaction_start, 0 },
	[XS_TRANSACTION_END] = { "TRANSACTION_END", do_transaction_end, 0,
	    SPACE_TXN_END },
	[XS_INTRODUCE] = { "INTRODUCE", do_introduce,
	    F_PRIV | F_NOTID | F_WRITE, SPACE_META },
	[XS_RELEASE] = { "RELEASE", do_release, F_PRIV | F_NOTID | F_WRITE,
	    SPACE_META },
	[XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", do_get_domain_path,
	    F_NOTID },
	[XS_WRITE] = { "WRITE", do_write, F_WRITE, SPACE_CREATE },
	[XS_MKDIR] = { "MKDIR", do_mkdir, F_WRITE, SPACE_CREATE },
	[XS_RM] = { "RM", do_rm, F_WRITE, SPACE_RM },
	[XS_SET_PERMS] = { "SET_PERMS", do_set_perms, F_WRITE,
	    SPACE_SET_PERMS },
	[XS_WATCH_EVENT] = { "WATCH_EVENT", NULL, 0 },
	[XS_ERROR] = { "ERROR", NULL, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED",
	    do_is_domain_introduced, F_NOTID },
	[XS_RESUME] = { "RESUME", do_resume, F_PRIV | F_NOTID | F_WRITE },
	[XS_SET_TARGET] = { "SET_TARGET", do_set_target,
	    F_PRIV | F_NOTID | F_WRITE },
	[XS_RESET_WATCHES] = { "RESET_WATCHES", do_reset_watches, F_NOTID,
	    SPACE_RING },
	[XS_DIRECTORY_PART] = { "DIRECTORY_PART", do_directory_part, 0 },
};

/* XS_ERROR names the daemon's errno values. */
XEN_ERRNO_IS_HOST_ERRNO;

const char *
wire_errname(int err)
{
	const char	*name = xsd_errname(err);

	return name != NULL ? name : "EINVAL";
}

void
reply_data(struct req *r, const void *data, size_t len)
{
	conn_send(r->conn, r->hdr.type, r->hdr.req_id, r->hdr.tx_id, data, len);
	r->replied = 1;
}

void
reply_str(struct req *r, const char *s)
{
	reply_data(r, s, strlen(s) + 1);
}

void
reply_ok(struct req *r)
{
	reply_data(r, "OK", 3);
}

void
reply_error(struct req *r, int err)
{
	const char	*name = wire_errname(err);

	conn_send(r->conn, XS_ERROR, r->hdr.req_id, r->hdr.tx_id, name,
	    strlen(name) + 1);
	r->replied = 1;
}

uint32_t
wire_domid(const char *s)
{
	uint32_t	 v = 0;

	/* Xen parses with atoi-like leniency: "7x" is 7, "x" is 0. */
	while (*s >= '0' && *s <= '9' && v < 0x10000000u)
		v = v * 10 + (uint32_t)(*s++ - '0');
	return v;
}

int
wire_canon(struct conn *c, const char *in, int allow_special, char *out,
    size_t outsz)
{
	size_t	 len, hl;
	int	 n;

	if (in[0] == '@' && !allow_special)
		return EINVAL;
	if (in[0] == '@' || in[0] == '/') {
		/* Every request has a path: no printf on this one. */
		if ((len = strnlen(in, outsz)) >= outsz)
			return EINVAL;
		memcpy(out, in, len + 1);
		n = (int)len;
	} else
		n = snprintf(out, outsz, "%s/%s", c->home, in);
	if (n < 0 || (size_t)n >= outsz || (size_t)n > XENSTORE_ABS_PATH_MAX)
		return EINVAL;
	len = (size_t)n;
	if (out[0] == '@') {
		out[0] = '/';		/* check the rest as a path */
		n = path_valid(out) || len == 1;
		out[0] = '@';
		return n ? 0 : EINVAL;
	}
	if (!path_valid(out))
		return EINVAL;
	if (!c->who.privileged) {
		/* Guests: path-max counts below their own home. */
		hl = strlen(c->home);
		if (strncmp(out, c->home, hl) == 0 && out[hl] == '/')
			len -= hl + 1;
		if (len > quota_get(Q_PATH_MAX))
			return EINVAL;
	}
	return 0;
}

/* Split the payload into NUL-terminated strings. */
static void
split_args(struct req *r)
{
	const char	*p = r->data, *end = r->data + r->hdr.len, *nul;

	r->argc = 0;
	r->argend = 0;
	while (p < end && (nul = memchr(p, '\0', (size_t)(end - p))) != NULL) {
		if (r->argc < REQ_MAX_ARGS)
			r->argv[r->argc] = p;
		r->argc++;
		p = nul + 1;
		r->argend = (uint32_t)(p - r->data);
	}
}

void
wire_dispatch(struct conn *c, const struct xsd_sockmsg *h, const char *payload)
{
	struct req	 r;
	unsigned	 flags;
	int		 err;

	memset(&r, 0, sizeof(r));
	r.conn = c;
	r.hdr = *h;
	r.data = payload;
	if (h->type >= XS_TYPE_COUNT || wire_funcs[h->type].fn == NULL) {
		err = ENOSYS;
		goto out;
	}
	flags = wire_funcs[h->type].flags;
	if ((flags & F_PRIV) && !c->who.privileged) {
		err = EACCES;
		goto out;
	}
	if ((flags & F_WRITE) && c->who.readonly) {
		err = EROFS;
		goto out;
	}
	if (!(flags & F_NOTID) && h->tx_id != 0 &&
	    (r.tx = txn_lookup(c, h->tx_id)) == NULL) {
		err = ENOENT;
		goto out;
	}
	split_args(&r);
	if ((err = space_reserve(&r, wire_funcs[h->type].space)) == 0)
		err = wire_funcs[h->type].fn(&r);
out:
	if (err != 0) {
		log_debug("%s: %s: type %u: %s", __func__, c->desc, h->type,
		    wire_errname(err));
		reply_error(&r, err);
	} else if (!r.replied)
		reply_ok(&r);
}
