/* The workloads chosen on the command line, and the memory self-check. */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/selfcheck.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"

static uint64_t sc_base;
static size_t sc_len;

void
selfcheck_setup(void)
{
	size_t pages = (size_t)bootargs.selfcheck_mib << (20 - PAGE_SHIFT);

	sc_base = alloc_pages_raw(pages);
	if (sc_base == 0) {
		kprintf("selfcheck: no room for %u MiB; self-check disabled",
		    bootargs.selfcheck_mib);
		return;
	}
	sc_len = pages * PAGE_SIZE;
	selfcheck_fill((uint64_t *)(uintptr_t)sc_base, sc_base, sc_len);
}

void
selfcheck_report(const char *why)
{
	struct selfcheck_result r;

	if (sc_len == 0) {
		kprintf("selfcheck: %s: disabled (no region)", why);
		return;
	}
	selfcheck_run((const uint64_t *)(uintptr_t)sc_base, sc_base, sc_len,
	    &r);
	if (r.bad_words == 0)
		kprintf("selfcheck: %s: base %#lx size %#lx checksum %016lx ok",
		    why, (unsigned long)sc_base, (unsigned long)sc_len,
		    (unsigned long)r.checksum);
	else
		kprintf("selfcheck: %s: base %#lx size %#lx checksum %016lx "
		    "BAD: %lu words differ, first at %#lx", why,
		    (unsigned long)sc_base, (unsigned long)sc_len,
		    (unsigned long)r.checksum, (unsigned long)r.bad_words,
		    (unsigned long)r.first_bad);
}

/*
 * Runs requests, then sleeps until the next interrupt.  Interrupts are
 * masked between the last look at the requests and the WFI, so a request
 * posted in that window is not left waiting for the next tick: a pending
 * interrupt ends WFI even while masked, and is taken at irq_enable().
 */
static void
idle_once(void)
{
	kernel_poll();
	irq_disable();
	if (!kernel_pending())
		wfi();
	irq_enable();
}

static void __attribute__((noreturn))
spin(struct percpu *c)
{
	uint64_t next = rdtime() + timebase_hz, last = 0, now;

	for (;;) {
		c->loops++;
		if ((c->loops & 0xffff) != 0)
			continue;
		if (c->id == 0)
			kernel_poll();
		now = rdtime();
		if (now < next)
			continue;
		if (bootargs.tick_every != 0)
			kprintf("cpu%u: %lu loops/s", c->id,
			    (unsigned long)((c->loops - last) * timebase_hz /
			    (now - next + timebase_hz)));
		last = c->loops;
		next = now + timebase_hz;
	}
}

/* Picks the working set: asked for, or 4 s of writes, within free memory. */
static size_t
dirty_setup(uint64_t *base)
{
	size_t mib = bootargs.wss_mib != 0 ? bootargs.wss_mib :
	    4 * (size_t)bootargs.dirty_mib;
	size_t cap = mm_free_pages() / 2 >> (20 - PAGE_SHIFT);

	if (mib > cap)
		mib = cap;
	for (; mib > 0; mib /= 2) {
		*base = alloc_pages_raw(mib << (20 - PAGE_SHIFT));
		if (*base != 0)
			return mib << 20;
	}
	return 0;
}

/*
 * Rewrites memory at bootargs.dirty_mib MiB/s: each tick grants one tick's
 * share of the rate, and whatever was granted is written in full (every
 * word of every page, so a page is dirty because it changed, not because it
 * was touched).  Grants are capped at one second, so a vCPU that was
 * descheduled does not come back to a long burst.
 */
static void __attribute__((noreturn))
dirty(void)
{
	uint64_t base, gen = 0, last_tick = timer_ticks(), t, ms0, written = 0;
	uint64_t per_tick, budget = 0, cap, *p;
	size_t wss, off = 0, i, n;

	wss = dirty_setup(&base);
	if (wss == 0)
		panic("dirty: no memory for a working set");
	per_tick = ((uint64_t)bootargs.dirty_mib << 20) / bootargs.hz;
	cap = (uint64_t)bootargs.dirty_mib << 20;
	kprintf("dirty: %u MiB/s over %lu MiB at %#lx", bootargs.dirty_mib,
	    (unsigned long)(wss >> 20), (unsigned long)base);
	ms0 = timer_ms();
	for (;;) {
		t = timer_ticks();
		if (t == last_tick && budget == 0) {
			idle_once();
			continue;
		}
		budget += (t - last_tick) * per_tick;
		if (budget > cap)
			budget = cap;
		last_tick = t;
		/* One page at a time, so requests are seen between pages. */
		while (budget >= PAGE_SIZE) {
			p = (uint64_t *)(uintptr_t)(base + off);
			n = PAGE_SIZE / 8;
			for (i = 0; i < n; i++)
				p[i] = gen + i;
			off += PAGE_SIZE;
			if (off >= wss) {
				off = 0;
				gen++;
			}
			budget -= PAGE_SIZE;
			written += PAGE_SIZE;
			if ((written & ((1 << 20) - 1)) == 0)
				kernel_poll();
		}
		if (timer_ms() - ms0 >= 1000ULL * (bootargs.tick_every ?
		    bootargs.tick_every : 1)) {
			if (bootargs.tick_every != 0)
				kprintf("dirty: %lu KiB in %lu ms (pass %lu)",
				    (unsigned long)(written >> 10),
				    (unsigned long)(timer_ms() - ms0),
				    (unsigned long)gen);
			written = 0;
			ms0 = timer_ms();
		}
	}
}

void
workload_main(void)
{
	kprintf("workload: %s", workload_name(bootargs.workload));
	switch (bootargs.workload) {
	case WL_CPU:
		spin(this_cpu());
	case WL_DIRTY:
		dirty();
	case WL_IDLE:
		break;
	}
	for (;;)
		idle_once();
}

void
workload_secondary(void)
{
	irq_enable();
	if (bootargs.workload == WL_CPU)
		spin(this_cpu());
	for (;;)
		wfi();
}
