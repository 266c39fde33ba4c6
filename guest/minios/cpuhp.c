/*
 * vCPU hot-unplug and plug (Xen's cpu/N/availability, xm vcpu-set), as a
 * Linux PV guest does it: the boot vCPU reads the store and asks a vCPU
 * to go; that vCPU leaves its loop, says it is offline and takes itself
 * down with VCPUOP_down (only a vCPU can take itself down here).  Back
 * online is VCPUOP_up: the vCPU starts again at secondary_entry with the
 * context it was initialised with (its struct percpu, its stack).  vCPU 0
 * stays (as Linux keeps CPU 0).
 */
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/control.h"
#include "guest/minios/cpuhp.h"
#include "guest/minios/fmt.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/kernel.h"
#include "guest/minios/pv.h"
#include "guest/minios/sbi.h"
#include "guest/minios/smp.h"
#include "guest/minios/xenbus.h"

#define WAIT_S	5	/* guest seconds for a vCPU to go or come */

static long
is_up(const struct percpu *c)
{
	return hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up,
	    (unsigned long)c->hartid, 0);
}

void
cpuhp_check(struct percpu *c)
{
	long r;

	if (!__atomic_load_n(&c->want_down, __ATOMIC_ACQUIRE))
		return;
	irq_disable();
	__atomic_store_n(&c->want_down, 0, __ATOMIC_RELAXED);
	kprintf("cpuhp: cpu%u going offline", c->id);
	__atomic_store_n(&c->online, 0, __ATOMIC_RELEASE);
	r = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down,
	    (unsigned long)c->hartid, 0);
	/* Only a refusal comes back here; a vCPU that went down restarts
	 * at secondary_entry. */
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	kprintf("cpuhp: cpu%u: VCPUOP_down refused (%ld); staying", c->id, r);
	irq_enable();
}

/* Waits for cond on c for WAIT_S guest seconds; 0, or -1 on timeout. */
static int
await(struct percpu *c, int online)
{
	uint64_t deadline = rdtime() + timebase_hz * WAIT_S;

	while (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) != online ||
	    (is_up(c) > 0) != online) {
		if (rdtime() > deadline)
			return -1;
		control_sleep_ms(1);
	}
	return 0;
}

static void
set_cpu(struct percpu *c, int online)
{
	long r;

	if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) == online &&
	    (is_up(c) > 0) == online)
		return;
	if (online) {
		r = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up,
		    (unsigned long)c->hartid, 0);
		if (r != 0) {
			kprintf("cpuhp: cpu%u: VCPUOP_up: error %ld", c->id, r);
			return;
		}
	} else {
		__atomic_store_n(&c->want_down, 1, __ATOMIC_RELEASE);
		/* Out of WFI: the IPI's trap returns to its loop. */
		(void)sbi_send_ipi(1UL << c->hartid, 0);
	}
	if (await(c, online) == -1)
		kprintf("cpuhp: cpu%u did not go %s within %d s", c->id,
		    online ? "online" : "offline", WAIT_S);
	else
		kprintf("cpuhp: cpu%u %s; %u vCPUs online", c->id,
		    online ? "online" : "offline", smp_online());
}

void
cpuhp_event(void)
{
	struct xenbus *xb = control_bus();
	char path[48], val[16];
	unsigned i;

	if (xb == NULL || !pv_active())
		return;
	for (i = 0; i < ncpus; i++) {
		ksnprintf(path, sizeof(path), "cpu/%u/availability", i);
		if (xenbus_read(xb, 0, path, val, sizeof(val)) != 0)
			continue;
		if (strcmp(val, "online") != 0 && strcmp(val, "offline") != 0) {
			kprintf("cpuhp: %s = \"%s\" ignored", path, val);
			continue;
		}
		if (i == 0) {
			if (strcmp(val, "offline") == 0)
				kprintf("cpuhp: cpu0 stays online (the boot "
				    "vCPU)");
			continue;
		}
		set_cpu(&cpus[i], strcmp(val, "online") == 0);
	}
}
