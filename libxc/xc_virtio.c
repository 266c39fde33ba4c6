/* libxc for device models: map, read, plug, unplug and configure virtio slots (xc_virtio.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>
#include <xvm/xc_virtio.h>

#include "libxc/xc_private.h"

const struct privcmd_virtio_slot *
xc_virtio_map(xc_interface *xch, uint32_t domid)
{
	struct privcmd_domid	 d = { domid, 0 };
	void			*p;
	int			 fd = -1, nfds = 1, saved;

	if (xc_call(&xch->conn, PRIVCMD_OP_VIRTIO_MAP, &d, sizeof(d), NULL, 0,
	    NULL, 0, NULL, &fd, &nfds) == -1)
		return NULL;
	if (nfds != 1) {
		errno = EPROTO;
		return NULL;
	}
	p = mmap(NULL, PRIVCMD_VIRTIO_REGS_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (p == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	return p;
}

void *
xc_virtio_map_ram(xc_interface *xch, uint32_t domid, uint64_t *size)
{
	struct privcmd_map_foreign		mf;
	struct privcmd_map_foreign_reply	rep;
	void					*p;
	int					 fd = -1, nfds = 1, saved;

	memset(&mf, 0, sizeof(mf));
	mf.domid = domid;
	mf.prot = PROT_READ | PROT_WRITE;
	mf.pfn = 0x80000000ULL >> 12;
	mf.nr = 1;
	/* One frame tells the size of the whole: map the fd from its start. */
	if (xc_call(&xch->conn, PRIVCMD_OP_MAP_FOREIGN, &mf, sizeof(mf), NULL,
	    0, &rep, sizeof(rep), NULL, &fd, &nfds) == -1)
		return NULL;
	if (nfds != 1 || rep.fd_size == 0 || rep.offset != 0) {
		if (nfds == 1)
			close(fd);
		errno = EPROTO;
		return NULL;
	}
	p = mmap(NULL, rep.fd_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_NORESERVE, fd, 0);
	saved = errno;
	close(fd);
	if (p == MAP_FAILED) {
		errno = saved;
		return NULL;
	}
	*size = rep.fd_size;
	return p;
}

uint32_t
xc_virtio_slot_seq(const struct privcmd_virtio_slot *regs, unsigned slot)
{
	return __atomic_load_n(&regs[slot].seq, __ATOMIC_ACQUIRE);
}

uint32_t
xc_virtio_read_slot(const struct privcmd_virtio_slot *regs, unsigned slot,
    struct privcmd_virtio_slot *out)
{
	const struct privcmd_virtio_slot *s = &regs[slot];
	uint32_t			  a, b;

	for (;;) {
		a = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (a & 1)
			continue;
		memcpy(out, (const void *)s, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		b = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
		if (a == b) {
			out->seq = a;
			return a;
		}
	}
}

xenevtchn_port_or_error_t
xc_virtio_plug(xenevtchn_handle *xce, uint32_t domid, unsigned slot,
    const struct xc_virtio_dev *dev, int resume)
{
	struct privcmd_virtio_plug	p;
	struct privcmd_evtchn_port	ep;
	uint8_t				both[PRIVCMD_VIRTIO_CONFIG_MAX +
					    VIRTIO_MMIO_SELECT_MAX];
	const void			*payload = dev->config;
	uint32_t			 plen = dev->config_len;

	if (xce == NULL) {
		errno = EBADF;
		return -1;
	}
	if (dev->config_len > PRIVCMD_VIRTIO_CONFIG_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.domid = domid;
	p.slot = slot;
	p.device_id = dev->device_id;
	p.nqueues = dev->nqueues;
	p.queue_max = dev->queue_max;
	p.features = dev->features;
	p.config_len = dev->config_len;
	p.flags = resume ? PRIVCMD_VIRTIO_PLUG_RESUME : 0;
	if (dev->select_len > 0) {
		if (dev->select_len > VIRTIO_MMIO_SELECT_MAX) {
			errno = EINVAL;
			return -1;
		}
		/* Config space then the table, in one payload. */
		p.flags |= PRIVCMD_VIRTIO_PLUG_SELECT;
		memcpy(both, dev->config, dev->config_len);
		memcpy(both + dev->config_len, dev->select, dev->select_len);
		payload = both;
		plen = dev->config_len + dev->select_len;
	}
	if (xc_call(&xce->conn, PRIVCMD_OP_VIRTIO_PLUG, &p, sizeof(p),
	    payload, plen, &ep, sizeof(ep), NULL, NULL, NULL) == -1)
		return -1;
	return (int)ep.port;
}

int
xc_virtio_unplug(xenevtchn_handle *xce, uint32_t domid, unsigned slot)
{
	struct privcmd_virtio_slotref	s = { domid, slot };

	if (xce == NULL) {
		errno = EBADF;
		return -1;
	}
	return xc_call(&xce->conn, PRIVCMD_OP_VIRTIO_UNPLUG, &s, sizeof(s),
	    NULL, 0, NULL, 0, NULL, NULL, NULL);
}

int
xc_virtio_config(xenevtchn_handle *xce, uint32_t domid, unsigned slot,
    uint32_t off, const void *buf, uint32_t len, int notify)
{
	struct privcmd_virtio_config	c;

	if (xce == NULL) {
		errno = EBADF;
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.domid = domid;
	c.slot = slot;
	c.offset = off;
	c.len = len;
	c.notify = notify != 0;
	return xc_call(&xce->conn, PRIVCMD_OP_VIRTIO_CONFIG, &c, sizeof(c), buf,
	    len, NULL, 0, NULL, NULL, NULL);
}
