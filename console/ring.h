/* Xen's PV console ring (xencons_interface), as the dom0 side reads and writes it. */
#ifndef XVM_CONSOLE_RING_H
#define XVM_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

#include <xvm/xencons.h>

/*
 * Take up to 'max' bytes of guest output.  Returns the count (0 when the
 * ring is empty).  A producer index more than a ring ahead of ours (a
 * confused or hostile guest) is clamped: we read the last ring's worth
 * and report the bytes skipped in *lost.
 */
size_t	 xencons_read_out(volatile struct xencons_interface *, char *buf,
	    size_t max, size_t *lost);

/* Give the guest up to len bytes of input; returns how many fitted. */
size_t	 xencons_write_in(volatile struct xencons_interface *,
	    const char *data, size_t len);

#endif
