/*
 * Isolation test guest: executes random instruction words.  A page of
 * pseudo-random words (seed from HVM_PARAM_STORE_PFN) is jumped into;
 * whatever happens must stay inside this domain.
 */
#include "pv.h"

static uint32_t page[1024] __attribute__((aligned(4096)));

int	guest_main(unsigned long, unsigned long);

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	uint64_t seed;
	unsigned i;

	(void)hartid;
	(void)fdt;
	if (pv_get_param(HVM_PARAM_STORE_PFN, &seed) != 0 || seed == 0)
		seed = 88172645463325252ULL;
	for (i = 0; i < 1024; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		page[i] = (uint32_t)seed;
	}
	pv_print("random: jumping");
	__asm__ volatile(".option arch, +zifencei\n fence.i\n jr %0" :: "r"(page) : "memory");
	for (;;)
		;
}
