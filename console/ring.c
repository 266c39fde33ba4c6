/* Xen's PV console ring (xencons_interface), as the dom0 side reads and writes it. */
#include <string.h>

#include "console/ring.h"

size_t
xencons_read_out(volatile struct xencons_interface *intf, char *buf,
    size_t max, size_t *lost)
{
	uint32_t	 cons, prod, avail;
	size_t		 n = 0;

	*lost = 0;
	cons = intf->out_cons;
	prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
	avail = prod - cons;
	if (avail > XENCONS_OUT_SIZE) {
		/* The guest wrote past what the ring holds: skip to its tail. */
		*lost = avail - XENCONS_OUT_SIZE;
		cons = prod - (uint32_t)XENCONS_OUT_SIZE;
		avail = XENCONS_OUT_SIZE;
	}
	while (n < max && n < avail) {
		buf[n] = intf->out[(cons + n) & (XENCONS_OUT_SIZE - 1)];
		n++;
	}
	/* Our reads of the data happen before the guest sees the space. */
	__atomic_store_n(&intf->out_cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
	return n;
}

size_t
xencons_write_in(volatile struct xencons_interface *intf, const char *data,
    size_t len)
{
	uint32_t	 cons, prod;
	size_t		 n = 0;

	cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
	prod = intf->in_prod;
	/* A guest that moved in_cons past in_prod gets no input. */
	if (prod - cons > XENCONS_IN_SIZE)
		return 0;
	while (n < len && prod - cons < XENCONS_IN_SIZE) {
		intf->in[prod & (XENCONS_IN_SIZE - 1)] = data[n++];
		prod++;
	}
	__atomic_store_n(&intf->in_prod, prod, __ATOMIC_RELEASE);
	return n;
}
