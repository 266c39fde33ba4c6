/* State shared across the kernel's subsystems, and the work queue that
 * moves requests from interrupt context to the boot vCPU's main loop. */
#ifndef MINIOS_KERNEL_H
#define MINIOS_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "guest/minios/bootargs.h"
#include "guest/minios/fdt.h"

/* Linker-script symbols bounding the image and its sections. */
extern char _start[], __rodata_start[], __data_start[], _end[];

extern struct bootargs	bootargs;
extern struct dt	devtree;
extern uint64_t		timebase_hz;

/* Requests, posted from any context, run by kernel_poll() on CPU 0. */
#define REQ_POWEROFF	(1U << 0)
#define REQ_REBOOT	(1U << 1)
#define REQ_HALT	(1U << 2)
#define REQ_SUSPEND	(1U << 3)
#define REQ_SELFCHECK	(1U << 4)
#define REQ_XENBUS	(1U << 5)	/* xenbus has watch events queued */
#define REQ_CONSOLE	(1U << 6)	/* console input may be waiting */

void	kernel_request(unsigned req);
/* True when requests are waiting for kernel_poll(). */
int	kernel_pending(void);
/* Called often by every workload on CPU 0; runs what was requested. */
void	kernel_poll(void);

/* The self-check region, filled at boot (workload.c). */
void	selfcheck_setup(void);
/* Prints the result; copies it into line (may be NULL) for xenstore. */
void	selfcheck_report(const char *why, char *line, size_t len);

/* Workloads: CPU 0 runs workload_main, the others workload_secondary. */
void	workload_main(void) __attribute__((noreturn));
void	workload_secondary(void) __attribute__((noreturn));

#endif
