/*
 * virtio-blk (virtio 1.1, section 5.2) over a disk image or block device
 * xvmd opened for us: raw images, sparse or not, read-only or writable.
 *
 * Requests go straight between the image and guest memory (preadv and
 * pwritev on the guest's own buffers), in the order the driver queued
 * them.  FLUSH is fdatasync (5.2.6.4: data written before a completed
 * flush is on stable storage); DISCARD punches a hole, WRITE_ZEROES
 * punches one when the driver allows unmapping and zeroes the range in
 * place otherwise, so a sparse image stays sparse.  A read-only disk
 * offers VIRTIO_BLK_F_RO and answers IOERR to anything that writes
 * (5.2.6.3).  Requests are checked against the capacity and the sector
 * size before any I/O; a request the spec does not describe gets UNSUPP.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xvm/virtio.h>
#include <xvm/virtio_blk.h>

#include "dm/dm.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define BLK_QUEUE_MAX	256
#define BLK_SEG_MAX	(BLK_QUEUE_MAX - 2)
#define BLK_MAX_DISCARD	(1u << 22)		/* sectors per segment: 2 GiB */
#define BLK_MAX_SEGS	64			/* per DISCARD / WRITE_ZEROES */

struct blk {
	int			 fd;
	int			 ro;
	uint64_t		 sectors;
	char			 serial[VIRTIO_BLK_ID_BYTES];
	struct virtq_req	 req;		/* the one in hand */
	struct iovec		 data[VIRTQ_MAX_IOV];	/* its data part */
};

