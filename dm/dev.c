/*
 * The transport side of every device of the model: plugging a device in
 * its slot, following the driver through the register file (reset,
 * FEATURES_OK, DRIVER_OK, queues), handing kicks to the device's ops and
 * interrupting the driver.  Devices (blk.c, net.c, ...) see only
 * dm_dev_ops calls and their queues.
 *
 * The register file is the hypervisor's and the guest's: we read it when
 * its seq moved (xc_virtio_read_slot), and act on what changed -- a
 * reset count that moved, or a status without DRIVER_OK, stops the
 * device; DRIVER_OK sets every ready queue up and starts it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/virtio.h>
#include <xvm/xc_virtio.h>

#include "dm/dm.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

static const struct dm_dev_ops *const kinds[] = {
	&dm_blk_ops, &dm_net_ops, &dm_rng_ops, &dm_input_ops,
};

static const struct dm_dev_ops *
kind_ops(const char *kind)
{
	size_t	i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i]->kind, kind) == 0 ||
		    (kinds[i]->alias != NULL &&
		    strcmp(kinds[i]->alias, kind) == 0))
			return kinds[i];
	return NULL;
}

static void
dev_stop(struct dm_dev *dev)
{
	unsigned	q;

	if (dev->running && dev->ops->stop != NULL)
		dev->ops->stop(dev);
	for (q = 0; q < PRIVCMD_VIRTIO_QUEUES; q++)
		virtq_reset(&dev->vq[q]);
	if (dev->running)
		dm_ctl_event(dev->dm, "closed", dev->slot, NULL);
	dev->running = 0;
}

/* Queues made ready that we have not set up yet. */
static void
setup_queues(struct dm_dev *dev, const struct privcmd_virtio_slot *s)
{
	const char	*why;
	unsigned	 q;

	for (q = 0; q < dev->ops->nqueues; q++) {
		if (!s->queue[q].ready || dev->vq[q].num != 0)
			continue;
		if (virtq_setup(&dev->vq[q], &dev->dm->mem, &s->queue[q],
		    dev->driver_features, &why) == -1) {
			dm_dev_broken(dev, q, why);
			return;
		}
	}
}

static void
dev_start(struct dm_dev *dev, const struct privcmd_virtio_slot *s)
{
	dev->driver_features = s->driver_features;
	dev->running = 1;
	setup_queues(dev, s);
	if (dev->broken)
		return;
	if (dev->ops->start != NULL)
		dev->ops->start(dev);
	dm_ctl_event(dev->dm, "connected", dev->slot, NULL);
}

