/* Growable byte buffers with a sticky error, for messages and socket I/O. */
#ifndef XVM_LIB_BUF_H
#define XVM_LIB_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bytes [off, len) are the content; appends go at len, reads consume from
 * off.  When an append fails (ENOMEM, or EMSGSIZE past 'limit' when that is
 * nonzero) the buffer keeps its content, records the error and ignores
 * later appends until buf_reset(): callers check buf_error() once, after a
 * run of appends.  Safe for libraries: nothing here exits.
 */
struct buf {
	uint8_t	*data;
	size_t	 off;
	size_t	 len;
	size_t	 cap;
	size_t	 limit;		/* 0 = unlimited */
	int	 error;		/* errno of the first failed append */
};

#define BUF_INITIALIZER	{ NULL, 0, 0, 0, 0, 0 }

void	 buf_init(struct buf *, size_t limit);
void	 buf_free(struct buf *);		/* accepts a zeroed buf */
void	 buf_reset(struct buf *);		/* empty; keeps memory */

int	 buf_error(const struct buf *);
void	*buf_data(const struct buf *);		/* borrowed; content start */
size_t	 buf_len(const struct buf *);

void	 buf_add(struct buf *, const void *, size_t);
void	 buf_add_str(struct buf *, const char *);	/* without the NUL */
void	 buf_add_byte(struct buf *, uint8_t);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/*
 * Return a pointer to at least 'n' writable bytes after the content (for
 * read(2) straight into the buffer), or NULL on error.  Then buf_commit()
 * the number of bytes actually written.
 */
void	*buf_space(struct buf *, size_t n);
void	 buf_commit(struct buf *, size_t n);

/* Drop n bytes from the front (n is clamped to the length). */
void	 buf_consume(struct buf *, size_t n);

/*
 * NUL-terminate the content (the NUL is not counted) and return it
 * (borrowed), or NULL on error.
 */
char	*buf_cstr(struct buf *);

/*
 * Take the content over: the caller owns the returned pointer (always
 * NUL-terminated) and the buffer is left empty.  NULL on error.
 */
char	*buf_release(struct buf *, size_t *lenp);

#endif
