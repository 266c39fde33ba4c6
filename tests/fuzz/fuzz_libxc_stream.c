/* Fuzz target: libxc's save-stream reader (a migration's destination reads a peer's stream). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xc_sr.h>

#include "libxc/xc_sr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct mem {
	const uint8_t	*p;
	size_t		 len, off;
};

/* A short read at times, as a socket gives. */
static ssize_t
mem_read(void *arg, void *buf, size_t len)
{
	struct mem	*m = arg;
	size_t		 n = m->len - m->off;

	if (n > len)
		n = len;
	if (n > 1 && (m->off & 1))
		n /= 2;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static ssize_t
mem_write(void *arg, const void *buf, size_t len)
{
	(void)arg;
	(void)buf;
	return (ssize_t)len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem		 m = { data, size, 0 };
	struct xc_sr_io		 io = { mem_read, mem_write, &m };
	struct sr_stream	*s;
	uint32_t		 flags, type, len;
	void			*body;

	if ((s = sr_open(-1, &io)) == NULL)
		return 0;
	if (sr_read_header(s, &flags) == 0)
		while (sr_read_rec(s, &type, &body, &len) == 0) {
			if (len > SR_MAX_REC || body == NULL)
				__builtin_trap();
			free(body);
			if (type == SR_REC_END)
				break;	/* its digest matched */
		}
	sr_close(s);
	return 0;
}
