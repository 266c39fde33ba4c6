/* PV layer entry points (phase 1: detection only, until the ABI lands). */
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/pv.h"

static int found;

void
pv_probe(void)
{
	int root = dt_root(&devtree), node;

	for (node = dt_first_child(&devtree, root); node >= 0;
	    node = dt_next_sibling(&devtree, node))
		if (dt_prop_has_str(&devtree, node, "compatible",
		    "xvm,hypervisor"))
			found = 1;
	if (found)
		kprintf("pv: hypervisor node found; PV drivers not implemented yet");
}

void
pv_init(void)
{
}

int
pv_active(void)
{
	return 0;
}

void
pv_poll(void)
{
}

void
pv_suspend(void)
{
	kprintf("pv: suspend: not implemented");
}

void
pv_shutdown(int reason)
{
	(void)reason;
}
