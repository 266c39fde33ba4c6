/*
 * xvm-cow(5) overlays served to virtio-blk (blk.c): the disk is the
 * backing image (read-only here) except the clusters the map marks as in
 * the overlay.  The first write to a cluster copies it whole from the
 * backing image into the overlay, then marks it; zeroes over whole
 * clusters mark them and punch holes.  Past the backing image's end the
 * disk reads zeroes.
 *
 * Ordering: the map is kept here and written at FLUSH only after the
 * data is on stable storage (fdatasync, map, fdatasync), so a host crash
 * never leaves a cluster marked whose data was lost -- an unflushed write
 * is then simply not there, as with a disk's volatile cache.  At close
 * the map is written without a sync.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm/cow.h"
#include "dm/virtq.h"
#include "lib/cowimg.h"
#include "lib/xmalloc.h"

/* c->part: one slice of a request (first half), read_backing's (second). */
#define HALF	(VIRTQ_MAX_IOV / 2)

struct cow {
	int		 fd, bfd;
	struct cow_hdr	 h;
	uint64_t	 bsize;		/* backing image's bytes */
	uint8_t		*map;
	int		 dirty;		/* map changed since written */
	uint8_t		*cl;		/* one cluster */
	struct iovec	 part[VIRTQ_MAX_IOV];
};

