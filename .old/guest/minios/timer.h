/* The periodic tick on the boot vCPU, from SBI TIME (SBI spec ch. 6). */
#ifndef MINIOS_TIMER_H
#define MINIOS_TIMER_H

#include <stdint.h>

/* Reads timebase-frequency from /cpus and starts ticking at bootargs.hz. */
void		timer_init(void);
void		timer_interrupt(void);
/* Ticks taken on the boot vCPU since boot: the domain's tick counter. */
uint64_t	timer_ticks(void);
/* Time since boot in timebase units converted to milliseconds. */
uint64_t	timer_ms(void);

#endif