static int
blk_create(struct dm_dev *dev, const struct dm_plug *p, char **cause)
{
	struct virtio_blk_config	 cfg;
	struct blk			*b;
	struct stat			 st;
	const char			*mode, *serial;
	uint64_t			 bytes;

	if (p->fd < 0) {
		xasprintf(cause, "a disk needs its image");
		return -1;
	}
	if (fstat(p->fd, &st) == -1) {
		xasprintf(cause, "disk image: %s", strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		bytes = (uint64_t)st.st_size;
	else if (S_ISBLK(st.st_mode)) {
		if (ioctl(p->fd, BLKGETSIZE64, &bytes) == -1) {
			xasprintf(cause, "disk device size: %s", strerror(errno));
			return -1;
		}
	} else {
		xasprintf(cause, "a disk is a regular file or a block device");
		return -1;
	}
	b = xcalloc(1, sizeof(*b));
	b->fd = p->fd;
	mode = json_get_str(p->req, "mode");
	b->ro = mode == NULL || strcmp(mode, "r") == 0;
	b->sectors = bytes / VIRTIO_BLK_SECTOR_SIZE;
	if ((serial = json_get_str(p->req, "serial")) != NULL)
		memcpy(b->serial, serial, strlen(serial) < sizeof(b->serial) ?
		    strlen(serial) : sizeof(b->serial));
	dev->priv = b;
	dev->features = 1ULL << VIRTIO_F_VERSION_1 |
	    1ULL << VIRTIO_F_EVENT_IDX | 1ULL << VIRTIO_F_INDIRECT_DESC |
	    1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
	    1ULL << VIRTIO_BLK_F_FLUSH;
	if (b->ro)
		dev->features |= 1ULL << VIRTIO_BLK_F_RO;
	else
		dev->features |= 1ULL << VIRTIO_BLK_F_DISCARD |
		    1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = b->sectors;
	cfg.seg_max = BLK_SEG_MAX;
	cfg.blk_size = VIRTIO_BLK_SECTOR_SIZE;
	cfg.max_discard_sectors = BLK_MAX_DISCARD;
	cfg.max_discard_seg = BLK_MAX_SEGS;
	cfg.discard_sector_alignment = 8;
	cfg.max_write_zeroes_sectors = BLK_MAX_DISCARD;
	cfg.max_write_zeroes_seg = BLK_MAX_SEGS;
	cfg.write_zeroes_may_unmap = 1;
	memcpy(dev->config, &cfg, VIRTIO_BLK_CONFIG_SIZE);
	dev->config_len = VIRTIO_BLK_CONFIG_SIZE;
	return 0;
}

static void
blk_destroy(struct dm_dev *dev)
{
	struct blk	*b = dev->priv;

	close(b->fd);
	free(b);
}

/* Is [sector, sector + bytes) inside the disk, in whole sectors? */
static int
in_range(const struct blk *b, uint64_t sector, uint64_t bytes)
{
	return bytes % VIRTIO_BLK_SECTOR_SIZE == 0 && sector <= b->sectors &&
	    bytes / VIRTIO_BLK_SECTOR_SIZE <= b->sectors - sector;
}

/* Whole transfer with preadv/pwritev, short counts retried. */
static int
rw(struct blk *b, int write, struct iovec *iov, unsigned n, off_t off)
{
	ssize_t	 r;
	size_t	 left = iov_size(iov, n);

	while (left > 0) {
		r = write ? pwritev(b->fd, iov, (int)n, off) :
		    preadv(b->fd, iov, (int)n, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		left -= (size_t)r;
		off += r;
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static int
zero_range(struct blk *b, uint64_t off, uint64_t len, int unmap)
{
	static const uint8_t	zeros[65536];
	uint64_t		done;
	size_t			n;

	if (fallocate(b->fd, (unmap ? FALLOC_FL_PUNCH_HOLE :
	    FALLOC_FL_ZERO_RANGE) | FALLOC_FL_KEEP_SIZE, (off_t)off,
	    (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -1;
	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(zeros) ? (size_t)(len - done) :
		    sizeof(zeros);
		if (pwrite(b->fd, zeros, n, (off_t)(off + done)) != (ssize_t)n)
			return -1;
	}
	return 0;
}

/* DISCARD and WRITE_ZEROES: segments in the out-buffers after the header. */
static uint8_t
segments(struct blk *b, uint32_t type, const struct virtq_req *r)
{
	struct virtio_blk_discard_write_zeroes	 seg;
	size_t					 bytes = r->out_len -
						    sizeof(struct virtio_blk_req_hdr);
	size_t					 i, n = bytes / sizeof(seg);
	int					 unmap;

	if (b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (bytes % sizeof(seg) != 0 || n == 0 || n > BLK_MAX_SEGS)
		return VIRTIO_BLK_S_UNSUPP;
	for (i = 0; i < n; i++) {
		iov_to_buf(r->iov, r->nout, sizeof(struct virtio_blk_req_hdr) +
		    i * sizeof(seg), &seg, sizeof(seg));
		if (seg.num_sectors > BLK_MAX_DISCARD ||
		    (seg.flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) != 0 ||
		    (type == VIRTIO_BLK_T_DISCARD && seg.flags != 0))
			return VIRTIO_BLK_S_UNSUPP;
		if (!in_range(b, seg.sector, (uint64_t)seg.num_sectors *
		    VIRTIO_BLK_SECTOR_SIZE))
			return VIRTIO_BLK_S_IOERR;
		unmap = type == VIRTIO_BLK_T_DISCARD ||
		    (seg.flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
		if (zero_range(b, seg.sector * VIRTIO_BLK_SECTOR_SIZE,
		    (uint64_t)seg.num_sectors * VIRTIO_BLK_SECTOR_SIZE,
		    unmap) == -1 && type == VIRTIO_BLK_T_WRITE_ZEROES)
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* Serve one request; returns the bytes written into its in-buffers. */
static uint32_t
serve(struct dm_dev *dev, struct virtq_req *r)
{
	struct blk			*b = dev->priv;
	struct virtio_blk_req_hdr	 hdr;
	struct iovec			*data = b->data;
	uint8_t				 status = VIRTIO_BLK_S_OK;
	size_t				 len = 0;
	unsigned			 n;

	/* 5.2.6: a header to read, a status byte to write, at least. */
	if (r->out_len < sizeof(hdr) || r->in_len < 1) {
		dev->stats.errors++;
		return 0;
	}
	iov_to_buf(r->iov, r->nout, 0, &hdr, sizeof(hdr));
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		len = r->in_len - 1;
		n = iov_slice(r->iov + r->nout, r->nin, 0, len, data,
		    VIRTQ_MAX_IOV);
		if (!in_range(b, hdr.sector, len))
			status = VIRTIO_BLK_S_IOERR;
		else if (len > 0 && rw(b, 0, data, n, (off_t)(hdr.sector *
		    VIRTIO_BLK_SECTOR_SIZE)) == -1)
			status = VIRTIO_BLK_S_IOERR;
		else
			dev->stats.bytes_in += len;
		break;
	case VIRTIO_BLK_T_OUT:
		len = r->out_len - sizeof(hdr);
		n = iov_slice(r->iov, r->nout, sizeof(hdr), len, data,
		    VIRTQ_MAX_IOV);
		if (b->ro || !in_range(b, hdr.sector, len))
			status = VIRTIO_BLK_S_IOERR;
		else if (len > 0 && rw(b, 1, data, n, (off_t)(hdr.sector *
		    VIRTIO_BLK_SECTOR_SIZE)) == -1)
			status = VIRTIO_BLK_S_IOERR;
		else
			dev->stats.bytes_out += len;
		len = 0;
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (!b->ro && fdatasync(b->fd) == -1)
			status = VIRTIO_BLK_S_IOERR;
		dev->stats.flushes++;
		break;
	case VIRTIO_BLK_T_GET_ID:
		len = r->in_len - 1 < sizeof(b->serial) ? r->in_len - 1 :
		    sizeof(b->serial);
		iov_from_buf(r->iov + r->nout, r->nin, 0, b->serial, len);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = segments(b, hdr.type, r);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (status == VIRTIO_BLK_S_IOERR)
		dev->stats.errors++;
	if (status != VIRTIO_BLK_S_OK)
		len = 0;
	iov_from_buf(r->iov + r->nout, r->nin, r->in_len - 1, &status, 1);
	dev->stats.requests++;
	return (uint32_t)len + 1;
}

static void
blk_queue(struct dm_dev *dev, unsigned q)
{
	struct blk	*b = dev->priv;
	struct virtq	*vq = &dev->vq[q];
	const char	*why;
	int		 rc;

	do {
		virtq_disable_notify(vq);
		while ((rc = virtq_pop(vq, &dev->dm->mem, &b->req, &why)) == 1)
			virtq_push(vq, b->req.head, serve(dev, &b->req));
		if (rc == -1) {
			dm_dev_broken(dev, q, why);
			return;
		}
	} while (virtq_enable_notify(vq));
	dm_dev_interrupt(dev, q);
}

const struct dm_dev_ops dm_blk_ops = {
	.kind = "vbd",
	.device_id = VIRTIO_ID_BLOCK,
	.nqueues = 1,
	.queue_max = BLK_QUEUE_MAX,
	.create = blk_create,
	.destroy = blk_destroy,
	.queue = blk_queue,
};
