/* Watches: registration, the path index, and firing events to connections. */
#ifndef XSD_WATCH_H
#define XSD_WATCH_H

#include <stdint.h>
#include <sys/queue.h>

#include "xenstored/perms.h"

struct conn;

struct watch {
	TAILQ_ENTRY(watch)	 centry;	/* the connection's list */
	struct watch		*hnext;		/* the index chain */
	struct conn		*conn;
	char			*path;		/* absolute, or "@..." */
	char			*token;
	uint64_t		 seq;		/* registration order */
	uint32_t		 hash;
	int			 relative;	/* given relative: events too */
};

/*
 * Add a watch for 'path' (absolute or special) with 'token'.  Returns 0,
 * EEXIST for the same path and token, E2BIG over the watch quota.  The
 * initial event is queued by watch_initial(), after the reply.
 */
int	 watch_add(struct conn *, const char *path, const char *token,
	    int relative, struct watch **out);
void	 watch_initial(struct watch *);
/* Returns 0 or ENOENT. */
int	 watch_remove(struct conn *, const char *path, const char *token);
/* RESET_WATCHES, and a closing connection. */
void	 watch_conn_gone(struct conn *);

enum watch_match {
	MATCH_EXACT,		/* watches on 'path' itself */
	MATCH_SUBTREE		/* watches on 'path' or any parent of it */
};

/*
 * A node event.  Connections that cannot read the node (under perms, or
 * under oldperms when given: SET_PERMS) are not told.
 */
void	 watch_fire(const char *path, enum watch_match,
	    const struct xs_perm *perms, uint32_t nperms,
	    const struct xs_perm *oldperms, uint32_t noldperms);

/* @introduceDomain / @releaseDomain: privileged watchers only. */
void	 watch_fire_special(const char *name);

uint64_t watch_count(void);

#endif
