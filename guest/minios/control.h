/* The domain's control/ directory in xenstore: shutdown, sysrq and
 * self-check requests from the toolstack. */
#ifndef MINIOS_CONTROL_H
#define MINIOS_CONTROL_H

#include <stdint.h>

struct xenbus;

/* Connects xenbus on the ring at pfn, reads who we are, sets the watches. */
int	control_start(uint64_t pfn, uint32_t port);
/* Collects and acts on watch events; runs on the boot vCPU. */
void	control_poll(void);
/* The xenbus connection with a fresh timeout for one call, or NULL when
 * there is none.  Boot vCPU only. */
struct xenbus *control_bus(void);
/* The reconnection handshake and the watches set again; 0 or XEN_E*. */
int	control_reconnect(void);
/* After a cancelled suspend: reconnect if the ring asks, then check that
 * the store answers (printed). */
void	control_check(void);
/* What a sysrq key does (control/sysrq, and the shell's t and m). */
void	control_sysrq(char key);
/* Waits for the store that ended by the 10 ms timeout, not an event. */
uint64_t control_stalls(void);
/* Sleeps on the store's event channel; the store's events still count. */
void	control_sleep_ms(unsigned ms);

#endif
