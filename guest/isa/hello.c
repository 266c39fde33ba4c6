/* The smallest guest: prints, reports its hart and misa, powers off. */
#include "guest.h"

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)fdt;
	gprintf("hello from hart %lu, misa %lx\n", hartid, csr_read(misa));
	return 0;
}
