/*
 * virtio-rng, the entropy device (virtio 1.1, section 5.4): every
 * device-writable buffer the driver queues is filled from getrandom(2)
 * (the host's pool, never blocking once it is seeded), at most 64 KiB a
 * request.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include <xvm/virtio.h>

#include "dm/dm.h"
#include "lib/xmalloc.h"

#define RNG_MAX		65536

struct rng {
	struct virtq_req	 req;
	uint8_t			 buf[RNG_MAX];
};

static int
rng_create(struct dm_dev *dev, const struct dm_plug *p, char **cause)
{
	(void)cause;
	if (p->fd >= 0) {
		xasprintf(cause, "an entropy device takes no descriptor");
		return -1;
	}
	dev->priv = xcalloc(1, sizeof(struct rng));
	dev->features = 1ULL << VIRTIO_F_VERSION_1 |
	    1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_INDIRECT_DESC;
	dev->config_len = 0;
	return 0;
}

static void
rng_destroy(struct dm_dev *dev)
{
	free(dev->priv);
}

static uint32_t
fill(struct dm_dev *dev, struct virtq_req *r)
{
	struct rng	*g = dev->priv;
	size_t		 want = r->in_len < RNG_MAX ? r->in_len : RNG_MAX;
	ssize_t		 got;

	do
		got = getrandom(g->buf, want, 0);
	while (got == -1 && errno == EINTR);
	if (got <= 0)
		return 0;
	iov_from_buf(r->iov + r->nout, r->nin, 0, g->buf, (size_t)got);
	dev->stats.requests++;
	dev->stats.bytes_in += (uint64_t)got;
	return (uint32_t)got;
}

static void
rng_queue(struct dm_dev *dev, unsigned q)
{
	struct rng	*g = dev->priv;
	struct virtq	*vq = &dev->vq[q];
	const char	*why;
	int		 rc;

	do {
		while ((rc = virtq_pop(vq, &dev->dm->mem, &g->req, &why)) == 1)
			virtq_push(vq, g->req.head, fill(dev, &g->req));
		if (rc == -1) {
			dm_dev_broken(dev, q, why);
			return;
		}
	} while (virtq_enable_notify(vq));
	dm_dev_interrupt(dev, q);
}

const struct dm_dev_ops dm_rng_ops = {
	.kind = "rng",
	.device_id = VIRTIO_ID_RNG,
	.nqueues = 1,
	.queue_max = 64,
	.create = rng_create,
	.destroy = rng_destroy,
	.queue = rng_queue,
};
