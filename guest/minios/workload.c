/* The workloads chosen on the command line, and the memory self-check. */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/cpuhp.h"
#include "guest/minios/fmt.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/selfcheck.h"
#include "guest/minios/smp.h"
#include "guest/minios/spinlock.h"
#include "guest/minios/timer.h"

static uint64_t sc_base;
static size_t sc_len;

/* Small by default: every page of it is resident in every idle domain. */
#define SELFCHECK_DEFAULT	(256 * 1024)

void
selfcheck_setup(void)
{
	size_t bytes = bootargs.selfcheck_mib != 0 ?
	    (size_t)bootargs.selfcheck_mib << 20 : SELFCHECK_DEFAULT;
	size_t pages = bytes / PAGE_SIZE;

	sc_base = alloc_pages_raw(pages);
	if (sc_base == 0) {
		kprintf("selfcheck: no room for %zu KiB; self-check disabled",
		    bytes >> 10);
		return;
	}
	sc_len = pages * PAGE_SIZE;
	selfcheck_fill((uint64_t *)(uintptr_t)sc_base, sc_base, sc_len);
}

void
selfcheck_report(const char *why, char *line, size_t len)
{
	struct selfcheck_result r;
	char buf[160];

	if (sc_len == 0) {
		ksnprintf(buf, sizeof(buf), "disabled (no region)");
	} else {
		selfcheck_run((const uint64_t *)(uintptr_t)sc_base, sc_base,
		    sc_len, &r);
		if (r.bad_words == 0)
			ksnprintf(buf, sizeof(buf),
			    "base %#lx size %#lx checksum %016lx ok",
			    (unsigned long)sc_base, (unsigned long)sc_len,
			    (unsigned long)r.checksum);
		else
			ksnprintf(buf, sizeof(buf),
			    "base %#lx size %#lx checksum %016lx BAD: %lu words "
			    "differ, first at %#lx", (unsigned long)sc_base,
			    (unsigned long)sc_len, (unsigned long)r.checksum,
			    (unsigned long)r.bad_words,
			    (unsigned long)r.first_bad);
	}
	kprintf("selfcheck: %s: %s", why, buf);
	if (line != NULL)
		ksnprintf(line, len, "%s", buf);
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
		else
			cpuhp_check(c);
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
 * dirtycheck: a page must still hold what the last pass wrote (gen + i in
 * word i) -- a page a migration or a save lost, or brought back stale,
 * does not.  1 when it does not (reported once per page).
 */
static int
check_page(const uint64_t *p, uint64_t gen)
{
	size_t i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i] != gen + i) {
			kprintf("dirty: BAD page at %#lx: word %lu is %#lx, "
			    "want %#lx (pass %lu)", (unsigned long)(uintptr_t)p,
			    (unsigned long)i, (unsigned long)p[i],
			    (unsigned long)(gen + i), (unsigned long)gen);
			return 1;
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
	uint64_t per_tick, budget = 0, cap, *p, bad = 0;
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
			if (bootargs.dirty_check && gen > 0)
				bad += check_page(p, gen - 1);
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
				kprintf("dirty: %lu KiB in %lu ms (pass %lu)%s",
				    (unsigned long)(written >> 10),
				    (unsigned long)(timer_ms() - ms0),
				    (unsigned long)gen, !bootargs.dirty_check ?
				    "" : bad == 0 ? ", checked ok" :
				    ", checked: BAD pages");
			written = 0;
			ms0 = timer_ms();
		}
	}
}

/*
 * The spinlock test: every vCPU does LOCKTEST_ROUNDS non-atomic
 * read-modify-writes of one counter under one lock.  Any lost update (two
 * holders at once, or a store leaking out of the critical section) shows
 * as a total short of rounds x vCPUs.
 */
#define LOCKTEST_ROUNDS	100000

static struct spinlock test_lock = SPINLOCK_INIT;
static uint64_t test_count;		/* under test_lock */
static unsigned test_done;		/* vCPUs finished, atomic */
static int test_go;			/* set once every vCPU is up */

static void
locktest_run(void)
{
	volatile uint64_t *count = &test_count;
	uint64_t v;
	unsigned i;

	/* Start together: a vCPU that ran alone would prove nothing. */
	while (!__atomic_load_n(&test_go, __ATOMIC_ACQUIRE))
		cpu_relax();
	for (i = 0; i < LOCKTEST_ROUNDS; i++) {
		spin_lock(&test_lock);
		v = *count;
		cpu_relax();		/* widen the window a broken lock leaves */
		*count = v + 1;
		spin_unlock(&test_lock);
	}
	__atomic_fetch_add(&test_done, 1, __ATOMIC_RELEASE);
}

static void
locktest_report(void)
{
	unsigned n = smp_online();
	uint64_t want = (uint64_t)n * LOCKTEST_ROUNDS, ms = timer_ms();

	__atomic_store_n(&test_go, 1, __ATOMIC_RELEASE);
	locktest_run();
	while (__atomic_load_n(&test_done, __ATOMIC_ACQUIRE) < n)
		cpu_relax();
	kprintf("locktest: %u vCPUs x %u rounds: count %lu, want %lu %s "
	    "(%lu ms)", n, LOCKTEST_ROUNDS, (unsigned long)test_count,
	    (unsigned long)want, test_count == want ? "ok" : "BAD",
	    (unsigned long)(timer_ms() - ms));
}

void
workload_main(void)
{
	if (bootargs.locktest)
		locktest_report();
	if (bootargs.crash) {
		kprintf("workload: crash: writing to the kernel's text");
		*(volatile uint32_t *)(uintptr_t)_start = 0;
	}
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
	if (bootargs.locktest)
		locktest_run();
	if (bootargs.workload == WL_CPU)
		spin(this_cpu());
	for (;;) {
		/* Checked with interrupts off: cpuhp's IPI still ends WFI. */
		irq_disable();
		if (!__atomic_load_n(&this_cpu()->want_down, __ATOMIC_ACQUIRE))
			wfi();
		irq_enable();
		cpuhp_check(this_cpu());
	}
}
