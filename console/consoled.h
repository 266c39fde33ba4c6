/* xvm-consoled's state: consoles of domains, attached clients, the daemon. */
#ifndef XVM_CONSOLE_CONSOLED_H
#define XVM_CONSOLE_CONSOLED_H

#include <stdint.h>
#include <sys/types.h>

#include "lib/queue.h"

#include "console/logfile.h"
#include "lib/ratelimit.h"
#include "console/scrollback.h"

struct bufferevent;
struct event;
struct event_base;
struct evloop_listener;
struct xencons_interface;

#define CLIENT_MAX_QUEUED	(256 * 1024)

/*
 * One source of a console's output, drained into the hub under the
 * console's rate limit (console_feed_drain).  read() takes up to max
 * bytes into buf and returns how many (0: nothing now) or -1 when the
 * source is gone, adding to *lost what the source overwrote before we
 * read it; consumed(), if set, runs after output was taken (to tell the
 * guest there is room again).
 */
struct console_feed {
	struct console	*con;
	ssize_t		(*read)(struct console *, char *buf, size_t max,
			    uint64_t *lost);
	void		(*consumed)(struct console *);
	struct event	*retry;		/* tokens ran out: come back */
};

/* A client attached to one console. */
struct client {
	TAILQ_ENTRY(client)	 entry;
	struct console		*con;		/* NULL until ATTACH */
	struct bufferevent	*bev;
	struct consoled		*cd;
};
TAILQ_HEAD(clientq, client);

/* One domain's console. */
struct console {
	TAILQ_ENTRY(console)	 entry;
	struct consoled		*cd;
	uint32_t		 domid;
	char			 name[64];
	int			 named;		/* the toolstack's name, not domain-N */
	int			 seen;		/* found by the last scan */

	/* The PV ring: mapped page, the guest's port and ours. */
	volatile struct xencons_interface *intf;
	uint32_t		 remote_port;
	int			 local_port;	/* -1 when unbound */
	struct console_feed	 pv;		/* pvsource.c */

	int			 pty;		/* master, or -1 */
	int			 pty_slave;	/* held open: keeps it raw */
	char			 ptyname[64];
	struct event		*pty_ev;

	/* The emulated console (uartsource.c): the next byte to read. */
	uint64_t		 uart_pos;
	struct console_feed	 uart;

	struct scrollback	*sb;
	struct logfile		 log;
	struct ratelimit	 rl;
	uint64_t		 bytes_out;
	uint64_t		 bytes_dropped;
	struct clientq		 clients;
};
TAILQ_HEAD(consoleq, console);

struct xsclient;

struct consoled {
	struct event_base	*base;
	struct consoleq		 consoles;
	struct clientq		 pending;	/* connected, not attached */
	struct evloop_listener	*listener;
	uint64_t		 rate;		/* bytes/s per console */
	char			*logdir;	/* var/log/xvm/console */
	char			*sock;		/* run/xvm/consoled.sock */
	void			*xch;		/* xc_interface *, or NULL */
	void			*xce;		/* xenevtchn_handle *, or NULL */
	struct xsclient		*xsc;		/* the store, reconnecting */
	struct event		*xce_ev;
	void			*xcw;		/* xc_console_watch *, or NULL */
	struct event		*xcw_ev;
	struct event		*scan_ev;
	struct event		*hv_retry;	/* the hypervisor is away */
	struct logfile		 hvlog;		/* hypervisor.log */
	uint64_t		 hvlog_pos;
};

/* hub.c: a console's output and input, whatever its source. */
struct console *console_new(struct consoled *, uint32_t domid,
	    const char *name);
void	 console_free(struct console *);
/* CLOCK_MONOTONIC in ns, for the rate limit. */
uint64_t console_now_ns(void);
/* The toolstack named the domain after its console was made: the log
 * follows (guest-NAME.log). */
void	 console_rename(struct console *, const char *name);
struct console *console_find(struct consoled *, const char *name_or_id);
void	 console_output(struct console *, const char *, size_t);
void	 console_input(struct console *, const char *, size_t);
void	 console_reopen_logs(struct consoled *);
/*
 * Move the feed's output to the hub as far as the rate limit allows; when
 * the tokens run out with output left, come back on a timer.
 */
void	 console_feed_drain(struct console_feed *);
void	 console_feed_stop(struct console_feed *);	/* its timer */

/* consoled.c: the daemon's start (logs, socket, sources) and stop. */
int	 consoled_start(struct consoled *, char **cause);
void	 consoled_stop(struct consoled *);

/* attach.c: the control socket. */
int	 attach_listen(struct consoled *, const char *path);
void	 attach_close(struct consoled *);
void	 attach_detach_all(struct console *);

/*
 * hvconn.c: the hypervisor's handles, opened at start and again after it
 * went away.  hvconn_gone(errno): does this error mean it is gone?
 * hvconn_lost(): close every console and the handles, retry each second.
 */
int	 hvconn_open(struct consoled *, char **cause);
void	 hvconn_close(struct consoled *);
int	 hvconn_gone(int err);
void	 hvconn_lost(struct consoled *, const char *what, int err);

/* pvsource.c: PV console rings through libxc; domain discovery. */
int	 pvsource_open(struct consoled *, char **cause);	/* the store */
void	 pvsource_close(struct consoled *);
int	 pvsource_open_hv(struct consoled *, char **cause);
void	 pvsource_close_hv(struct consoled *);
void	 pvsource_scan(struct consoled *);
int	 pvsource_attach(struct console *);
void	 pvsource_detach(struct console *);
void	 pvsource_kick(struct console *);
size_t	 pvsource_input(struct console *, const char *, size_t);
/* The guest uses its PV console (wrote to it or read from it). */
int	 pvsource_in_use(const struct console *);

/* uartsource.c: emulated consoles (UART, SBI console) through libxc. */
int	 uartsource_open(struct consoled *, char **cause);
void	 uartsource_close(struct consoled *);
void	 uartsource_attach(struct console *);
void	 uartsource_detach(struct console *);
size_t	 uartsource_input(struct console *, const char *, size_t);

#endif
