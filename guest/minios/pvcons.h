/* The PV console: Xen's console ring page, read by the console daemon. */
#ifndef MINIOS_PVCONS_H
#define MINIOS_PVCONS_H

#include <stddef.h>
#include <stdint.h>

/* Takes over console output unless keep_sbi; 0 or -1. */
int	pvcons_init(uint64_t pfn, uint32_t port, int keep_sbi);
/* Takes up to len typed bytes from the input ring: the count, or -1 when
 * the backend corrupted its indexes.  Boot vCPU only. */
long	pvcons_read(char *buf, size_t len);
/* Bytes dropped because the ring stayed full (a dead backend). */
uint64_t pvcons_dropped(void);

#endif
