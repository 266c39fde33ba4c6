/*
 * Trap capture for the ISA tests: an M-mode handler records cause, tval and
 * epc and resumes after the faulting instruction (or at trap_resume), and
 * to_mode()/to_m() move the running code between privilege levels.  An
 * S-mode handler does the same for delegated traps.
 */
#include "guest.h"

volatile struct trap_rec last_trap, last_strap;
volatile unsigned long trap_resume, strap_resume;
volatile int mode_switch;

static unsigned long
insn_len(unsigned long epc)
{
	return (*(volatile uint16_t *)epc & 3) == 3 ? 4 : 2;
}

__attribute__((weak)) void
irq_hook(unsigned long cause)
{
	(void)cause;
	csr_write(mie, 0);
}

__attribute__((weak)) void
sirq_hook(unsigned long cause)
{
	(void)cause;
	csr_write(sie, 0);
}

__attribute__((interrupt("machine"), aligned(4))) static void
mtrap(void)
{
	unsigned long cause = csr_read(mcause), epc = csr_read(mepc);

	if ((long)cause < 0) {
		last_trap.cause = cause;
		last_trap.count++;
		irq_hook(cause);
		return;
	}
	if ((cause == 8 || cause == 9 || cause == 11) && mode_switch) {
		mode_switch = 0;
		csr_set(mstatus, 3UL << 11);
		csr_write(mepc, epc + 4);
		return;
	}
	last_trap.cause = cause;
	last_trap.tval = csr_read(mtval);
	last_trap.epc = epc;
	last_trap.count++;
	if (trap_resume != 0) {
		csr_write(mepc, trap_resume);
		trap_resume = 0;
	} else {
		csr_write(mepc, epc + insn_len(epc));
	}
}

__attribute__((interrupt("supervisor"), aligned(4))) static void
strap(void)
{
	unsigned long cause = csr_read(scause), epc = csr_read(sepc);

	if ((long)cause < 0) {
		last_strap.cause = cause;
		last_strap.count++;
		sirq_hook(cause);
		return;
	}
	last_strap.cause = cause;
	last_strap.tval = csr_read(stval);
	last_strap.epc = epc;
	last_strap.count++;
	if (strap_resume != 0) {
		csr_write(sepc, strap_resume);
		strap_resume = 0;
	} else {
		csr_write(sepc, epc + insn_len(epc));
	}
}

void
trap_init(void)
{
	/*
	 * One PMP entry opening all memory to S and U: QEMU implements PMP,
	 * where no entry means no access below M (ours has none: writes are
	 * ignored, everything is open).
	 */
	csr_write(pmpaddr0, ~0UL >> 10);
	csr_write(pmpcfg0, 0x1f);
	csr_write(mtvec, (unsigned long)mtrap);
	csr_write(stvec, (unsigned long)strap);
}

void
trap_clear(void)
{
	last_trap.cause = last_trap.tval = last_trap.epc = 0;
	last_trap.count = 0;
	last_strap.cause = last_strap.tval = last_strap.epc = 0;
	last_strap.count = 0;
}

/* Continue the caller at privilege 'mode' (0 U, 1 S) from M-mode. */
__asm__(
"	.option arch, +zicsr\n"
"	.text\n"
"	.globl to_mode\n"
"to_mode:\n"
"	li	t0, 3 << 11\n"
"	csrc	mstatus, t0\n"
"	slli	t1, a0, 11\n"
"	csrs	mstatus, t1\n"
"	csrw	mepc, ra\n"
"	mret\n");

/* Back to M-mode from U or S (an ecall the M handler recognises). */
void
to_m(void)
{
	mode_switch = 1;
	__asm__ volatile("ecall" ::: "memory");
}
