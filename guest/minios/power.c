/* Poweroff, reboot and crash through SBI SRST, falling back to parking the
 * vCPU when the firmware cannot do it. */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/power.h"
#include "guest/minios/pv.h"
#include "guest/minios/sbi.h"

void
power_halt_cpu(void)
{
	irq_disable();
	csr_write(sie, 0);
	for (;;)
		wfi();
}

static void __attribute__((noreturn))
reset(unsigned long type, unsigned long reason, int pv_reason)
{
	/* A PV domain reports why it stopped, as Xen's SCHEDOP_shutdown does;
	 * the toolstack acts on the reason (on_poweroff, on_reboot, on_crash). */
	if (pv_reason >= 0)
		pv_shutdown(pv_reason);
	sbi_system_reset(type, reason);
	kprintf("power: the firmware refused; halting this vCPU");
	power_halt_cpu();
}

void
power_off(void)
{
	kprintf("power: poweroff");
	reset(SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE, SHUTDOWN_poweroff);
}

void
power_reboot(void)
{
	kprintf("power: reboot");
	reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE, SHUTDOWN_reboot);
}

void
power_crash(void)
{
	reset(SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, SHUTDOWN_crash);
}
