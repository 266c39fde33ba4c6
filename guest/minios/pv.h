/* The paravirtual layer: present when the device tree has a node
 * compatible with "xvm,hypervisor" (docs/minios.md, docs/guest-abi.md). */
#ifndef MINIOS_PV_H
#define MINIOS_PV_H

#include <xvm/xen.h>	/* SHUTDOWN_* */

/* Finds the hypervisor node and reserves its pages; before mm_init. */
void	pv_probe(void);
/* Maps shared_info, connects console and xenbus; after paging_init. */
void	pv_init(void);
int	pv_active(void);
/* Handles queued xenbus watch events (control/shutdown, sysrq, ...). */
void	pv_poll(void);
/* Suspends through the hypervisor and reconnects after resume. */
void	pv_suspend(void);
/* Tells the hypervisor why the domain stops; returns if not PV. */
void	pv_shutdown(int reason);

#endif
