/* A domain's device model as xvmd runs it: images opened and checked, xvm-dm started, plugged and watched (docs/virtio.md). */
#ifndef XVM_XVMD_DMPROC_H
#define XVM_XVMD_DMPROC_H

#include <stdint.h>

struct disk_spec;
struct vif_spec;
struct vm;
struct xvmd;

/*
 * xvmd keeps privilege and policy (DESIGN.md §4a): it opens each disk of
 * vm's config itself (read-only for 'r'), as devcheck_open_disk does --
 * lc_start has checked them with devcheck_domain just before (the one
 * place of the disk and bridge policy); xvm-dm only gets descriptors.
 * Disk i goes to virtio-mmio slot i.
 *
 * prepare: before the domain is created: open and check, fill *slots
 *   (bit i: slot i has a device, for the device tree).  0, or -1 with
 *   *cause (caller frees) and nothing kept.
 * start: the domain is built and still paused: start xvm-dm for it and
 *   plug every device.  0, or -1 with *cause (the model is stopped).
 * stop: the domain is gone (or its start failed): end the model, close
 *   what prepare opened.  Safe to call when nothing was prepared.
 */
int	 dmproc_prepare(struct xvmd *, struct vm *, uint32_t *slots,
	    char **cause);
int	 dmproc_start(struct xvmd *, struct vm *, uint32_t domid,
	    char **cause);
void	 dmproc_stop(struct vm *);

/*
 * Hot-plug into a running domain (vm->domid set): the device takes the
 * first free slot, its model started if the domain had none; the store
 * gets virtio-slot and the backend's state 2.  The slot, or -1 with
 * *cause (caller frees) and nothing changed.  The caller has run
 * devcheck_domain on the config with the device (sharing, bridges).
 * vif: v->mac must be set (has_mac).
 */
int	 dmproc_attach_disk(struct xvmd *, struct vm *,
	    const struct disk_spec *, char **cause);
int	 dmproc_attach_vif(struct xvmd *, struct vm *, const struct vif_spec *,
	    int64_t devid, char **cause);

/* The slot of kind/devid in vm's model (and whether a driver holds it:
 * *connected, may be NULL), or -1. */
int	 dmproc_find(const struct vm *, const char *kind, int64_t devid,
	    int *connected);

/* A devid for a new vif: one past the highest the model serves. */
int64_t	 dmproc_next_vif(const struct vm *);

/* Take kind/devid from the model (its slot reads empty again); the tap
 * goes with it.  0, or -1 with *cause. */
int	 dmproc_detach(struct vm *, const char *kind, int64_t devid,
	    char **cause);
/* Its VNC server's port and address (borrowed), or -1 without one. */
int	 dmproc_vnc(const struct vm *, const char **listen);

/* The model's path: $XVM_DM, else the installed one. */
const char *dmproc_path(void);

#endif
