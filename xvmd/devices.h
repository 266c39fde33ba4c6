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

/* Remove the backend entries of domain 'domid' (the frontends go with
 * /local/domain/<id>). */
void	 dev_remove(struct xvmd *, const struct vm *, int domid);

/*
 * One line per device to var/log/xvm/xpvd-event.log:
 * "[date pid] vbd 3/51712 add: file:/img,xvda,w".  event: add, remove.
 */
void	 dev_log(const struct vm *, int domid, const char *event);

/* The MAC of vif i: the config's, or 00:16:3e: and three bytes of the
 * domain's UUID, so that it stays the same across reboots. */
void	 dev_vif_mac(const struct vm *, size_t i, uint8_t mac[6]);

#endif
