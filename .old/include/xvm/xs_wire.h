/* The xenstore wire protocol: message header, types, error names, ring page layout. */
#ifndef XVM_XS_WIRE_H
#define XVM_XS_WIRE_H

#include <stdint.h>

/*
 * Values are Xen's (docs/misc/xenstore.txt, public/io/xs_wire.h), so that
 * real Xen clients talk to our daemon unchanged; see docs/xenstore-protocol.md.
 * All integers are host-endian (the peers share a machine).
 */
enum xs_msg_type {
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

struct xs_msg_hdr {
	uint32_t	type;		/* enum xs_msg_type */
	uint32_t	req_id;		/* echoed in the reply */
	uint32_t	tx_id;		/* 0, or a transaction id */
	uint32_t	len;		/* payload bytes after the header */
};

#define XS_PAYLOAD_MAX		4096	/* larger: the connection is closed */
#define XS_ABS_PATH_MAX		3072
#define XS_REL_PATH_MAX		2048

/* The guest's xenstore ring page (Xen's xenstore_domain_interface). */
#define XS_RING_SIZE		1024
#define XS_RING_MASK(idx)	((idx) & (XS_RING_SIZE - 1))

struct xs_ring_intf {
	char		req[XS_RING_SIZE];	/* guest -> daemon */
	char		rsp[XS_RING_SIZE];	/* daemon -> guest, replies and events */
	uint32_t	req_cons, req_prod;
	uint32_t	rsp_cons, rsp_prod;
	uint32_t	server_features;
	uint32_t	connection;
	uint32_t	error;
};

#define XS_SERVER_FEATURE_RECONNECTION	1
#define XS_SERVER_FEATURE_ERROR		2

#define XS_RING_CONNECTED	0
#define XS_RING_RECONNECT	1

#define XS_RING_ERROR_NONE	0
#define XS_RING_ERROR_COMM	1
#define XS_RING_ERROR_RINGIDX	2
#define XS_RING_ERROR_PROTO	3

#endif
