/* The store against the hypervisor: stale domain entries go, missing ones come back. */
#ifndef XVM_XVMD_RECONCILE_H
#define XVM_XVMD_RECONCILE_H

struct xvmd;

/*
 * Remove /local/domain/<id> and /vm/<uuid> of domains the hypervisor no
 * longer runs; write again the entries (and the introduction) of running
 * domains of ours that the store lacks.  Call whenever the store
 * connection is made.  Failures are logged; nothing is fatal.
 */
void	 store_reconcile(struct xvmd *);

#endif
