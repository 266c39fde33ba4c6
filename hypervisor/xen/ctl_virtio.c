/* privcmd handlers for device models: the virtio register file, plug, unplug, config (docs/privcmd.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/privcmd.h>

#include "hypervisor/devices/virtio_mmio.h"
#include "hypervisor/xen/control_priv.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/vdev.h"

#define CTL_MAX_VPLUGS	1024u

int
ctl_virtio_map(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	char	path[64];
	int	fd, rfd;

	(void)c; (void)req; (void)len;
	if ((fd = vdev_regs_fd(d)) == -1)
		return errno;
	/* Models read the registers; only the transport writes them. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((rfd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	r->fds[r->nfds++] = rfd;
	return 0;
}

/* Remember (domid, slot) so the slot is orphaned when c goes. */
static int
remember(struct ctl_client *c, uint32_t domid, uint32_t slot)
{
	struct ctl_vplug	*v;
	unsigned		 i;

	for (i = 0; i < c->nvplug; i++)
		if (c->vplug[i].domid == domid && c->vplug[i].slot == slot)
			return 0;
	if (c->nvplug >= CTL_MAX_VPLUGS)
		return ENOSPC;
	v = reallocarray(c->vplug, c->nvplug + 1, sizeof(*v));
	if (v == NULL)
		return ENOMEM;
	c->vplug = v;
	c->vplug[c->nvplug].domid = domid;
	c->vplug[c->nvplug].slot = slot;
	c->nvplug++;
	return 0;
}

static void
forget(struct ctl_client *c, uint32_t domid, uint32_t slot)
{
	unsigned	i;

	for (i = 0; i < c->nvplug; i++)
		if (c->vplug[i].domid == domid && c->vplug[i].slot == slot) {
			c->vplug[i] = c->vplug[--c->nvplug];
			return;
		}
}

int
ctl_virtio_plug(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_virtio_plug	p;
	struct privcmd_evtchn_port	ep = { 0, 0 };
	struct vmmio_dev		dev;
	int				rc;

	memcpy(&p, req, sizeof(p));
	if (p.config_len > len - sizeof(p) ||
	    (p.flags & ~(PRIVCMD_VIRTIO_PLUG_RESUME |
	    PRIVCMD_VIRTIO_PLUG_SELECT)) != 0 ||
	    (!(p.flags & PRIVCMD_VIRTIO_PLUG_SELECT) &&
	    p.config_len != len - sizeof(p)))
		return EINVAL;
	memset(&dev, 0, sizeof(dev));
	dev.device_id = p.device_id;
	dev.nqueues = p.nqueues;
	dev.queue_max = p.queue_max;
	dev.features = p.features;
	dev.config = (const uint8_t *)req + sizeof(p);
	dev.config_len = p.config_len;
	if (p.flags & PRIVCMD_VIRTIO_PLUG_SELECT) {
		dev.select = (const uint8_t *)req + sizeof(p) + p.config_len;
		dev.select_len = len - (uint32_t)sizeof(p) - p.config_len;
		if (dev.select_len == 0)
			return EINVAL;
	}
	if ((rc = remember(c, d->domid, p.slot)) != 0)
		return rc;
	rc = vdev_plug(d, p.slot, &dev, (p.flags & PRIVCMD_VIRTIO_PLUG_RESUME)
	    != 0, &c->sink, &ep.port);
	if (rc != 0) {
		forget(c, d->domid, p.slot);
		return rc;
	}
	buf_add(r->payload, &ep, sizeof(ep));
	return 0;
}

int
ctl_virtio_unplug(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_virtio_slotref	s;
	int				rc;

	(void)len; (void)r;
	memcpy(&s, req, sizeof(s));
	if ((rc = vdev_unplug(d, s.slot, &c->sink)) == 0)
		forget(c, d->domid, s.slot);
	return rc;
}

int
ctl_virtio_config(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_virtio_config	cf;

	(void)r;
	memcpy(&cf, req, sizeof(cf));
	if (cf.len != len - sizeof(cf) || cf.pad != 0)
		return EINVAL;
	return vdev_config(d, cf.slot, &c->sink, cf.offset,
	    (const uint8_t *)req + sizeof(cf), cf.len, cf.notify != 0);
}

void
ctl_virtio_client_gone(struct ctl_client *c)
{
	struct domain	*d;
	unsigned	 i;

	for (i = 0; i < c->nvplug; i++) {
		if ((d = domain_get(c->hv, c->vplug[i].domid)) == NULL)
			continue;
		vdev_owner_gone(d, c->vplug[i].slot, &c->sink);
		domain_put(d);
	}
	free(c->vplug);
	c->vplug = NULL;
	c->nvplug = 0;
}
