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

#endif
