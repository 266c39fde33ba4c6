/* A save stream into a new domain, off the loop: xm restore and incoming migrations. */
#ifndef XVM_XVMD_RESTORE_H
#define XVM_XVMD_RESTORE_H

#include <stdint.h>

#include "lib/queue.h"

struct job;
struct vm;
struct xc_interface_core;
struct xc_sr_io;
struct xvmd;

/*
 * One restore.  The stream's toolstack record (xvmd's: UUID, config
 * file name, config text) decides the domain; rs_stream reads it in a
 * job, checking on the loop that its name and UUID are free, and leaves
 * the domain paused with its store entries written and introduced, but
 * not yet in xvmd's table: rs_commit puts it there (and unpauses it
 * unless 'paused'), rs_abort destroys it.  Both run on the loop.
 */
struct rs {
	/* in */
	struct job	*job;
	int		 paused;	/* commit leaves it paused */
	const uint8_t	*want_uuid;	/* or NULL: any (migration: HELLO's) */
	const char	*migration;	/* incoming migration id, or NULL */
	int		 managed;	/* commit stores its config (migration) */
	/*
	 * The rings the stream will restore (HVM params: store pfn, store
	 * port, console pfn, console port), when known before (a migration's
	 * HELLO): the store entries are written as soon as the domain
	 * exists, not on the downtime's path, and checked at the end.
	 */
	int		 have_rings;
	uint64_t	 rings[4];
	/* out */
	struct vm	*vm;		/* owned until committed */
	struct vm	*into;		/* the managed entry it comes back into */
	uint32_t	 domid;
	uint64_t	 mem_bytes;	/* the stream's RAM */
	const char	*what;		/* rs_stream's, while it runs */
	int		 have_domain;
	uint8_t		 uuid[16];	/* of the committed domain */
	TAILQ_ENTRY(rs)	 entry;		/* in xd->restoring while listed */
	int		 listed;
	int		 err;		/* an errno value for the API */
	char		*cause;		/* why it failed (owned) */
};

/*
 * In a job: read the stream from fd (or io) into a paused domain and
 * write its store entries (with the incoming mark for a migration).
 * 'what' names the source in messages ("/path/file", "host 10.0.0.1").
 * 0, or -1 with rs->err and rs->cause; nothing is left behind then.
 */
int	 rs_stream(struct rs *, struct xc_interface_core *, int fd,
	    const struct xc_sr_io *io, const char *what);

/*
 * On the loop: the domain joins the table and runs.  0 or -1 + cause.
 * Then rs_settled() (off the downtime's path) drops the incoming mark.
 */
int	 rs_commit(struct xvmd *, struct rs *);
void	 rs_settled(struct xvmd *, struct rs *);

/* On the loop: the domain and its entries go.  Safe after a failure. */
void	 rs_abort(struct xvmd *, struct rs *);

/*
 * At start, before adopting running domains: what an earlier xvmd left
 * incoming goes, what it committed runs (see restore.c).
 */
void	 rs_recover(struct xvmd *);

/* Frees what rs holds (not rs itself); after commit or abort. */
void	 rs_clear(struct rs *);

/*
 * The errno value an API reply gets for a libxc restore failure, and why
 * (of a save file when 'file', else of a migration stream).
 */
int	 rs_stream_error(int err, const char *what, int file, char **cause);

#endif
