/* The relocation server (xend's, over TLS) and what migrations share: settings, records. */
#ifndef XVM_XVMD_RELOC_H
#define XVM_XVMD_RELOC_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "lib/queue.h"
#include "xvmd/chan.h"

struct evloop_listener;
struct xvmd;

/* The settings a migration job needs, copied on the loop at its start. */
struct reloc_conf {
	char		 key[PATH_MAX], cert[PATH_MAX], ca[PATH_MAX];
	struct chan_tls	 tls;		/* points at the three above */
	int		 ssl_server;	/* the server speaks TLS */
	int		 ssl_client;	/* xend-relocation-ssl */
	uint16_t	 port, ssl_port;
	int		 timeout_s;	/* xend-relocation-timeout */
	int		 suspend_s;	/* shutdown-timeout */
	uint32_t	 downtime_ms, max_iters;
	char		 hosts_allow[1100];
};

void	 reloc_conf_get(struct xvmd *, struct reloc_conf *);

/* One incoming migration, as the destination keeps it (the loop's). */
enum inc_state { INC_PENDING, INC_COMMITTED, INC_ABORTED };

struct incoming {
	TAILQ_ENTRY(incoming) entry;
	char		 id[40];	/* the source's migration id */
	uint8_t		 uuid[16];
	enum inc_state	 state;
	struct chan	*chan;		/* while the job talks on it */
	time_t		 ended;		/* 0 while its job runs */
};

struct migration;
TAILQ_HEAD(migq, migration);
TAILQ_HEAD(incq, incoming);

struct reloc {
	struct evloop_listener	*listener;
	char			 listening[300];	/* "TLS on [::]:8003" */
	struct migq		 out;	/* migrate.c: sending, and ended */
	struct incq		 in;	/* migrate_in.c: receiving, and ended */
	int			 nin;	/* incoming jobs running */
};

/* At start: the records, and the server when xend-relocation-server.
 * At stop, once every job has ended: the server and the records go. */
void	 reloc_init(struct xvmd *);
void	 reloc_fini(struct xvmd *);

/*
 * xend-relocation-hosts-allow: space-separated POSIX extended regular
 * expressions, each matched from the start (as xend's Python re.match)
 * of the peer's address or its name; "" allows every host.  1 when
 * allowed, 0 when not, -1 with *cause when a pattern is malformed.
 */
int	 reloc_host_allowed(const char *patterns, const char *addr,
	    const char *name, char **cause);

/* migrate_in.c: serve one accepted relocation connection in a job. */
void	 migrate_in_accept(struct xvmd *, int fd, const char *peer);
/* At stop, after the jobs: drop the incoming records. */
void	 migrate_in_fini(struct xvmd *);

/* The id of a new migration: 32 hex digits. */
void	 reloc_new_id(char out[33]);

#endif
