/*
 * PV test guest: vcpu_op.  vCPU 0 initialises vCPU 1 at _start and brings
 * it up; vCPU 1 says so and takes itself down again; vCPU 0 watches
 * VCPUOP_is_up go 1 then 0, then powers off.
 */
#include "pv.h"

extern char	_start[];
static volatile int	up1;

int	guest_main(unsigned long, unsigned long);
void	secondary(unsigned long, unsigned long);

void
secondary(unsigned long hartid, unsigned long arg)
{
	if (hartid == 1 && arg == 0x5a5a) {
		pv_print("smp: vcpu 1 up");
		__atomic_store_n(&up1, 1, __ATOMIC_SEQ_CST);
		hcall(HC_vcpu_op, 2, 1, 0);		/* VCPUOP_down */
	}
	for (;;)
		hcall(HC_sched_op, 1, 0, 0);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	static struct {
		uint64_t pc, arg;
	} ctx;
	int n;

	(void)hartid;
	(void)fdt;
	if (hcall(HC_vcpu_op, 3, 1, 0) != 0)		/* is_up: not yet */
		pv_shutdown(3);
	ctx.pc = (unsigned long)_start;
	ctx.arg = 0x5a5a;
	if (hcall(HC_vcpu_op, 0, 1, (unsigned long)&ctx) != 0 ||
	    hcall(HC_vcpu_op, 1, 1, 0) != 0)
		pv_shutdown(3);
	for (n = 0; !__atomic_load_n(&up1, __ATOMIC_SEQ_CST); n++)
		hcall(HC_sched_op, 0, 0, 0);		/* yield */
	while (hcall(HC_vcpu_op, 3, 1, 0) != 0)
		hcall(HC_sched_op, 0, 0, 0);
	if (hcall(HC_vcpu_op, 1, 7, 0) != -2)		/* -ENOENT */
		pv_shutdown(3);
	pv_print("smp: vcpu 1 came and went");
	pv_shutdown(0);
}
