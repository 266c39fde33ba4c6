/* S-mode trap dispatch: interrupts go to their subsystem, and any
 * exception is a kernel bug (there is no user mode), so it panics with
 * the state needed to find it. */
#include <stddef.h>

#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"
#include "guest/minios/trap.h"

_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE,
    "boot.S allocates this much");
_Static_assert(TRAP_FRAME_SIZE % 16 == 0, "sp stays 16-byte aligned");

static trap_irq_handler external;

static const char *const exceptions[] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store address misaligned",
	[7] = "store access fault",
	[8] = "ecall from U-mode",
	[9] = "ecall from S-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store page fault",
};

void
trap_set_external(trap_irq_handler h)
{
	external = h;
}

void
trap_handler(struct trap_frame *tf)
{
	unsigned long cause = csr_read(scause);
	unsigned long code = cause & ~SCAUSE_IRQ;
	const char *what = NULL;

	if (cause & SCAUSE_IRQ) {
		this_cpu()->irqs++;
		switch (code) {
		case IRQ_S_TIMER:
			timer_interrupt();
			return;
		case IRQ_S_SOFT:
			csr_clear(sip, SIE_SSIE);
			return;
		case IRQ_S_EXT:
			if (external != NULL) {
				external();
				return;
			}
			/* Nobody asked for it: mask it rather than loop. */
			csr_clear(sie, SIE_SEIE);
			kprintf("trap: unexpected external interrupt masked");
			return;
		default:
			panic("trap: unexpected interrupt %lu on cpu%u", code,
			    this_cpu()->id);
		}
	}
	if (code < sizeof(exceptions) / sizeof(exceptions[0]))
		what = exceptions[code];
	panic("trap: %s (scause %#lx) on cpu%u at sepc %#lx, stval %#lx, "
	    "ra %#lx, sp %#lx", what != NULL ? what : "exception", cause,
	    this_cpu()->id, (unsigned long)tf->sepc, csr_read(stval),
	    (unsigned long)tf->x[1], (unsigned long)tf->x[2]);
}
