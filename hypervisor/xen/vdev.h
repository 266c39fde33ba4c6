/* Virtio devices of a domain seen from the multi-domain layer: event channels and device-model ownership. */
#ifndef XVM_HV_VDEV_H
#define XVM_HV_VDEV_H

#include <stdint.h>

struct domain;
struct evtchn_sink;
struct vmmio_dev;
struct privcmd_virtio_slot;

/*
 * Each slot with a device has a port in the guest's event-channel table
 * that the guest never sees: the transport consumes it (as Xen's
 * "xen-consumed" ports), and the device model's handle is bound to it
 * interdomain.  A guest kick (QueueNotify, status...) is a send on it,
 * arriving at the model; the model's send on its end raises the slot's
 * used-buffer interrupt.  All of this runs on the privcmd thread but the
 * kicks and interrupts, which may come from any thread.
 */

/*
 * Plug a device for the model whose handle is 'owner' (the privcmd
 * client's sink): 0 and *port (the model's end), or a positive errno
 * (ENOSYS no transport, EBUSY a live model has the slot, and
 * vmmio_plug's).
 */
int	vdev_plug(struct domain *, unsigned slot, const struct vmmio_dev *,
	    int resume, struct evtchn_sink *owner, uint32_t *port);
int	vdev_unplug(struct domain *, unsigned slot, struct evtchn_sink *owner);
int	vdev_config(struct domain *, unsigned slot, struct evtchn_sink *owner,
	    uint32_t off, const void *, uint32_t len, int notify);
/* The model's handle closed: its slots become orphans (NEEDS_RESET). */
void	vdev_owner_gone(struct domain *, unsigned slot,
	    struct evtchn_sink *owner);
/* The register file's fd (borrowed), or -1 with errno. */
int	vdev_regs_fd(struct domain *);

/* Save / restore: slots with a device, as context records. */
int	vdev_save(struct domain *, unsigned slot, struct privcmd_virtio_slot *);
int	vdev_load(struct domain *, unsigned slot,
	    const struct privcmd_virtio_slot *);

void	vdev_dom_free(struct domain *);

#endif
