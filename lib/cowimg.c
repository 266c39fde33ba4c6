/*
 * xvm-cow(5) headers: read, checked field by field (an image is input
 * from whoever wrote it), laid out and written.  The data path (reads,
 * copy-on-write, the map) is the device model's (dm/cow.c).
 *
 * Header (little-endian, COW_HDR_SIZE bytes):
 *   0 magic "XVM-COW\n"   8 u32 version   12 u32 cluster_shift
 *  16 u64 size           24 u64 map_off   32 u64 map_bytes
 *  40 u64 data_off       48 u32 backing_len  52 u32 flags (0)
 * 512 the backing path (backing_len bytes), zeroes to the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cowimg.h"
#include "lib/file.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

int
cow_probe(int fd)
{
	char	m[COW_MAGIC_LEN];
	ssize_t	n = pread(fd, m, sizeof(m), 0);

	if (n == -1)
		return -1;
	return n == COW_MAGIC_LEN && memcmp(m, COW_MAGIC, COW_MAGIC_LEN) == 0;
}

int
cow_layout(struct cow_hdr *h, uint64_t size, unsigned shift,
    const char *backing, char **cause)
{
	uint64_t	cl = 1ULL << shift;

	memset(h, 0, sizeof(*h));
	if (shift < COW_CLUSTER_SHIFT_MIN || shift > COW_CLUSTER_SHIFT_MAX) {
		xasprintf(cause, "cluster size 2^%u: 2^%d to 2^%d only", shift,
		    COW_CLUSTER_SHIFT_MIN, COW_CLUSTER_SHIFT_MAX);
		return -1;
	}
	if (size == 0 || size % 512 != 0 || size > COW_SIZE_MAX) {
		xasprintf(cause, "disk size %llu: whole 512-byte sectors, 1 "
		    "to 2^44 bytes", (unsigned long long)size);
		return -1;
	}
	if (strlen(backing) == 0 || strlen(backing) > COW_BACKING_MAX) {
		xasprintf(cause, "backing path: 1 to %d bytes",
		    COW_BACKING_MAX);
		return -1;
	}
	h->version = COW_VERSION;
	h->cluster_shift = shift;
	h->size = size;
	h->map_off = COW_HDR_SIZE;
	h->map_bytes = ((cow_clusters(h) + 7) / 8 + 4095) & ~4095ULL;
	h->data_off = (h->map_off + h->map_bytes + cl - 1) & ~(cl - 1);
	strlcpy(h->backing, backing, sizeof(h->backing));
	return 0;
}

int
cow_read_header(int fd, struct cow_hdr *h, char **cause)
{
	uint8_t		 b[COW_HDR_SIZE];
	struct cow_hdr	 want;
	uint32_t	 blen;
	char		*why = NULL;
	ssize_t		 n;

	if ((n = pread(fd, b, sizeof(b), 0)) == -1) {
		xasprintf(cause, "overlay header: %s", strerror(errno));
		return -1;
	}
	if (n != sizeof(b) || memcmp(b, COW_MAGIC, COW_MAGIC_LEN) != 0) {
		xasprintf(cause, "not an xvm-cow overlay (no header)");
		return -1;
	}
	if (le32(b + 8) != COW_VERSION || le32(b + 52) != 0) {
		xasprintf(cause, "xvm-cow version %u (flags %#x): only "
		    "version %d without flags is known", le32(b + 8),
		    le32(b + 52), COW_VERSION);
		return -1;
	}
	blen = le32(b + 48);
	if (blen == 0 || blen > COW_BACKING_MAX ||
	    memchr(b + COW_BACKING_OFF, 0, blen) != NULL) {
		xasprintf(cause, "xvm-cow: a bad backing path length %u", blen);
		return -1;
	}
	memcpy(want.backing, b + COW_BACKING_OFF, blen);
	want.backing[blen] = 0;
	/* The layout is a function of size and shift: anything else is bad. */
	if (cow_layout(h, le64(b + 16), le32(b + 12), want.backing, &why) ==
	    -1) {
		xasprintf(cause, "xvm-cow: %s", why);
		free(why);
		return -1;
	}
	if (le64(b + 24) != h->map_off || le64(b + 32) != h->map_bytes ||
	    le64(b + 40) != h->data_off) {
		xasprintf(cause, "xvm-cow: map or data offsets do not match "
		    "the size and cluster size");
		return -1;
	}
	return 0;
}

void
cow_encode(const struct cow_hdr *h, uint8_t *b)
{
	size_t	blen = strlen(h->backing);

	memset(b, 0, COW_HDR_SIZE);
	memcpy(b, COW_MAGIC, COW_MAGIC_LEN);
	put32(b + 8, h->version);
	put32(b + 12, h->cluster_shift);
	put64(b + 16, h->size);
	put64(b + 24, h->map_off);
	put64(b + 32, h->map_bytes);
	put64(b + 40, h->data_off);
	put32(b + 48, (uint32_t)blen);
	memcpy(b + COW_BACKING_OFF, h->backing, blen);
}

void
cow_backing_path(const char *overlay, const struct cow_hdr *h, char *out,
    size_t outlen)
{
	const char	*slash = strrchr(overlay, '/');

	if (h->backing[0] == '/' || slash == NULL)
		snprintf(out, outlen, "%s", h->backing);
	else
		snprintf(out, outlen, "%.*s/%s", (int)(slash - overlay),
		    overlay, h->backing);
}

