/*
 * virtio-input (virtio 1.1, section 5.8): the keyboard and the tablet a
 * domain's VNC console types and points with.  The device's description
 * -- name, ids, the event bits, the tablet's axes -- is answered through
 * the config select scheme (5.8.4) by the transport itself, from a select
 * table we give at plug time (hypervisor/devices/virtio_mmio.c says why).
 * Events go into the driver's eventq buffers, 8 bytes each; when the
 * driver has none queued, up to INPUT_BACKLOG events wait here (older
 * ones are dropped first, never blocking the VNC client).  statusq
 * buffers (LED state) are taken and given back.
 */
#include <stdlib.h>
#include <string.h>

#include <xvm/virtio.h>

#include "dm/dm.h"
#include "dm/input.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

/* 5.8.2 */
#define CFG_ID_NAME	0x01
#define CFG_ID_SERIAL	0x02
#define CFG_ID_DEVIDS	0x03
#define CFG_PROP_BITS	0x10
#define CFG_EV_BITS	0x11
#define CFG_ABS_INFO	0x12
#define CONFIG_LEN	136		/* struct virtio_input_config */
#define BUS_VIRTUAL	0x06
#define XVM_VENDOR	0x5856		/* "XV" */

#define INPUT_BACKLOG	256

struct input {
	int			 tablet;
	uint8_t			 table[512];
	uint32_t		 table_len;
	struct input_event	 backlog[INPUT_BACKLOG];
	unsigned		 head, count;
	struct virtq_req	 req;
};

static void
add(struct input *in, uint8_t sel, uint8_t sub, const void *p, uint8_t n)
{
	if (in->table_len + 3u + n > sizeof(in->table))
		fatalx("%s: select table too small", __func__);
	in->table[in->table_len] = sel;
	in->table[in->table_len + 1] = sub;
	in->table[in->table_len + 2] = n;
	memcpy(in->table + in->table_len + 3, p, n);
	in->table_len += 3u + n;
}

