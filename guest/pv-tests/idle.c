/*
 * Benchmark guest: an idle PV domain.  It registers its shared_info, says
 * "idle: up" and then blocks in SCHEDOP_block forever, waking only for
 * events (which it acknowledges and ignores).
 */
#include "pv.h"

static struct shared_info sh __attribute__((aligned(4096)));

int	guest_main(unsigned long, unsigned long);

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	if (pv_map_shared_info(&sh) != 0)
		pv_shutdown(SHUTDOWN_crash);
	pv_print("idle: up");
	for (;;) {
		pv_ack(&sh);
		hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
	}
}
