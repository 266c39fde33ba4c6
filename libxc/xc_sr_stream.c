/* libxc save/restore: the stream's records, read and written with a running SHA-256. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <xvm/xc_sr.h>

#include "libxc/xc_sr.h"

#define SR_BUF	(256u << 10)

struct sr_stream {
	int		 fd;
	const struct xc_sr_io *io;	/* or NULL: fd */
	uint64_t	 total;		/* bytes put so far */
	EVP_MD_CTX	*md;
	uint8_t		*buf;
	size_t		 len;		/* write: buffered; read: valid */
	size_t		 off;		/* read: consumed */
	int		 eof;
};

static const uint8_t	 zeros[8];

struct sr_stream *
sr_open(int fd, const struct xc_sr_io *io)
{
	struct sr_stream	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->buf = malloc(SR_BUF)) == NULL ||
	    (s->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1) {
		sr_close(s);
		errno = ENOMEM;
		return NULL;
	}
	s->fd = fd;
	s->io = io;
	return s;
}

uint64_t
sr_bytes(const struct sr_stream *s)
{
	return s->total;
}

static ssize_t
io_write(struct sr_stream *s, const void *p, size_t len)
{
	if (s->io != NULL)
		return s->io->write(s->io->arg, p, len);
	return write(s->fd, p, len);
}

static ssize_t
io_read(struct sr_stream *s, void *p, size_t len)
{
	if (s->io != NULL)
		return s->io->read(s->io->arg, p, len);
	return read(s->fd, p, len);
}

void
sr_close(struct sr_stream *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->md);
	free(s->buf);
	free(s);
}

static int
flush(struct sr_stream *s)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < s->len) {
		n = io_write(s, s->buf + done, s->len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
		done += (size_t)n;
	}
	s->len = 0;
	return 0;
}

/* Append to the stream (and the digest unless 'raw'). */
static int
put(struct sr_stream *s, const void *p, size_t len, int hash)
{
	const uint8_t	*q = p;
	size_t		 k;

	if (hash && len > 0 && EVP_DigestUpdate(s->md, p, len) != 1) {
		errno = EIO;
		return -1;
	}
	s->total += len;
	while (len > 0) {
		if (s->len == SR_BUF && flush(s) == -1)
			return -1;
		k = SR_BUF - s->len < len ? SR_BUF - s->len : len;
		memcpy(s->buf + s->len, q, k);
		s->len += k;
		q += k;
		len -= k;
	}
	return 0;
}

int
sr_write_header(struct sr_stream *s, uint32_t flags)
{
	struct sr_header	 h;

	memcpy(h.magic, SR_MAGIC, sizeof(h.magic));
	h.version = XC_SR_VERSION;
	h.flags = flags;
	return put(s, &h, sizeof(h), 1);
}

int
sr_write_rec(struct sr_stream *s, uint32_t type, const void *a, size_t alen,
    const void *b, size_t blen)
{
	struct sr_rec_hdr	 h;
	size_t			 len = alen + blen;

	if (len > SR_MAX_REC) {
		errno = EMSGSIZE;
		return -1;
	}
	h.type = type;
	h.len = (uint32_t)len;
	if (put(s, &h, sizeof(h), 1) == -1 || put(s, a, alen, 1) == -1 ||
	    put(s, b, blen, 1) == -1 || put(s, zeros, (8 - len % 8) % 8, 1) == -1)
		return -1;
	return 0;
}

int
sr_write_end(struct sr_stream *s)
{
	struct sr_rec_hdr	 h = { SR_REC_END, 32 };
	uint8_t			 digest[EVP_MAX_MD_SIZE];
	unsigned		 dlen;

	if (EVP_DigestFinal_ex(s->md, digest, &dlen) != 1 || dlen != 32) {
		errno = EIO;
		return -1;
	}
	if (put(s, &h, sizeof(h), 0) == -1 || put(s, digest, 32, 0) == -1)
		return -1;
	return flush(s);
}

/* Take exactly len bytes (ENODATA at an early end). */
static int
take(struct sr_stream *s, void *p, size_t len, int hash)
{
	uint8_t	*q = p;
	size_t	 k;
	ssize_t	 n;

	while (len > 0) {
		if (s->off == s->len) {
			if (s->eof) {
				errno = ENODATA;
				return -1;
			}
			n = io_read(s, s->buf, SR_BUF);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				return -1;
			if (n == 0)
				s->eof = 1;
			s->len = (size_t)n;
			s->off = 0;
			continue;
		}
		k = s->len - s->off < len ? s->len - s->off : len;
		if (q != NULL) {
			memcpy(q, s->buf + s->off, k);
			q += k;
		}
		if (hash && EVP_DigestUpdate(s->md, s->buf + s->off, k) != 1) {
			errno = EIO;
			return -1;
		}
		s->off += k;
		len -= k;
	}
	return 0;
}

int
sr_read_header(struct sr_stream *s, uint32_t *flags)
{
	struct sr_header	 h;

	if (take(s, &h, sizeof(h), 1) == -1) {
		if (errno == ENODATA)
			errno = EILSEQ;		/* too short to be ours */
		return -1;
	}
	if (memcmp(h.magic, SR_MAGIC, sizeof(h.magic)) != 0 ||
	    h.version != XC_SR_VERSION) {
		errno = EILSEQ;
		return -1;
	}
	*flags = h.flags;
	return 0;
}

int
sr_read_rec(struct sr_stream *s, uint32_t *type, void **body, uint32_t *len)
{
	struct sr_rec_hdr	 h;
	EVP_MD_CTX		*fin;
	uint8_t			 digest[EVP_MAX_MD_SIZE];
	unsigned		 dlen = 0;
	void			*b;

	*body = NULL;
	if (take(s, &h, sizeof(h), 0) == -1)
		return -1;
	if (h.len > SR_MAX_REC || (h.type == SR_REC_END && h.len != 32)) {
		errno = EBADMSG;
		return -1;
	}
	if (h.type == SR_REC_END) {
		/* The digest covers everything before this record. */
		if ((fin = EVP_MD_CTX_new()) == NULL ||
		    EVP_MD_CTX_copy_ex(fin, s->md) != 1 ||
		    EVP_DigestFinal_ex(fin, digest, &dlen) != 1) {
			EVP_MD_CTX_free(fin);
			errno = EIO;
			return -1;
		}
		EVP_MD_CTX_free(fin);
	} else if (EVP_DigestUpdate(s->md, &h, sizeof(h)) != 1) {
		errno = EIO;
		return -1;
	}
	if ((b = malloc(h.len + 8)) == NULL)
		return -1;
	if (take(s, b, h.len, h.type != SR_REC_END) == -1 ||
	    take(s, NULL, (8 - h.len % 8) % 8, h.type != SR_REC_END) == -1) {
		free(b);
		return -1;
	}
	if (h.type == SR_REC_END && (dlen != 32 ||
	    memcmp(b, digest, 32) != 0)) {
		free(b);
		errno = EBADMSG;
		return -1;
	}
	*type = h.type;
	*body = b;
	*len = h.len;
	return 0;
}

int
sr_read_done(struct sr_stream *s)
{
	struct stat	 st;
	uint8_t		 c;
	ssize_t		 n;

	if (s->off < s->len) {
		errno = EBADMSG;
		return -1;
	}
	if (s->eof || fstat(s->fd, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	while ((n = read(s->fd, &c, 1)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return -1;
	if (n > 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}
