/* Event channels: per-domain ports, Xen's 2-level pending/mask bitmaps, dom0 sinks. */
#ifndef XVM_HV_EVTCHN_H
#define XVM_HV_EVTCHN_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xen.h>	/* VIRQ_*, EVTCHNSTAT_*, struct shared_info */

struct domain;
struct evtchn_dom;

#define EVTCHN_NR_PORTS		EVTCHN_2L_NR_CHANNELS

/*
 * Byte offsets into the shared_info page (xen.h lays it out), for code
 * that reaches it with atomics through a byte pointer.
 */
#define SHINFO_VCPU_INFO_SIZE	sizeof(struct vcpu_info)
#define SHINFO_UPCALL_PENDING	\
	offsetof(struct vcpu_info, evtchn_upcall_pending)
#define SHINFO_UPCALL_MASK	offsetof(struct vcpu_info, evtchn_upcall_mask)
#define SHINFO_PENDING_SEL	offsetof(struct vcpu_info, evtchn_pending_sel)
#define SHINFO_EVTCHN_PENDING	offsetof(struct shared_info, evtchn_pending)
#define SHINFO_EVTCHN_MASK	offsetof(struct shared_info, evtchn_mask)

/*
 * Dom0's ports belong to a sink (one per event-channel handle): a fired
 * port is handed to deliver() once and then stays masked until unmasked
 * (as Linux's evtchn device does), so a sink never holds a port twice.
 * deliver runs with the event-channel lock held: it must not block.
 */
struct evtchn_sink {
	void	(*deliver)(struct evtchn_sink *, uint32_t port);
	/*
	 * every: hand over each firing and never hold the port as delivered
	 * (a consumer inside the hypervisor, which cannot be flooded).
	 */
	int	every;
};

struct evtchn_status {
	uint32_t	status;		/* EVTCHNSTAT_* */
	uint32_t	vcpu;
	uint32_t	remote_dom;	/* unbound, interdomain */
	uint32_t	remote_port;	/* interdomain */
	uint32_t	virq;
};

/* Per-domain state; the shared_info is a private page until registered. */
struct evtchn_dom *evtchn_dom_new(struct domain *);
void	 evtchn_dom_free(struct evtchn_dom *);	/* NULL is fine */
/* Close every port (at destroy); remote ends go back to unbound. */
void	 evtchn_dom_close_all(struct domain *);

/*
 * Move the shared_info to guest memory at 'page' (4 KiB, borrowed for the
 * life of the domain): pending state carries over.
 */
void	 evtchn_set_shared_info(struct domain *, uint8_t *page);

/*
 * The operations.  'sink' is the dom0 handle doing it (NULL for a guest
 * acting on its own ports); a sink may touch only its own ports.  All
 * return 0 or a positive errno (EINVAL bad port or state, ENOSPC no free
 * port, ESRCH no such domain, EPERM not allowed, EEXIST virq bound).
 */
int	 evtchn_alloc_unbound(struct domain *, uint32_t remote_dom,
	    struct evtchn_sink *, uint32_t *port);
int	 evtchn_bind_interdomain(struct domain *, uint32_t remote_dom,
	    uint32_t remote_port, struct evtchn_sink *, uint32_t *port);
int	 evtchn_bind_virq(struct domain *, uint32_t virq, unsigned vcpu,
	    struct evtchn_sink *, uint32_t *port);
int	 evtchn_bind_vcpu(struct domain *, uint32_t port, unsigned vcpu);
int	 evtchn_send(struct domain *, uint32_t port, struct evtchn_sink *);
int	 evtchn_close(struct domain *, uint32_t port, struct evtchn_sink *);
int	 evtchn_unmask(struct domain *, uint32_t port, struct evtchn_sink *);
int	 evtchn_get_status(struct domain *, uint32_t port,
	    struct evtchn_status *);
/* Close every port of a dom0 sink (its handle went away). */
void	 evtchn_close_sink(struct domain *dom0, struct evtchn_sink *);

/* Raise a VIRQ in a domain, if bound (e.g. VIRQ_DOM_EXC in dom0). */
void	 evtchn_send_virq(struct domain *, unsigned virq, unsigned vcpu);

/* The shared_info page in force (borrowed; guest memory or private). */
uint8_t	*evtchn_shared_info(struct domain *);

/* Test helpers for guests' view: is 'port' pending / masked. */
int	 evtchn_is_pending(struct domain *, uint32_t port);
int	 evtchn_is_masked(struct domain *, uint32_t port);

#endif
