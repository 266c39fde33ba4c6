/* Adopting the domains that already run when xvmd starts. */
#ifndef XVM_XVMD_RECOVER_H
#define XVM_XVMD_RECOVER_H

struct xvmd;

/*
 * Rebuild the table after a restart (the managed entries are loaded
 * already): every running domain the hypervisor lists, with its name and
 * config from /local/domain/<id> and /vm/<uuid>, keyed by the UUID the
 * hypervisor keeps.  No two entries end up with one name or one UUID.
 */
void	 recover_running(struct xvmd *);

#endif
