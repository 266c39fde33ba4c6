/* kernel_main: the boot vCPU's path from the firmware's jump to the
 * workload, and the request queue that interrupt handlers post to. */
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/balloon.h"
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/power.h"
#include "guest/minios/pv.h"
#include "guest/minios/sbi.h"
#include "guest/minios/shell.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"

#define DTB_MAX		(1024 * 1024)

void kernel_main(unsigned long hartid, unsigned long dtb);

struct bootargs bootargs;
struct dt devtree;
static unsigned requests;

void
kernel_request(unsigned req)
{
	__atomic_fetch_or(&requests, req, __ATOMIC_RELEASE);
}

int
kernel_pending(void)
{
	return __atomic_load_n(&requests, __ATOMIC_ACQUIRE) != 0;
}

void
kernel_poll(void)
{
	unsigned req = __atomic_exchange_n(&requests, 0, __ATOMIC_ACQUIRE);

	if (req == 0)
		return;
	if (req & REQ_XENBUS)
		pv_poll();
	if (req & REQ_CONSOLE)
		shell_poll();
	if (req & REQ_SELFCHECK)
		selfcheck_report("requested", NULL, 0);
	if (req & REQ_SUSPEND)
		pv_suspend();
	if (req & REQ_POWEROFF)
		power_off();
	if (req & REQ_REBOOT)
		power_reboot();
	if (req & REQ_HALT) {
		kprintf("power: halt");
		power_off();
	}
}

static void
read_bootargs(void)
{
	const char *cmdline = NULL;
	char err[128];
	int node;

	bootargs_defaults(&bootargs);
	node = dt_path(&devtree, "/chosen");
	if (node >= 0)
		cmdline = dt_prop_str(&devtree, node, "bootargs");
	if (cmdline == NULL)
		cmdline = "";
	kprintf("minios: command line \"%s\"", cmdline);
	if (bootargs_parse(&bootargs, cmdline, err, sizeof(err)) != 0)
		kprintf("%s; using the defaults", err);
}

void
kernel_main(unsigned long hartid, unsigned long dtb)
{
	const char *why;

	smp_init_boot(hartid);
	sbi_init();
	kprintf("minios: booting on hart %lu, device tree at %#lx, SBI %lu.%lu%s",
	    hartid, dtb, (unsigned long)(sbi_spec_version() >> 24) & 0x7f,
	    (unsigned long)sbi_spec_version() & 0xffffff,
	    sbi_has_dbcn() ? ", debug console" : "");
	if (dtb == 0 || (dtb & 7) != 0)
		panic("minios: no usable device tree pointer in a1 (%#lx)", dtb);
	/* The blob's own size bounds every read, capped so that a corrupt
	 * header cannot send the reader across all of memory. */
	if (dt_init(&devtree, (const void *)dtb, DTB_MAX, &why) != 0)
		panic("minios: device tree at %#lx: %s", dtb, why);
	read_bootargs();
	pv_probe();
	mm_init(&devtree, dtb);
	balloon_init();
	paging_init();
	timer_init();
	csr_set(sie, SIE_SSIE);
	irq_enable();
	/* With interrupts on: xenbus waits on the store's event channel. */
	pv_init();
	selfcheck_setup();
	if (bootargs.selfcheck_boot)
		selfcheck_report("boot", NULL, 0);
	smp_boot();
	workload_main();
}
