/* A domain's entries in the store (docs/store-paths.md), written by xvmd alone. */
#ifndef XVM_XVMD_XSDOM_H
#define XVM_XVMD_XSDOM_H

#include <stdint.h>

#include <xvm/xenstore.h>

struct vm;
struct xvmd;
struct xc_dom_image;

/*
 * Write /local/domain/<id> (name, domid, vm, memory/target, cpu/,
 * store/, console/, control/, data/, device/) and /vm/<uuid> (name, uuid,
 * memory, vcpus, on_*, config) with xend's permissions, in one
 * transaction.  0, or -1 with *cause.
 */
int	 xsdom_write(struct xvmd *, struct vm *, const struct xc_dom_image *,
	    char **cause);

/*
 * Write /vm/<uuid> again, with /local/domain/<id>/name and vm pointing at
 * it (after a rename, or a new UUID): 0, or -1 with *cause.
 */
int	 xsdom_write_vm(struct xvmd *, struct vm *, char **cause);

/*
 * All of a running domain's entries again, with its ring pages and ports
 * from the hypervisor, and its introduction if the store lacks it (a store
 * that came back empty): 0, or -1 with *cause.
 */
int	 xsdom_republish(struct xvmd *, struct vm *, char **cause);

/* One write with a printf-style value; sets *ok = 0 on failure (and
 * does nothing once *ok is 0). */
void	 xsdom_put(struct xs_handle *, xs_transaction_t, int *ok,
	    const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Permissions: owner 'owner', no access for others, read for 'reader'
 * when >= 0. */
void	 xsdom_perm(struct xs_handle *, xs_transaction_t, int *ok,
	    const char *path, unsigned int owner, int reader);

/* Remove a domain's runtime entries (after it is destroyed). */
void	 xsdom_remove(struct xvmd *, struct vm *, int domid);

/* Ask the guest to shut down: control/shutdown = poweroff|reboot|... */
int	 xsdom_request_shutdown(struct xvmd *, int domid, const char *how,
	    char **cause);

/* Managed domains under /xvm/managed/<uuid>/: save, delete, load all. */
int	 xsdom_save_managed(struct xvmd *, struct vm *, char **cause);
void	 xsdom_delete_managed(struct xvmd *, struct vm *);
/*
 * A managed domain's saved image (/xvm/managed/<uuid>/saved): the file it
 * was last saved to, while that image is what it resumes from (NULL:
 * none).  Kept in vm->saved too.
 */
void	 xsdom_set_saved(struct xvmd *, struct vm *, const char *file);
void	 xsdom_load_managed(struct xvmd *);

/* The value at path (caller frees), or NULL with errno. */
char	*xsdom_read(struct xvmd *, const char *path);

#endif
