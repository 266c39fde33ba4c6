/*
 * The Debug-spec trigger registers of a hart with no triggers (debug spec
 * 0.13.2, 5.2): tselect holds 0 whatever is written, tdata1 reads type 0
 * ("no trigger at this index") and ignores a breakpoint written to it,
 * tdata2/tdata3 read 0, tinfo says only type 0 exists, and nothing traps.
 * Ours only: QEMU 7.2 implements two match triggers.
 */
#include "guest.h"

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	trap_init();
	trap_clear();
	csr_write(tselect, 1);
	CHECK_EQ(csr_read(tselect), 0);
	/* type 2 (match), M-mode, execute: a breakpoint we do not have */
	csr_write(tdata1, (2UL << 60) | (1UL << 6) | (1UL << 2));
	CHECK_EQ(csr_read(tdata1), 0);
	csr_write(tdata2, 0x80000000UL);
	CHECK_EQ(csr_read(tdata2), 0);
	csr_write(tdata3, ~0UL);
	CHECK_EQ(csr_read(tdata3), 0);
	CHECK_EQ(csr_read(tinfo), 1);
	CHECK_EQ(last_trap.count, 0);
	/* tcontrol is optional and absent: illegal instruction */
	__asm__ volatile(".option arch, +zicsr\n csrr t0, 0x7a5" ::: "t0");
	CHECK_EQ(last_trap.count, 1);
	CHECK_EQ(last_trap.cause, 2);
	return check_summary("triggers");
}
