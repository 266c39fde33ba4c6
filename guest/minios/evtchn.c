/*
 * Event channels, Xen's 2-level ABI: a port is pending when its bit in
 * shared_info's pending bitmap is set, and raises the upcall unless its
 * mask bit is set.  The hypervisor then sets the vCPU's pending_sel bit
 * for the bitmap word and upcall_pending, and holds the supervisor
 * external interrupt line while upcall_pending is set.
 *
 * The upcall clears upcall_pending, takes pending_sel, and scans the
 * selected words, clearing each pending bit before calling its handler,
 * so an event that arrives during the handler is not lost: it sets the
 * bit (and upcall_pending) again.  It loops until upcall_pending stays
 * clear.  xvm-riscv samples upcall_pending into the interrupt line at each
 * hypercall, so the upcall ends with a cheap one (xen_version) to drop the
 * line at once instead of taking the interrupt again for nothing.
 */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/evtchn.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/mm.h"
#include "guest/minios/smp.h"
#include "guest/minios/trap.h"

#define NR_WORDS	(EVTCHN_2L_NR_CHANNELS / 64)
#define MAX_BOUND	16

static struct shared_info *shinfo;
static uint64_t shinfo_pa;
static struct {
	uint32_t	port;
	evtchn_handler	h;
	void		*arg;
} bound[MAX_BOUND];
static unsigned nbound;
static uint64_t upcalls;

static void
dispatch(uint32_t port)
{
	unsigned i;

	for (i = 0; i < nbound; i++)
		if (bound[i].port == port) {
			if (bound[i].h != NULL)
				bound[i].h(port, bound[i].arg);
			return;
		}
}

static void
upcall(void)
{
	struct vcpu_info *vi = &shinfo->vcpu_info[this_cpu()->hartid];
	uint64_t sel, pend, bit;
	unsigned w, b;

	upcalls++;
	do {
		__atomic_store_n(&vi->evtchn_upcall_pending, 0,
		    __ATOMIC_SEQ_CST);
		sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
		    __ATOMIC_SEQ_CST);
		while (sel != 0) {
			w = (unsigned)__builtin_ctzll(sel);
			sel &= sel - 1;
			pend = __atomic_load_n(&shinfo->evtchn_pending[w],
			    __ATOMIC_ACQUIRE) &
			    ~__atomic_load_n(&shinfo->evtchn_mask[w],
			    __ATOMIC_ACQUIRE);
			while (pend != 0) {
				b = (unsigned)__builtin_ctzll(pend);
				bit = 1ULL << b;
				pend &= pend - 1;
				__atomic_fetch_and(&shinfo->evtchn_pending[w], ~bit,
				    __ATOMIC_SEQ_CST);
				dispatch(w * 64 + b);
			}
		}
	} while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
	(void)hyp_xen_version();
}

int
evtchn_init(void)
{
	uint64_t pa;
	unsigned w;
	long r;

	if (this_cpu()->hartid >= 32) {
		kprintf("evtchn: vCPU %lu has no vcpu_info slot",
		    (unsigned long)this_cpu()->hartid);
		return -1;
	}
	/* After a resume the same page is registered again, and every
	 * binding is forgotten: the ports may have changed. */
	trap_set_external(NULL);
	nbound = 0;
	pa = shinfo_pa != 0 ? shinfo_pa : alloc_pages(1);
	if (pa == 0) {
		kprintf("evtchn: no page for shared_info");
		return -1;
	}
	shinfo_pa = pa;
	r = hyp_map_shared_info(pa >> PAGE_SHIFT);
	if (r != 0) {
		kprintf("evtchn: registering shared_info at %#lx: error %ld",
		    (unsigned long)pa, r);
		return -1;
	}
	shinfo = (struct shared_info *)(uintptr_t)pa;
	/* Ports nobody here handles stay masked; evtchn_bind unmasks. */
	for (w = 0; w < NR_WORDS; w++)
		__atomic_store_n(&shinfo->evtchn_mask[w], ~0ULL,
		    __ATOMIC_SEQ_CST);
	trap_set_external(upcall);
	csr_set(sie, SIE_SEIE);
	kprintf("evtchn: shared_info at %#lx", (unsigned long)pa);
	return 0;
}

int
evtchn_bind(uint32_t port, evtchn_handler h, void *arg)
{
	unsigned long flags;
	long r;

	if (shinfo == NULL || port >= NR_WORDS * 64 || nbound == MAX_BOUND)
		return -1;
	flags = irq_save();
	bound[nbound].port = port;
	bound[nbound].h = h;
	bound[nbound].arg = arg;
	nbound++;
	irq_restore(flags);
	/* The hypercall, not a plain store: it re-raises a pending event. */
	r = hyp_evtchn_unmask(port);
	if (r != 0) {
		kprintf("evtchn: unmask of port %u: error %ld", port, r);
		return -1;
	}
	return 0;
}

void
evtchn_notify(uint32_t port)
{
	(void)hyp_evtchn_send(port);
}

int
evtchn_clear(uint32_t port)
{
	uint64_t bit = 1ULL << (port % 64);

	if (shinfo == NULL || port >= NR_WORDS * 64)
		return 0;
	return (__atomic_fetch_and(&shinfo->evtchn_pending[port / 64], ~bit,
	    __ATOMIC_SEQ_CST) & bit) != 0;
}

uint64_t
evtchn_upcalls(void)
{
	return upcalls;
}
