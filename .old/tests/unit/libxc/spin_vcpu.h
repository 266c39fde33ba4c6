/* A vCPU backend for scheduler tests: guest "code" that burns real CPU time. */
#ifndef XVM_TEST_SPIN_VCPU_H
#define XVM_TEST_SPIN_VCPU_H

#include <stdint.h>

struct machine_ops;

/*
 * Each vCPU of a domain created under these ops behaves by the domain's
 * mode: SPIN_BUSY runs until its budget is used or it is kicked (a
 * CPU-bound guest); SPIN_SLEEPY runs ~100 us then blocks for 'period' ns
 * (an idle guest with a timer); SPIN_BLOCK blocks at once with no timer.
 */
enum spin_mode { SPIN_BUSY = 0, SPIN_SLEEPY, SPIN_BLOCK };

extern const struct machine_ops spin_mops;

struct domain;
void	 spin_set_mode(struct domain *, enum spin_mode, uint64_t period_ns);
/* Runs of d's vCPU 0 seen on a pCPU outside 'allowed' (pinning test). */
uint64_t spin_runs(struct domain *, uint64_t *misplaced, uint64_t allowed);

#endif
