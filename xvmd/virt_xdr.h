/*
 * XDR (RFC 4506) for libvirt's remote protocol: a bounded reader over one
 * received message and a writer into a struct buf.  Every read checks the
 * bytes left, so a hostile length or count ends in an error, never a read
 * past the message.
 */
#ifndef XVM_XVMD_VIRT_XDR_H
#define XVM_XVMD_VIRT_XDR_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* libvirt's bounds (remote_protocol.x). */
#define XDR_STRING_MAX		(1024 * 1024)	/* REMOTE_STRING_MAX */

struct xdr_in {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 bad;		/* sticky: a read failed */
};

void	 xdr_in_init(struct xdr_in *, const void *, size_t);

/*
 * Readers return 0, or -1 (and set 'bad') when the message is short or a
 * length is over its bound; on -1 the output is zeroed/NULL.
 */
int	 xdr_get_u32(struct xdr_in *, uint32_t *);
int	 xdr_get_i32(struct xdr_in *, int32_t *);
int	 xdr_get_u64(struct xdr_in *, uint64_t *);
int	 xdr_get_i64(struct xdr_in *, int64_t *);
int	 xdr_get_fixed(struct xdr_in *, void *, size_t);	/* opaque[n] */
/* opaque<max>: borrowed pointer into the message. */
int	 xdr_get_opaque(struct xdr_in *, size_t max, const uint8_t **,
	    size_t *);
/* string<max>: allocated, NUL-terminated; an embedded NUL is refused. */
int	 xdr_get_str(struct xdr_in *, size_t max, char **);
/* remote_string (optional): *out NULL when absent. */
int	 xdr_get_optstr(struct xdr_in *, size_t max, char **);
/* Bytes not read yet. */
size_t	 xdr_left(const struct xdr_in *);

/* Writers append to b (its sticky error covers failures). */
void	 xdr_put_u32(struct buf *, uint32_t);
void	 xdr_put_i32(struct buf *, int32_t);
void	 xdr_put_u64(struct buf *, uint64_t);
void	 xdr_put_i64(struct buf *, int64_t);
void	 xdr_put_fixed(struct buf *, const void *, size_t);
void	 xdr_put_opaque(struct buf *, const void *, size_t);
void	 xdr_put_str(struct buf *, const char *);
void	 xdr_put_strn(struct buf *, const char *, size_t);
void	 xdr_put_optstr(struct buf *, const char *);	/* NULL = absent */

#endif
