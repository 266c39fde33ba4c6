/* State of the xvmd daemon shared by its modules. */
#ifndef XVM_XVMD_XVMD_H
#define XVM_XVMD_XVMD_H

#include <time.h>

#include "xvmd/vm.h"
#include "xvmd/xendconf.h"

struct event;
struct event_base;
struct http_server;
struct jobs;
struct reloc;
struct virt_server;
struct xc_interface_core;
struct xs_handle;
struct xsclient;

struct xvmd {
	struct event_base	*base;
	struct http_server	*http;
	struct xendconf		 conf;
	const char		*conffile;	/* -f, or NULL */
	time_t			 started;
	unsigned long		 requests;	/* served since start */

	struct xc_interface_core *xch;		/* the hypervisor */
	struct xsclient		*xsc;		/* the store, reconnecting */
	struct xs_handle	*xs;		/* its handle of the moment */
	struct vmq		 vms;		/* known domains */
	TAILQ_HEAD(rsq, rs)	 restoring;	/* restore.c: not committed yet */
	struct event		*tick_ev;
	struct jobs		*jobs;		/* job.c */
	struct reloc		*reloc;		/* relocation server, migrations */
	int			 stopping;	/* SIGTERM: jobs are ending */

	/* Told after every state change and every lc_check (domops.h). */
	void			(*on_change)(struct xvmd *);
	struct virt_server	*virt;		/* the libvirt front-end */
};

#endif
