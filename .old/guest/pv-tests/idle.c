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
	static struct {
		uint16_t domid, size;
		uint32_t space;
		uint64_t idx, gpfn;
	} atp;

	(void)hartid;
	(void)fdt;
	atp.domid = DOMID_SELF;
	atp.gpfn = (unsigned long)&sh >> 12;
	if (hcall(HC_memory_op, 7, (unsigned long)&atp, 0) != 0)
		pv_shutdown(3);
	pv_print("idle: up");
	for (;;) {
		pv_ack(&sh);
		hcall(HC_sched_op, 1, 0, 0);
	}
}
