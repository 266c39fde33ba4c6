/* Going to the background only once ready, as SMF's contract model expects of a start method. */
#ifndef XVM_LIB_DAEMON_H
#define XVM_LIB_DAEMON_H

/*
 * The start every daemon shares: log as 'name' (to stderr until it goes to
 * the background, and always to <root>/var/log/xvm/<name>.log), choose
 * the root (--root, else $XVM_ROOT), exit with a one-line error if either
 * fails.  verbose: 1 = info (the default of daemons), 2 = debug.
 */
void	 daemon_init(const char *name, const char *root, int verbose);

/*
 * Fork.  The parent waits until the child calls daemon_ready() and then
 * exits 0, or exits 1 if the child dies first (the child's fatal message
 * has gone to stderr and its log).  The child continues in a new session
 * with stdin on /dev/null; it keeps stderr until daemon_ready().  Returns
 * in the child only; -1 with errno if fork fails.
 */
int	 daemon_start(void);

/* Tell the waiting parent we are serving; stdout and stderr go to /dev/null. */
void	 daemon_ready(void);

#endif
