/* The machine glue: domains' vCPUs run on the CPU core (hypervisor/cpu, machine.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"
#include "hypervisor/xen/console.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/evtchn.h"
#include "hypervisor/xen/hypercall.h"
#include "hypervisor/xen/rvglue.h"
#include "hypervisor/xen/timer.h"
#include "include/xvm/privcmd.h"

/*
 * One struct machine per domain, over the domain's own memfd (mm.c made
 * it; the machine maps the same pages).  A vCPU runs in chunks of about a
 * millisecond (the instruction count adapts) until its time budget is
 * spent or it stops:
 * WFI blocks it until its timer or an interrupt line (the CPU's wake hook
 * calls sched_vcpu_wake), PV hypercalls are served on the vCPU's own
 * thread by hypercall.c through the machine's hcall hook.
 *
 * The event-channel upcall is CPU_IRQ_SEIP_PV, a level: it follows the
 * vCPU's evtchn_upcall_pending byte, raised when an event is delivered
 * and sampled again at every hypercall and every chunk, so a guest that
 * cleared the byte sees the line drop at its next hypercall at the latest
 * (docs/guest-abi.md).
 */

#define RV_CHUNK	200000		/* instructions between checks, at first */
#define CON_LINE	256

struct rvdom {
	struct machine	*m;
	pthread_mutex_t	 con_lock;	/* guest console line */
	char		 con[CON_LINE];
	size_t		 con_len;
	struct domain	*d;
};

struct machine *
rv_machine(struct domain *d)
{
	struct rvdom	*r = d->mach;

	return r != NULL ? r->m : NULL;
}

/* Guest console output (UART, SBI putchar) into the hypervisor console. */
static void
rv_console(void *arg, const char *buf, size_t len)
{
	struct rvdom	*r = arg;
	size_t		 i;

	pthread_mutex_lock(&r->con_lock);
	for (i = 0; i < len; i++) {
		if (buf[i] != '\n' && r->con_len < CON_LINE - 1) {
			r->con[r->con_len++] = buf[i];
			continue;
		}
		hv_console_printf(r->d->hv->console, "(d%u) %.*s", r->d->domid,
		    (int)r->con_len, r->con);
		r->con_len = 0;
		if (buf[i] != '\n')
			r->con[r->con_len++] = buf[i];
	}
	pthread_mutex_unlock(&r->con_lock);
}

static struct dom_vcpu *
dvcpu(struct domain *d, struct vcpu *hart)
{
	unsigned	id = cpu_hartid(hart);

	return id < d->max_vcpus ? d->vcpu[id] : NULL;
}

static void
upcall_sample(struct dom_vcpu *v)
{
	uint8_t	*sh;
	int	 level;

	sh = evtchn_shared_info(v->dom);
	level = __atomic_load_n(sh + v->id * SHINFO_VCPU_INFO_SIZE +
	    SHINFO_UPCALL_PENDING, __ATOMIC_SEQ_CST) != 0;
	cpu_set_irq_line(v->arch, CPU_IRQ_SEIP_PV, level);
}

static uint64_t
guest_now(struct dom_vcpu *v)
{
	return machine_mtime(rv_machine(v->dom)) * 100;
}

static uint64_t
guest_to_host(struct dom_vcpu *v, uint64_t guest_ns)
{
	return machine_mtime_to_ns(rv_machine(v->dom), guest_ns / 100);
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
	for (i = 0; i < 6; i++)
		a[i] = cpu_get_reg(hart, 10 + i);
	stop = hypercall(v, &rv_env, cpu_get_reg(hart, 16), a, &ret);
	cpu_set_reg(hart, 10, (uint64_t)ret);
	upcall_sample(v);
	if (stop == VCPU_STOP_BUDGET)
		return 0;
	v->hc_stop = stop;
	return 1;
}

static void
rv_wake(struct vcpu *hart, void *arg)
{
	struct dom_vcpu	*v = arg;

	(void)hart;
	sched_vcpu_wake(v->dom->hv->sched, v);
}

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
	mc.nvcpus = d->max_vcpus;
	mc.firmware = 1;
	mc.name = name;
	r = xcalloc(1, sizeof(*r));
	r->d = d;
	pthread_mutex_init(&r->con_lock, NULL);
	if ((r->m = machine_new(&mc, cause)) == NULL) {
		free(r);
		return -1;
	}
	d->mach = r;
	machine_set_console(r->m, rv_console, r);
	machine_set_hcall_hook(r->m, rv_hcall, d);
	for (i = 0; i < d->max_vcpus; i++) {
		d->vcpu[i]->arch = machine_vcpu(r->m, i);
		cpu_set_wake(d->vcpu[i]->arch, rv_wake, d->vcpu[i]);
	}
	return 0;
}

