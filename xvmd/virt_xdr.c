/* XDR reader and writer for libvirt's remote protocol (virt_xdr.h). */
#include <string.h>

#include "lib/buf.h"
#include "lib/xmalloc.h"
#include "xvmd/virt_xdr.h"

void
xdr_in_init(struct xdr_in *x, const void *p, size_t len)
{
	x->p = p;
	x->len = len;
	x->off = 0;
	x->bad = 0;
}

size_t
xdr_left(const struct xdr_in *x)
{
	return x->len - x->off;
}

/* n bytes, padded to 4, from the message; NULL when short. */
static const uint8_t *
take(struct xdr_in *x, size_t n)
{
	size_t		 padded = (n + 3) & ~(size_t)3;
	const uint8_t	*p;

	if (x->bad || padded < n || padded > xdr_left(x)) {
		x->bad = 1;
		return NULL;
	}
	p = x->p + x->off;
	x->off += padded;
	return p;
}

int
xdr_get_u32(struct xdr_in *x, uint32_t *v)
{
	const uint8_t	*p = take(x, 4);

	*v = 0;
	if (p == NULL)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int
xdr_get_i32(struct xdr_in *x, int32_t *v)
{
	uint32_t	 u;
	int		 rc = xdr_get_u32(x, &u);

	*v = (int32_t)u;
	return rc;
}

int
xdr_get_u64(struct xdr_in *x, uint64_t *v)
{
	uint32_t	 hi, lo;

	*v = 0;
	if (xdr_get_u32(x, &hi) == -1 || xdr_get_u32(x, &lo) == -1)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
xdr_get_i64(struct xdr_in *x, int64_t *v)
{
	uint64_t	 u;
	int		 rc = xdr_get_u64(x, &u);

	*v = (int64_t)u;
	return rc;
}

int
xdr_get_fixed(struct xdr_in *x, void *out, size_t n)
{
	const uint8_t	*p = take(x, n);

	if (p == NULL) {
		memset(out, 0, n);
		return -1;
	}
	memcpy(out, p, n);
	return 0;
}

int
xdr_get_opaque(struct xdr_in *x, size_t max, const uint8_t **out,
    size_t *n)
{
	uint32_t	 len;

	*out = NULL;
	*n = 0;
	if (xdr_get_u32(x, &len) == -1)
		return -1;
	if (len > max) {
		x->bad = 1;
		return -1;
	}
	if ((*out = take(x, len)) == NULL)
		return -1;
	*n = len;
	return 0;
}

int
xdr_get_str(struct xdr_in *x, size_t max, char **out)
{
	const uint8_t	*p;
	size_t		 n;

	*out = NULL;
	if (xdr_get_opaque(x, max, &p, &n) == -1)
		return -1;
	if (memchr(p, '\0', n) != NULL) {
		x->bad = 1;
		return -1;
	}
	*out = xmalloc(n + 1);
	memcpy(*out, p, n);
	(*out)[n] = '\0';
	return 0;
}

int
xdr_get_optstr(struct xdr_in *x, size_t max, char **out)
{
	uint32_t	 present;

	*out = NULL;
	if (xdr_get_u32(x, &present) == -1)
		return -1;
	if (present > 1) {
		x->bad = 1;
		return -1;
	}
	return present ? xdr_get_str(x, max, out) : 0;
}

void
xdr_put_u32(struct buf *b, uint32_t v)
{
	uint8_t	 p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		    (uint8_t)(v >> 8), (uint8_t)v };

	buf_add(b, p, 4);
}

void
xdr_put_i32(struct buf *b, int32_t v)
{
	xdr_put_u32(b, (uint32_t)v);
}

void
xdr_put_u64(struct buf *b, uint64_t v)
{
	xdr_put_u32(b, (uint32_t)(v >> 32));
	xdr_put_u32(b, (uint32_t)v);
}

void
xdr_put_i64(struct buf *b, int64_t v)
{
	xdr_put_u64(b, (uint64_t)v);
}

void
xdr_put_fixed(struct buf *b, const void *p, size_t n)
{
	static const uint8_t	 zero[3];

	buf_add(b, p, n);
	if (n & 3)
		buf_add(b, zero, 4 - (n & 3));
}

void
xdr_put_opaque(struct buf *b, const void *p, size_t n)
{
	xdr_put_u32(b, (uint32_t)n);
	xdr_put_fixed(b, p, n);
}

void
xdr_put_strn(struct buf *b, const char *s, size_t n)
{
	xdr_put_opaque(b, s, n);
}

void
xdr_put_str(struct buf *b, const char *s)
{
	xdr_put_strn(b, s, strlen(s));
}

void
xdr_put_optstr(struct buf *b, const char *s)
{
	xdr_put_u32(b, s != NULL);
	if (s != NULL)
		xdr_put_str(b, s);
}
