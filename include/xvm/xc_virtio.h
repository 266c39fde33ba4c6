/* libxc for device models: a domain's virtio-mmio slots (DESIGN.md §4a, docs/privcmd.md). */
#ifndef XVM_XC_VIRTIO_H
#define XVM_XC_VIRTIO_H

#include <stdint.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>

/*
 * The role of Xen's libxendevicemodel: a device model serves slots of one
 * domain.  Plugging, unplugging and config writes go through the model's
 * event-channel handle, which owns what it plugged: when the handle
 * closes (or the process dies) the slots are orphaned, not freed.
 */
struct xc_virtio_dev {
	uint32_t	 device_id;	/* VIRTIO_ID_* */
	uint16_t	 nqueues;
	uint16_t	 queue_max;	/* power of 2 */
	uint64_t	 features;	/* with VIRTIO_F_VERSION_1 */
	const void	*config;	/* config space (borrowed) */
	uint32_t	 config_len;
	/* virtio-input's select scheme, answered by the transport: records
	   of u8 select, u8 subsel, u8 size, size bytes (borrowed); or 0 */
	const void	*select;
	uint32_t	 select_len;
};

/*
 * Map domid's register file read-only: PRIVCMD_VIRTIO_SLOTS slots.  The
 * caller munmaps (p, PRIVCMD_VIRTIO_REGS_SIZE).  NULL with errno.
 */
const struct privcmd_virtio_slot *xc_virtio_map(xc_interface *,
	    uint32_t domid);

/*
 * Map all of domid's RAM read-write: *size bytes from guest-physical
 * 0x80000000 (the caller munmaps).  NULL with errno.
 */
void	*xc_virtio_map_ram(xc_interface *, uint32_t domid, uint64_t *size);

/*
 * A consistent copy of slot 'slot' of a mapped register file (retrying
 * while the hypervisor writes it).  Returns its seq, which changes with
 * every write: a reader may compare it to skip the copy.
 */
uint32_t xc_virtio_read_slot(const struct privcmd_virtio_slot *regs,
	    unsigned slot, struct privcmd_virtio_slot *out);
/* The slot's seq as it is now (a changed value means: read again). */
uint32_t xc_virtio_slot_seq(const struct privcmd_virtio_slot *regs,
	    unsigned slot);

/* Plug; the port of xce that fires for the slot, or -1 with errno. */
xenevtchn_port_or_error_t xc_virtio_plug(xenevtchn_handle *, uint32_t domid,
	    unsigned slot, const struct xc_virtio_dev *, int resume);
int	 xc_virtio_unplug(xenevtchn_handle *, uint32_t domid, unsigned slot);
int	 xc_virtio_config(xenevtchn_handle *, uint32_t domid, unsigned slot,
	    uint32_t off, const void *buf, uint32_t len, int notify);

#endif
