/* What bench_hv and bench_wake share: pvecho's round trips with dom0, the daemon's CPU time. */
#ifndef XVM_BENCHLIB_H
#define XVM_BENCHLIB_H

#include <stdint.h>

#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>

#include "hvtest.h"

/* A pvecho guest (guest/pv-tests) answering each notify from dom0. */
struct echo {
	uint32_t		 id;
	xenevtchn_handle	*xce;
	int			 port;
};

/*
 * Create pvecho (mem_kb of RAM) to answer 'rounds' notifies, bind dom0
 * to its port, unpause it and wait for "pvecho: ready".  0, or -1 with
 * errno (what was made is left for echo_stop).
 */
int	 echo_start(xc_interface *, const char *elf, uint64_t mem_kb,
	    unsigned rounds, struct echo *);
/* n round trips dom0 -> guest -> dom0, each waited for: 0, or -1. */
int	 echo_rounds(struct echo *, unsigned n);
/* Close the handle and destroy the domain. */
void	 echo_stop(xc_interface *, struct echo *);

/*
 * The daemon's CPU time so far, ns, from /proc/PID/task/TID/schedstat
 * (time on a CPU, whatever the load), summed into cpu[kind] where kind is
 * the index in 'prefix' of the first thread-name prefix that matches, or
 * nkinds - 1 for the rest.
 */
void	 daemon_cpu(const struct hvd *, const char *const prefix[],
	    unsigned nkinds, uint64_t cpu[]);

#endif
