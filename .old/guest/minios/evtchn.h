/* Event channels: the shared_info page, the upcall, per-port handlers. */
#ifndef MINIOS_EVTCHN_H
#define MINIOS_EVTCHN_H

#include <stdint.h>

typedef void (*evtchn_handler)(uint32_t port, void *arg);

/* Registers shared_info, masks every port, takes the upcall; 0 or -1. */
int	evtchn_init(void);
/* Unmasks port and runs h (if not NULL) in interrupt context on the boot
 * vCPU each time it fires; 0 or -1. */
int	evtchn_bind(uint32_t port, evtchn_handler h, void *arg);
void	evtchn_notify(uint32_t port);
/* Test-and-clears port's pending bit (for pollers); 1 if it was set. */
int	evtchn_clear(uint32_t port);
/* Upcalls taken, for the sysrq 't' report. */
uint64_t evtchn_upcalls(void);

#endif
