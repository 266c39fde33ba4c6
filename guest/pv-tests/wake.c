/*
 * Benchmark guest for the cost of a wake-up (tests/bench/libxc/bench_wake.c,
 * docs/PERFORMANCE.md).  The bench writes a struct wake_mbox at guest-
 * physical WAKE_MBOX through a foreign mapping before the unpause; the
 * guest runs the mode it names and counts what it did there:
 *
 *   WAKE_SBI    every period: SBI set_timer, WFI (sie.STIE on, sstatus.SIE
 *               off, so no trap: WFI just returns), count++.  What the
 *               mini-OS's ticking idle does.
 *   WAKE_PV     every period: set_timer_op, SCHEDOP_block until VIRQ_TIMER
 *               is pending, count++.  What a PV kernel's one-shot timer does.
 *   WAKE_YIELD  SCHEDOP_yield in a loop, count++ each.
 *   WAKE_PING   send on 'port', block until it is pending again, count++.
 *   WAKE_PONG   bind to (rdom, rport), answer every event with one back.
 *   WAKE_IDLE   block forever.
 *
 * With 'paging' set the guest runs under Sv39 (one identity gigapage for
 * RAM, ASID 'asid') and reads 'touch' pages, 4 KiB apart, after each
 * wake-up, so the TLB's refills after a switch show in the figures.
 */
#include "pv.h"

#define WAKE_MBOX	0x80f00000ul	/* the bench maps this page */
#define WAKE_MAGIC	0x454b4157ul	/* "WAKE" */

enum { WAKE_SBI = 1, WAKE_PV, WAKE_YIELD, WAKE_PING, WAKE_PONG, WAKE_IDLE };

struct wake_mbox {
	uint64_t	magic;
	uint64_t	mode;
	uint64_t	period_ns;
	uint64_t	paging;
	uint64_t	asid;
	uint64_t	touch;
	uint64_t	port;		/* PING: our port */
	uint64_t	rdom, rport;	/* PONG: the pinger's */
	uint64_t	count;		/* written by the guest */
	uint64_t	state;		/* 1: running its loop */
};

/* EVTCHNOP_bind_interdomain's argument (docs/guest-abi.md) */
struct bind_interdomain {
	uint16_t	remote_dom;
	uint16_t	pad;
	uint32_t	remote_port;
	uint32_t	local_port;	/* out */
};

static struct shared_info sh __attribute__((aligned(4096)));
static uint64_t root[512] __attribute__((aligned(4096)));
static volatile uint8_t area[64 * 4096] __attribute__((aligned(4096)));

int	guest_main(unsigned long, unsigned long);

static uint64_t
now_ns(void)
{
	unsigned long t;

	__asm__ volatile(".option arch, +zicsr\n rdtime %0" : "=r"(t));
	return (uint64_t)t * 100;
}

static void
sbi_set_timer(uint64_t mtime)
{
	register unsigned long a0 __asm__("a0") = mtime;
	register unsigned long a6 __asm__("a6") = 0;
	register unsigned long a7 __asm__("a7") = 0x54494d45;	/* TIME */

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a6), "r"(a7) :
	    "a1", "memory");
}

static void
paging_on(uint64_t asid)
{
	unsigned long satp;

	/* VPN[2] = 2 is 0x80000000: one RWX gigapage, A and D set. */
	root[2] = (0x80000ul << 10) | 0xcf;
	satp = (8ul << 60) | ((asid & 0xffff) << 44) |
	    ((unsigned long)root >> 12);
	__asm__ volatile(".option arch, +zicsr\n csrw satp, %0\n"
	    "sfence.vma" : : "r"(satp) : "memory");
}

static void
touch(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n && i < 64; i++)
		(void)area[i * 4096];
}

static void
block_for(unsigned port)
{
	for (;;) {
		pv_ack(&sh);
		if (pv_test_and_clear(&sh, port))
			return;
		hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
	}
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	volatile struct wake_mbox *mb = (volatile struct wake_mbox *)WAKE_MBOX;
	static struct evtchn_bind_virq bv;
	static struct bind_interdomain bi;
	static uint32_t send_port;
	uint64_t next, period, n;

	(void)hartid;
	(void)fdt;
	if (mb->magic != WAKE_MAGIC)
		pv_shutdown(SHUTDOWN_crash);
	if (pv_map_shared_info(&sh) != 0)
		pv_shutdown(SHUTDOWN_crash);
	if (mb->paging)
		paging_on(mb->asid);
	period = mb->period_ns;
	n = mb->touch;
	mb->state = 1;
	switch (mb->mode) {
	case WAKE_SBI:
		__asm__ volatile(".option arch, +zicsr\n csrs sie, %0" : :
		    "r"(1ul << 5));
		for (next = now_ns() + period;; next += period) {
			sbi_set_timer(next / 100);
			while (now_ns() < next)
				__asm__ volatile("wfi");
			touch(n);
			mb->count++;
		}
	case WAKE_PV:
		bv.virq = VIRQ_TIMER;
		if (hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
		    (unsigned long)&bv, 0) != 0)
			pv_shutdown(SHUTDOWN_crash);
		for (next = now_ns() + period;; next += period) {
			hcall(__HYPERVISOR_set_timer_op, next, 0, 0);
			block_for(bv.port);
			touch(n);
			mb->count++;
		}
	case WAKE_YIELD:
		for (;;) {
			hcall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
			touch(n);
			mb->count++;
		}
	case WAKE_PING:
		send_port = (uint32_t)mb->port;
		for (;;) {
			hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
			    (unsigned long)&send_port, 0);
			block_for(send_port);
			touch(n);
			mb->count++;
		}
	case WAKE_PONG:
		bi.remote_dom = (uint16_t)mb->rdom;
		bi.remote_port = (uint32_t)mb->rport;
		if (hcall(__HYPERVISOR_event_channel_op,
		    EVTCHNOP_bind_interdomain, (unsigned long)&bi, 0) != 0)
			pv_shutdown(SHUTDOWN_crash);
		send_port = bi.local_port;
		mb->port = send_port;
		for (;;) {
			block_for(send_port);
			touch(n);
			mb->count++;
			hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
			    (unsigned long)&send_port, 0);
		}
	default:
		for (;;) {
			pv_ack(&sh);
			hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
		}
	}
}
