/* libxc's event-channel handles: dom0 ports as a pollable descriptor. */
#ifndef XVM_XENEVTCHN_H
#define XVM_XENEVTCHN_H

#include <stdint.h>

#include <xvm/xen.h>		/* evtchn_port_t, VIRQ_* */

/*
 * A handle is its own privcmd connection plus a descriptor that becomes
 * readable when a bound port fires (poll it, then xenevtchn_pending).  A
 * port fired once stays masked until xenevtchn_unmask, as with Xen's
 * /dev/xen/evtchn.  Closing the handle unbinds every port it bound.
 */
typedef struct xenevtchn_handle xenevtchn_handle;
typedef int		xenevtchn_port_or_error_t;

xenevtchn_handle *xenevtchn_open(void *logger, unsigned open_flags);
int	 xenevtchn_close(xenevtchn_handle *);	/* NULL is fine */
int	 xenevtchn_fd(xenevtchn_handle *);

int	 xenevtchn_notify(xenevtchn_handle *, evtchn_port_t port);
xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *,
	    uint32_t domid);
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *,
	    uint32_t domid, evtchn_port_t remote_port);
xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *,
	    unsigned int virq);
int	 xenevtchn_unbind(xenevtchn_handle *, evtchn_port_t port);
/* The next fired port; blocks unless the fd is non-blocking (EAGAIN). */
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *);
int	 xenevtchn_unmask(xenevtchn_handle *, evtchn_port_t port);

#endif
