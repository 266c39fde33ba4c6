/* The PV console: Xen's console ring page, read by the console daemon. */
#ifndef MINIOS_PVCONS_H
#define MINIOS_PVCONS_H

#include <stdint.h>

/* Takes over console output unless keep_sbi; 0 or -1. */
int	pvcons_init(uint64_t pfn, uint32_t port, int keep_sbi);
/* Bytes dropped because the ring stayed full (a dead backend). */
uint64_t pvcons_dropped(void);

#endif
