/* libxc internals: one privcmd connection and the request/reply call. */
#ifndef XVM_LIBXC_PRIVATE_H
#define XVM_LIBXC_PRIVATE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct xc_conn {
	int		 fd;
	uint32_t	 seq;
	pthread_mutex_t	 lock;
};

/*
 * Open a kernel or ramdisk the toolstack names: without blocking (a FIFO
 * must not hang the caller), and only a regular file (EINVAL otherwise).
 * The descriptor, or -1 with errno.
 */
int	 xc_open_image(const char *path);

/* Connect to run/xvm/privcmd and say hello.  0 or -1 with errno. */
int	 xc_conn_open(struct xc_conn *);
void	 xc_conn_close(struct xc_conn *);

/*
 * One request: op with payload req (+ extra appended), reply payload into
 * rep (at most replen bytes; *got gets the length, may be NULL).  Up to
 * *nfds descriptors received go to fds (caller closes; nfds may be NULL
 * when none are expected, and any that come are closed).  Returns 0, or
 * -1 with errno: the daemon's status, or EPROTO/EMSGSIZE for a bad reply,
 * or the transport's error.
 */
int	 xc_call(struct xc_conn *, uint32_t op, const void *req, size_t reqlen,
	    const void *extra, size_t extralen, void *rep, size_t replen,
	    size_t *got, int *fds, int *nfds);

struct kimage;
struct xc_interface_core;

/*
 * Load a kernel file (lib/kimage.h: ELF, vmlinux or Linux Image) into the
 * domain's RAM [XC_DOM_RAM_BASE, + ram_bytes) through foreign mappings,
 * populating what it covers; *ki says where it went.  0, or -1 with errno
 * (ENOEXEC, EINVAL, EFBIG with a reason in *why, static; else NULL).
 */
int	 xc_dom_load_kernel(struct xc_interface_core *, uint32_t domid,
	    const char *path, uint64_t ram_bytes, struct kimage *,
	    const char **why);

/*
 * Populate the domain's pages under [gpa, gpa + span), copy data[0..len)
 * (borrowed) to gpa and zero [gpa + len, gpa + span); the other bytes of
 * those pages are kept (two ELF segments may share a page).  0, or -1 with
 * errno (EINVAL: len > span or an empty span; EFBIG: over 2 GiB).
 */
int	 xc_dom_copy_to_guest(struct xc_interface_core *, uint32_t domid,
	    uint64_t gpa, const void *data, size_t len, uint64_t span);

/* An event-channel handle: its own connection (xc_evtchn.c, xc_virtio.c). */
struct xenevtchn_handle {
	struct xc_conn	conn;
	int		fd;		/* read end: u32 port numbers */
};

struct xc_interface_core {
	struct xc_conn	conn;
};

#endif
