/* Byte rings shared with another domain: free-running 32-bit indexes into
 * a power-of-two buffer, as Xen's console and xenstore rings are. */
#ifndef MINIOS_RING_H
#define MINIOS_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring {
	char		*buf;
	uint32_t	 size;		/* power of two */
	uint32_t	*cons;		/* in the shared page */
	uint32_t	*prod;
};

/*
 * Producer: copies up to len bytes in and publishes them.  Returns the
 * bytes copied (0 when full), or -1 when the indexes say more is queued
 * than the ring holds: the peer corrupted them, and nothing is touched.
 */
long	ring_put(const struct ring *r, const void *data, size_t len);
/* Consumer: copies up to len bytes out and frees them; same -1 rule. */
long	ring_get(const struct ring *r, void *data, size_t len);
/* Bytes waiting for the consumer, or -1 as above. */
long	ring_used(const struct ring *r);

#endif
