/*
 * libxc save and restore (Xen's xc_domain_save / xc_domain_restore): a
 * domain's memory and hypervisor context as one stream, to a file or a
 * socket, optionally live (pre-copy with log-dirty).  docs/save-format.md
 * describes the stream.  Like the rest of libxc: never exits, never
 * prints; failures are -1 with errno.
 */
#ifndef XVM_XC_SR_H
#define XVM_XC_SR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xvm/xenctrl.h>

#define XC_SR_VERSION	1

#define XCFLAGS_LIVE	(1u << 0)	/* pre-copy while the domain runs */

/* What the stream says of the domain, before any of its memory. */
struct xc_sr_shape {
	uint32_t	max_vcpus;
	uint64_t	mem_bytes;	/* RAM at 0x80000000 */
};

/* One live round: its number (0: the first full pass) and pages. */
struct xc_sr_round {
	uint32_t	round;
	uint64_t	sent;		/* pages sent this round */
	uint64_t	dirty;		/* dirtied during it: the next's work */
	uint64_t	bytes;		/* stream bytes written this round */
	uint64_t	ns;		/* how long the round took */
};

/*
 * Where a stream goes or comes from when not a plain descriptor (a TLS
 * connection): read and write as read(2) and write(2) do -- a short
 * count is fine, 0 from read is the end, -1 with errno a failure.  With
 * io set, the io_fd argument is ignored.
 */
struct xc_sr_io {
	ssize_t	(*read)(void *arg, void *buf, size_t len);
	ssize_t	(*write)(void *arg, const void *buf, size_t len);
	void	*arg;
};

struct save_callbacks {
	/*
	 * Stop the domain for the last copy: pause it (or have the guest
	 * suspend).  Returns 1 when it is stopped, 0 to fail the save (the
	 * domain is left as it is).  Required.
	 */
	int	(*suspend)(void *data);
	/* Live: after each round; non-zero ends the rounds early. */
	int	(*round)(const struct xc_sr_round *, void *data);
	/* The toolstack's record (xvmd: the config), first in the stream. */
	const void *toolstack;
	uint32_t toolstack_len;
	uint32_t max_iters;		/* live rounds at most; 0: 30 */
	uint32_t dirty_threshold;	/* fewer dirty pages end them; 0: 50 */
	const struct xc_sr_io *io;	/* or NULL: write io_fd */
	void	*data;
	/* Set by a save: the pages sent with the domain stopped (live: the
	 * last copy, rings not counted; else every page with data). */
	uint64_t stopped_pages;
};

/*
 * Write domain 'dom' to io_fd.  Without XCFLAGS_LIVE the domain is
 * stopped (suspend) first; with it, memory is copied while it runs, in
 * rounds, and stopped for the last.  The domain is not resumed or
 * destroyed: that is the toolstack's choice.  Returns 0, or -1 with errno
 * (the stream is then incomplete: its reader refuses it).
 */
int	 xc_domain_save(xc_interface *, int io_fd, uint32_t dom,
	    uint32_t flags, struct save_callbacks *);

struct restore_callbacks {
	/*
	 * The stream's toolstack record and shape, before any domain exists;
	 * return -1 (errno set) to refuse the stream.  May be NULL.
	 */
	int	(*toolstack)(const void *buf, uint32_t len,
		    const struct xc_sr_shape *, void *data);
	/*
	 * The new domain exists (paused, no memory yet); -1 (errno set)
	 * fails the restore.  May be NULL.  A migration writes the
	 * domain's store entries here, off the downtime's path.
	 */
	int	(*created)(uint32_t dom, void *data);
	const struct xc_sr_io *io;	/* or NULL: read io_fd */
	/*
	 * The new domain's handle (Xen's UUID), which the hypervisor keeps
	 * for it: set by the caller, or by the toolstack callback, which
	 * runs before the domain is created.  All zeros is Domain-0's.
	 */
	xen_domain_handle_t handle;
	void	*data;
};

/*
 * Read a stream from io_fd into a new domain of its shape, left paused,
 * with its store and console event channels recreated unbound for dom0
 * (same port numbers: HVM_PARAM_STORE_EVTCHN / _CONSOLE_EVTCHN), and
 * the handle the callbacks give (zeros without them).  *dom gets its id.  Nothing of the stream is trusted before its SHA-256 at
 * the end matches; on any failure the new domain is destroyed and -1
 * returned with errno: EILSEQ not a save stream (or another version),
 * ENODATA truncated, EBADMSG corrupt (a bad record or checksum, or data
 * after END in a regular file), or the hypervisor's error.
 */
int	 xc_domain_restore(xc_interface *, int io_fd, uint32_t *dom,
	    struct restore_callbacks *);

#endif
