/* Xenbus client: the xenstore wire protocol over the xenstore ring page.
 * Portable (no hypercalls): the caller supplies how to kick the store and
 * how to wait for it.  One caller at a time: the kernel uses it from the
 * boot vCPU only. */
#ifndef MINIOS_XENBUS_H
#define MINIOS_XENBUS_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xs_wire.h>

#include "guest/minios/ring.h"

#define XB_PATH_MAX	256
#define XB_TOKEN_MAX	32
#define XB_MAX_WATCHES	8
#define XB_MAX_EVENTS	16

struct xenbus_ops {
	void	(*notify)(void *arg);		/* kick the store's event channel */
	/* Sleep until the store may have acted; -1 to give up waiting. */
	int	(*wait)(void *arg);
};

struct xb_event {
	char	path[XB_PATH_MAX];
	char	token[XB_TOKEN_MAX];
};

struct xb_watch {
	char	path[XB_PATH_MAX];
	char	token[XB_TOKEN_MAX];
	int	used;
};

struct xenbus {
	struct xenstore_domain_interface *intf;
	const struct xenbus_ops	*ops;
	void			*arg;
	struct ring		 req, rsp;
	uint32_t		 req_id;
	/* The incoming message being assembled. */
	struct xsd_sockmsg	 hdr;
	uint32_t		 got;		/* bytes of hdr + body so far */
	char			 body[XENSTORE_PAYLOAD_MAX + 1];
	/* Watch events received while waiting for something else. */
	struct xb_event		 ev[XB_MAX_EVENTS];
	unsigned		 ev_head, ev_count, ev_dropped;
	struct xb_watch		 watches[XB_MAX_WATCHES];
	int			 broken;	/* ring invariants broken: EIO */
};

/* intf is borrowed for the life of xb. */
void	xenbus_init(struct xenbus *xb, struct xenstore_domain_interface *intf,
	    const struct xenbus_ops *ops, void *arg);

/*
 * Every call returns 0 or a positive XEN_E* value: the store's own error
 * (its "ENOENT" string mapped back), XEN_E2BIG when a value does not fit
 * the caller's buffer, XEN_ETIMEDOUT when wait gave up, XEN_EIO when the
 * ring or a reply broke the protocol.
 */
int	xenbus_read(struct xenbus *xb, uint32_t tx, const char *path,
	    char *buf, size_t buflen);
int	xenbus_write(struct xenbus *xb, uint32_t tx, const char *path,
	    const char *value);
int	xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path);
int	xenbus_rm(struct xenbus *xb, uint32_t tx, const char *path);
/* Child names, each NUL-terminated, back to back in buf; count in *n. */
int	xenbus_directory(struct xenbus *xb, uint32_t tx, const char *path,
	    char *buf, size_t buflen, unsigned *n);
int	xenbus_watch(struct xenbus *xb, const char *path, const char *token);
int	xenbus_unwatch(struct xenbus *xb, const char *path, const char *token);
/* Re-registers every watch (after a resume, the store has forgotten them). */
int	xenbus_rewatch(struct xenbus *xb);
int	xenbus_transaction_start(struct xenbus *xb, uint32_t *tx);
/* XEN_EAGAIN: a conflicting change won; the caller retries from start. */
int	xenbus_transaction_end(struct xenbus *xb, uint32_t tx, int abort);

/*
 * The reconnection of docs/misc/xenstore-ring.txt, for a store that
 * offers it (server_features): connection = RECONNECT, a kick, then wait
 * until the store has reset the indexes and set CONNECTED again.  The
 * store forgets this domain's watches and transactions; the client keeps
 * its watch list for xenbus_rewatch().  Clears a broken ring.  0,
 * XEN_ENOSYS when the store cannot reconnect, or XEN_ETIMEDOUT.
 */
int	xenbus_reconnect(struct xenbus *xb);
/*
 * Someone else (a toolstack resetting the ring) may have set connection
 * to RECONNECT: then the ring is not ours until the store sets CONNECTED
 * (xenstore-ring.txt).  Waits for that; *reset says whether the session
 * was reset (watches to set again).  0 or XEN_ETIMEDOUT.
 */
int	xenbus_await_connected(struct xenbus *xb, int *reset);
/* The store's error field when it offers one (XENSTORE_ERROR_*), else 0. */
uint32_t xenbus_store_error(const struct xenbus *xb);
/* True once the ring broke (EIO from every call until a reconnection). */
int	xenbus_broken(const struct xenbus *xb);

/* Reads whatever the store has sent, without waiting; queues events. */
int	xenbus_poll(struct xenbus *xb);
/* Takes the oldest queued watch event: 1 and *ev filled, or 0. */
int	xenbus_next_event(struct xenbus *xb, struct xb_event *ev);

/* The XEN_E* value for a store error string ("ENOENT"), XEN_EIO if unknown. */
int	xenbus_errno(const char *name);
/* The name of a XEN_E* value ("EACCES"); "E?" if it has none here. */
const char *xenbus_strerror(int err);

#endif
