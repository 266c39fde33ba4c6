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
	static struct evtchn_bind_virq bv;
	uint64_t start, deadline;
	int i, early = 0;

	(void)hartid;
	(void)fdt;
	if (pv_map_shared_info(&sh) != 0)
		pv_shutdown(SHUTDOWN_crash);
	bv.virq = VIRQ_TIMER;
	bv.vcpu = 0;
	if (hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
	    (unsigned long)&bv, 0) != 0)
		pv_shutdown(SHUTDOWN_crash);
	start = now_ns();
	for (i = 0; i < 10; i++) {
		deadline = now_ns() + 5000000;
		hcall(__HYPERVISOR_set_timer_op, deadline, 0, 0);
		for (;;) {
			pv_ack(&sh);
			if (pv_test_and_clear(&sh, bv.port))
				break;
			hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
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
	pv_shutdown(early ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
