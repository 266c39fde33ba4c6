/* A domain's virtual devices: xend's frontend and backend store entries, and the device event log. */
#ifndef XVM_XVMD_DEVICES_H
#define XVM_XVMD_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xenstore.h>

struct vm;
struct xvmd;

/*
 * Write the frontend (/local/domain/<id>/device/{vbd,vif}/<devid>) and
 * backend (/local/domain/0/backend/{vbd,vif}/<id>/<devid>) entries of
 * every disk and vif of vm's config, in transaction t; *ok = 0 on failure.
 */
void	 dev_write(struct xs_handle *, xs_transaction_t, int *ok,
	    const struct vm *, unsigned int domid);

/* One device's entries, the same (dev_write is these for each). */
struct disk_spec;
struct vif_spec;
void	 dev_write_vbd(struct xs_handle *, xs_transaction_t, int *ok,
	    const struct vm *, unsigned int domid, const struct disk_spec *);
void	 dev_write_vif(struct xs_handle *, xs_transaction_t, int *ok,
	    const struct vm *, unsigned int domid, const struct vif_spec *,
	    int64_t devid, const uint8_t mac[6]);

/* Remove one device's backend and frontend directories (hot-unplug). */
void	 dev_remove_one(struct xvmd *, int domid, const char *kind,
	    int64_t devid);

/* Remove the backend entries of domain 'domid' (the frontends go with
 * /local/domain/<id>). */
void	 dev_remove(struct xvmd *, const struct vm *, int domid);

/*
 * One line per device to var/log/xvm/xpvd-event.log:
 * "[date pid] vbd 3/51712 add: file:/img,xvda,w".  event: add, remove.
 */
void	 dev_log(const struct vm *, int domid, const char *event);

/* One device's line (hot-plug); the vif's MAC is v->mac. */
void	 dev_log_vbd(const struct vm *, int domid, const struct disk_spec *,
	    const char *event);
void	 dev_log_vif(const struct vm *, int domid, const struct vif_spec *,
	    int64_t devid, const char *event);

/* The MAC of vif i: the config's, or 00:16:3e: and three bytes of the
 * domain's UUID, so that it stays the same across reboots. */
void	 dev_vif_mac(const struct vm *, size_t i, uint8_t mac[6]);

#endif
