/* Hypercall wrappers, with Xen's argument layouts for a 64-bit guest. */
#include "guest/minios/arch.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/kernel.h"

long
hypercall(unsigned long nr, unsigned long arg0, unsigned long arg1,
    unsigned long arg2)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a6 __asm__("a6") = nr;
	register unsigned long a7 __asm__("a7") = XVM_HCALL_EID;

	__asm__ volatile ("ecall"
	    : "+r" (a0), "+r" (a1)
	    : "r" (a2), "r" (a6), "r" (a7)
	    : "memory");
	return (long)a0;
}

long
hyp_get_param(uint32_t index, uint64_t *val)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long r = hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param,
	    (unsigned long)&p, 0);

	if (r == 0)
		*val = p.value;
	return r;
}

long
hyp_xen_version(void)
{
	return hypercall(__HYPERVISOR_xen_version, 0, 0, 0);
}

long
hyp_shutdown(uint32_t reason)
{
	uint32_t r = reason;

	return hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
	    (unsigned long)&r, 0);
}

long
hyp_map_shared_info(uint64_t gpfn)
{
	struct xen_add_to_physmap atp = { .domid = DOMID_SELF,
	    .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = gpfn };

	return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
	    (unsigned long)&atp, 0);
}

long
hyp_evtchn_send(uint32_t port)
{
	uint32_t p = port;

	return hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
	    (unsigned long)&p, 0);
}

long
hyp_evtchn_unmask(uint32_t port)
{
	uint32_t p = port;

	return hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask,
	    (unsigned long)&p, 0);
}

long
hyp_vcpu_up(uint32_t id, uint64_t pc, uint64_t arg)
{
	struct xvm_vcpu_start start = { .pc = pc, .arg = arg };
	long r;

	r = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, id,
	    (unsigned long)&start);
	if (r != 0)
		return r;
	return hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, id, 0);
}

/* Xen system time: nanoseconds of the timebase (mtime) clock. */
static uint64_t
now_ns(void)
{
	uint64_t t = rdtime();

	return t / timebase_hz * 1000000000ULL +
	    t % timebase_hz * 1000000000ULL / timebase_hz;
}

long
hyp_poll(uint32_t port, uint64_t timeout_ms)
{
	uint32_t p = port;
	struct sched_poll sp = { .ports = (uint64_t)(uintptr_t)&p,
	    .nr_ports = 1, .timeout = now_ns() + timeout_ms * 1000000ULL };

	return hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll,
	    (unsigned long)&sp, 0);
}
