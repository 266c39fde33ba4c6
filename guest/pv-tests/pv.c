/* PV test guests: the hypercall helpers they share. */
#include "pv.h"

static unsigned long
len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

void
pv_print(const char *s)
{
	hcall(__HYPERVISOR_console_io, CONSOLEIO_write, len(s),
	    (unsigned long)s);
}

void
pv_shutdown(unsigned reason)
{
	static volatile uint32_t r;

	r = reason;
	hcall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&r, 0);
	for (;;)
		;
}

long
pv_get_param(unsigned idx, uint64_t *val)
{
	static struct xen_hvm_param p;
	long rc;

	p.domid = DOMID_SELF;
	p.index = idx;
	rc = hcall(__HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)&p, 0);
	*val = p.value;
	return rc;
}

long
pv_map_shared_info(struct shared_info *sh)
{
	static struct xen_add_to_physmap atp;

	atp.domid = DOMID_SELF;
	atp.space = XENMAPSPACE_shared_info;
	atp.idx = 0;
	atp.gpfn = (unsigned long)sh >> 12;
	return hcall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
	    (unsigned long)&atp, 0);
}

int
pv_test_and_clear(struct shared_info *sh, unsigned port)
{
	uint64_t bit = 1ULL << (port % 64);

	return (__atomic_fetch_and(&sh->evtchn_pending[port / 64], ~bit,
	    __ATOMIC_SEQ_CST) & bit) != 0;
}

void
pv_ack(struct shared_info *sh)
{
	__atomic_store_n(&sh->vcpu_info[0].evtchn_upcall_pending, 0,
	    __ATOMIC_SEQ_CST);
	__atomic_exchange_n(&sh->vcpu_info[0].evtchn_pending_sel, 0,
	    __ATOMIC_SEQ_CST);
}
