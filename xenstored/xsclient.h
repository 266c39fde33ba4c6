/* A daemon's connection to the store, made again whenever it is lost. */
#ifndef XSD_XSCLIENT_H
#define XSD_XSCLIENT_H

#include <xvm/xenstore.h>

struct event_base;
struct xsclient;

/*
 * What the owner is told.  connected: a connection is (again) up, with
 * every watch set again; 'again' is 0 the first time.  The store may have
 * lost what the owner wrote (it was restarted from an older copy, or
 * emptied): this is where to publish again.  event: a watch fired (the
 * initial event of each watch too, after every connection).  Both may be
 * NULL.  The first connection may be reported from within xsclient_new():
 * use the client they are given, not the pointer it returns.
 */
struct xsclient_ops {
	void	(*connected)(struct xsclient *, void *arg, int again);
	void	(*event)(struct xsclient *, void *arg, const char *path,
		    const char *token);
};

/*
 * Connect now, or every second until it works (in the event loop of
 * 'base').  'name' is for the log.  Never NULL (daemons abort on OOM).
 */
struct xsclient *xsclient_new(struct event_base *base, const char *name,
	    const struct xsclient_ops *ops, void *arg);
void	 xsclient_free(struct xsclient *);	/* accepts NULL */

/*
 * Set a watch now (when connected) and on every connection from now on.
 * 0, or -1 with errno when it could not be set now (it is still kept).
 */
int	 xsclient_watch(struct xsclient *, const char *path,
	    const char *token);

/*
 * The handle for store calls (borrowed; changes at each connection, so
 * ask each time).  After a loss it is the dead one until the next
 * connection: calls fail with ECONNRESET rather than on NULL.  NULL only
 * before the first connection.
 */
struct xs_handle *xsclient_handle(struct xsclient *);

/* Nonzero while connected. */
int	 xsclient_up(struct xsclient *);

/*
 * The owner saw a call fail as if the store were gone (ECONNRESET, EPIPE):
 * make sure the loss is noticed now rather than at the next event.
 */
void	 xsclient_check(struct xsclient *);

#endif
