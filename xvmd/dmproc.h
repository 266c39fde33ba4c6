/* A domain's device model as xvmd runs it: images opened and checked, xvm-dm started, plugged and watched (docs/virtio.md). */
#ifndef XVM_XVMD_DMPROC_H
#define XVM_XVMD_DMPROC_H

#include <stdint.h>

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

/* Its VNC server's port and address (borrowed), or -1 without one. */
int	 dmproc_vnc(const struct vm *, const char **listen);

/* The model's path: $XVM_DM, else the installed one. */
const char *dmproc_path(void);

#endif
