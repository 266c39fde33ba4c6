/* Fuzz target: the wire decoder and every handler, fed one client's byte stream. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "xenstored/conn.h"
#include "xenstored/domain.h"
#include "xenstored/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct feed {
	const uint8_t	*data;
	size_t		 len;
};

static ssize_t
f_read(struct conn *c, void *dst, size_t len, int *eof)
{
	struct feed	*f = c->tp;
	size_t		 n = len < f->len ? len : f->len;

	memcpy(dst, f->data, n);
	f->data += n;
	f->len -= n;
	*eof = (f->len == 0);
	return (ssize_t)n;
}

static ssize_t
f_write(struct conn *c, const void *src, size_t len)
{
	(void)c;
	(void)src;
	return (ssize_t)len;
}

static void
f_want_write(struct conn *c, int on)
{
	(void)c;
	(void)on;
}

static const struct conn_ops feed_ops = {
	.name = "fuzz", .read = f_read, .write = f_write,
	.want_write = f_want_write,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct feed	 priv, guest;
	struct conn	*a, *b;
	char		*cause = NULL;
	size_t		 half = len / 2;
	int		 ad = 0, bd = 0;

	log_init("fuzz", 0, 0);
	(void)log_open_file("/dev/null");	/* quiet: only the file gets lines */
	if (store_open(NULL, 0, &cause) == -1)
		abort();
	domain_init(NULL);
	conn_init(NULL);
	/* The first half as dom0, the second as an unprivileged guest. */
	priv.data = data;
	priv.len = half;
	guest.data = data + half;
	guest.len = len - half;
	a = conn_new(&feed_ops, &priv, 0, 1, 0, "fuzz dom0");
	b = conn_new(&feed_ops, &guest, 7, 0, 0, "fuzz guest");
	/* A closed connection is freed by the turn after it died. */
	while (!ad || !bd) {
		if (!ad) {
			conn_readable(a);
			ad = a->dead;
		}
		if (!bd) {
			conn_readable(b);
			bd = b->dead;
		}
		conn_end_turn();
	}
	conn_end_turn();
	conn_shutdown();
	domain_shutdown();
	store_close();
	return 0;
}
