/*
 * Shared byte rings.
 *
 * The peer may write anything into the indexes at any time, so each is
 * read once into a local, the distance between them is checked against
 * the ring size before it is used, and only our own index is written.
 * Ordering: the producer copies data, then release-stores prod; the
 * consumer acquire-loads prod, copies data out, then release-stores cons,
 * so the peer never sees a slot freed before we are done reading it.
 */
#include <string.h>

#include "guest/minios/ring.h"

long
ring_used(const struct ring *r)
{
	uint32_t cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
	uint32_t prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);

	if (prod - cons > r->size)
		return -1;
	return (long)(prod - cons);
}

long
ring_put(const struct ring *r, const void *data, size_t len)
{
	uint32_t cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
	uint32_t prod = __atomic_load_n(r->prod, __ATOMIC_RELAXED);
	uint32_t space, off, chunk;
	const char *p = data;
	size_t done = 0;

	if (prod - cons > r->size)
		return -1;
	space = r->size - (prod - cons);
	if (len > space)
		len = space;
	while (done < len) {
		off = (prod + (uint32_t)done) & (r->size - 1);
		chunk = r->size - off;
		if (chunk > len - done)
			chunk = (uint32_t)(len - done);
		memcpy(r->buf + off, p + done, chunk);
		done += chunk;
	}
	__atomic_store_n(r->prod, prod + (uint32_t)len, __ATOMIC_RELEASE);
	return (long)len;
}

long
ring_get(const struct ring *r, void *data, size_t len)
{
	uint32_t prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
	uint32_t cons = __atomic_load_n(r->cons, __ATOMIC_RELAXED);
	uint32_t used, off, chunk;
	char *p = data;
	size_t done = 0;

	if (prod - cons > r->size)
		return -1;
	used = prod - cons;
	if (len > used)
		len = used;
	while (done < len) {
		off = (cons + (uint32_t)done) & (r->size - 1);
		chunk = r->size - off;
		if (chunk > len - done)
			chunk = (uint32_t)(len - done);
		memcpy(p + done, r->buf + off, chunk);
		done += chunk;
	}
	__atomic_store_n(r->cons, cons + (uint32_t)len, __ATOMIC_RELEASE);
	return (long)len;
}
