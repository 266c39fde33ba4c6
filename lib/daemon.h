/* The skeleton every daemon shares: options, root, log, fork, signals, pidfile. */
#ifndef XVM_LIB_DAEMON_H
#define XVM_LIB_DAEMON_H

struct daemon;
struct event_base;
struct evloop_signals;

/*
 * An option of one daemon, beyond the ones every daemon takes:
 *   -r, --root DIR    run/, var/ and etc/ under DIR (else $XVM_ROOT, else /)
 *   -F, --foreground  stay in the foreground, log to stderr too
 *   -d, --daemon      go to the background once serving (the default)
 *   -v, --verbose     more logging (again: debug)
 *   -h, --help        usage on stdout, exit 0
 * set() takes the option's argument (NULL if it has none) into ctx: 0, or
 * -1 with *cause (owned by the caller), which ends the program with it.
 */
struct daemon_option {
	const char	*name;		/* long name, or NULL */
	int		 letter;	/* short letter, or 0: long only */
	const char	*arg;		/* its argument's name, NULL: none */
	const char	*help;		/* one line of usage */
	int		(*set)(void *ctx, const char *arg, char **cause);
};

#define DAEMON_STAYS	0x1	/* never forks (svc.startd); -F: stderr too */

/* What one daemon is: a const table in its main.c. */
struct daemon_spec {
	const char	*name;		/* program and log name */
	int		 verbose;	/* default: 0 warnings, 1 info */
	unsigned	 flags;		/* DAEMON_* */
	const char	*log_file;	/* under the root; NULL: the default,
					   var/log/xvm/<name>.log */
	const char	*pid_file;	/* under the root, or NULL: none */
	const struct daemon_option *options; /* end: { NULL }; or NULL */
};

struct daemon {
	const struct daemon_spec *spec;
	const char		*root;		/* --root, or NULL */
	int			 foreground;
	int			 verbose;
	struct event_base	*base;
	struct evloop_signals	*signals;
};

/*
 * The start of a daemon's main(): read argv (bad usage exits 1 with a
 * one-line reason and the usage on stderr; -h exits 0), log as spec->name
 * to stderr and to the log file, choose the root, and -- unless -F or
 * DAEMON_STAYS -- fork: the parent waits until the child calls
 * daemon_serving() and exits 0, or exits 1 if the child dies first (its
 * fatal message has gone to stderr and the log).  Returns in the child,
 * in a new session with stdin on /dev/null.  Exits on any failure.
 */
void	 daemon_setup(struct daemon *, const struct daemon_spec *, int argc,
	    char **argv, void *ctx);

/*
 * The daemon's event base (borrowed; daemon_finish frees it): SIGTERM and
 * SIGINT call on_term (NULL: stop the loop), SIGHUP reopens the log file
 * and calls on_hup (may be NULL), SIGPIPE is ignored.
 */
struct event_base *daemon_loop(struct daemon *, void (*on_term)(void *),
	    void (*on_hup)(void *), void *arg);

/*
 * Serving: write the pidfile, stop logging to stderr unless -F, put
 * stdout and stderr on /dev/null and let the waiting parent exit 0.
 */
void	 daemon_serving(struct daemon *);

/* After the loop and the daemon's own teardown: pidfile, signals, base. */
void	 daemon_finish(struct daemon *);

#endif
