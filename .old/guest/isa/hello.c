/* The smallest guest: prints its hart id, powers off. */
#include "guest.h"

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)fdt;
	gprintf("hello from hart %lu\n", hartid);
	return 0;
}
