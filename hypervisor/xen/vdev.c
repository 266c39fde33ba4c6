/* Virtio devices of a domain: the transport's hidden event channels and who serves each slot (vdev.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/devices/virtio_mmio.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/vdev.h"

struct vdev_slot {
	uint32_t		 gport;		/* guest-side port (atomic); 0 */
	uint32_t		 dport;		/* the model's end */
	struct evtchn_sink	*owner;		/* the model's handle, or NULL */
};

struct vdev_dom {
	struct domain		*d;
	struct vmmio		*t;
	struct evtchn_sink	 sink;		/* consumes the guest-side ports */
	struct vdev_slot	 slot[VIRTIO_MMIO_SLOTS];
};

static struct vdev_dom *
sink_dom(struct evtchn_sink *s)
{
	return (struct vdev_dom *)(void *)((char *)s -
	    offsetof(struct vdev_dom, sink));
}

/* The model sent on its end (evtchn lock held): the used interrupt. */
static void
vdev_deliver(struct evtchn_sink *s, uint32_t port)
{
	struct vdev_dom	*vd = sink_dom(s);
	unsigned	 i;

	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++)
		if (__atomic_load_n(&vd->slot[i].gport, __ATOMIC_ACQUIRE) ==
		    port) {
			vmmio_interrupt(vd->t, i, VIRTIO_MMIO_INT_VRING);
			return;
		}
}

/* The guest did something with a slot (any thread): tell its model. */
static void
vdev_kick(void *arg, unsigned slot)
{
	struct vdev_dom	*vd = arg;
	uint32_t	 p;

	if (slot >= VIRTIO_MMIO_SLOTS)
		return;
	p = __atomic_load_n(&vd->slot[slot].gport, __ATOMIC_ACQUIRE);
	if (p != 0)
		(void)evtchn_send(vd->d, p, &vd->sink);
}

/* The domain's state, made on first use (privcmd thread); NULL: ENOSYS. */
static struct vdev_dom *
vdev_get(struct domain *d)
{
	const struct machine_ops	*mops = d->hv->mops;
	struct vdev_dom			*vd;
	struct vmmio			*t;

	if (d->vdev != NULL)
		return d->vdev;
	if (mops == NULL || mops->virtio == NULL ||
	    (t = mops->virtio(d)) == NULL)
		return NULL;
	vd = xcalloc(1, sizeof(*vd));
	vd->d = d;
	vd->t = t;
	vd->sink.deliver = vdev_deliver;
	vd->sink.every = 1;
	d->vdev = vd;
	vmmio_set_kick(t, vdev_kick, vd);
	return vd;
}

int
vdev_regs_fd(struct domain *d)
{
	struct vdev_dom	*vd = vdev_get(d);

	if (vd == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return vmmio_regs_fd(vd->t);
}

int
vdev_plug(struct domain *d, unsigned slot, const struct vmmio_dev *dev,
    int resume, struct evtchn_sink *owner, uint32_t *port)
{
	struct vdev_dom		*vd = vdev_get(d);
	struct vdev_slot	*s;
	uint32_t		 gport;
	int			 rc;

	if (vd == NULL)
		return ENOSYS;
	if (slot >= VIRTIO_MMIO_SLOTS)
		return EINVAL;
	s = &vd->slot[slot];
	if (s->owner != NULL)
		return EBUSY;
	/* An orphan is taken over only by a model that resumes it. */
	if (!resume && vmmio_present(vd->t, slot))
		vmmio_unplug(vd->t, slot);
	if ((rc = vmmio_plug(vd->t, slot, dev, resume)) != 0)
		return rc;
	if (s->gport == 0) {
		if ((rc = evtchn_alloc_unbound(d, 0, &vd->sink, &gport)) != 0)
			goto fail;
		__atomic_store_n(&s->gport, gport, __ATOMIC_RELEASE);
	}
	if ((rc = evtchn_bind_interdomain(d->hv->dom[0], d->domid, s->gport,
	    owner, port)) != 0)
		goto fail;
	s->dport = *port;
	s->owner = owner;
	return 0;
fail:
	if (!resume)
		vmmio_unplug(vd->t, slot);
	return rc;
}

/* Close both ends of the slot's channel (privcmd thread). */
static void
close_ports(struct vdev_dom *vd, struct vdev_slot *s)
{
	uint32_t	gport = s->gport;

	__atomic_store_n(&s->gport, 0, __ATOMIC_RELEASE);
	if (gport != 0)
		(void)evtchn_close(vd->d, gport, &vd->sink);
	if (s->owner != NULL && s->dport != 0)
		(void)evtchn_close(vd->d->hv->dom[0], s->dport, s->owner);
	s->dport = 0;
}

int
vdev_unplug(struct domain *d, unsigned slot, struct evtchn_sink *owner)
{
	struct vdev_dom		*vd = d->vdev;
	struct vdev_slot	*s;

	if (vd == NULL || slot >= VIRTIO_MMIO_SLOTS)
		return EINVAL;
	s = &vd->slot[slot];
	if (s->owner != owner)
		return EPERM;
	close_ports(vd, s);
	s->owner = NULL;
	vmmio_unplug(vd->t, slot);
	return 0;
}

int
vdev_config(struct domain *d, unsigned slot, struct evtchn_sink *owner,
    uint32_t off, const void *buf, uint32_t len, int notify)
{
	struct vdev_dom	*vd = d->vdev;

	if (vd == NULL || slot >= VIRTIO_MMIO_SLOTS)
		return EINVAL;
	if (vd->slot[slot].owner != owner)
		return EPERM;
	return vmmio_set_config(vd->t, slot, off, buf, len, notify);
}

void
vdev_owner_gone(struct domain *d, unsigned slot, struct evtchn_sink *owner)
{
	struct vdev_dom	*vd = d->vdev;

	if (vd == NULL || slot >= VIRTIO_MMIO_SLOTS ||
	    vd->slot[slot].owner != owner)
		return;
	/* Its end is closed with its handle; ours waits for a new model. */
	vd->slot[slot].owner = NULL;
	vd->slot[slot].dport = 0;
	vmmio_orphan(vd->t, slot);
	log_warnx("%s: domain %u: the device model of virtio slot %u is gone",
	    __func__, d->domid, slot);
}

int
vdev_save(struct domain *d, unsigned slot, struct privcmd_virtio_slot *out)
{
	struct vdev_dom	*vd = d->vdev;

	if (vd == NULL || slot >= VIRTIO_MMIO_SLOTS ||
	    !vmmio_present(vd->t, slot))
		return 0;
	vmmio_save(vd->t, slot, out);
	return 1;
}

int
vdev_load(struct domain *d, unsigned slot,
    const struct privcmd_virtio_slot *in)
{
	struct vdev_dom	*vd = vdev_get(d);

	if (vd == NULL)
		return ENOSYS;
	if (slot >= VIRTIO_MMIO_SLOTS || vd->slot[slot].owner != NULL)
		return EBUSY;
	return vmmio_load(vd->t, slot, in);
}

void
vdev_dom_free(struct domain *d)
{
	free(d->vdev);
	d->vdev = NULL;
}
