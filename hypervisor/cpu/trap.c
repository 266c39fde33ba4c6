/*
 * Traps (privileged spec 1.12, 3.1.6-3.1.9 and 3.3.1, 4.1.1): taking
 * exceptions and interrupts with delegation to S-mode, their priorities,
 * xRET, and the timer lines that feed mip.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"

void
cpu_set_priv(struct vcpu *v, int priv)
{
	if (v->priv != priv) {
		v->priv = priv;
		tlb_flush(v);
	}
}

uint64_t
cpu_mip(const struct vcpu *v)
{
	uint64_t lines = atomic_load_explicit(&v->lines, memory_order_relaxed);
	uint64_t mip = atomic_load_explicit(&v->mip, memory_order_relaxed);
	const uint8_t *vi = atomic_load_explicit(&v->upcall_vi,
	    memory_order_acquire);

	/*
	 * The PV upcall is not latched anywhere: it is the level of the
	 * guest's own vcpu_info bytes, read at each decision (cpu.h).
	 */
	if (vi != NULL &&
	    __atomic_load_n(vi + CPU_UPCALL_PENDING, __ATOMIC_ACQUIRE) != 0 &&
	    __atomic_load_n(vi + CPU_UPCALL_MASK, __ATOMIC_ACQUIRE) == 0)
		lines |= MIP_SEIP;
	return mip | (lines & 0xfff);
}

static void
enter(struct vcpu *v, uint64_t cause, uint64_t tval, int irq)
{
	uint64_t deleg = irq ? v->mideleg : v->medeleg;
	uint64_t code = cause | (irq ? 1ULL << 63 : 0);
	uint64_t pc = v->pc, tvec;

	v->res_addr = ~0ULL;
	if (v->priv <= CPU_PRIV_S && ((deleg >> cause) & 1)) {
		v->scause = code;
		v->sepc = pc;
		v->stval = tval;
		v->mstatus &= ~(MS_SPIE | MS_SPP);
		if (v->mstatus & MS_SIE)
			v->mstatus |= MS_SPIE;
		if (v->priv == CPU_PRIV_S)
			v->mstatus |= MS_SPP;
		v->mstatus &= ~MS_SIE;
		tvec = v->stvec;
		cpu_set_priv(v, CPU_PRIV_S);
	} else {
		if (v->firmware) {
			/* nothing lives in M-mode to take it */
			v->fatal = 1;
			v->mcause = code;
			v->mepc = pc;
			v->mtval = tval;
			return;
		}
		v->mcause = code;
		v->mepc = pc;
		v->mtval = tval;
		v->mstatus &= ~(MS_MPIE | MS_MPP);
		if (v->mstatus & MS_MIE)
			v->mstatus |= MS_MPIE;
		v->mstatus |= (uint64_t)v->priv << MS_MPP_SHIFT;
		v->mstatus &= ~MS_MIE;
		tvec = v->mtvec;
		cpu_set_priv(v, CPU_PRIV_M);
	}
	if (irq && (tvec & 3) == 1)
		v->pc = (tvec & ~3ULL) + 4 * cause;
	else
		v->pc = tvec & ~3ULL;
}

void
cpu_trap(struct vcpu *v, uint64_t cause, uint64_t tval)
{
	enter(v, cause, tval, 0);
}

/* Highest first: MEI, MSI, MTI, SEI, SSI, STI (privileged spec 3.1.9). */
static const int irq_order[] = {
	IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI,
};

int
cpu_irq_take(struct vcpu *v)
{
	uint64_t pending = cpu_mip(v) & v->mie, m, s, take = 0;
	size_t i;

	if (pending == 0)
		return 0;
	m = pending & ~v->mideleg;
	s = pending & v->mideleg;
	if (v->priv < CPU_PRIV_M || (v->mstatus & MS_MIE))
		take = m;
	if (take == 0 && (v->priv < CPU_PRIV_S ||
	    (v->priv == CPU_PRIV_S && (v->mstatus & MS_SIE))))
		take = s;
	if (take == 0)
		return 0;
	for (i = 0; i < sizeof(irq_order) / sizeof(irq_order[0]); i++) {
		if (take & (1ULL << irq_order[i])) {
			enter(v, (uint64_t)irq_order[i], 0, 1);
			return 1;
		}
	}
	return 0;
}

void
cpu_do_mret(struct vcpu *v)
{
	int mpp = (int)((v->mstatus & MS_MPP) >> MS_MPP_SHIFT);

	v->mstatus &= ~MS_MIE;
	if (v->mstatus & MS_MPIE)
		v->mstatus |= MS_MIE;
	v->mstatus |= MS_MPIE;
	v->mstatus &= ~MS_MPP;	/* MPP = U (the least-privileged mode) */
	if (mpp != CPU_PRIV_M)
		v->mstatus &= ~MS_MPRV;
	v->res_addr = ~0ULL;
	v->pc = v->mepc;
	cpu_set_priv(v, mpp);
	tlb_flush(v);	/* MPRV may have changed */
}

void
cpu_do_sret(struct vcpu *v)
{
	int spp = (v->mstatus & MS_SPP) ? CPU_PRIV_S : CPU_PRIV_U;

	v->mstatus &= ~MS_SIE;
	if (v->mstatus & MS_SPIE)
		v->mstatus |= MS_SIE;
	v->mstatus |= MS_SPIE;
	v->mstatus &= ~(MS_SPP | MS_MPRV);
	v->res_addr = ~0ULL;
	v->pc = v->sepc;
	cpu_set_priv(v, spp);
}

static void
line(struct vcpu *v, int bit, int level)
{
	if (level)
		atomic_fetch_or(&v->lines, 1ULL << bit);
	else
		atomic_fetch_and(&v->lines, ~(1ULL << bit));
}

void
cpu_timer_update(struct vcpu *v)
{
	uint64_t now = machine_mtime(v->m);

	line(v, IRQ_MTI, now >= atomic_load(&v->mtimecmp));
	if (v->firmware)
		line(v, IRQ_STI, now >= atomic_load(&v->stimecmp));
}

int
cpu_wfi_should_wake(struct vcpu *v)
{
	cpu_timer_update(v);
	return (cpu_mip(v) & v->mie) != 0;
}

uint64_t
cpu_timer_cmp(struct vcpu *v)
{
	uint64_t t = atomic_load(&v->mtimecmp);

	if (v->firmware && atomic_load(&v->stimecmp) < t)
		t = atomic_load(&v->stimecmp);
	return t;
}

uint64_t
cpu_deadline(struct vcpu *v)
{
	uint64_t t = cpu_timer_cmp(v);

	if (t == UINT64_MAX)
		return UINT64_MAX;
	return machine_mtime_to_ns(v->m, t);
}
