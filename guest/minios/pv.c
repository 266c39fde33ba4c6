/*
 * The PV layer's life cycle: find the hypervisor, learn the console and
 * xenstore rings from the HVM params, keep their pages out of the
 * allocator, then connect event channels, the console and xenbus.  On a
 * plain SBI machine (QEMU) there is no "xvm,hypervisor" node and every
 * entry point here does nothing.
 */
#include "guest/minios/arch.h"
#include "guest/minios/balloon.h"
#include "guest/minios/console.h"
#include "guest/minios/control.h"
#include "guest/minios/evtchn.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/pv.h"
#include "guest/minios/pvcons.h"

static int active;
static uint64_t store_pfn, store_port, cons_pfn, cons_port;

static int
find_node(void)
{
	int root = dt_root(&devtree), node;

	for (node = dt_first_child(&devtree, root); node >= 0;
	    node = dt_next_sibling(&devtree, node))
		if (dt_prop_has_str(&devtree, node, "compatible",
		    "xvm,hypervisor"))
			return node;
	return -1;
}

static void
param(uint32_t index, const char *name, uint64_t *val)
{
	long r = hyp_get_param(index, val);

	if (r != 0) {
		kprintf("pv: HVM param %s: error %ld", name, r);
		*val = 0;
	}
}

static void
read_params(void)
{
	param(HVM_PARAM_STORE_PFN, "STORE_PFN", &store_pfn);
	param(HVM_PARAM_STORE_EVTCHN, "STORE_EVTCHN", &store_port);
	param(HVM_PARAM_CONSOLE_PFN, "CONSOLE_PFN", &cons_pfn);
	param(HVM_PARAM_CONSOLE_EVTCHN, "CONSOLE_EVTCHN", &cons_port);
	kprintf("pv: xenstore pfn %#lx port %lu, console pfn %#lx port %lu",
	    (unsigned long)store_pfn, (unsigned long)store_port,
	    (unsigned long)cons_pfn, (unsigned long)cons_port);
}

void
pv_probe(void)
{
	long v;

	if (find_node() < 0)
		return;
	v = hyp_xen_version();
	if (v < 0) {
		kprintf("pv: hypervisor node present but xen_version fails "
		    "(%ld); running without PV drivers", v);
		return;
	}
	kprintf("pv: xvm hypervisor, Xen interface %ld.%ld", v >> 16,
	    v & 0xffff);
	active = 1;
	read_params();
	if (store_pfn != 0)
		mm_reserve(store_pfn << PAGE_SHIFT, PAGE_SIZE, "xenstore ring");
	if (cons_pfn != 0)
		mm_reserve(cons_pfn << PAGE_SHIFT, PAGE_SIZE, "console ring");
}

static void
connect(void)
{
	if (cons_pfn != 0 && cons_port != 0)
		(void)pvcons_init(cons_pfn, (uint32_t)cons_port,
		    bootargs.console_sbi);
	else
		kprintf("pv: no console ring; output stays on SBI");
	if (store_pfn != 0 && store_port != 0)
		(void)control_start(store_pfn, (uint32_t)store_port);
	else
		kprintf("pv: no xenstore ring; control/ requests unavailable");
}

void
pv_init(void)
{
	if (!active)
		return;
	if (evtchn_init() != 0) {
		kprintf("pv: no event channels; running without PV drivers");
		active = 0;
		return;
	}
	connect();
}

int
pv_active(void)
{
	return active;
}

void
pv_poll(void)
{
	if (active)
		control_poll();
}

/*
 * Xen's suspend: SCHEDOP_shutdown(suspend) returns when the domain runs
 * again, with 1 if the suspend was cancelled (same domain, nothing lost)
 * and 0 if it resumed as a new domain (restore or migration): then the
 * shared_info registration, the event channels and the rings are new, and
 * everything is set up again from the HVM params.
 */
void
pv_suspend(void)
{
	uint64_t old_store, old_cons;
	long r;

	if (!active) {
		kprintf("pv: suspend requested, but this is not a PV domain");
		return;
	}
	kprintf("pv: suspending");
	r = hyp_shutdown(SHUTDOWN_suspend);
	if (r < 0) {
		kprintf("pv: suspend refused: error %ld", r);
		return;
	}
	if (r == 1) {
		/* Same domain, same rings: only a store that restarted or
		 * reset meanwhile needs the reconnection handshake. */
		kprintf("pv: suspend cancelled; carrying on");
		control_check();
		return;
	}
	old_store = store_pfn;
	old_cons = cons_pfn;
	console_set_sink(NULL);
	read_params();
	/* A restore keeps the params (they travel in the save stream); ring
	 * pages that moved could sit on memory this kernel already uses. */
	if (store_pfn != old_store || cons_pfn != old_cons)
		kprintf("pv: resume: ring pages moved (xenstore %#lx -> %#lx, "
		    "console %#lx -> %#lx); memory may be shared by mistake",
		    (unsigned long)old_store, (unsigned long)store_pfn,
		    (unsigned long)old_cons, (unsigned long)cons_pfn);
	if (evtchn_init() != 0)
		panic("pv: resume: event channels did not come back");
	connect();
	kprintf("pv: resumed");
	balloon_resume();
}

void
pv_shutdown(int reason)
{
	long r;

	if (!active)
		return;
	r = hyp_shutdown((uint32_t)reason);
	kprintf("pv: SCHEDOP_shutdown(%d) returned %ld", reason, r);
}
