/* The request decoder and dispatch table of the xenstore wire protocol. */
#ifndef XSD_WIRE_H
#define XSD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xs_wire.h>

struct conn;
struct txn;

#define REQ_MAX_ARGS	16

/* One request while it is being answered (borrowed from the input buffer). */
struct req {
	struct conn		*conn;
	struct xsd_sockmsg	 hdr;
	const char		*data;		/* payload, hdr.len bytes */
	const char		*argv[REQ_MAX_ARGS];	/* NUL-terminated strings */
	uint32_t		 argc;		/* strings found (may exceed REQ_MAX_ARGS) */
	uint32_t		 argend;	/* payload offset after the last NUL */
	struct txn		*tx;		/* from hdr.tx_id, or NULL */
	int			 replied;
};

/*
 * Decode one framed request (hdr->len <= XENSTORE_PAYLOAD_MAX) and answer
 * it.
 */
void	 wire_dispatch(struct conn *, const struct xsd_sockmsg *,
	    const char *payload);

/* Replies: each queues one message echoing type, req_id and tx_id. */
void	 reply_data(struct req *, const void *, size_t);
void	 reply_str(struct req *, const char *);	/* with its NUL */
void	 reply_ok(struct req *);
void	 reply_error(struct req *, int err);

/* Xen's name for an errno ("EINVAL" for one it has no name for). */
const char *wire_errname(int err);

/*
 * Make 'in' absolute for this connection: a relative path goes under
 * /local/domain/<id>/.  Checks Xen's path rules and lengths; '@' names
 * only when allow_special.  Returns 0 (out holds the path) or EINVAL.
 */
int	 wire_canon(struct conn *, const char *in, int allow_special,
	    char *out, size_t outsz);

/* Parse a domid argument as Xen does (leading digits, else 0). */
uint32_t wire_domid(const char *);

#endif
