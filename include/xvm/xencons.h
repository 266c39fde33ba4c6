/* Xen's PV console ring page (io/console.h): what a guest and the console daemon share. */
#ifndef XVM_XENCONS_H
#define XVM_XENCONS_H

/*
 * The page a PV guest shares for its console (HVM_PARAM_CONSOLE_PFN):
 * the guest writes 'out' and advances out_prod, dom0 consumes up to
 * out_prod and advances out_cons; 'in' is the other way round.  Indexes
 * run freely and are masked by the ring sizes (powers of two).
 * Freestanding: guests include this too.
 */

#include <stddef.h>
#include <stdint.h>

#define XENCONS_IN_SIZE		1024
#define XENCONS_OUT_SIZE	2048

typedef uint32_t XENCONS_RING_IDX;

struct xencons_interface {
	char		in[XENCONS_IN_SIZE];
	char		out[XENCONS_OUT_SIZE];
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};

_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072 &&
    sizeof(struct xencons_interface) == 3088,
    "the console page layout is Xen's");

#endif
