/* The machine glue: domains' vCPUs run on the CPU core (hypervisor/cpu, machine.h). */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/privcmd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"
#include "hypervisor/xen/console.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/domcons.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/hypercall.h"
#include "hypervisor/xen/rvglue.h"
#include "hypervisor/xen/timer.h"

/*
 * One struct machine per domain, over the domain's own memfd (mm.c made
 * it; the machine maps the same pages).  A vCPU runs in chunks of about a
 * millisecond (the instruction count adapts) until its time budget is
 * spent or it stops:
 * WFI blocks it until its timer or an interrupt line (the CPU's wake hook
 * calls sched_vcpu_wake), PV hypercalls are served on the vCPU's own
 * thread by hypercall.c through the machine's hcall hook.
 *
 * The event-channel upcall is Xen's level: each hart is given its
 * vcpu_info (cpu_set_upcall) and reads evtchn_upcall_pending and
 * evtchn_upcall_mask there whenever it decides on interrupts; delivery
 * only makes it look (docs/guest-abi.md).
 */

#define RV_CHUNK	200000		/* instructions between checks, at first */
#define RV_LONG_SLEEP_NS 2000000000ull	/* see long_sleep() */
#define RV_CHUNK_MIN	1000		/* the least a short budget runs (a
					   chunk retiring none is a storm) */

struct rvdom {
	struct machine	*m;
	struct domain	*d;
};

struct machine *
rv_machine(struct domain *d)
{
	struct rvdom	*r = d->mach;

	return r != NULL ? r->m : NULL;
}

/*
 * The machine's console (UART, SBI putchar and DBCN, HTIF) is the
 * domain's emulated console: its ring, read by xvm-consoled (domcons.c).
 */
static void
rv_console(void *arg, const char *buf, size_t len)
{
	struct rvdom	*r = arg;

	domcons_output(r->d, buf, len);
}

static size_t
rv_console_input(struct domain *d, const char *buf, size_t len)
{
	return machine_console_input(rv_machine(d), buf, len);
}

static int
rv_press_button(struct domain *d, unsigned button)
{
	machine_press_button(rv_machine(d), button == DOMAIN_BUTTON_POWER ?
	    MACHINE_BUTTON_POWER : MACHINE_BUTTON_REBOOT);
	return 0;
}

