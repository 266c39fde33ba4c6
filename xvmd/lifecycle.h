/* Starting, stopping and reacting to the end of domains. */
#ifndef XVM_XVMD_LIFECYCLE_H
#define XVM_XVMD_LIFECYCLE_H

struct vm;
struct xvmd;

/* xend refuses a restart this soon after the previous one (seconds). */
#define MINIMUM_RESTART_TIME	60

/*
 * Create, build and start vm's domain (paused if asked).  On failure
 * nothing is left behind: -1 with *cause, and errno from the step that
 * failed (ENOENT, ENOEXEC, EFBIG: the kernel; ENOMEM: the host).
 */
int	 lc_start(struct xvmd *, struct vm *, int paused, char **cause);

/*
 * Seconds until a restart of vm is allowed (xend's rule), 0 when it is:
 * a restart sooner is refused and the domain destroyed.
 */
int	 lc_restart_wait(const struct vm *);

/* Destroy the running domain; a vm that is not managed leaves the table. */
int	 lc_destroy(struct xvmd *, struct vm *, char **cause);

/*
 * xm rename: a new name for vm, running or not, kept in its config and
 * the store.  0, or an errno value with *cause: EINVAL (not a valid
 * name), EEXIST (another domain's), EIO (the store; the table has the new
 * name).
 */
int	 lc_rename(struct xvmd *, struct vm *, const char *name, char **cause);

/* Ask the guest: "poweroff", "reboot", "suspend", "halt". */
int	 lc_shutdown(struct xvmd *, struct vm *, const char *how, char **cause);

/*
 * Look at every domain and act on those that shut down or crashed, per
 * on_poweroff / on_reboot / on_crash.  Called on @releaseDomain (which
 * the store fires on VIRQ_DOM_EXC), on a store reconnect and once a second.
 */
void	 lc_check(struct xvmd *);

/* A crashed vm's core is written (dump.c): apply its on_crash now. */
void	 lc_after_dump(struct xvmd *, struct vm *);

/*
 * xend's on_xend_start: start the managed domains marked 'start' when
 * xvmd starts, unless one has a saved image to resume from (xvm-domains
 * start restores it).  on_xend_stop is xvm-domains stop's: xvmd's own
 * stop leaves every domain running.
 */
void	 lc_autostart(struct xvmd *);

/*
 * Connect to the store (xd->xsc, xd->xs): 0, or -1 when it cannot be
 * reached now.  The connection is made again whenever the store restarts;
 * each time, the store is reconciled with the hypervisor (reconcile.c).
 */
int	 lc_store_open(struct xvmd *);

/* Wire lc_check to the hypervisor's and the store's notifications. */
void	 lc_watch(struct xvmd *);
void	 lc_unwatch(struct xvmd *);

#endif