int
cow_create(const char *path, const char *backing, char **cause)
{
	struct cow_hdr	 h;
	struct stat	 st;
	uint8_t		 b[COW_HDR_SIZE];
	char		*why = NULL, bpath[PATH_MAX];
	int		 fd, bfd, isov;

	memset(&h, 0, sizeof(h));
	strlcpy(h.backing, backing, sizeof(h.backing));
	cow_backing_path(path, &h, bpath, sizeof(bpath));
	if ((bfd = file_open_kind(bpath, O_RDONLY, FILE_KIND_REGULAR |
	    FILE_KIND_BLOCK, "backing image", cause)) == -1)
		return -1;
	isov = cow_probe(bfd);
	if (fstat(bfd, &st) == -1 || isov != 0) {
		xasprintf(cause, "backing image '%s': %s", bpath, isov == 1 ?
		    "is itself an overlay (chains are not implemented)" :
		    strerror(errno));
		close(bfd);
		return -1;
	}
	if (S_ISBLK(st.st_mode) || st.st_size <= 0) {
		xasprintf(cause, "backing image '%s': a non-empty regular file "
		    "is needed", bpath);
		close(bfd);
		return -1;
	}
	close(bfd);
	if (cow_layout(&h, ((uint64_t)st.st_size + 511) & ~511ULL,
	    COW_CLUSTER_SHIFT, backing, &why) == -1) {
		xasprintf(cause, "overlay '%s': %s", path, why);
		free(why);
		return -1;
	}
	cow_encode(&h, b);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		xasprintf(cause, "overlay '%s': %s", path, strerror(errno));
		return -1;
	}
	/* Sparse: the map is zeroes (nothing copied yet), data comes later. */
	if (pwrite(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b) ||
	    ftruncate(fd, (off_t)(h.data_off + h.size)) == -1 ||
	    fsync(fd) == -1) {
		xasprintf(cause, "overlay '%s': %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Copy what is data of [0, size) from in to out, holes staying holes. */
static int
sparse_copy(int in, int out, off_t size)
{
	off_t	 data, hole, at = 0;
	loff_t	 ri, wo;
	ssize_t	 n;

	while (at < size) {
		if ((data = lseek(in, at, SEEK_DATA)) == -1)
			return errno == ENXIO ? ftruncate(out, size) : -1;
		if ((hole = lseek(in, data, SEEK_HOLE)) == -1)
			return -1;
		ri = wo = data;
		while (ri < hole) {
			n = copy_file_range(in, &ri, out, &wo,
			    (size_t)(hole - ri), 0);
			if (n <= 0)
				return -1;
		}
		at = hole;
	}
	return ftruncate(out, size);
}

/* dst an overlay copy of the overlay in (fd): same data, backing absolute. */
static int
copy_overlay(const char *src, int in, int out, char **cause)
{
	struct cow_hdr	 h;
	struct stat	 st;
	uint8_t		 b[COW_HDR_SIZE];
	char		 rel[PATH_MAX], abs[PATH_MAX];

	if (cow_read_header(in, &h, cause) == -1)
		return -1;
	cow_backing_path(src, &h, rel, sizeof(rel));
	if (realpath(rel, abs) == NULL || strlen(abs) > COW_BACKING_MAX) {
		xasprintf(cause, "backing image '%s': %s", rel,
		    strerror(errno ? errno : ENAMETOOLONG));
		return -1;
	}
	strlcpy(h.backing, abs, sizeof(h.backing));
	cow_encode(&h, b);
	if (fstat(in, &st) == -1 || sparse_copy(in, out, st.st_size) == -1 ||
	    pwrite(out, b, sizeof(b), 0) != (ssize_t)sizeof(b) ||
	    fsync(out) == -1) {
		xasprintf(cause, "copying '%s': %s", src, strerror(errno));
		return -1;
	}
	return 0;
}

int
cow_clone(const char *src, const char *dst, const char **how, char **cause)
{
	char	 abs[PATH_MAX];
	int	 in, out, ov, rc = -1;

	if ((in = file_open_kind(src, O_RDONLY, FILE_KIND_REGULAR, "image",
	    cause)) == -1)
		return -1;
	if ((ov = cow_probe(in)) == -1) {
		xasprintf(cause, "image '%s': %s", src, strerror(errno));
		close(in);
		return -1;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		xasprintf(cause, "clone '%s': %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	if (ioctl(out, FICLONE, in) == 0 && fsync(out) == 0) {
		*how = "reflink";
		rc = 0;
	} else if (ov == 1) {
		*how = "overlay copy";
		rc = copy_overlay(src, in, out, cause);
	} else if (realpath(src, abs) == NULL) {
		xasprintf(cause, "image '%s': %s", src, strerror(errno));
	} else {
		/* No shared blocks here: an overlay over src instead. */
		close(out);
		out = -1;
		unlink(dst);
		*how = "overlay";
		rc = cow_create(dst, abs, cause);
	}
	if (out != -1)
		close(out);
	close(in);
	if (rc == -1 && out != -1)
		unlink(dst);
	return rc;
}
