/* The domain's control/ directory in xenstore: shutdown, sysrq and
 * self-check requests from the toolstack. */
#ifndef MINIOS_CONTROL_H
#define MINIOS_CONTROL_H

#include <stdint.h>

/* Connects xenbus on the ring at pfn, reads who we are, sets the watches. */
int	control_start(uint64_t pfn, uint32_t port);
/* Collects and acts on watch events; runs on the boot vCPU. */
void	control_poll(void);

#endif
