/*
 * virtio-net (virtio 1.1, section 5.1) over a tap xvmd created for us
 * (vifD.N, IFF_TAP | IFF_NO_PI, on its bridge): one receive and one
 * transmit queue, the MAC xvmd chose, link status up.  No offloads: every
 * packet is a whole Ethernet frame behind the 12-byte header, which we
 * zero on receive and skip on transmit.
 *
 * Transmit: each chain's out-buffers after the header are one frame,
 * written with writev.  Receive: while the tap has frames and the driver
 * has given buffers, readv straight into the guest's buffers; when it has
 * given none we stop reading the tap (the kernel queues, then drops) until
 * the driver kicks the receive queue.  A frame longer than the buffers is
 * cut by the tap and counted as an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/event.h>

#include <xvm/virtio.h>
#include <xvm/virtio_net.h>

#include "dm/dm.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"

#define NET_QUEUE_MAX	256
#define NET_HDR		sizeof(struct virtio_net_hdr)

struct net {
	int			 fd;
	struct event		*ev;		/* tap readable */
	int			 reading;	/* ev added */
	struct virtq_req	 req;
	struct iovec		 frame[VIRTQ_MAX_IOV];
};

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned	b[6], i;
	char		tail;

	if (s == NULL || strlen(s) != 17 || sscanf(s,
	    "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
	    &b[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static void	net_rx_ready(evutil_socket_t, short, void *);

static int
net_create(struct dm_dev *dev, const struct dm_plug *p, char **cause)
{
	struct virtio_net_config	 cfg;
	struct net			*n;

	memset(&cfg, 0, sizeof(cfg));
	if (p->fd < 0) {
		xasprintf(cause, "a network interface needs its tap");
		return -1;
	}
	if (parse_mac(json_get_str(p->req, "mac"), cfg.mac) == -1) {
		xasprintf(cause, "a network interface needs a \"mac\" "
		    "xx:xx:xx:xx:xx:xx");
		return -1;
	}
	if (fd_set_nonblock(p->fd) == -1) {
		xasprintf(cause, "tap: %s", strerror(errno));
		return -1;
	}
	n = xcalloc(1, sizeof(*n));
	n->fd = p->fd;
	n->ev = event_new(dev->dm->base, n->fd, EV_READ | EV_PERSIST,
	    net_rx_ready, dev);
	if (n->ev == NULL) {
		free(n);
		xasprintf(cause, "tap: no event");
		return -1;
	}
	dev->priv = n;
	cfg.status = VIRTIO_NET_S_LINK_UP;
	dev->features = 1ULL << VIRTIO_F_VERSION_1 |
	    1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_INDIRECT_DESC |
	    1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS;
	memcpy(dev->config, &cfg, sizeof(cfg));
	dev->config_len = sizeof(cfg);
	return 0;
}

static void
net_destroy(struct dm_dev *dev)
{
	struct net	*n = dev->priv;

	event_free(n->ev);
	close(n->fd);
	free(n);
}

static void
reading(struct net *n, int on)
{
	if (on == n->reading)
		return;
	if ((on ? event_add(n->ev, NULL) : event_del(n->ev)) == -1)
		log_warnx("%s: tap event", __func__);
	n->reading = on;
}

/* Frames from the tap into the receive queue, while both have some. */
static void
rx(struct dm_dev *dev)
{
	static const struct virtio_net_hdr hdr = { .num_buffers = 1 };
	struct net	*n = dev->priv;
	struct virtq	*vq = &dev->vq[VIRTIO_NET_Q_RX];
	const char	*why;
	unsigned	 k;
	ssize_t		 got;
	int		 rc, pushed = 0;

	for (;;) {
		if ((rc = virtq_pop(vq, &dev->dm->mem, &n->req, &why)) == -1) {
			dm_dev_broken(dev, VIRTIO_NET_Q_RX, why);
			return;
		}
		if (rc == 0) {
			/* No buffers: wait for the driver's kick. */
			if (!virtq_enable_notify(vq)) {
				reading(n, 0);
				break;
			}
			continue;
		}
		if (n->req.nout != 0 || n->req.in_len < NET_HDR + 14) {
			virtq_push(vq, n->req.head, 0);
			dev->stats.errors++;
			pushed = 1;
			continue;
		}
		k = iov_slice(n->req.iov, n->req.nin, NET_HDR, SIZE_MAX,
		    n->frame, VIRTQ_MAX_IOV);
		do
			got = readv(n->fd, n->frame, (int)k);
		while (got == -1 && errno == EINTR);
		if (got <= 0) {
			virtq_unpop(vq, 1);
			reading(n, 1);
			break;
		}
		iov_from_buf(n->req.iov, n->req.nin, 0, &hdr, NET_HDR);
		virtq_push(vq, n->req.head, (uint32_t)(NET_HDR + (size_t)got));
		dev->stats.requests++;
		dev->stats.bytes_in += (uint64_t)got;
		pushed = 1;
	}
	if (pushed)
		dm_dev_interrupt(dev, VIRTIO_NET_Q_RX);
}

static void
net_rx_ready(evutil_socket_t s, short what, void *arg)
{
	struct dm_dev	*dev = arg;

	(void)s; (void)what;
	if (dev->running && !dev->broken && !dev->dm->paused)
		rx(dev);
}

/* Frames the guest queued, out through the tap. */
static void
tx(struct dm_dev *dev)
{
	struct net	*n = dev->priv;
	struct virtq	*vq = &dev->vq[VIRTIO_NET_Q_TX];
	const char	*why;
	unsigned	 k;
	ssize_t		 put;
	int		 rc;

	do {
		virtq_disable_notify(vq);
		while ((rc = virtq_pop(vq, &dev->dm->mem, &n->req, &why)) ==
		    1) {
			k = iov_slice(n->req.iov, n->req.nout, NET_HDR,
			    SIZE_MAX, n->frame, VIRTQ_MAX_IOV);
			if (n->req.out_len <= NET_HDR || k == 0)
				put = -1;
			else
				do
					put = writev(n->fd, n->frame, (int)k);
				while (put == -1 && errno == EINTR);
			if (put == -1)
				dev->stats.errors++;	/* dropped, as a wire would */
			else {
				dev->stats.requests++;
				dev->stats.bytes_out += (uint64_t)put;
			}
			virtq_push(vq, n->req.head, 0);
		}
		if (rc == -1) {
			dm_dev_broken(dev, VIRTIO_NET_Q_TX, why);
			return;
		}
	} while (virtq_enable_notify(vq));
	dm_dev_interrupt(dev, VIRTIO_NET_Q_TX);
}

static void
net_start(struct dm_dev *dev)
{
	reading(dev->priv, 1);
}

static void
net_stop(struct dm_dev *dev)
{
	reading(dev->priv, 0);
}

static void
net_queue(struct dm_dev *dev, unsigned q)
{
	if (q == VIRTIO_NET_Q_TX)
		tx(dev);
	else if (q == VIRTIO_NET_Q_RX)
		rx(dev);
}

const struct dm_dev_ops dm_net_ops = {
	.kind = "vif",
	.device_id = VIRTIO_ID_NET,
	.nqueues = 2,
	.queue_max = NET_QUEUE_MAX,
	.create = net_create,
	.destroy = net_destroy,
	.start = net_start,
	.stop = net_stop,
	.queue = net_queue,
};
