/* xm save and xm restore: a suspended guest to a file through libxc, and back. */
#ifndef XVM_XVMD_SAVE_H
#define XVM_XVMD_SAVE_H

#include <xvm/xenctrl.h>

struct vm;
struct xvmd;

/*
 * How a save ends: err 0 and the reply document (JSON: the file and its
 * size), or an errno value and a message.  Called exactly once.
 */
typedef void (*save_done_fn)(void *arg, int err, const char *message,
	    const char *json);

/*
 * Ask vm's guest to suspend (control/shutdown = "suspend", as xend) and
 * save it to 'file' once it has: save_check does that.  With checkpoint
 * the guest runs on afterwards, else the domain is destroyed.  done(arg)
 * is called then, or with an error (not when this returns an error).  Returns 0, or an errno value with
 * *cause.
 */
int	 save_begin(struct xvmd *, struct vm *, const char *file,
	    int checkpoint, save_done_fn done, void *arg, char **cause);

/*
 * From lc_check, for a vm being saved: write the file once the guest has
 * suspended (to a temporary name, fsynced, renamed), destroy the domain
 * (or resume it: a checkpoint, or a write that failed) and answer; or answer the timeout (shutdown-timeout) or the guest's
 * other shutdown.  Returns 1 when the vm was handled (the info given is
 * stale then) and may be gone.
 */
int	 save_check(struct xvmd *, struct vm *, const xc_domaininfo_t *);

/* A vm going away answers its pending save. */
void	 save_free(struct vm *);

/*
 * Restore a domain from a file made by xm save: the same name, UUID and
 * config, a new domid, its store entries written and introduced; left
 * paused if asked.  A managed domain comes back into its entry.  Returns
 * 0 and *out, or an errno value with *cause; nothing is left behind.
 */
int	 save_restore(struct xvmd *, const char *file, int paused,
	    struct vm **out, char **cause);

#endif
