/* xm save and xm restore: a suspended guest to a file through libxc, and back. */
#ifndef XVM_XVMD_SAVE_H
#define XVM_XVMD_SAVE_H

#include <xvm/xenctrl.h>

struct buf;
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
 * From lc_check, for a vm being saved: once the guest has suspended,
 * start the job that writes the file (to a temporary name, fsynced,
 * renamed); when it ends, the domain is destroyed (or resumed: a
 * checkpoint, or a write that failed) and the request answered.  Or
 * answer the timeout (shutdown-timeout) or the guest's other shutdown.
 * Returns 1 when the vm was handled (the info given is stale then).
 */
int	 save_check(struct xvmd *, struct vm *, const xc_domaininfo_t *);

/*
 * The stream's toolstack record (docs/save-format.md): the UUID, the
 * config file's name and a NUL, the config's text; appended to b.
 */
void	 save_toolstack_record(const struct vm *, struct buf *);

/* A vm going away answers its pending save. */
void	 save_free(struct vm *);

/*
 * Restore a domain from a file made by xm save, in a job: the same name,
 * UUID and config, a new domid, its store entries written and introduced;
 * left paused if asked.  A managed domain comes back into its entry.
 * done(arg) is called when it is done, with the JSON {"domain": ...} or
 * the error.  Returns 0, or an errno value with *cause for a file that
 * cannot be opened (then done is not called).
 */
int	 save_restore(struct xvmd *, const char *file, int paused,
	    save_done_fn done, void *arg, char **cause);

#endif
