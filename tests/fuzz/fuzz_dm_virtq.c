/*
 * Fuzz target: the device model's view of a guest (dm/virtq.c, dm/blk.c).
 * The input is the guest's RAM and its queue registers: a header (queue
 * size, features, where the three areas are), then the RAM's bytes.  A
 * virtio-blk device over a 1 MiB memfd serves the queue as the guest
 * kicked it, three times (the avail index may run on), and every request
 * virtq_pop hands out is checked to lie inside RAM.  A hostile guest --
 * loops, indexes out of range, buffers outside RAM, huge lengths, nested
 * indirect tables -- must only break its own queue.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>

#include "dm/dm.h"
#include "lib/json.h"
#include "lib/log.h"

#define RAM_SIZE	(64u * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct hdr {
	uint8_t		log2num;	/* queue size 2^(x % 9) */
	uint8_t		features;	/* bit 0 EVENT_IDX, bit 1 INDIRECT */
	uint16_t	desc, avail, used;	/* offsets into RAM, x 16 */
	uint16_t	pad;
};

static uint8_t	*ram;

/* Every buffer of every request the pop hands out lies inside RAM. */
static void
check_pops(const struct dm_mem *m, struct virtq *q)
{
	static struct virtq_req	r;
	const char		*why;
	unsigned		 i, n = 0;

	while (n++ < 4 * VIRTQ_MAX_SIZE && virtq_pop(q, m, &r, &why) == 1) {
		for (i = 0; i < r.nout + r.nin; i++)
			if ((uint8_t *)r.iov[i].iov_base < m->base ||
			    (uint8_t *)r.iov[i].iov_base + r.iov[i].iov_len >
			    m->base + m->size)
				__builtin_trap();
		virtq_push(q, r.head, 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static yajl_val			 req;
	struct privcmd_virtio_queue	 qr;
	struct dm			 dm;
	struct dm_dev			 dev;
	struct dm_plug			 p;
	struct virtq			 q;
	struct hdr			 h;
	const char			*why;
	char				*cause = NULL;
	int				 i;

	if (size < sizeof(h))
		return 0;
	if (ram == NULL) {
		log_init("fuzz_dm_virtq", 0, -1);
		ram = malloc(RAM_SIZE);
		req = json_parse("{\"mode\":\"w\"}", 12, 64, &cause);
		if (ram == NULL || req == NULL)
			abort();
	}
	memcpy(&h, data, sizeof(h));
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + sizeof(h), size - sizeof(h) < RAM_SIZE ?
	    size - sizeof(h) : RAM_SIZE);
	memset(&dm, 0, sizeof(dm));
	dm.mem.base = ram;
	dm.mem.gpa0 = DM_RAM_BASE;
	dm.mem.size = RAM_SIZE;
	memset(&qr, 0, sizeof(qr));
	qr.num = (uint16_t)(1u << (h.log2num % 9));
	qr.desc = DM_RAM_BASE + 16u * h.desc;
	qr.driver = DM_RAM_BASE + 16u * h.avail;
	qr.device = DM_RAM_BASE + 16u * h.used;

	/* The virtqueue alone. */
	if (virtq_setup(&q, &dm.mem, &qr, (h.features & 1 ? 1ULL <<
	    VIRTIO_F_EVENT_IDX : 0) | (h.features & 2 ? 1ULL <<
	    VIRTIO_F_INDIRECT_DESC : 0), &why) == -1)
		return 0;
	check_pops(&dm.mem, &q);
	(void)virtq_should_interrupt(&q);
	(void)virtq_enable_notify(&q);

	/* And served by a disk, from a fresh copy of the RAM. */
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + sizeof(h), size - sizeof(h) < RAM_SIZE ?
	    size - sizeof(h) : RAM_SIZE);
	memset(&dev, 0, sizeof(dev));
	memset(&p, 0, sizeof(p));
	dev.dm = &dm;
	dev.ops = &dm_blk_ops;
	p.kind = "vbd";
	p.req = req;
	if ((p.fd = memfd_create("disk", MFD_CLOEXEC)) == -1 ||
	    ftruncate(p.fd, 1 << 20) == -1)
		abort();
	if (dm_blk_ops.create(&dev, &p, &cause) == -1)
		abort();
	dev.driver_features = dev.features;
	if (virtq_setup(&dev.vq[0], &dm.mem, &qr, dev.features, &why) == 0)
		for (i = 0; i < 3 && !dev.broken; i++)
			dm_blk_ops.queue(&dev, 0);
	dm_blk_ops.destroy(&dev);
	return 0;
}