int
dm_fd_rw(int fd, int write, struct iovec *iov, unsigned n, uint64_t off)
{
	ssize_t	 r;
	size_t	 left = iov_size(iov, n);

	while (left > 0) {
		r = write ? pwritev(fd, iov, (int)n, (off_t)off) :
		    preadv(fd, iov, (int)n, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		left -= (size_t)r;
		off += (uint64_t)r;
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
whole(int fd, int write, void *buf, size_t len, uint64_t off)
{
	struct iovec	v = { buf, len };

	return dm_fd_rw(fd, write, &v, 1, off);
}

struct cow *
cow_open(int fd, int bfd, uint64_t *size, char **cause)
{
	struct cow	*c;
	struct stat	 st;

	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->bfd = bfd;
	if (cow_read_header(fd, &c->h, cause) == -1)
		goto fail;
	if (fstat(bfd, &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "overlay: the backing image is not a regular "
		    "file");
		goto fail;
	}
	if (cow_probe(bfd) != 0) {
		xasprintf(cause, "overlay: the backing image is itself an "
		    "overlay (chains are not implemented)");
		goto fail;
	}
	c->bsize = (uint64_t)st.st_size;
	c->map = xcalloc(1, (size_t)c->h.map_bytes);
	c->cl = xmalloc((size_t)1 << c->h.cluster_shift);
	if (whole(fd, 0, c->map, (size_t)c->h.map_bytes, c->h.map_off) ==
	    -1) {
		xasprintf(cause, "overlay map: %s", strerror(errno));
		goto fail;
	}
	*size = c->h.size;
	return c;
fail:
	free(c->map);
	free(c->cl);
	free(c);
	return NULL;
}

static int
write_map(struct cow *c)
{
	if (!c->dirty)
		return 0;
	if (whole(c->fd, 1, c->map, (size_t)c->h.map_bytes, c->h.map_off) ==
	    -1)
		return -1;
	c->dirty = 0;
	return 0;
}

void
cow_close(struct cow *c)
{
	(void)write_map(c);
	close(c->fd);
	close(c->bfd);
	free(c->map);
	free(c->cl);
	free(c);
}

int
cow_flush(struct cow *c)
{
	if (!c->dirty)
		return fdatasync(c->fd);
	if (fdatasync(c->fd) == -1 || write_map(c) == -1)
		return -1;
	return fdatasync(c->fd);
}

static int
in_overlay(const struct cow *c, uint64_t i)
{
	return c->map[i >> 3] >> (i & 7) & 1;
}

static void
mark(struct cow *c, uint64_t i)
{
	c->map[i >> 3] |= (uint8_t)(1u << (i & 7));
	c->dirty = 1;
}

/* Cluster i's bytes [start, start + len) of the disk. */
static uint64_t
cl_len(const struct cow *c, uint64_t i, uint64_t *start)
{
	uint64_t	cl = 1ULL << c->h.cluster_shift;

	*start = i << c->h.cluster_shift;
	return c->h.size - *start < cl ? c->h.size - *start : cl;
}

/* Read backing bytes [off, off + len) into iov; zeroes past its end. */
static int
read_backing(struct cow *c, struct iovec *iov, unsigned n, uint64_t off,
    size_t len)
{
	static const uint8_t	 zeros[4096];
	size_t			 have = 0, done;
	unsigned		 k;

	if (off < c->bsize)
		have = c->bsize - off < len ? (size_t)(c->bsize - off) : len;
	if (have > 0) {
		k = iov_slice(iov, n, 0, have, c->part + HALF, HALF);
		if (dm_fd_rw(c->bfd, 0, c->part + HALF, k, off) == -1)
			return -1;
	}
	for (done = have; done < len; done += sizeof(zeros) < len - done ?
	    sizeof(zeros) : len - done)
		iov_from_buf(iov, n, done, zeros, sizeof(zeros) < len - done ?
		    sizeof(zeros) : len - done);
	return 0;
}

/* Cluster i from the backing image into c->cl; its length. */
static int
fetch(struct cow *c, uint64_t i, uint64_t *start, uint64_t *len)
{
	struct iovec	v;

	*len = cl_len(c, i, start);
	v.iov_base = c->cl;
	v.iov_len = (size_t)*len;
	return read_backing(c, &v, 1, *start, (size_t)*len);
}

int
cow_rw(struct cow *c, int write, const struct iovec *iov, unsigned n,
    uint64_t off)
{
	size_t		 total = iov_size(iov, n), done = 0, len;
	uint64_t	 i, start, clen, cl = 1ULL << c->h.cluster_shift;
	unsigned	 k;

	while (done < total) {
		i = (off + done) >> c->h.cluster_shift;
		len = (size_t)(cl - ((off + done) & (cl - 1)));
		if (len > total - done)
			len = total - done;
		k = iov_slice(iov, n, done, len, c->part, HALF);
		if (iov_size(c->part, k) != len) {
			errno = EINVAL;		/* too many pieces in a cluster */
			return -1;
		}
		clen = cl_len(c, i, &start);
		if (in_overlay(c, i) || (write && len == clen)) {
			if (dm_fd_rw(c->fd, write, c->part, k, c->h.data_off +
			    off + done) == -1)
				return -1;
			if (write)
				mark(c, i);
		} else if (!write) {
			if (read_backing(c, c->part, k, off + done, len) == -1)
				return -1;
		} else {
			if (fetch(c, i, &start, &clen) == -1)
				return -1;
			iov_to_buf(c->part, k, 0, c->cl + (off + done - start),
			    len);
			if (whole(c->fd, 1, c->cl, (size_t)clen, c->h.data_off +
			    start) == -1)
				return -1;
			mark(c, i);
		}
		done += len;
	}
	return 0;
}

int
cow_zero(struct cow *c, uint64_t off, uint64_t len)
{
	uint64_t	i, start, clen, at, n, cl = 1ULL << c->h.cluster_shift;

	for (at = off; at < off + len; at += n) {
		i = at >> c->h.cluster_shift;
		n = cl - (at & (cl - 1));
		if (n > off + len - at)
			n = off + len - at;
		clen = cl_len(c, i, &start);
		if (n == clen || in_overlay(c, i)) {
			if (fallocate(c->fd, FALLOC_FL_PUNCH_HOLE |
			    FALLOC_FL_KEEP_SIZE, (off_t)(c->h.data_off + at),
			    (off_t)n) == -1) {
				memset(c->cl, 0, (size_t)n);
				if (whole(c->fd, 1, c->cl, (size_t)n,
				    c->h.data_off + at) == -1)
					return -1;
			}
			mark(c, i);
			continue;
		}
		if (fetch(c, i, &start, &clen) == -1)
			return -1;
		memset(c->cl + (at - start), 0, (size_t)n);
		if (whole(c->fd, 1, c->cl, (size_t)clen, c->h.data_off +
		    start) == -1)
			return -1;
		mark(c, i);
	}
	return 0;
}
