/* The libxc guest tests' shared fixture: one daemon, its client, the guest ELFs, cmocka helpers. */
#ifndef XVM_GUESTLIB_H
#define XVM_GUESTLIB_H

#include <stdint.h>

#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>

#include "hvtest.h"

/* The guests, by the order of the test programs' arguments. */
enum guest_elf {
	G_PVECHO, G_SPIN, G_FAULT, G_RANDOM, G_TIMER, G_SMP, G_CLOCK,
	G_UART, G_ISASMP, G_BALLOON, G_NR
};

struct guestlib {
	const char	*bin;
	const char	*elf[G_NR];
	struct hvd	 hvd;
	xc_interface	*xch;
};
extern struct guestlib T;

/* argv: the daemon, then the G_NR ELFs.  0, or 2 after a usage message. */
int	 guestlib_args(int argc, char **argv, const char *prog);
/* cmocka group setup/teardown (the daemon with 2 pCPUs) and per-test cleanup. */
int	 guestlib_setup(void **);
int	 guestlib_teardown(void **);
int	 guestlib_cleanup(void **);

/* A 1-vCPU 64 MiB domain of elf, paused; STORE_PFN = param1 if not 0. */
uint32_t start(enum guest_elf, uint64_t param1);
uint64_t cpu_of(uint32_t domid);
/* Wait up to ms for a getinfo flag; the flags, or 0. */
int	 wait_flag(uint32_t domid, uint32_t flag, unsigned ms);
/* pvecho's channel bound from a new handle; *port = ours. */
xenevtchn_handle *echo_channel(uint32_t domid, int *port);
/* n round trips; the mean in us. */
double	 echo_rounds(xenevtchn_handle *, int port, int n);

#endif
