/* Secondary vCPU bring-up, through SBI HSM (SBI spec ch. 9) or, in a PV
 * domain, VCPUOP_initialise + VCPUOP_up: each vCPU is started at
 * secondary_entry (boot.S) with a1 = its struct percpu, which already holds
 * the stack the boot vCPU allocated for it. */
#include <stddef.h>
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/mm.h"
#include "guest/minios/pv.h"
#include "guest/minios/sbi.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"

_Static_assert(offsetof(struct percpu, stack_top) == PERCPU_STACK_TOP,
    "boot.S loads sp from here");
_Static_assert(offsetof(struct percpu, hartid) == PERCPU_HARTID,
    "boot.S reads the hart id from here");

struct percpu cpus[MAX_CPUS];
unsigned ncpus = 1;

extern char secondary_entry[];
void secondary_main(struct percpu *c);

void
smp_init_boot(uint64_t hartid)
{
	cpus[0].hartid = hartid;
	cpus[0].id = 0;
	cpus[0].online = 1;
	__asm__ volatile ("mv tp, %0" :: "r" (&cpus[0]));
}

unsigned
smp_online(void)
{
	unsigned i, n = 0;

	for (i = 0; i < ncpus; i++)
		n += __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE) != 0;
	return n;
}

void
secondary_main(struct percpu *c)
{
	paging_enable();
	/* The IPI stays enabled so a sibling could wake this vCPU from WFI. */
	csr_write(sie, SIE_SSIE);
	/* Said before it is marked online, so the boot vCPU's summary line
	 * comes after every vCPU's own. */
	kprintf("smp: cpu%u (hart %lu) online", c->id,
	    (unsigned long)c->hartid);
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	workload_secondary();
}

/* Starts one vCPU and waits up to five seconds of guest time for it: a
 * loaded host may take a while to schedule a new vCPU thread. */
static int
start_one(struct percpu *c)
{
	uint64_t stack, deadline;
	long err;

	stack = alloc_pages(CPU_STACK_PAGES);
	if (stack == 0) {
		kprintf("smp: no memory for hart %lu's stack",
		    (unsigned long)c->hartid);
		return -1;
	}
	c->stack_top = stack + CPU_STACK_PAGES * PAGE_SIZE;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	/* A PV domain starts vCPUs the Xen way; SBI HSM is for the rest. */
	if (pv_active())
		err = hyp_vcpu_up((uint32_t)c->hartid,
		    (unsigned long)secondary_entry, (unsigned long)c);
	else
		err = sbi_hart_start(c->hartid,
		    (unsigned long)secondary_entry, (unsigned long)c);
	if (err != 0) {
		kprintf("smp: hart %lu: %s failed (%ld)",
		    (unsigned long)c->hartid,
		    pv_active() ? "VCPUOP_up" : "HSM hart_start", err);
		free_pages(stack, CPU_STACK_PAGES);
		return -1;
	}
	deadline = rdtime() + timebase_hz * 5;
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (rdtime() > deadline) {
			kprintf("smp: hart %lu did not come up",
			    (unsigned long)c->hartid);
			return -1;
		}
		cpu_relax();
	}
	return 0;
}

void
smp_boot(void)
{
	const struct dt *dt = &devtree;
	uint64_t hart, size;
	unsigned ac, sc;
	int node, child;

	node = dt_path(dt, "/cpus");
	if (node < 0) {
		kprintf("smp: no /cpus node; running on the boot vCPU only");
		return;
	}
	ac = dt_addr_cells(dt, node);
	sc = dt_size_cells(dt, node);
	for (child = dt_first_child(dt, node); child >= 0;
	    child = dt_next_sibling(dt, child)) {
		const char *st = dt_prop_str(dt, child, "status");

		if (!dt_prop_has_str(dt, child, "device_type", "cpu"))
			continue;
		if (st != NULL && strcmp(st, "okay") != 0 &&
		    strcmp(st, "ok") != 0)
			continue;
		if (dt_reg(dt, child, "reg", ac, sc, 0, &hart, &size) != 0) {
			kprintf("smp: %s has no usable reg", dt_name(dt, child));
			continue;
		}
		if (hart == cpus[0].hartid)
			continue;
		if (ncpus == MAX_CPUS) {
			kprintf("smp: more than %d vCPUs; ignoring hart %lu",
			    MAX_CPUS, (unsigned long)hart);
			continue;
		}
		cpus[ncpus].hartid = hart;
		cpus[ncpus].id = ncpus;
		if (start_one(&cpus[ncpus]) == 0)
			ncpus++;
		else
			cpus[ncpus].hartid = 0;
	}
	kprintf("smp: %u vCPUs online", smp_online());
}
