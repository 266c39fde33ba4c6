/* The machine glue: domains' vCPUs run on the CPU core (hypervisor/cpu, machine.h). */
#ifndef XVM_HV_RVGLUE_H
#define XVM_HV_RVGLUE_H

#include <stdint.h>

struct dom_vcpu;
struct machine;
struct domain;

/* The ops xvm-hypervisor's daemon runs domains with. */
extern const struct machine_ops rv_machine_ops;

/* The domain's machine (borrowed), or NULL under other ops. */
struct machine *rv_machine(struct domain *);

/*
 * Start vCPU v at pc in S-mode with a0 = its id, a1 = arg, and let it
 * run (the toolstack's setvcpucontext).  0 or a positive errno.
 */
int	 rv_vcpu_start(struct dom_vcpu *v, uint64_t pc, uint64_t arg);

#endif
