/* libxc save/restore internals: the stream's records, read and written with a running SHA-256. */
#ifndef XVM_LIBXC_XC_SR_H
#define XVM_LIBXC_XC_SR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SR_MAGIC	"xVMsave\n"		/* 8 bytes */
#define SR_PAGE		4096u
#define SR_RAM_PFN	0x80000ull		/* RAM starts at 2 GiB */
#define SR_BATCH	512u			/* pages per PAGE_DATA */
#define SR_MAX_REC	(64u << 20)		/* a sane record bound */

enum sr_rec {
	SR_REC_DOMAIN = 1,	/* struct sr_domain */
	SR_REC_TOOLSTACK = 2,	/* opaque */
	SR_REC_PAGE_DATA = 3,	/* struct sr_pages, pfn[], page data */
	SR_REC_HV_CONTEXT = 4,	/* the hypervisor's records (privcmd.md) */
	SR_REC_END = 5,		/* SHA-256 of everything before it */
};

struct sr_header {
	char		magic[8];
	uint32_t	version;
	uint32_t	flags;		/* XCFLAGS_LIVE when made live */
};

struct sr_rec_hdr {
	uint32_t	type;
	uint32_t	len;		/* body bytes, before padding to 8 */
};

struct sr_domain {
	uint32_t	max_vcpus;
	uint32_t	pad;
	uint64_t	mem_bytes;
};

struct sr_pages {
	uint32_t	count;
	uint32_t	pad;
	/* uint64_t pfn[count]: frame | type << 60; then the normal pages */
};

#define SR_PFN_MASK	((1ull << 52) - 1)
#define SR_PFN_TYPE(e)	((e) >> 60)
#define SR_PAGE_NORMAL	0ull
#define SR_PAGE_ZERO	1ull		/* all zero: no data follows */

struct sr_stream;

struct xc_sr_io;
struct xc_interface_core;

/* A stream over io (or fd when io is NULL); NULL with errno.  sr_close frees it. */
struct sr_stream *sr_open(int fd, const struct xc_sr_io *io);
void	 sr_close(struct sr_stream *);

/* Write: header, records, END (with the digest).  0 or -1 with errno. */
int	 sr_write_header(struct sr_stream *, uint32_t flags);
int	 sr_write_rec(struct sr_stream *, uint32_t type, const void *a,
	    size_t alen, const void *b, size_t blen);
int	 sr_write_end(struct sr_stream *);

/* Bytes written to the stream so far (buffered ones included). */
uint64_t sr_bytes(const struct sr_stream *);

/*
 * Read: the header (EILSEQ when not ours), then records: *type, and the
 * body in *body (malloc'd, caller frees; padded bytes consumed).  END is
 * checked against the digest (EBADMSG).  ENODATA when the stream ends
 * early.  0 or -1 with errno.
 */
int	 sr_read_header(struct sr_stream *, uint32_t *flags);

/* The RAM size and vCPU count of dom (paused for a moment if running). */
int	 sr_peek_shape(struct xc_interface_core *, uint32_t dom,
	    struct sr_domain *);

/*
 * dom's RAM as a descriptor to pread (mapping it would allocate every
 * hole read) from *base on; *fd is the caller's to close.
 */
int	 sr_open_ram(struct xc_interface_core *, uint32_t dom, uint64_t npages,
	    int *fd, off_t *base);
int	 sr_read_rec(struct sr_stream *, uint32_t *type, void **body,
	    uint32_t *len);

/*
 * After END: nothing may follow it.  Bytes already read past it, or more
 * in a regular file, are EBADMSG.  A pipe or socket is not read further
 * (a migration channel may carry the toolstack's messages after it).
 */
int	 sr_read_done(struct sr_stream *);

#endif
