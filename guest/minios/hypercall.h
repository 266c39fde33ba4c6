/* PV hypercalls: ecall with a7 = the xvm-riscv extension ID and a6 = Xen's
 * hypercall number (docs/minios.md lists the ABI this follows).  Argument
 * structs are passed by guest-physical address; this kernel's 1:1 map
 * makes any kernel pointer one.  Results are >= 0 or a negated XEN_E*. */
#ifndef MINIOS_HYPERCALL_H
#define MINIOS_HYPERCALL_H

#include <stdint.h>

#include <xvm/xen.h>

long	hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
	    unsigned long a2);
/* 0 and *val, or a negated XEN_E* (the platform is not PV, say). */
long	hyp_get_param(uint32_t index, uint64_t *val);
long	hyp_xen_version(void);
long	hyp_shutdown(uint32_t reason);
/* Registers the shared_info page at guest frame gpfn. */
long	hyp_map_shared_info(uint64_t gpfn);
long	hyp_evtchn_send(uint32_t port);
long	hyp_evtchn_unmask(uint32_t port);
/* Starts vCPU id at pc with a0 = id, a1 = arg (VCPUOP_initialise + up). */
long	hyp_vcpu_up(uint32_t id, uint64_t pc, uint64_t arg);
/* Blocks until port is pending or timeout_ms passed. */
long	hyp_poll(uint32_t port, uint64_t timeout_ms);

#endif
