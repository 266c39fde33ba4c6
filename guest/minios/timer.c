/*
 * The tick: a count of periods (1/hz s) since boot, and the timer
 * interrupts that act on it.
 *
 * Tickless (the default): the boot vCPU programs SBI TIME for its next
 * event only -- the next `tick N` report, poweroff=, reboot= -- as Xen's PV
 * Linux programs set_timer_op for its next timer, and not at all when there
 * is none, so an idle domain with ticks=0 takes no interrupt at all.  The
 * tick count is then read from the clock.
 *
 * Periodic (`periodic`, and the `dirty` workload, which rations its writes
 * by tick): an interrupt every period.  Deadlines advance by whole periods
 * from the first one, so the rate does not drift with interrupt latency;
 * when a deadline is already past (the vCPU was descheduled) the tick is
 * counted as late and the next one is set a period from now instead of
 * firing a burst.
 */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/sbi.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"

#define NEVER	UINT64_MAX

uint64_t timebase_hz = 10000000;	/* QEMU virt's; /cpus overrides it */
static uint64_t period, boot_time;
static volatile uint64_t ticks;		/* periodic: interrupts taken */
static int periodic;
static uint64_t report_at, poweroff_at, reboot_at;	/* in ticks; NEVER */

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Reports, poweroff and reboot due at tick n (both modes). */
static void
tick_events(uint64_t n)
{
	uint64_t every = (uint64_t)bootargs.hz * bootargs.tick_every;

	if (n >= report_at) {
		kprintf("tick %lu", (unsigned long)report_at);
		/* Late by whole reports: the next one, not a burst. */
		report_at = (n / every + 1) * every;
	}
	if (n >= poweroff_at) {
		poweroff_at = NEVER;
		kernel_request(REQ_POWEROFF);
	}
	if (n >= reboot_at) {
		reboot_at = NEVER;
		kernel_request(REQ_REBOOT);
	}
}

/* Tickless: the next event's deadline, or none (SBI: all ones). */
static void
arm_next(struct percpu *c)
{
	uint64_t n = min_u64(report_at, min_u64(poweroff_at, reboot_at));

	c->next_tick = n == NEVER ? NEVER : boot_time + n * period;
	sbi_set_timer(c->next_tick);
}

void
timer_init(void)
{
	uint64_t tb;
	int node = dt_path(&devtree, "/cpus");

	if (node >= 0 && dt_prop_uint(&devtree, node, "timebase-frequency",
	    &tb) == 0 && tb != 0)
		timebase_hz = tb;
	else
		kprintf("timer: no /cpus/timebase-frequency; assuming %lu Hz",
		    (unsigned long)timebase_hz);
	period = timebase_hz / bootargs.hz;
	if (period == 0)
		period = 1;
	periodic = bootargs.periodic || bootargs.workload == WL_DIRTY;
	report_at = bootargs.tick_every == 0 ? NEVER :
	    (uint64_t)bootargs.hz * bootargs.tick_every;
	poweroff_at = bootargs.poweroff_after == 0 ? NEVER :
	    (uint64_t)bootargs.hz * bootargs.poweroff_after;
	reboot_at = bootargs.reboot_after == 0 ? NEVER :
	    (uint64_t)bootargs.hz * bootargs.reboot_after;
	boot_time = rdtime();
	if (periodic) {
		this_cpu()->next_tick = boot_time + period;
		sbi_set_timer(this_cpu()->next_tick);
	} else
		arm_next(this_cpu());
	csr_set(sie, SIE_STIE);
	kprintf("timer: timebase %lu Hz, %u ticks/s%s",
	    (unsigned long)timebase_hz, bootargs.hz,
	    periodic ? ", periodic" : ", tickless");
}

void
timer_interrupt(void)
{
	struct percpu *c = this_cpu();
	uint64_t now = rdtime();

	c->ticks++;
	if (!periodic && c->id != 0) {
		c->next_tick = NEVER;		/* the events are the boot vCPU's */
		sbi_set_timer(NEVER);
		return;
	}
	if (!periodic) {
		tick_events(timer_ticks());
		arm_next(c);
		return;
	}
	c->next_tick += period;
	if (c->next_tick <= now) {
		c->late_ticks++;
		c->next_tick = now + period;
	}
	sbi_set_timer(c->next_tick);
	if (c->id != 0)
		return;
	tick_events(++ticks);
}

uint64_t
timer_ticks(void)
{
	if (periodic)
		return ticks;
	return (rdtime() - boot_time) / period;
}

uint64_t
timer_ms(void)
{
	return (rdtime() - boot_time) * 1000 / timebase_hz;
}