/* Read the slot if it changed and follow the driver. */
static void
dev_sync(struct dm_dev *dev)
{
	struct privcmd_virtio_slot	 s;
	const struct privcmd_virtio_slot *regs = dev->dm->regs;
	int				 ok;

	if (xc_virtio_slot_seq(regs, dev->slot) == dev->seq)
		return;
	dev->seq = xc_virtio_read_slot(regs, dev->slot, &s);
	if (s.device_id != dev->ops->device_id)
		return;			/* not ours (any more) */
	ok = (s.status & VIRTIO_STATUS_DRIVER_OK) &&
	    !(s.status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
	if (s.resets != dev->resets || !ok) {
		if (dev->running)
			dev_stop(dev);
		if (s.resets != dev->resets)
			dev->broken = 0;
		dev->resets = s.resets;
	}
	if (s.config_len == dev->config_len &&
	    memcmp(s.config, dev->config, dev->config_len) != 0) {
		memcpy(dev->config, s.config, dev->config_len);
		if (dev->ops->config_written != NULL)
			dev->ops->config_written(dev);
	}
	dev->status = s.status;
	if (ok && !dev->broken) {
		if (!dev->running)
			dev_start(dev, &s);
		else
			setup_queues(dev, &s);
	}
}

static void
dev_look(struct dm_dev *dev)
{
	unsigned	q;

	dev->stats.kicks++;
	dev_sync(dev);
	if (!dev->running || dev->broken || dev->dm->paused)
		return;
	for (q = 0; q < dev->ops->nqueues; q++)
		if (dev->vq[q].num != 0 && !dev->broken)
			dev->ops->queue(dev, q);
}

int
dm_dev_plug(struct dm *dm, const struct dm_plug *p, char **cause)
{
	const struct dm_dev_ops	*ops;
	struct xc_virtio_dev	 vd;
	struct dm_dev		*dev;
	int64_t			 devid = 0;
	int			 port;

	if ((ops = kind_ops(p->kind)) == NULL) {
		xasprintf(cause, "unknown device kind '%s'", p->kind);
		return -1;
	}
	if (p->slot >= PRIVCMD_VIRTIO_SLOTS) {
		xasprintf(cause, "slot %u: there are %d", p->slot,
		    PRIVCMD_VIRTIO_SLOTS);
		return -1;
	}
	if (dm->dev[p->slot] != NULL) {
		xasprintf(cause, "slot %u already has %s", p->slot,
		    dm->dev[p->slot]->name);
		return -1;
	}
	dev = xcalloc(1, sizeof(*dev));
	dev->dm = dm;
	dev->ops = ops;
	dev->kind = strcmp(ops->kind, p->kind) == 0 ? ops->kind : ops->alias;
	dev->slot = p->slot;
	(void)json_get_i64(p->req, "devid", &devid);
	snprintf(dev->name, sizeof(dev->name), "%s %lld", p->kind,
	    (long long)devid);
	if (ops->create(dev, p, cause) == -1) {
		free(dev);
		return -1;
	}
	memset(&vd, 0, sizeof(vd));
	vd.device_id = ops->device_id;
	vd.nqueues = ops->nqueues;
	vd.queue_max = ops->queue_max;
	vd.features = dev->features;
	vd.config = dev->config;
	vd.config_len = dev->config_len;
	vd.select = dev->select;
	vd.select_len = dev->select_len;
	if ((port = xc_virtio_plug(dm->xce, dm->domid, p->slot, &vd,
	    p->resume)) == -1) {
		xasprintf(cause, "slot %u: %s", p->slot, errno == EBUSY ?
		    "served by another device model" : errno == ENODEV ?
		    "nothing to resume there" : strerror(errno));
		ops->destroy(dev);
		free(dev);
		return -1;
	}
	dev->port = (uint32_t)port;
	dev->seq = xc_virtio_slot_seq(dm->regs, p->slot) + 1;
	dm->dev[p->slot] = dev;
	if (p->resume) {
		/* The driver's state is the transport's: carry on from it. */
		dev->resets = dm->regs[p->slot].resets;
		dev_look(dev);
	} else
		dev->resets = UINT32_MAX;
	log_info("%s: domain %u slot %u: %s", __func__, dm->domid, p->slot,
	    dev->name);
	return 0;
}

static void
dev_free(struct dm_dev *dev)
{
	dev_stop(dev);
	dev->ops->destroy(dev);
	free(dev);
}

int
dm_dev_unplug(struct dm *dm, unsigned slot, char **cause)
{
	struct dm_dev	*dev;

	if (slot >= PRIVCMD_VIRTIO_SLOTS || (dev = dm->dev[slot]) == NULL) {
		xasprintf(cause, "slot %u has no device", slot);
		return -1;
	}
	if (xc_virtio_unplug(dm->xce, dm->domid, slot) == -1)
		log_warn("%s: slot %u", __func__, slot);
	dm->dev[slot] = NULL;
	log_info("%s: domain %u slot %u: %s removed", __func__, dm->domid,
	    slot, dev->name);
	dev_free(dev);
	return 0;
}

void
dm_dev_free_all(struct dm *dm)
{
	unsigned	i;

	for (i = 0; i < PRIVCMD_VIRTIO_SLOTS; i++)
		if (dm->dev[i] != NULL) {
			dev_free(dm->dev[i]);
			dm->dev[i] = NULL;
		}
}

void
dm_dev_port(struct dm *dm, uint32_t port)
{
	unsigned	i;

	for (i = 0; i < PRIVCMD_VIRTIO_SLOTS; i++)
		if (dm->dev[i] != NULL && dm->dev[i]->port == port) {
			dev_look(dm->dev[i]);
			return;
		}
}

void
dm_dev_poll_all(struct dm *dm)
{
	unsigned	i;

	for (i = 0; i < PRIVCMD_VIRTIO_SLOTS; i++)
		if (dm->dev[i] != NULL)
			dev_look(dm->dev[i]);
}

void
dm_dev_interrupt(struct dm_dev *dev, unsigned q)
{
	if (!virtq_should_interrupt(&dev->vq[q]))
		return;
	dev->stats.interrupts++;
	if (xenevtchn_notify(dev->dm->xce, dev->port) == -1)
		log_warn("%s: %s", __func__, dev->name);
}

int
dm_dev_set_config(struct dm_dev *dev, uint32_t off, const void *buf,
    uint32_t len)
{
	if (off > dev->config_len || len > dev->config_len - off) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dev->config + off, buf, len);
	return xc_virtio_config(dev->dm->xce, dev->dm->domid, dev->slot, off,
	    buf, len, 1);
}

void
dm_dev_broken(struct dm_dev *dev, unsigned q, const char *why)
{
	log_warnx("%s: domain %u %s queue %u: %s; the device stops until the "
	    "driver resets it", __func__, dev->dm->domid, dev->name, q, why);
	dm_ctl_event(dev->dm, "broken", dev->slot, why);
	dev_stop(dev);
	dev->broken = 1;
}

void
dm_dev_stats(struct dm *dm, struct json_w *w)
{
	const struct dm_dev	*dev;
	unsigned		 i;

	json_w_key(w, "devices");
	json_w_arr_open(w);
	for (i = 0; i < PRIVCMD_VIRTIO_SLOTS; i++) {
		if ((dev = dm->dev[i]) == NULL)
			continue;
		json_w_obj_open(w);
		json_w_ki64(w, "slot", i);
		json_w_kstr(w, "kind", dev->kind);
		json_w_kstr(w, "name", dev->name);
		json_w_kbool(w, "connected", dev->running);
		json_w_kbool(w, "broken", dev->broken);
		json_w_key(w, "requests");
		json_w_u64(w, dev->stats.requests);
		json_w_key(w, "bytes_in");
		json_w_u64(w, dev->stats.bytes_in);
		json_w_key(w, "bytes_out");
		json_w_u64(w, dev->stats.bytes_out);
		json_w_key(w, "errors");
		json_w_u64(w, dev->stats.errors);
		json_w_key(w, "flushes");
		json_w_u64(w, dev->stats.flushes);
		json_w_key(w, "interrupts");
		json_w_u64(w, dev->stats.interrupts);
		json_w_key(w, "kicks");
		json_w_u64(w, dev->stats.kicks);
		json_w_obj_close(w);
	}
	json_w_arr_close(w);
}
