/* xvm-dm, one domain's device model: its state, and the interface every device file implements. */
#ifndef XVM_DM_DM_H
#define XVM_DM_DM_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/privcmd.h>

#include "dm/virtq.h"
#include "lib/json.h"

struct dm;
struct dm_ctl;
struct dm_dev;
struct dm_vnc;
struct event_base;

/* Guest RAM starts here (xc_virtio_map_ram maps from it). */
#define DM_RAM_BASE	0x80000000ULL

/*
 * What xvmd asks for (control.c decodes it): a device of one kind in a
 * slot, with the descriptor xvmd opened for it (disk image, tap, pty) or
 * -1.  The JSON request stays available for kind-specific keys.
 */
struct dm_plug {
	unsigned	 slot;
	const char	*kind;		/* "vbd", "vif", "console", "rng" */
	int		 fd;		/* taken over by create() on success */
	yajl_val	 req;		/* the whole request (borrowed) */
	int		 resume;	/* carry on from the transport's state */
};

/*
 * A device is one file with one of these (blk.c, net.c, console.c,
 * rng.c, and later input and framebuffer).  The core (dev.c) owns the
 * transport side: plugging, reading the register file, setting queues
 * up at DRIVER_OK and down at reset, interrupts; a device sees:
 *
 * create: check the request and fill dev->features, dev->config and
 *   dev->config_len (and dev->priv); -1 with *cause (caller frees).
 * destroy: release priv and its descriptors.
 * start: the driver set DRIVER_OK; dev->vq[] are set up and
 *   dev->driver_features is what it accepted (may be NULL).
 * stop: the driver reset the device (or it is unplugged); queues are gone
 *   (may be NULL).
 * queue: queue q may have requests (the guest kicked it, or we resumed).
 * config_written: the driver wrote the config space (may be NULL).
 */
struct dm_dev_ops {
	const char	*kind;
	const char	*alias;		/* a second kind served (or NULL) */
	uint32_t	 device_id;
	uint16_t	 nqueues;
	uint16_t	 queue_max;
	int	(*create)(struct dm_dev *, const struct dm_plug *, char **cause);
	void	(*destroy)(struct dm_dev *);
	void	(*start)(struct dm_dev *);
	void	(*stop)(struct dm_dev *);
	void	(*queue)(struct dm_dev *, unsigned q);
	void	(*config_written)(struct dm_dev *);
};

extern const struct dm_dev_ops dm_blk_ops;	/* blk.c */
extern const struct dm_dev_ops dm_net_ops;	/* net.c */
extern const struct dm_dev_ops dm_rng_ops;	/* rng.c */
extern const struct dm_dev_ops dm_input_ops;	/* input.c: vkbd, vtablet */

struct dm_stats {
	uint64_t	 requests;
	uint64_t	 bytes_in;	/* to the guest */
	uint64_t	 bytes_out;	/* from the guest */
	uint64_t	 errors;
	uint64_t	 flushes;	/* disks: fdatasync done */
	uint64_t	 interrupts;
	uint64_t	 kicks;
};

struct dm_dev {
	struct dm			*dm;
	const struct dm_dev_ops		*ops;
	const char			*kind;		/* ops' kind or alias */
	unsigned			 slot;
	char				 name[32];	/* "vbd 51712" */
	uint32_t			 port;		/* the slot's event channel */
	uint64_t			 features;	/* offered */
	uint64_t			 driver_features;
	uint8_t				 config[PRIVCMD_VIRTIO_CONFIG_MAX];
	uint32_t			 config_len;
	const uint8_t			*select;	/* select table */
	uint32_t			 select_len;	/*  (priv's), or 0 */
	/* What we last read of the slot's registers. */
	uint32_t			 seq;
	uint32_t			 resets;
	uint32_t			 status;
	int				 running;	/* queues set up */
	int				 broken;	/* until the next reset */
	struct virtq			 vq[PRIVCMD_VIRTIO_QUEUES];
	struct dm_stats			 stats;
	void				*priv;
};

/* The domain and its memory. */
struct dm {
	uint32_t			 domid;
	struct event_base		*base;
	struct dm_mem			 mem;
	struct xc_interface_core	*xch;
	struct xenevtchn_handle		*xce;
	const struct privcmd_virtio_slot *regs;
	struct dm_dev			*dev[PRIVCMD_VIRTIO_SLOTS];
	int				 paused;	/* by "save": no processing */
	struct dm_ctl			*ctl;
	struct dm_vnc			*vnc;		/* vnc.c, or NULL */
};

/* dev.c: the transport side of every device. */
/* Plug a device as asked; 0, or -1 with *cause (caller frees). */
int	 dm_dev_plug(struct dm *, const struct dm_plug *, char **cause);
int	 dm_dev_unplug(struct dm *, unsigned slot, char **cause);
/* A port fired: look at its device. */
void	 dm_dev_port(struct dm *, uint32_t port);
/* Look at every device (after "continue", or at start). */
void	 dm_dev_poll_all(struct dm *);
/* After pushing to queue q: interrupt the driver if it wants one. */
void	 dm_dev_interrupt(struct dm_dev *, unsigned q);
/* Change config bytes and tell the driver (config interrupt). */
int	 dm_dev_set_config(struct dm_dev *, uint32_t off, const void *,
	    uint32_t len);
/* The driver broke queue q's rules: stop the device until a reset. */
void	 dm_dev_broken(struct dm_dev *, unsigned q, const char *why);
void	 dm_dev_free_all(struct dm *);
/* Every device's counters, as "devices": [...] of a reply. */
void	 dm_dev_stats(struct dm *, struct json_w *);

/* control.c: the link to xvmd (fd: its SOCK_SEQPACKET socket). */
struct dm_ctl *dm_ctl_new(struct dm *, int fd);
void	 dm_ctl_free(struct dm_ctl *);
/* Tell xvmd: "connected", "closed", "broken" (detail may be NULL). */
void	 dm_ctl_event(struct dm *, const char *event, unsigned slot,
	    const char *detail);

/*
 * vnc.c: the domain's framebuffer served over VNC (docs/vnc.md).  Start
 * it as the "vnc" request asks; its TCP port in *port.  0, or -1 with
 * *cause (caller frees).
 */
int	 dm_vnc_start(struct dm *, yajl_val req, int *port, char **cause);
void	 dm_vnc_free(struct dm *);
/* The VNC server's figures, as "vnc": {...} of a stats reply. */
void	 dm_vnc_stats(struct dm *, struct json_w *);

/* Has the device accepted feature bit f? */
static inline int
dm_has(const struct dm_dev *dev, unsigned f)
{
	return (dev->driver_features >> f) & 1;
}

#endif
