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
	hcall(HC_console_io, 0, len(s), (unsigned long)s);
}

void
pv_shutdown(unsigned reason)
{
	static volatile uint32_t r;

	r = reason;
	hcall(HC_sched_op, 2, (unsigned long)&r, 0);
	for (;;)
		;
}

long
pv_get_param(unsigned idx, uint64_t *val)
{
	static struct {
		uint16_t domid, pad;
		uint32_t index;
		uint64_t value;
	} p;
	long rc;

	p.domid = DOMID_SELF;
	p.index = idx;
	rc = hcall(HC_hvm_op, 1, (unsigned long)&p, 0);
	*val = p.value;
	return rc;
}

int
pv_test_and_clear(struct shared_info *sh, unsigned port)
{
	uint64_t bit = 1ULL << (port % 64);

	return (__atomic_fetch_and(&sh->pending[port / 64], ~bit,
	    __ATOMIC_SEQ_CST) & bit) != 0;
}

void
pv_ack(struct shared_info *sh)
{
	__atomic_store_n(&sh->vcpu[0].upcall_pending, 0, __ATOMIC_SEQ_CST);
	__atomic_exchange_n(&sh->vcpu[0].pending_sel, 0, __ATOMIC_SEQ_CST);
}
