/* The virtio-mmio transport of a machine's slots: registers only, the data path is a device model's. */
#ifndef XVM_HYPERVISOR_DEVICES_VIRTIO_MMIO_H
#define XVM_HYPERVISOR_DEVICES_VIRTIO_MMIO_H

#include <stddef.h>
#include <stdint.h>

struct vmmio;
struct privcmd_virtio_slot;

/*
 * The guest's side is the bus device (virtio_mmio_ops in device.h); this
 * is the side the multi-domain layer drives for a device model
 * (hypervisor/xen/vdev.c).  The canonical state of every slot is the
 * register file, one privcmd_virtio_slot per slot in a memfd that a model
 * maps read-only (created at the first plug), updated under a seqlock.
 *
 * The kick hook runs on the accessing hart's thread, with no lock of the
 * transport held, after the guest did anything a model must look at:
 * QueueNotify, a status change, QueueReady, a config write.
 */
typedef void (*vmmio_kick_fn)(void *arg, unsigned slot);
void	vmmio_set_kick(struct vmmio *, vmmio_kick_fn, void *arg);

/* The register file's fd (borrowed), created if needed; -1 with errno. */
int	vmmio_regs_fd(struct vmmio *);

struct vmmio_dev {
	uint32_t	 device_id;
	uint16_t	 nqueues;
	uint16_t	 queue_max;
	uint64_t	 features;
	const void	*config;
	uint32_t	 config_len;
	/* The select scheme's answers (virtio_mmio.c), copied; or 0. */
	const uint8_t	*select;
	uint32_t	 select_len;
};

/*
 * Put a device in a slot, from reset, or (resume) keeping the registers
 * of the same device already there.  0 or a positive errno (EINVAL bad
 * description or slot, EEXIST occupied, ENODEV nothing to resume).
 */
int	vmmio_plug(struct vmmio *, unsigned slot, const struct vmmio_dev *,
	    int resume);
void	vmmio_unplug(struct vmmio *, unsigned slot);
/* Is there a device in the slot? */
int	vmmio_present(struct vmmio *, unsigned slot);
/* Write config bytes; notify: new generation + config interrupt. */
int	vmmio_set_config(struct vmmio *, unsigned slot, uint32_t off,
	    const void *, uint32_t len, int notify);
/* Raise InterruptStatus bits (VIRTIO_MMIO_INT_*) and the PLIC line. */
void	vmmio_interrupt(struct vmmio *, unsigned slot, uint32_t bits);
/* The model is gone: DEVICE_NEEDS_RESET and a config interrupt. */
void	vmmio_orphan(struct vmmio *, unsigned slot);

/*
 * Save and restore (the domain context): a copy of the slot's registers
 * (seq cleared), and back.  load checks the record and puts the device
 * in the slot with its registers; its model plugs it again with resume.
 * 0 or a positive errno.
 */
void	vmmio_save(struct vmmio *, unsigned slot,
	    struct privcmd_virtio_slot *);
int	vmmio_load(struct vmmio *, unsigned slot,
	    const struct privcmd_virtio_slot *);

#endif
