/* The guest ring transport: Xen's xenstore_domain_interface, both ends of it. */
#ifndef XSD_RING_H
#define XSD_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct conn;
struct ring_mapper;
struct xenstore_domain_interface;

/*
 * Copy bytes between a caller's buffer and one of the two rings of the
 * page.  They never block and return the bytes moved, or -1 when the
 * indexes are impossible (producer more than a ring ahead: a guest bug
 * or attack), leaving the page untouched.
 *
 * Daemon side: read requests, write responses.  Guest side (tests, and
 * any in-tree PV guest): write requests, read responses.
 */
ssize_t	 ring_read_req(struct xenstore_domain_interface *, void *, size_t);
ssize_t	 ring_write_rsp(struct xenstore_domain_interface *, const void *,
	    size_t);
ssize_t	 ring_write_req(struct xenstore_domain_interface *, const void *,
	    size_t);
ssize_t	 ring_read_rsp(struct xenstore_domain_interface *, void *, size_t);

/* Set up a fresh page as the daemon does: features, connected, no error. */
void	 ring_server_init(struct xenstore_domain_interface *);

/*
 * A connection for domain 'domid' over its mapped page, notified through
 * our event-channel end 'local' with 'm', which also unmaps at close.
 * Never NULL.
 */
struct conn *ring_conn_new(uint32_t domid, struct xenstore_domain_interface *,
	    uint32_t local, const struct ring_mapper *m);

/* The guest notified: serve its requests, or its reconnection. */
void	 ring_conn_event(struct conn *);

/* Nonzero when the guest asked to reconnect; ring_reset() answers it. */
int	 ring_wants_reset(const struct xenstore_domain_interface *);
void	 ring_reset(struct xenstore_domain_interface *);

#endif
