/* Trap entry (boot.S) hands the handler this frame. */
#ifndef MINIOS_TRAP_H
#define MINIOS_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t	x[32];		/* x[0] unused; x[2] is sp at the trap */
	uint64_t	sepc;
	uint64_t	sstatus;
};

#define TRAP_FRAME_SIZE	(34 * 8)

/* The PV layer's event upcall, taken as a supervisor external interrupt. */
typedef void (*trap_irq_handler)(void);
void	trap_set_external(trap_irq_handler h);
void	trap_handler(struct trap_frame *tf);

#endif
