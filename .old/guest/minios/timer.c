/* Periodic tick: the boot vCPU reprograms SBI TIME for the next deadline on
 * every interrupt.  Deadlines advance by whole periods from the first one,
 * so the rate does not drift with interrupt latency; when a deadline is
 * already past (the vCPU was descheduled) the tick is counted as late and
 * the next one is set a period from now instead of firing a burst. */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/sbi.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"

uint64_t timebase_hz = 10000000;	/* QEMU virt's; /cpus overrides it */
static uint64_t period, boot_time;
static volatile uint64_t ticks;

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
	boot_time = rdtime();
	this_cpu()->next_tick = boot_time + period;
	sbi_set_timer(this_cpu()->next_tick);
	csr_set(sie, SIE_STIE);
	kprintf("timer: timebase %lu Hz, %u ticks/s", (unsigned long)timebase_hz,
	    bootargs.hz);
}

void
timer_interrupt(void)
{
	struct percpu *c = this_cpu();
	uint64_t now = rdtime(), n;

	c->ticks++;
	c->next_tick += period;
	if (c->next_tick <= now) {
		c->late_ticks++;
		c->next_tick = now + period;
	}
	sbi_set_timer(c->next_tick);
	if (c->id != 0)
		return;
	n = ++ticks;
	if (bootargs.tick_every != 0 &&
	    n % ((uint64_t)bootargs.hz * bootargs.tick_every) == 0)
		kprintf("tick %lu", (unsigned long)n);
	if (bootargs.poweroff_after != 0 &&
	    n == (uint64_t)bootargs.hz * bootargs.poweroff_after)
		kernel_request(REQ_POWEROFF);
	if (bootargs.reboot_after != 0 &&
	    n == (uint64_t)bootargs.hz * bootargs.reboot_after)
		kernel_request(REQ_REBOOT);
}

uint64_t
timer_ticks(void)
{
	return ticks;
}

uint64_t
timer_ms(void)
{
	return (rdtime() - boot_time) * 1000 / timebase_hz;
}