static struct dom_vcpu *
dvcpu(struct domain *d, struct vcpu *hart)
{
	unsigned	id = cpu_hartid(hart);

	return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

static uint64_t
guest_now(struct dom_vcpu *v)
{
	return machine_clock_ns(rv_machine(v->dom));
}

/* The first host ns at which mtime has reached guest_ns / 100. */
static uint64_t
guest_to_host(struct dom_vcpu *v, uint64_t guest_ns)
{
	if (guest_ns == TIMER_NONE)
		return TIMER_NONE;
	return machine_mtime_to_ns(rv_machine(v->dom), (guest_ns + 99) / 100);
}

static void
vcpu_stop_hart(struct dom_vcpu *v)
{
	cpu_hsm_set(v->arch, CPU_HSM_STOPPED);
}

static int
vcpu_start_hart(struct dom_vcpu *v, uint64_t pc, uint64_t arg)
{
	return cpu_hsm_start(v->arch, pc, arg) == 0 ? 0 : -1;
}

static const struct hcall_env rv_env = {
	.guest_now = guest_now,
	.guest_to_host = guest_to_host,
	.vcpu_start = vcpu_start_hart,
	.vcpu_stop = vcpu_stop_hart,
};

/*
 * The hcall hook, on the vCPU's thread inside cpu_run().  Calls that need
 * the scheduler (block, yield, down, shutdown) park their reason and end
 * cpu_run() with CPU_EXIT_HCALL; everything else is answered in place.
 */
static int
rv_hcall(void *arg, struct vcpu *hart)
{
	struct domain	*d = arg;
	struct dom_vcpu	*v = dvcpu(d, hart);
	uint64_t	 a[6];
	int64_t		 ret;
	enum vcpu_stop	 stop;
	unsigned	 i;

	if (v == NULL)
		return 0;
	if (cpu_get_reg(hart, 17) != XVM_HCALL_EID &&
	    cpu_get_reg(hart, 17) != XVM_HCALL_EID_OLD) {
		cpu_set_reg(hart, 10, (uint64_t)-2);	/* SBI: not supported */
		return 0;
	}
	if (!__atomic_load_n(&d->pv_aware, __ATOMIC_RELAXED))
		__atomic_store_n(&d->pv_aware, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 6; i++)
		a[i] = cpu_get_reg(hart, 10 + i);
	stop = hypercall(v, &rv_env, cpu_get_reg(hart, 16), a, &ret);
	if (stop == VCPU_STOP_CONTINUE) {
		/* The same ecall again (4 bytes: no compressed form) with
		 * the arguments that resume it, once others had a turn. */
		for (i = 0; i < 6; i++)
			cpu_set_reg(hart, 10 + i, a[i]);
		cpu_set_pc(hart, cpu_get_pc(hart) - 4);
		v->hc_stop = stop;
		return 1;
	}
	cpu_set_reg(hart, 10, (uint64_t)ret);
	if (stop == VCPU_STOP_BUDGET)
		return 0;
	v->hc_stop = stop;
	return 1;
}

static void
rv_wake(struct vcpu *hart, void *arg)
{
	struct dom_vcpu	*v = arg;

	/*
	 * SBI HSM hart_start from another hart (or VCPUOP_up) kicks a
	 * stopped hart: the scheduler brings the vCPU up.  (A kick the
	 * scheduler makes under its lock is for a running vCPU: not this.)
	 */
	if (cpu_hsm_state(hart) == CPU_HSM_START_PENDING &&
	    sched_vcpu_state(v) == VS_DOWN) {
		sched_vcpu_up(v->dom->hv->sched, v);
		return;
	}
	sched_vcpu_wake(v->dom->hv->sched, v);
}

static void	rv_shared_info_moved(struct domain *);

static int
rv_domain_init(struct domain *d, char **cause)
{
	struct machine_config	 mc;
	struct rvdom		*r;
	char			 name[32];
	unsigned		 i;

	snprintf(name, sizeof(name), "dom%u", d->domid);
	memset(&mc, 0, sizeof(mc));
	mc.ram_bytes = d->mm.span;
	mc.ram_fd = d->mm.fd;
	mc.vram_fd = d->mm.vram_fd;
	mc.vram_bytes = d->mm.vram_size;
	mc.nvcpus = d->max_vcpus;
	mc.firmware = 1;
	mc.name = name;
	mc.cpu_engine = d->cpu_jit ? CPU_ENGINE_JIT : CPU_ENGINE_INTERP;
	r = xcalloc(1, sizeof(*r));
	r->d = d;
	if ((r->m = machine_new(&mc, cause)) == NULL) {
		free(r);
		return -1;
	}
	d->mach = r;
	/* Created paused: guest time starts at 0 on the first unpause. */
	machine_clock_stop(r->m);
	machine_clock_set_ns(r->m, 0);
	machine_set_console(r->m, rv_console, r);
	machine_set_hcall_hook(r->m, rv_hcall, d);
	for (i = 0; i < d->max_vcpus; i++) {
		d->vcpu[i]->arch = machine_vcpu(r->m, i);
		cpu_set_wake(d->vcpu[i]->arch, rv_wake, d->vcpu[i]);
	}
	rv_shared_info_moved(d);
	return 0;
}

static void
rv_domain_fini(struct domain *d)
{
	struct rvdom	*r = d->mach;

	if (r == NULL)
		return;
	machine_free(r->m);
	free(r);
	d->mach = NULL;
}

static void
rv_upcall(struct dom_vcpu *v)
{
	cpu_upcall_notify(v->arch);
}

static void
rv_shared_info_moved(struct domain *d)
{
	uint8_t		*sh = evtchn_shared_info(d);
	unsigned	 i;

	for (i = 0; i < d->max_vcpus; i++)
		cpu_set_upcall(d->vcpu[i]->arch, sh + i *
		    SHINFO_VCPU_INFO_SIZE);
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * A vCPU blocks (WFI, SCHEDOP_block or poll): it wakes at the earliest of
 * its SBI/CLINT timer, its PV timer and the poll timeout, all guest time.
 * That is kept for domain_unpause(), which arms it again after a pause;
 * the host time of it goes to the scheduler's timer.
 */
static uint64_t
block_deadline(struct dom_vcpu *v, uint64_t poll)
{
	uint64_t	cmp = cpu_timer_cmp(v->arch), g;

	g = min_u64(poll, __atomic_load_n(&v->timer_pv, __ATOMIC_SEQ_CST));
	if (cmp != UINT64_MAX)
		g = min_u64(g, cmp * 100);
	v->block_deadline = g;
	return guest_to_host(v, g);
}

/*
 * A vCPU that blocks with no timer, or one far off, gives its decode cache
 * back (an idle domain's boot code was most of its host memory, issue 21);
 * what it runs when it wakes is decoded again.  The freed pages go back to
 * the host at most once a second (malloc_trim walks every arena).
 */
static void
long_sleep(struct dom_vcpu *v, uint64_t wake_at)
{
	static uint64_t	last_trim;
	uint64_t	now = now_ns(), t;

	if (wake_at != TIMER_NONE && wake_at < now + RV_LONG_SLEEP_NS)
		return;
	cpu_drop_code(v->arch);
	t = __atomic_load_n(&last_trim, __ATOMIC_RELAXED);
	if (now - t >= 1000000000ull && __atomic_compare_exchange_n(&last_trim,
	    &t, now, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		malloc_trim(0);
}

static enum vcpu_stop
rv_run(struct dom_vcpu *v, uint64_t budget_ns, uint64_t *wake_at)
{
	struct domain		*d = v->dom;
	struct vcpu		*hart = v->arch;
	uint64_t		 end = now_ns() + budget_ns;
	enum machine_shutdown	 why;
	enum cpu_exit		 exit;
	uint64_t		 ic, t0, t1, n;
	int			 code;

	if (v->chunk == 0)
		v->chunk = RV_CHUNK;
	for (;;) {
		ic = cpu_instret(hart);
		t0 = now_ns();
		/*
		 * A chunk is about 1 ms: a budget ending sooner (the timer
		 * keeper's next deadline, see sched.c) gets its share of one.
		 */
		n = v->chunk;
		if (end < t0 + 1000000)
			n = end > t0 ? v->chunk * (end - t0) / 1000000 : 0;
		if (n < RV_CHUNK_MIN)
			n = RV_CHUNK_MIN;
		exit = cpu_run(hart, n);
		/* Keep a chunk near 1 ms, whatever the build's speed. */
		t1 = now_ns() - t0;
		if (n == v->chunk && exit == CPU_EXIT_BUDGET && t1 > 2000000 &&
		    v->chunk > 10000)
			v->chunk /= 2;
		else if (n == v->chunk && exit == CPU_EXIT_BUDGET &&
		    t1 < 500000 && v->chunk < 4 * RV_CHUNK)
			v->chunk *= 2;
		switch (exit) {
		case CPU_EXIT_BUDGET:
			/*
			 * A whole budget spent and not one instruction
			 * retired: a trap storm (the trap vector itself
			 * faults), the double fault of a real machine.
			 */
			if (cpu_instret(hart) == ic && ++v->storm >= 2) {
				char msg[96];

				snprintf(msg, sizeof(msg), "double fault: "
				    "trap storm at pc %#llx",
				    (unsigned long long)cpu_get_pc(hart));
				domain_crash(d, v, msg);
				return VCPU_STOP_HALT;
			}
			if (cpu_instret(hart) != ic)
				v->storm = 0;
			if (now_ns() >= end)
				return VCPU_STOP_BUDGET;
			continue;
		case CPU_EXIT_KICK:
			return VCPU_STOP_BUDGET;
		case CPU_EXIT_WFI:
			if (cpu_wfi_should_wake(hart))
				continue;
			*wake_at = block_deadline(v, TIMER_NONE);
			long_sleep(v, *wake_at);
			return VCPU_STOP_BLOCK;
		case CPU_EXIT_STOPPED:
			return VCPU_STOP_DOWN;
		case CPU_EXIT_HCALL:
			if (v->hc_stop == VCPU_STOP_BLOCK) {
				*wake_at = block_deadline(v, v->poll_deadline);
				v->poll_deadline = TIMER_NONE;
				long_sleep(v, *wake_at);
			}
			return v->hc_stop;
		case CPU_EXIT_SHUTDOWN:
			why = machine_shutdown_reason(rv_machine(d), &code);
			domain_shutdown(d, why == MACHINE_REBOOT ?
			    PRIVCMD_SHUTDOWN_REBOOT : why == MACHINE_FAIL ?
			    PRIVCMD_SHUTDOWN_CRASH : PRIVCMD_SHUTDOWN_POWEROFF, v);
			return VCPU_STOP_HALT;
		case CPU_EXIT_FATAL:
			domain_crash(d, v, "fatal trap (no M-mode to take it)");
			return VCPU_STOP_HALT;
		}
	}
}

static int
rv_get_context(struct dom_vcpu *v, uint64_t *pc, uint64_t x[32],
    unsigned *priv, uint64_t f[32], uint64_t *fcsr)
{
	unsigned	i;

	*pc = cpu_get_pc(v->arch);
	for (i = 0; i < 32; i++)
		x[i] = cpu_get_reg(v->arch, i);
	*priv = (unsigned)cpu_get_priv(v->arch);
	cpu_get_fp(v->arch, f, fcsr);
	return 0;
}

static int
rv_set_context(struct dom_vcpu *v, uint64_t pc, const uint64_t x[32],
    const uint64_t f[32], uint64_t fcsr)
{
	unsigned	i;
	int		down = sched_vcpu_state(v) == VS_DOWN;

	if (down)
		cpu_reset(v->arch, pc, CPU_PRIV_S);
	else
		cpu_set_pc(v->arch, pc);
	for (i = 1; i < 32; i++)
		cpu_set_reg(v->arch, i, x[i]);
	cpu_set_fp(v->arch, f, fcsr);
	/* The toolstack may have written code through a foreign mapping. */
	machine_invalidate(rv_machine(v->dom), MACHINE_RAM_BASE,
	    machine_ram_size(rv_machine(v->dom)));
	if (down) {
		cpu_hsm_set(v->arch, CPU_HSM_STARTED);
		sched_vcpu_up(v->dom->hv->sched, v);
	}
	return 0;
}

static unsigned
rv_save_vcpu(struct dom_vcpu *v, uint64_t *fields, unsigned max)
{
	struct cpu_context	c;
	unsigned		n = sizeof(c) / sizeof(uint64_t);

	if (n > max)
		return 0;
	cpu_get_context(v->arch, &c);
	memcpy(fields, &c, sizeof(c));
	return n;
}

static int
rv_load_vcpu(struct dom_vcpu *v, const uint64_t *fields, unsigned n)
{
	struct cpu_context	c;

	/* older layouts (before F and D, before PMP) are prefixes */
	if (n != CPU_CONTEXT_FIELDS && n != CPU_CONTEXT_FIELDS_V2 &&
	    n != CPU_CONTEXT_FIELDS_V1)
		return EINVAL;
	memset(&c, 0, sizeof(c));
	memcpy(&c, fields, n * sizeof(uint64_t));
	if (cpu_set_context(v->arch, &c) == -1)
		return errno;
	machine_invalidate(rv_machine(v->dom), MACHINE_RAM_BASE,
	    machine_ram_size(rv_machine(v->dom)));
	return 0;
}

static uint64_t
rv_clock_now(struct domain *d)
{
	return machine_clock_ns(rv_machine(d));
}

static uint64_t
rv_clock_to_host(struct domain *d, uint64_t guest_ns)
{
	return guest_to_host(d->vcpu[0], guest_ns);
}

static void
rv_clock_run(struct domain *d, int run)
{
	if (run)
		machine_clock_start(rv_machine(d));
	else
		machine_clock_stop(rv_machine(d));
}

static void
rv_clock_set(struct domain *d, uint64_t guest_ns)
{
	machine_clock_set_ns(rv_machine(d), guest_ns);
}

static struct vmmio *
rv_virtio(struct domain *d)
{
	return machine_virtio(rv_machine(d));
}

static void *
rv_ram_view(struct domain *d)
{
	return machine_gpa(rv_machine(d), MACHINE_RAM_BASE, d->mm.span);
}

static void
rv_kick(struct dom_vcpu *v)
{
	cpu_kick(v->arch);
}

static const struct vcpu_ops rv_vops = {
	.run = rv_run,
	.kick = rv_kick,
};

const struct machine_ops rv_machine_ops = {
	.domain_init = rv_domain_init,
	.domain_fini = rv_domain_fini,
	.upcall = rv_upcall,
	.shared_info_moved = rv_shared_info_moved,
	.get_context = rv_get_context,
	.set_context = rv_set_context,
	.save_vcpu = rv_save_vcpu,
	.load_vcpu = rv_load_vcpu,
	.ram_view = rv_ram_view,
	.console_input = rv_console_input,
	.press_button = rv_press_button,
	.clock_now = rv_clock_now,
	.clock_to_host = rv_clock_to_host,
	.clock_run = rv_clock_run,
	.clock_set = rv_clock_set,
	.virtio = rv_virtio,
	.vops = &rv_vops,
};
