/* Isolation test guest: a CPU-bound loop that never stops (counts in RAM). */
#include "pv.h"

volatile uint64_t spin_count __attribute__((aligned(4096)));

int	guest_main(unsigned long, unsigned long);

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	pv_print("spin: spinning");
	for (;;)
		spin_count++;
}
