/*
 * Live migration, the sending side, and the one internal API every
 * front-end (the HTTP API, the libvirt protocol) calls.  docs/migration.md
 * describes the protocol and the failure rules.
 */
#ifndef XVM_XVMD_MIGRATE_H
#define XVM_XVMD_MIGRATE_H

#include <stdint.h>

struct json_w;
struct migration;
struct vm;
struct xvmd;

/* What a front-end asks for; zero values take the host's settings. */
struct migrate_args {
	const char	*host;		/* name or address of the destination */
	uint16_t	 port;		/* 0: the peer's relocation port */
	int		 live;		/* pre-copy while it runs (xm -l) */
	int		 tls;		/* 1 TLS, 0 plain, -1 xend-relocation-ssl */
	uint32_t	 max_downtime_ms;
	uint32_t	 max_iters;
};

/*
 * Called on the loop once, when the migration has ended: err 0 (the
 * domain runs on the destination and is gone here) or an errno value
 * with a message (the domain runs here, as before -- or, for the one
 * case where this host cannot learn the outcome, is left paused here:
 * the message says so).  The migration record stays readable until
 * migrate_put().
 */
typedef void (*migrate_done_fn)(struct xvmd *, struct migration *,
    int err, const char *message, void *arg);

/*
 * Start migrating vm (running, not busy) in a job.  On success returns 0
 * and *out, a reference the caller gives back with migrate_put() (the
 * record stays listed for GET /migrations a while after it ends
 * either way).  Else an errno value with *cause, and nothing started.
 */
int	 migrate_start(struct xvmd *, struct vm *, const struct migrate_args *,
	    migrate_done_fn done, void *arg, struct migration **out,
	    char **cause);

void	 migrate_put(struct xvmd *, struct migration *);

/*
 * Stop a migration before its commit: the domain runs on here (a guest
 * asked to suspend is resumed), the destination drops what it had, and
 * done is called with ECANCELED.  0, or an errno value with *cause:
 * EALREADY when it has ended, EBUSY once the commit is sent (the domain
 * may run there already: it is left to finish).
 */
int	 migrate_cancel(struct migration *, char **cause);

/* The figures as C values, for a front-end (libvirt's job stats). */
struct migrate_progress {
	const char	*state;		/* as in migrate_to_json */
	int		 ended;
	int		 err;		/* once failed: an errno value */
	uint32_t	 round;
	uint64_t	 mem_bytes;	/* the domain's memory */
	uint64_t	 pages_sent;	/* 4 KiB pages, every round */
	uint64_t	 last_copy_pages;
	uint64_t	 dirty_pages;	/* left dirty by the last round */
	uint64_t	 bytes;		/* on the wire */
	double		 dirty_pages_per_s, link_bytes_per_s;
	uint64_t	 downtime_us, total_ms;	/* once ended */
	uint64_t	 elapsed_ms;		/* since it was asked for */
};
void	 migrate_progress(struct migration *, struct migrate_progress *);

/* By id (the hex string), or NULL; borrowed, valid on the loop's turn. */
struct migration *migrate_find(struct xvmd *, const char *id);
const char *migrate_id(const struct migration *);
/* The domain's latest (running, or ended and still listed), or NULL. */
struct migration *migrate_find_dom(struct xvmd *, const uint8_t uuid[16]);

/*
 * The record as the API shows it: id, domain, host, port, tls, live,
 * state ("connecting", "copying", "stopping", "committing", "done",
 * "failed"), round, pages and bytes sent, dirty pages and rate, link
 * speed, downtime and total time, and the error once failed.
 */
void	 migrate_to_json(struct migration *, struct json_w *);
void	 migrate_list_json(struct xvmd *, struct json_w *);

/* On the loop at start (after the vm table is loaded): outgoing leftovers. */
void	 migrate_recover(struct xvmd *);

/* At stop, after the jobs: the list lets go of its records. */
void	 migrate_fini(struct xvmd *);

#endif
