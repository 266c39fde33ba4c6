/*
 * The test device written the ways firmware and kernels write it:
 * POWER16 stores 0x5555 with a 16-bit store, as OpenSBI 1.1 powers off;
 * REBOOT stores 0x7777, as Linux's syscon-reboot does (and after a panic
 * with panic=N).  The runner must exit 0 for the first and 4 for the
 * second.
 */
#include "guest.h"

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
#if defined(POWER16)
	gprintf("power-off with a 16-bit store\n");
	*(volatile uint16_t *)SYSCON = 0x5555;
#elif defined(REBOOT)
	gprintf("reboot\n");
	mmio_w32(SYSCON, 0x7777);
#endif
	for (;;)
		__asm__ volatile("wfi");
}
