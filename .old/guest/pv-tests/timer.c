/*
 * PV test guest: set_timer_op and VIRQ_TIMER.  Ten times it arms the
 * one-shot timer 5 ms ahead (guest system time = time CSR x 100 ns),
 * blocks, and checks on waking that the VIRQ_TIMER port is pending and
 * the deadline has passed; then it reports and powers off.  A guest that
 * is never woken hangs here, and the test that runs it fails.
 */
#include "pv.h"

static struct shared_info sh __attribute__((aligned(4096)));

int	guest_main(unsigned long, unsigned long);

static uint64_t
now_ns(void)
{
	unsigned long t;

	__asm__ volatile(".option arch, +zicsr\n rdtime %0" : "=r"(t));
	return (uint64_t)t * 100;
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	static struct {
		uint16_t domid, size;
		uint32_t space;
		uint64_t idx, gpfn;
	} atp;
	static struct {
		uint32_t virq, vcpu, port;
	} bv;
	uint64_t start, deadline;
	int i, early = 0;

	(void)hartid;
	(void)fdt;
	atp.domid = DOMID_SELF;
	atp.gpfn = (unsigned long)&sh >> 12;
	if (hcall(HC_memory_op, 7, (unsigned long)&atp, 0) != 0)
		pv_shutdown(3);
	bv.virq = 0;			/* VIRQ_TIMER */
	bv.vcpu = 0;
	if (hcall(HC_event_channel_op, 1, (unsigned long)&bv, 0) != 0)
		pv_shutdown(3);
	start = now_ns();
	for (i = 0; i < 10; i++) {
		deadline = now_ns() + 5000000;
		hcall(HC_set_timer_op, deadline, 0, 0);
		for (;;) {
			pv_ack(&sh);
			if (pv_test_and_clear(&sh, bv.port))
				break;
			hcall(HC_sched_op, 1, 0, 0);	/* block */
		}
		if (now_ns() < deadline)
			early++;
	}
	if (early)
		pv_print("timer: woke early");
	else if (now_ns() - start < 50000000)
		pv_print("timer: too fast");
	else
		pv_print("timer: 10 ticks");
	pv_shutdown(early ? 3 : 0);
}
