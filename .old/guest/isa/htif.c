/*
 * HTIF: console output through tohost (device 1, command 1) and the exit
 * code through tohost (code << 1 | 1), as riscv-tests report.  Exits 3 so
 * the test can tell HTIF's code from a syscon power-off.
 */
#include "guest.h"

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(8)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(8)));

static void
htif_putc(char c)
{
	tohost = (1ULL << 56) | (1ULL << 48) | (uint8_t)c;
	while (tohost != 0)
		;
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	const char *s = "htif console ok\n";

	(void)hartid;
	(void)fdt;
	while (*s)
		htif_putc(*s++);
	tohost = (3 << 1) | 1;
	for (;;)
		;
}
