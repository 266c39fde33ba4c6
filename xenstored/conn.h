/* Connections: one per socket client or guest ring, behind a transport ops table. */
#ifndef XSD_CONN_H
#define XSD_CONN_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "xenstored/perms.h"

struct conn;
struct event_base;
struct watch;
struct txn;

/*
 * A transport.  read/write move bytes without blocking: they return a
 * count, 0 for "nothing now" (read: also see eof), or -1 with errno on a
 * dead transport.  want_read turns reading readiness on or off (a peer
 * whose input we cannot take yet must not keep the loop busy); want_write asks to be told (conn_writable) when write
 * can take more; kick notifies the peer after output (an event channel
 * for rings; nothing for sockets).  release (rings only) says that the
 * replies of every request in the first 'acked' bytes of input are out,
 * and that 'read' bytes have been read: the transport may let the peer
 * reuse that room.  destroy releases the transport.
 */
struct conn_ops {
	const char	*name;
	ssize_t		(*read)(struct conn *, void *, size_t, int *eof);
	ssize_t		(*write)(struct conn *, const void *, size_t);
	void		(*want_read)(struct conn *, int on);
	void		(*want_write)(struct conn *, int on);
	void		(*kick)(struct conn *);
	void		(*release)(struct conn *, uint64_t acked, uint64_t read);
	void		(*destroy)(struct conn *);
};

/* The input offset past a request, due when the output reaches out_end. */
struct conn_mark {
	uint64_t	 out_end;
	uint64_t	 in_end;
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	TAILQ_ENTRY(conn)	 dirty_entry;
	int			 dirty;
	int			 dead;		/* closed, freed at the flush */
	int			 reading;	/* want_read is on */
	const struct conn_ops	*ops;
	void			*tp;		/* the transport's state */
	struct perm_who		 who;
	char			 home[32];	/* /local/domain/<domid> */
	char			 desc[64];	/* for logs */
	struct buf		 in;
	struct buf		 out;
	TAILQ_HEAD(, watch)	 watches;
	uint32_t		 nwatches;
	TAILQ_HEAD(, txn)	 txns;
	uint32_t		 ntxns;
	uint32_t		 next_txid;
	uint64_t		 nreqs;		/* requests served */
	uint64_t		 seq;		/* creation order */
	uint64_t		 undo_turn;	/* the turn undo_at is of */
	size_t			 undo_at;	/* output after its first change */
	/* Stream offsets, for transports with release (rings). */
	uint64_t		 in_read;	/* bytes read from the peer */
	uint64_t		 in_done;	/* bytes of requests answered */
	uint64_t		 in_acked;	/* ... whose replies are out */
	uint64_t		 out_sent;	/* bytes written to the peer */
	struct conn_mark	*marks;		/* replies not yet out */
	size_t			 nmarks, marks_head, marks_cap;
};

TAILQ_HEAD(conn_list, conn);
extern struct conn_list	 conns;

/* Hook run once the output of a turn may leave (set by main: commit). */
void	 conn_set_turn_hook(void (*before_flush)(void *), void *arg);

/* Ask for the end-of-turn flush (and commit).  Set up by conn_init. */
void	 conn_init(struct event_base *);
void	 conn_shutdown(void);
void	 conn_kick_turn(void);

/*
 * A new connection over 'ops' (taken over: destroy runs at close).
 * 'privileged' for dom0 and the socket clients.  Never NULL.
 */
struct conn *conn_new(const struct conn_ops *, void *tp, uint32_t domid,
	    int privileged, int readonly, const char *desc);

/* The transport has bytes: read, decode and answer what is complete. */
void	 conn_readable(struct conn *);
/* The transport can take more output. */
void	 conn_writable(struct conn *);

/* Queue a message (header + payload) for the peer and mark it dirty. */
void	 conn_send(struct conn *, uint32_t type, uint32_t req_id,
	    uint32_t tx_id, const void *payload, size_t len);

/* Forget buffered input and output and the stream offsets (a ring's reset). */
void	 conn_reset_streams(struct conn *);

/* Close: watches and transactions go at once; memory at the flush. */
void	 conn_close(struct conn *, const char *why);

/*
 * The turn's commit failed with err (ENOSPC, EIO) and its changes are
 * undone: its replies that told of the tree become that error.  Call
 * from the turn hook.
 */
void	 conn_fail_turn(int err);

/* Run the end-of-turn work now (tests and the defer callback). */
void	 conn_end_turn(void);

/* Output buffered past this stops reading requests from the peer. */
#define CONN_OUT_HIGH	(256 * 1024)
/* Output buffered past this (a peer not reading its events) closes it. */
#define CONN_OUT_MAX	(16 * 1024 * 1024)
extern size_t		 conn_out_max;	/* CONN_OUT_MAX; tests lower it */
/* Input buffered before decoding. */
#define CONN_IN_CHUNK	(64 * 1024)

#endif