static void
rv_domain_fini(struct domain *d)
{
	struct rvdom	*r = d->mach;

	if (r == NULL)
		return;
	if (r->con_len > 0)
		rv_console(r, "\n", 1);
	machine_free(r->m);
	pthread_mutex_destroy(&r->con_lock);
	free(r);
	d->mach = NULL;
}

static void
rv_upcall(struct dom_vcpu *v)
{
	cpu_set_irq_line(v->arch, CPU_IRQ_SEIP_PV, 1);
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static enum vcpu_stop
rv_run(struct dom_vcpu *v, uint64_t budget_ns, uint64_t *wake_at)
{
	struct domain		*d = v->dom;
	struct vcpu		*hart = v->arch;
	uint64_t		 end = now_ns() + budget_ns;
	enum machine_shutdown	 why;
	enum cpu_exit		 exit;
	uint64_t		 ic, t0, t1;
	int			 code;

	if (v->chunk == 0)
		v->chunk = RV_CHUNK;
	for (;;) {
		upcall_sample(v);
		ic = cpu_instret(hart);
		t0 = now_ns();
		exit = cpu_run(hart, v->chunk);
		/* Keep a chunk near 1 ms, whatever the build's speed. */
		t1 = now_ns() - t0;
		if (exit == CPU_EXIT_BUDGET && t1 > 2000000 && v->chunk > 10000)
			v->chunk /= 2;
		else if (exit == CPU_EXIT_BUDGET && t1 < 500000 &&
		    v->chunk < 4 * RV_CHUNK)
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
			*wake_at = min_u64(cpu_deadline(hart),
			    __atomic_load_n(&v->timer_pv, __ATOMIC_SEQ_CST));
			return VCPU_STOP_BLOCK;
		case CPU_EXIT_STOPPED:
			return VCPU_STOP_DOWN;
		case CPU_EXIT_HCALL:
			if (v->hc_stop == VCPU_STOP_BLOCK) {
				*wake_at = min_u64(min_u64(cpu_deadline(hart),
				    v->poll_deadline), __atomic_load_n(
				    &v->timer_pv, __ATOMIC_SEQ_CST));
				v->poll_deadline = TIMER_NONE;
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
    unsigned *priv)
{
	unsigned	i;

	*pc = cpu_get_pc(v->arch);
	for (i = 0; i < 32; i++)
		x[i] = cpu_get_reg(v->arch, i);
	*priv = (unsigned)cpu_get_priv(v->arch);
	return 0;
}

static int
rv_set_context(struct dom_vcpu *v, uint64_t pc, const uint64_t x[32])
{
	unsigned	i;
	int		down = sched_vcpu_state(v) == VS_DOWN;

	if (down)
		cpu_reset(v->arch, pc, CPU_PRIV_S);
	else
		cpu_set_pc(v->arch, pc);
	for (i = 1; i < 32; i++)
		cpu_set_reg(v->arch, i, x[i]);
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

	if (n != sizeof(c) / sizeof(uint64_t))
		return EINVAL;
	memcpy(&c, fields, sizeof(c));
	if (cpu_set_context(v->arch, &c) == -1)
		return errno;
	machine_invalidate(rv_machine(v->dom), MACHINE_RAM_BASE,
	    machine_ram_size(rv_machine(v->dom)));
	return 0;
}

static uint64_t
rv_to_guest_ns(struct domain *d, uint64_t host_ns)
{
	struct machine	*m = rv_machine(d);
	uint64_t	 now = now_ns(), g = machine_mtime(m) * 100;

	return host_ns >= now ? g + (host_ns - now) : g - (now - host_ns);
}

static uint64_t
rv_to_host_ns(struct domain *d, uint64_t guest_ns)
{
	return machine_mtime_to_ns(rv_machine(d), guest_ns / 100);
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
	.get_context = rv_get_context,
	.set_context = rv_set_context,
	.save_vcpu = rv_save_vcpu,
	.load_vcpu = rv_load_vcpu,
	.to_guest_ns = rv_to_guest_ns,
	.to_host_ns = rv_to_host_ns,
	.ram_view = rv_ram_view,
	.vops = &rv_vops,
};
