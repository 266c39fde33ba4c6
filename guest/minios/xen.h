/*
 * Xen's public interface as this guest uses it: the shared ring layouts
 * (io/console.h, io/xs_wire.h), the xenstore wire protocol, and Xen's errno
 * values (Linux's), which hypercalls return negated and xenbus calls return
 * positive.  Written from the Xen interface documentation; the layouts must
 * match byte for byte what xenstored and the console daemon map.
 */
#ifndef MINIOS_XEN_H
#define MINIOS_XEN_H

#include <stdint.h>

/* Console ring page (Xen io/console.h). */
#define XENCONS_IN_SIZE		1024
#define XENCONS_OUT_SIZE	2048

struct xencons_interface {
	char		in[XENCONS_IN_SIZE];
	char		out[XENCONS_OUT_SIZE];
	uint32_t	in_cons, in_prod;
	uint32_t	out_cons, out_prod;
};

/* Xenstore ring page (Xen io/xs_wire.h). */
#define XENSTORE_RING_SIZE	1024
#define XENSTORE_PAYLOAD_MAX	4096
#define XENSTORE_SERVER_FEATURE_RECONNECTION	1
#define XENSTORE_SERVER_FEATURE_ERROR		2
#define XENSTORE_CONNECTED	0	/* connection: the ring is in use */
#define XENSTORE_RECONNECT	1	/* the guest asks for a reset */
#define XENSTORE_ERROR_NONE	0	/* error: set by the store when it */
#define XENSTORE_ERROR_COMM	1	/* stopped serving the ring, and */
#define XENSTORE_ERROR_RINGIDX	2	/* why; cleared by a reconnection */
#define XENSTORE_ERROR_PROTO	3

struct xenstore_domain_interface {
	char		req[XENSTORE_RING_SIZE];	/* guest -> store */
	char		rsp[XENSTORE_RING_SIZE];	/* store -> guest */
	uint32_t	req_cons, req_prod;
	uint32_t	rsp_cons, rsp_prod;
	uint32_t	server_features;
	uint32_t	connection;
	uint32_t	error;		/* XENSTORE_ERROR_*, from the store */
};

struct xsd_sockmsg {
	uint32_t	type;
	uint32_t	req_id;		/* echoed in the reply */
	uint32_t	tx_id;		/* 0 outside a transaction */
	uint32_t	len;		/* payload bytes that follow */
};

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
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
};

/* Xen's errno values. */
#define XEN_EPERM	1
#define XEN_ENOENT	2
#define XEN_EIO		5
#define XEN_E2BIG	7
#define XEN_EAGAIN	11
#define XEN_ENOMEM	12
#define XEN_EACCES	13
#define XEN_EFAULT	14
#define XEN_EBUSY	16
#define XEN_EEXIST	17
#define XEN_EISDIR	21
#define XEN_EINVAL	22
#define XEN_ENOSPC	28
#define XEN_EROFS	30
#define XEN_ENOSYS	38
#define XEN_ENOTEMPTY	39
#define XEN_EISCONN	106
#define XEN_ETIMEDOUT	110

#endif