static void
set_bit(uint8_t *map, unsigned bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* The little-endian absinfo of an axis 0 .. INPUT_ABS_MAX. */
static void
add_abs(struct input *in, uint8_t axis)
{
	uint8_t	 a[20] = { 0 };
	uint32_t max = INPUT_ABS_MAX;

	memcpy(a + 4, &max, 4);		/* min 0, max, fuzz, flat, res 0 */
	add(in, CFG_ABS_INFO, axis, a, sizeof(a));
}

static void
describe(struct input *in, const char *name, uint16_t product)
{
	uint8_t		 bits[128];
	uint16_t	 ids[4] = { BUS_VIRTUAL, XVM_VENDOR, product, 1 };
	add(in, CFG_ID_NAME, 0, name, (uint8_t)strlen(name));
	add(in, CFG_ID_SERIAL, 0, "0", 1);
	add(in, CFG_ID_DEVIDS, 0, ids, sizeof(ids));
	memset(bits, 0, sizeof(bits));
	if (!in->tablet) {
		/* Every key the keysym table can produce. */
		input_key_bits(bits);
		add(in, CFG_EV_BITS, EV_KEY, bits, 32);
		add(in, CFG_EV_BITS, EV_REP, bits, 1);	/* any size: yes */
		return;
	}
	set_bit(bits, BTN_LEFT);
	set_bit(bits, BTN_RIGHT);
	set_bit(bits, BTN_MIDDLE);
	add(in, CFG_EV_BITS, EV_KEY, bits, BTN_MIDDLE / 8 + 1);
	memset(bits, 0, sizeof(bits));
	set_bit(bits, ABS_X);
	set_bit(bits, ABS_Y);
	add(in, CFG_EV_BITS, EV_ABS, bits, 1);
	memset(bits, 0, sizeof(bits));
	set_bit(bits, REL_WHEEL);
	add(in, CFG_EV_BITS, EV_REL, bits, REL_WHEEL / 8 + 1);
	add_abs(in, ABS_X);
	add_abs(in, ABS_Y);
}

static int
input_create(struct dm_dev *dev, const struct dm_plug *p, char **cause)
{
	struct input	*in;

	if (p->fd >= 0) {
		xasprintf(cause, "an input device takes no descriptor");
		return -1;
	}
	in = xcalloc(1, sizeof(*in));
	in->tablet = strcmp(p->kind, "vtablet") == 0;
	describe(in, in->tablet ? "xVM tablet" : "xVM keyboard",
	    in->tablet ? 2 : 1);
	dev->priv = in;
	dev->features = 1ULL << VIRTIO_F_VERSION_1;
	dev->config_len = CONFIG_LEN;
	dev->select = in->table;
	dev->select_len = in->table_len;
	return 0;
}

static void
input_destroy(struct dm_dev *dev)
{
	free(dev->priv);
}

/* Move waiting events into the driver's buffers; 1 if any moved. */
static int
flush(struct dm_dev *dev)
{
	struct input	*in = dev->priv;
	struct virtq	*vq = &dev->vq[0];
	const char	*why;
	int		 rc, moved = 0;

	while (in->count > 0) {
		if ((rc = virtq_pop(vq, &dev->dm->mem, &in->req, &why)) == -1) {
			dm_dev_broken(dev, 0, why);
			return 0;
		}
		if (rc == 0)
			break;
		if (in->req.in_len < sizeof(struct input_event)) {
			dm_dev_broken(dev, 0, "event buffer under 8 bytes");
			return 0;
		}
		iov_from_buf(in->req.iov + in->req.nout, in->req.nin, 0,
		    &in->backlog[in->head], sizeof(struct input_event));
		virtq_push(vq, in->req.head, sizeof(struct input_event));
		in->head = (in->head + 1) % INPUT_BACKLOG;
		in->count--;
		dev->stats.requests++;
		dev->stats.bytes_in += sizeof(struct input_event);
		moved = 1;
	}
	return moved;
}

/* The driver gave back LED state (statusq): nothing to show it on. */
static void
drain_status(struct dm_dev *dev)
{
	struct input	*in = dev->priv;
	struct virtq	*vq = &dev->vq[1];
	const char	*why;
	int		 rc, any = 0;

	while ((rc = virtq_pop(vq, &dev->dm->mem, &in->req, &why)) == 1) {
		virtq_push(vq, in->req.head, 0);
		any = 1;
	}
	if (rc == -1)
		dm_dev_broken(dev, 1, why);
	else if (any)
		dm_dev_interrupt(dev, 1);
}

static void
input_queue(struct dm_dev *dev, unsigned q)
{
	if (q == 1) {
		drain_status(dev);
		return;
	}
	if (flush(dev))
		dm_dev_interrupt(dev, 0);
}

static void
input_stop(struct dm_dev *dev)
{
	struct input	*in = dev->priv;

	in->count = 0;
	in->head = 0;
}

int
dm_input_send(struct dm_dev *dev, const struct input_event *ev, unsigned n)
{
	struct input	*in;
	unsigned	 i;

	if (dev == NULL || dev->ops != &dm_input_ops)
		return -1;
	in = dev->priv;
	if (!dev->running || dev->broken)
		return 0;		/* no driver: nobody to type to */
	for (i = 0; i < n; i++) {
		if (in->count == INPUT_BACKLOG) {
			in->head = (in->head + 1) % INPUT_BACKLOG;
			in->count--;
			dev->stats.errors++;		/* dropped */
		}
		in->backlog[(in->head + in->count) % INPUT_BACKLOG] = ev[i];
		in->count++;
	}
	if (!dev->dm->paused && flush(dev))
		dm_dev_interrupt(dev, 0);
	return 0;
}

int
dm_input_is_tablet(const struct dm_dev *dev)
{
	return dev->ops == &dm_input_ops &&
	    ((const struct input *)dev->priv)->tablet;
}

const struct dm_dev_ops dm_input_ops = {
	.kind = "vkbd",
	.alias = "vtablet",
	.device_id = VIRTIO_ID_INPUT,
	.nqueues = 2,
	.queue_max = 64,
	.create = input_create,
	.destroy = input_destroy,
	.stop = input_stop,
	.queue = input_queue,
};
