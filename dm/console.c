/*
 * virtio-console (virtio 1.1, section 5.3), one port, no MULTIPORT: a
 * second console for the guest (Linux's /dev/hvcN) over the stream xvmd
 * passes -- the master side of a pty whose slave dom0 opens.
 *
 * What the guest queues on its transmitq is written to the stream; what
 * the stream gives fills the buffers of its receiveq.  The stream is
 * non-blocking: output nobody reads is dropped once the pty's buffer is
 * full (as a serial line with nobody listening), input waits until the
 * guest has buffers for it.  The model holds the pty's slave side open
 * itself, so a dom0 client may come and go without the master seeing a
 * hang-up.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <xvm/virtio.h>
#include <xvm/virtio_console.h>

#include "dm/dm.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"

#define CONS_QUEUE_MAX	64

struct cons {
	int			 fd;
	int			 peer;		/* the pty's slave, or -1 */
	struct event		*ev;
	int			 reading;
	struct virtq_req	 req;
};

static void	cons_rx_ready(evutil_socket_t, short, void *);

static int
cons_create(struct dm_dev *dev, const struct dm_plug *p, char **cause)
{
	struct virtio_console_config	 cfg;
	struct cons			*c;
	struct stat			 st;
	struct termios			 t;

	if (p->fd < 0) {
		xasprintf(cause, "a console needs its pty");
		return -1;
	}
	if (fstat(p->fd, &st) == -1 || S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode)) {
		xasprintf(cause, "a console is a pty, a socket or a pipe");
		return -1;
	}
	if (fd_set_nonblock(p->fd) == -1) {
		xasprintf(cause, "console: %s", strerror(errno));
		return -1;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = p->fd;
	/* A pty master: keep its slave open (no hang-up while nobody is). */
	c->peer = ioctl(p->fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (c->peer != -1 && tcgetattr(c->peer, &t) == 0) {
		cfmakeraw(&t);		/* no echo of the guest's output to it */
		(void)tcsetattr(c->peer, TCSANOW, &t);
	}
	c->ev = event_new(dev->dm->base, c->fd, EV_READ | EV_PERSIST,
	    cons_rx_ready, dev);
	if (c->ev == NULL) {
		if (c->peer != -1)
			close(c->peer);
		free(c);
		xasprintf(cause, "console: no event");
		return -1;
	}
	dev->priv = c;
	memset(&cfg, 0, sizeof(cfg));
	dev->features = 1ULL << VIRTIO_F_VERSION_1 |
	    1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_INDIRECT_DESC;
	memcpy(dev->config, &cfg, sizeof(cfg));
	dev->config_len = sizeof(cfg);
	return 0;
}

static void
cons_destroy(struct dm_dev *dev)
{
	struct cons	*c = dev->priv;

	event_free(c->ev);
	if (c->peer != -1)
		close(c->peer);
	close(c->fd);
	free(c);
}

static void
reading(struct cons *c, int on)
{
	if (on == c->reading)
		return;
	if ((on ? event_add(c->ev, NULL) : event_del(c->ev)) == -1)
		log_warnx("%s: console event", __func__);
	c->reading = on;
}

/* Input from the stream into the receiveq, while both have some. */
static void
rx(struct dm_dev *dev)
{
	struct cons	*c = dev->priv;
	struct virtq	*vq = &dev->vq[VIRTIO_CONSOLE_Q_RX];
	const char	*why;
	ssize_t		 got;
	int		 rc, pushed = 0;

	for (;;) {
		if ((rc = virtq_pop(vq, &dev->dm->mem, &c->req, &why)) == -1) {
			dm_dev_broken(dev, VIRTIO_CONSOLE_Q_RX, why);
			return;
		}
		if (rc == 0) {
			if (!virtq_enable_notify(vq)) {
				reading(c, 0);	/* until the driver kicks */
				break;
			}
			continue;
		}
		if (c->req.nout != 0 || c->req.in_len == 0) {
			virtq_push(vq, c->req.head, 0);
			dev->stats.errors++;
			pushed = 1;
			continue;
		}
		do
			got = readv(c->fd, c->req.iov, (int)c->req.nin);
		while (got == -1 && errno == EINTR);
		if (got <= 0) {
			/* Nothing now (or a pty without a peer: EIO). */
			virtq_unpop(vq, 1);
			reading(c, got == -1 && errno == EAGAIN);
			break;
		}
		virtq_push(vq, c->req.head, (uint32_t)got);
		dev->stats.requests++;
		dev->stats.bytes_in += (uint64_t)got;
		pushed = 1;
	}
	if (pushed)
		dm_dev_interrupt(dev, VIRTIO_CONSOLE_Q_RX);
}

static void
cons_rx_ready(evutil_socket_t s, short what, void *arg)
{
	struct dm_dev	*dev = arg;

	(void)s; (void)what;
	if (dev->running && !dev->broken && !dev->dm->paused)
		rx(dev);
}

/* Output the guest queued, to the stream (dropped if nobody drains it). */
static void
tx(struct dm_dev *dev)
{
	struct cons	*c = dev->priv;
	struct virtq	*vq = &dev->vq[VIRTIO_CONSOLE_Q_TX];
	const char	*why;
	ssize_t		 put;
	int		 rc;

	do {
		virtq_disable_notify(vq);
		while ((rc = virtq_pop(vq, &dev->dm->mem, &c->req, &why)) ==
		    1) {
			put = 0;
			if (c->req.nout > 0)
				do
					put = writev(c->fd, c->req.iov,
					    (int)c->req.nout);
				while (put == -1 && errno == EINTR);
			if (put == -1 || (size_t)put < c->req.out_len)
				dev->stats.errors++;
			if (put > 0) {
				dev->stats.requests++;
				dev->stats.bytes_out += (uint64_t)put;
			}
			virtq_push(vq, c->req.head, 0);
		}
		if (rc == -1) {
			dm_dev_broken(dev, VIRTIO_CONSOLE_Q_TX, why);
			return;
		}
	} while (virtq_enable_notify(vq));
	dm_dev_interrupt(dev, VIRTIO_CONSOLE_Q_TX);
}

static void
cons_start(struct dm_dev *dev)
{
	reading(dev->priv, 1);
}

static void
cons_stop(struct dm_dev *dev)
{
	reading(dev->priv, 0);
}

static void
cons_queue(struct dm_dev *dev, unsigned q)
{
	if (q == VIRTIO_CONSOLE_Q_TX)
		tx(dev);
	else if (q == VIRTIO_CONSOLE_Q_RX)
		rx(dev);
}

const struct dm_dev_ops dm_console_ops = {
	.kind = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nqueues = 2,
	.queue_max = CONS_QUEUE_MAX,
	.create = cons_create,
	.destroy = cons_destroy,
	.start = cons_start,
	.stop = cons_stop,
	.queue = cons_queue,
};
