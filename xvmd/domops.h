/*
 * Domain operations shared by xvmd's front-ends: the HTTP/JSON API
 * (api_*.c) and the libvirt remote protocol (virt_*.c).  Each front-end
 * decodes its request, finds the domain, and calls one of these; the
 * checks, the state changes and the messages live here only.
 *
 * Every function returns 0, or an errno value with *cause set (owned by
 * the caller): EINVAL the request's fault, ENOENT no such domain, EEXIST
 * a clash, EBUSY the state forbids it, EPERM Domain-0, ENOMEM/EAGAIN the
 * host, EIO anything else.
 */
#ifndef XVM_XVMD_DOMOPS_H
#define XVM_XVMD_DOMOPS_H

#include <stdint.h>

struct vm;
struct xvmd;

/* "0" and "Domain-0" name the host. */
int	 dom_is_dom0(const char *key);

/* The vm named by key (a name, or a domid when all digits), or NULL
 * with ENOENT in *err and *cause.  Borrowed. */
struct vm *dom_lookup(struct xvmd *, const char *key, int *err,
	    char **cause);

/* The same, but the domain must be running (EINVAL otherwise). */
struct vm *dom_lookup_running(struct xvmd *, const char *key, int *err,
	    char **cause);

/*
 * Parse an xm config ('file' names it in messages) into a new vm, not in
 * the table yet (caller owns it, vm_free).  NULL with *err: EINVAL for a
 * bad config, EEXIST when the name is taken.
 */
struct vm *dom_parse_new(struct xvmd *, const char *file, const char *text,
	    int *err, char **cause);

/* Start a new domain from a config (xm create); *out is in the table. */
int	 dom_create(struct xvmd *, const char *file, const char *text,
	    int paused, struct vm **out, char **cause);

/*
 * Make a config managed (xm new).  With 'update', a domain of the same
 * name and UUID takes the new config (libvirt's define of a known
 * domain: a running one keeps running and becomes managed); without it
 * the name must be new.  *out is in the table.
 */
int	 dom_define(struct xvmd *, const char *file, const char *text,
	    int update, struct vm **out, char **cause);

/* A running managed domain becomes unmanaged (libvirt's undefine of a
 * running domain: it goes when it stops). */
int	 dom_forget(struct xvmd *, struct vm *, char **cause);

/* Start it when xvmd starts (on_xend_start = "start") or not: the
 * managed config's text changes, and the store with it. */
int	 dom_set_autostart(struct xvmd *, struct vm *, int on, char **cause);

/* Forget a managed domain that is not running (xm delete); frees vm. */
int	 dom_undefine(struct xvmd *, struct vm *, char **cause);

/* Start a managed domain that is not running (xm start). */
int	 dom_start(struct xvmd *, struct vm *, int paused, char **cause);

/* Destroy the running domain (an unmanaged vm is freed). */
int	 dom_destroy(struct xvmd *, struct vm *, char **cause);

/* Ask the guest to "poweroff" or "reboot". */
int	 dom_shutdown(struct xvmd *, struct vm *, const char *how,
	    char **cause);

/* Pause (1) or unpause (0) the running domain. */
int	 dom_pause(struct xvmd *, struct vm *, int pause, char **cause);

/* The balloon target, 4 MiB .. maxmem (xm mem-set). */
int	 dom_set_memory(struct xvmd *, struct vm *, int64_t mib, char **cause);

/* The memory limit, memory .. 256 GiB, admitted as memory.c says (xm mem-max). */
int	 dom_set_maxmem(struct xvmd *, struct vm *, int64_t mib, char **cause);

/* vCPUs online, 1 .. the config's vcpus (xm vcpu-set). */
int	 dom_set_vcpus(struct xvmd *, struct vm *, int64_t n, char **cause);

/*
 * Front-ends that show state changes (libvirt's lifecycle events) are
 * told after each operation and each lc_check: one observer.
 */
void	 dom_changed(struct xvmd *);

#endif
