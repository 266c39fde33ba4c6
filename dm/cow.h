/* The data path of an xvm-cow(5) overlay: reads through to the backing image, copy-on-write by cluster. */
#ifndef XVM_DM_COW_H
#define XVM_DM_COW_H

#include <stdint.h>
#include <sys/uio.h>

struct cow;

/*
 * Serve the overlay fd over the backing image bfd (both taken over on
 * success).  *size is the disk's bytes.  NULL with *cause on a bad
 * header, a backing image that is itself an overlay, or a read error.
 */
struct cow *cow_open(int fd, int bfd, uint64_t *size, char **cause);
/* Write the map out (no sync: like a raw image's page cache) and close. */
void	 cow_close(struct cow *);
/*
 * Read or write [off, off + iov_size) (inside the disk, checked by the
 * caller).  A write to a cluster not yet in the overlay copies the
 * cluster from the backing image first.  0, or -1 with errno.
 */
int	 cow_rw(struct cow *, int write, const struct iovec *, unsigned n,
	    uint64_t off);
/* Zeroes over [off, off + len): whole clusters become holes.  0 or -1. */
int	 cow_zero(struct cow *, uint64_t off, uint64_t len);
/* Data, then the map, on stable storage (fdatasync twice).  0 or -1. */
int	 cow_flush(struct cow *);

/*
 * Whole transfer on fd with preadv/pwritev, short counts retried (the
 * iovec array is consumed).  0, or -1 (an error, or the end of file).
 */
int	 dm_fd_rw(int fd, int write, struct iovec *, unsigned n,
	    uint64_t off);

#endif
