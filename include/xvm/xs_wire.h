/* The xenstore wire protocol: message header, types, error names, ring page layout. */
#ifndef XVM_XS_WIRE_H
#define XVM_XS_WIRE_H

/*
 * Names and values are Xen's (docs/misc/xenstore.txt, public/io/xs_wire.h),
 * so that real Xen clients talk to our daemon unchanged and guest code
 * written against Xen's header reads as it does there; see
 * docs/xenstore-protocol.md.  All integers are host-endian (the peers
 * share a machine).  Freestanding: guests include this too.
 */

#include <stddef.h>
#include <stdint.h>

#include <xvm/xen_errno.h>

enum xsd_sockmsg_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, removed from Xen; it answers ENOSYS. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT = 23,
	XS_INVALID = 0xffff
};

struct xsd_sockmsg {
	uint32_t	type;		/* enum xsd_sockmsg_type */
	uint32_t	req_id;		/* echoed in the reply */
	uint32_t	tx_id;		/* 0, or a transaction id */
	uint32_t	len;		/* payload bytes after the header */
};

#define XENSTORE_PAYLOAD_MAX	4096	/* larger: the connection is closed */
#define XENSTORE_ABS_PATH_MAX	3072
#define XENSTORE_REL_PATH_MAX	2048

/*
 * The errors an XS_ERROR reply names (Xen's xsd_errors[], in its order):
 * the payload is the name, NUL-terminated; the numbers are Xen's errno
 * values, which are the host's on Linux (xen_errno.h).
 */
struct xsd_errors {
	int		 errnum;
	const char	*errstring;
};

#define XSD_ERROR(x)	{ XEN_##x, #x }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
	XSD_ERROR(EINVAL), XSD_ERROR(EACCES), XSD_ERROR(EEXIST),
	XSD_ERROR(EISDIR), XSD_ERROR(ENOENT), XSD_ERROR(ENOMEM),
	XSD_ERROR(ENOSPC), XSD_ERROR(EIO), XSD_ERROR(ENOTEMPTY),
	XSD_ERROR(ENOSYS), XSD_ERROR(EROFS), XSD_ERROR(EBUSY),
	XSD_ERROR(EAGAIN), XSD_ERROR(EISCONN), XSD_ERROR(E2BIG),
	XSD_ERROR(EPERM),
};
#undef XSD_ERROR
#define XSD_NR_ERRORS	(sizeof(xsd_errors) / sizeof(xsd_errors[0]))

/* The name of errnum, or NULL if XS_ERROR cannot carry it (borrowed). */
static inline const char *
xsd_errname(int errnum)
{
	size_t	 i;

	for (i = 0; i < XSD_NR_ERRORS; i++)
		if (xsd_errors[i].errnum == errnum)
			return xsd_errors[i].errstring;
	return NULL;
}

/* The number an XS_ERROR payload names, or 0 if it names none of ours. */
static inline int
xsd_errnum(const char *name)
{
	const char	*s;
	size_t		 i, j;

	for (i = 0; i < XSD_NR_ERRORS; i++) {
		s = xsd_errors[i].errstring;
		for (j = 0; s[j] != '\0' && s[j] == name[j]; j++)
			;
		if (s[j] == name[j])
			return xsd_errors[i].errnum;
	}
	return 0;
}

/*
 * The guest's xenstore ring page (HVM_PARAM_STORE_PFN).  Indexes run
 * freely; MASK_XENSTORE_IDX takes them into the ring.
 */
#define XENSTORE_RING_SIZE	1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx)	((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char		req[XENSTORE_RING_SIZE];	/* guest -> store */
	char		rsp[XENSTORE_RING_SIZE];	/* store -> guest */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t	server_features;	/* XENSTORE_SERVER_FEATURE_* */
	uint32_t	connection;		/* XENSTORE_CONNECTED, ... */
	uint32_t	error;			/* XENSTORE_ERROR_* */
};

#define XENSTORE_SERVER_FEATURE_RECONNECTION	1
#define XENSTORE_SERVER_FEATURE_ERROR		2

#define XENSTORE_CONNECTED	0	/* connection: the ring is in use */
#define XENSTORE_RECONNECT	1	/* the guest asks for a reset */

#define XENSTORE_ERROR_NONE	0	/* error: set by the store when it */
#define XENSTORE_ERROR_COMM	1	/* stopped serving the ring, and */
#define XENSTORE_ERROR_RINGIDX	2	/* why; cleared by a reconnection */
#define XENSTORE_ERROR_PROTO	3

_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg is 16 bytes");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048 &&
    offsetof(struct xenstore_domain_interface, error) == 2072,
    "the ring page layout is Xen's");

#endif
