/* Growable byte buffers with a sticky error, for messages and socket I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

void
buf_init(struct buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
	b->error = 0;
}

void
buf_reset(struct buf *b)
{
	b->off = b->len = 0;
	b->error = 0;
}

int
buf_error(const struct buf *b)
{
	return b->error;
}

void *
buf_data(const struct buf *b)
{
	return b->data == NULL ? (void *)"" : b->data + b->off;
}

size_t
buf_len(const struct buf *b)
{
	return b->len - b->off;
}

/* Make room for n more bytes (plus a NUL); compact before growing. */
static int
reserve(struct buf *b, size_t n)
{
	size_t	 need, cap;
	uint8_t	*p;

	if (b->error)
		return -1;
	if (n > SIZE_MAX / 2 - b->len - 1 ||
	    (b->limit != 0 && buf_len(b) + n > b->limit)) {
		b->error = b->limit != 0 ? EMSGSIZE : ENOMEM;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->len + n + 1 <= b->cap)
			return 0;
	}
	need = b->len + n + 1;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->error = ENOMEM;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0 || reserve(b, n) == -1)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
buf_add_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_add_byte(struct buf *b, uint8_t c)
{
	buf_add(b, &c, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		if (!b->error)
			b->error = EINVAL;
		return;
	}
	if (reserve(b, (size_t)n) == -1)
		return;
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void *
buf_space(struct buf *b, size_t n)
{
	if (reserve(b, n) == -1)
		return NULL;
	return b->data + b->len;
}

void
buf_commit(struct buf *b, size_t n)
{
	if (b->len + n < b->cap)
		b->len += n;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= buf_len(b))
		b->off = b->len = 0;
	else
		b->off += n;
}

char *
buf_cstr(struct buf *b)
{
	if (reserve(b, 0) == -1)
		return NULL;
	b->data[b->len] = '\0';
	return (char *)b->data + b->off;
}

char *
buf_release(struct buf *b, size_t *lenp)
{
	char	*p;
	size_t	 len;

	if (buf_cstr(b) == NULL)
		return NULL;
	len = buf_len(b);
	if (b->off > 0)
		memmove(b->data, b->data + b->off, len + 1);
	p = (char *)b->data;
	if (lenp != NULL)
		*lenp = len;
	b->data = NULL;
	b->off = b->len = b->cap = 0;
	return p;
}
