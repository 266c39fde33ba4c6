/* xvm-cow(5): the copy-on-write overlay disk image, its header and its map (docs/disk-clones.md). */
#ifndef XVM_LIB_COWIMG_H
#define XVM_LIB_COWIMG_H

#include <stddef.h>
#include <stdint.h>

#define COW_MAGIC		"XVM-COW\n"
#define COW_MAGIC_LEN		8
#define COW_VERSION		1
#define COW_HDR_SIZE		4096
#define COW_BACKING_OFF		512		/* the backing path's bytes */
#define COW_BACKING_MAX		(COW_HDR_SIZE - COW_BACKING_OFF - 1)
#define COW_CLUSTER_SHIFT	16		/* 64 KiB, the default */
#define COW_CLUSTER_SHIFT_MIN	12
#define COW_CLUSTER_SHIFT_MAX	21
#define COW_SIZE_MAX		(1ULL << 44)	/* 16 TiB */

/* A header, decoded and checked. */
struct cow_hdr {
	uint32_t	 version;
	uint32_t	 cluster_shift;
	uint64_t	 size;		/* the disk's bytes, whole sectors */
	uint64_t	 map_off;	/* the map: one bit per cluster */
	uint64_t	 map_bytes;
	uint64_t	 data_off;	/* cluster i at data_off + i << shift */
	char		 backing[COW_BACKING_MAX + 1];
};

/* Clusters of a header's disk. */
static inline uint64_t
cow_clusters(const struct cow_hdr *h)
{
	return (h->size + (1ULL << h->cluster_shift) - 1) >> h->cluster_shift;
}

/* Does fd start with the magic?  1 yes, 0 no, -1 a read error (errno). */
int	 cow_probe(int fd);
/* Read and check fd's header; 0, or -1 with *cause (caller frees). */
int	 cow_read_header(int fd, struct cow_hdr *, char **cause);
/* Lay a header out for a disk of 'size' bytes over 'backing'; 0 or -1. */
int	 cow_layout(struct cow_hdr *, uint64_t size, unsigned cluster_shift,
	    const char *backing, char **cause);
/* Encode h into buf[COW_HDR_SIZE]. */
void	 cow_encode(const struct cow_hdr *, uint8_t *buf);
/*
 * Create 'path' (O_EXCL: never over an existing file), an empty overlay
 * of the disk 'backing' (its size is the overlay's).  0, or -1 with
 * *cause, and nothing left behind.
 */
int	 cow_create(const char *path, const char *backing, char **cause);
/*
 * Make 'dst' (new, O_EXCL) a clone of the disk image 'src' that the
 * guest may write without touching src: a reflink copy (FICLONE) where
 * the filesystem shares blocks, else an xvm-cow overlay whose backing
 * image is src (or, when src is itself an overlay, a sparse copy of it
 * over the same backing image).  *how says which: "reflink", "overlay",
 * "overlay copy".  0, or -1 with *cause and nothing left behind.
 */
int	 cow_clone(const char *src, const char *dst, const char **how,
	    char **cause);
/*
 * The backing image's path as opened from the overlay at 'overlay':
 * absolute as written, else relative to the overlay's directory.
 */
void	 cow_backing_path(const char *overlay, const struct cow_hdr *,
	    char *out, size_t outlen);

#endif
