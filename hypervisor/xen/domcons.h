/* A domain's emulated console (UART, SBI console, HTIF): its output ring in the hypervisor and dom0's watchers. */
#ifndef XVM_HV_DOMCONS_H
#define XVM_HV_DOMCONS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct domain;
struct hv;

#define DOMCONS_RING_SIZE	(64u * 1024u)	/* power of two */

/*
 * Per domain: bytes are numbered from 0 for the domain's life; the ring
 * holds the newest DOMCONS_RING_SIZE of them (allocated at the first
 * output and grown with it, so a domain that never prints costs 64 bytes
 * and one that prints a few boot lines about a kilobyte).
 */
struct domcons *domcons_new(void);
void	 domcons_free(struct domcons *);	/* NULL is fine */

/* Guest output (the machine's console sink; any thread). */
void	 domcons_output(struct domain *, const char *, size_t);

/*
 * Copy up to max bytes from byte 'pos' on into out.  Bytes that fell off
 * the ring are skipped: *start is where the copy began (>= pos), *end the
 * number of bytes ever written.  Returns the count copied.
 */
size_t	 domcons_read(struct domain *, uint64_t pos, char *out, size_t max,
	    uint64_t *start, uint64_t *end);

/*
 * A dom0 watcher: a pipe whose read end the client polls.  When a domain
 * prints, its domid (u32) is written to every watcher that has not been
 * told since it last read that domain's console (domcons_rearm), so a
 * domain is in a watcher's pipe at most once and the pipe (sized for
 * every domid) never fills.  Daemon code: aborts on OOM.
 */
struct domcons_watch {
	int			 fd;		/* the write end */
	uint64_t		*told;		/* bit per domid */
	LIST_ENTRY(domcons_watch) entry;
};

/* A watcher; *rfd is the read end for the client.  NULL with errno. */
struct domcons_watch *domcons_watch_new(struct hv *, int *rfd);
void	 domcons_watch_free(struct hv *, struct domcons_watch *);
/* The watcher is about to read domid's console: tell it again. */
void	 domcons_rearm(struct hv *, struct domcons_watch *, uint32_t domid);
/* The domain is going: tell the watchers once more, so they look. */
void	 domcons_gone(struct domain *);

#endif
