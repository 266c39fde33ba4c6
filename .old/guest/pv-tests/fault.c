/*
 * Isolation test guest: faults fatally.  With no trap vector of its own
 * (stvec = 0) the first fault sends it into a storm of faults at address
 * 0: the hypervisor must stop only this domain.
 */
#include "pv.h"

int	guest_main(unsigned long, unsigned long);

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	pv_print("fault: faulting");
	__asm__ volatile(".option arch, +zicsr\n csrw stvec, zero");
	{
		/* An address with no device and no RAM behind it. */
		volatile uint64_t *bad;

		__asm__ volatile("li %0, 0x10" : "=r"(bad));
		*bad = 1;
	}
	for (;;)
		;
}
