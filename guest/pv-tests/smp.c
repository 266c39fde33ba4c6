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
		hcall(__HYPERVISOR_vcpu_op, VCPUOP_down, 1, 0);
	}
	for (;;)
		hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	static struct xvm_vcpu_start ctx;
	int n;

	(void)hartid;
	(void)fdt;
	if (hcall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0) != 0) /* not yet */
		pv_shutdown(SHUTDOWN_crash);
	ctx.pc = (unsigned long)_start;
	ctx.arg = 0x5a5a;
	if (hcall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1,
	    (unsigned long)&ctx) != 0 ||
	    hcall(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0) != 0)
		pv_shutdown(SHUTDOWN_crash);
	for (n = 0; !__atomic_load_n(&up1, __ATOMIC_SEQ_CST); n++)
		hcall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
	while (hcall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0) != 0)
		hcall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
	if (hcall(__HYPERVISOR_vcpu_op, VCPUOP_up, 7, 0) != -XEN_ENOENT)
		pv_shutdown(SHUTDOWN_crash);
	pv_print("smp: vcpu 1 came and went");
	pv_shutdown(SHUTDOWN_poweroff);
}
