/* Inside the privcmd server: the client, the reply and the op table shared by its files. */
#ifndef XVM_HV_CONTROL_PRIV_H
#define XVM_HV_CONTROL_PRIV_H

#include <stdint.h>
#include <sys/queue.h>

#include "lib/buf.h"
#include "lib/sock.h"
#include "hypervisor/xen/evtchn.h"

struct ctl;
struct domain;
struct domcons_watch;
struct event;
struct hv;

/* A dom0 grant mapping held by a client: a reference on the domain. */
struct ctl_gmap {
	struct domain	*d;		/* NULL: free slot */
	uint32_t	 ref;
	int		 readonly;
};

/* A virtio slot a device model (this client) plugged. */
struct ctl_vplug {
	uint32_t	 domid;
	uint32_t	 slot;
};

struct ctl_client {
	struct ctl		*ctl;
	struct hv		*hv;
	int			 fd;
	struct event		*ev;
	int			 want_write;
	struct buf		 in;
	struct buf		 out;
	int			 out_fds[SOCK_MAX_FDS];	/* ride on out's 1st byte */
	int			 out_nfds;
	/* The event-channel handle, after EVTCHN_OPEN. */
	struct evtchn_sink	 sink;
	int			 evfd_w;		/* pipe write end, or -1 */
	struct ctl_gmap		*gmap;
	unsigned		 ngmap;
	/* Virtio slots this client serves as a device model. */
	struct ctl_vplug	*vplug;
	unsigned		 nvplug;
	/* After CONSOLE_WATCH: the domains' emulated consoles. */
	struct domcons_watch	*cwatch;
	LIST_ENTRY(ctl_client)	 entry;
};

/*
 * What a handler gives back: payload bytes and descriptors to send.  The
 * reply owns the descriptors (a handler dups what it must keep) and
 * closes them once sent or on error.
 */
struct ctl_reply {
	struct buf	*payload;
	int		 fds[2];
	int		 nfds;
};

#define CTL_F_DOMAIN	0x1	/* payload starts with a u32 domid: look it up */
#define CTL_F_NOT_DOM0	0x2	/* ... which must not be 0 */
#define CTL_F_EVTCHN	0x4	/* needs an open event-channel handle */

/*
 * A handler gets the request payload (at least min_len bytes; d is the
 * looked-up domain with CTL_F_DOMAIN, else NULL) and returns 0 or a
 * positive errno; the prologue in control.c turns that into the reply.
 */
typedef int (*ctl_fn)(struct ctl_client *, struct domain *, const void *req,
    uint32_t len, struct ctl_reply *);

struct ctl_op {
	const char	*name;
	ctl_fn		 fn;
	uint32_t	 min_len;
	unsigned	 flags;
};

/* ctl_domain.c */
int	ctl_hello(struct ctl_client *, struct domain *, const void *, uint32_t,
	    struct ctl_reply *);
int	ctl_physinfo(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_create(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_destroy(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_pause(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_unpause(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_resume(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_sethandle(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_domain_trigger(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_domain_shutdown(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_getinfolist(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_setmaxmem(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_populate(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_decrease(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_map_foreign(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_setaffinity(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_getaffinity(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_vcpu_getinfo(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_credit_set(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_credit_get(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_readconsolering(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_hvm_param_set(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_hvm_param_get(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_vcpu_getcontext(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_vcpu_setcontext(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);

/* ctl_context.c */
int	ctl_domain_getcontext(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_domain_setcontext(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_logdirty(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);

/* ctl_console.c */
int	ctl_console_watch(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_console_read(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_console_write(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
void	ctl_console_client_gone(struct ctl_client *);

/* ctl_virtio.c */
int	ctl_virtio_map(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_virtio_plug(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_virtio_unplug(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_virtio_config(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
/* The client's slots become orphans (before its handle closes). */
void	ctl_virtio_client_gone(struct ctl_client *);

/* ctl_evtchn.c */
int	ctl_evtchn_open(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_evtchn_bind_interdomain(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_evtchn_bind_virq(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_evtchn_bind_unbound(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_evtchn_notify(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_evtchn_unmask(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_evtchn_unbind(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_evtchn_alloc_unbound(struct ctl_client *, struct domain *,
	    const void *, uint32_t, struct ctl_reply *);
int	ctl_gnttab_map(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_gnttab_unmap(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
int	ctl_gnttab_copy(struct ctl_client *, struct domain *, const void *,
	    uint32_t, struct ctl_reply *);
/* Drop the client's event-channel handle and grant maps. */
void	ctl_evtchn_client_gone(struct ctl_client *);

#endif
