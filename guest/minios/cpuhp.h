/* vCPU hot-unplug and plug: cpu/N/availability honoured with VCPUOP_down and VCPUOP_up. */
#ifndef MINIOS_CPUHP_H
#define MINIOS_CPUHP_H

struct percpu;

/* cpu/ changed (or its watch was set): each vCPU as its availability says. */
void	cpuhp_event(void);
/* On a secondary vCPU, in its loops: go down if asked to. */
void	cpuhp_check(struct percpu *);

#endif
