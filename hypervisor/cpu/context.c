/* Saving and loading a hart's architectural state (struct cpu_context). */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "hypervisor/cpu/vcpu.h"

void
cpu_get_context(const struct vcpu *v, struct cpu_context *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->x, v->x, sizeof(c->x));
	c->x[0] = 0;
	c->pc = v->pc;
	c->priv = (uint64_t)v->priv;
	c->mstatus = v->mstatus;
	c->misa = v->misa;
	c->medeleg = v->medeleg;
	c->mideleg = v->mideleg;
	c->mie = v->mie;
	c->mip = atomic_load(&((struct vcpu *)(uintptr_t)v)->mip);
	c->mtvec = v->mtvec;
	c->stvec = v->stvec;
	c->mepc = v->mepc;
	c->sepc = v->sepc;
	c->mcause = v->mcause;
	c->scause = v->scause;
	c->mtval = v->mtval;
	c->stval = v->stval;
	c->mscratch = v->mscratch;
	c->sscratch = v->sscratch;
	c->satp = v->satp;
	c->mcounteren = v->mcounteren;
	c->scounteren = v->scounteren;
	c->mcountinhibit = v->mcountinhibit;
	c->instret = v->instret;
	c->mcycle_off = v->mcycle_off;
	c->minstret_off = v->minstret_off;
	c->mtimecmp = atomic_load(&((struct vcpu *)(uintptr_t)v)->mtimecmp);
	c->stimecmp = atomic_load(&((struct vcpu *)(uintptr_t)v)->stimecmp);
	c->hsm = (uint64_t)atomic_load(&((struct vcpu *)(uintptr_t)v)->hsm);
	memcpy(c->f, v->f, sizeof(c->f));
	c->fcsr = (uint64_t)(v->frm << 5 | v->fflags);
	(void)pmp_csr_read(v, 0x3a0, &c->pmpcfg[0]);
	(void)pmp_csr_read(v, 0x3a2, &c->pmpcfg[1]);
	memcpy(c->pmpaddr, v->pmpaddr, sizeof(c->pmpaddr));
}

int
cpu_set_context(struct vcpu *v, const struct cpu_context *c)
{
	uint64_t old;

	if ((c->priv != CPU_PRIV_U && c->priv != CPU_PRIV_S &&
	    c->priv != CPU_PRIV_M) || c->hsm > CPU_HSM_SUSPENDED ||
	    (v->firmware && c->priv == CPU_PRIV_M) || c->fcsr > 0xff) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&v->x[1], &c->x[1], 31 * sizeof(v->x[0]));
	v->pc = c->pc & ~1ULL;
	v->priv = (int)c->priv;
	v->instret = c->instret;
	v->mcycle_off = c->mcycle_off;
	v->minstret_off = c->minstret_off;
	v->res_addr = ~0ULL;
	v->fatal = 0;
	atomic_store(&v->mtimecmp, c->mtimecmp);
	atomic_store(&v->stimecmp, c->stimecmp);
	memcpy(v->f, c->f, sizeof(v->f));
	v->fflags = (uint32_t)c->fcsr & 0x1f;
	v->frm = (uint32_t)(c->fcsr >> 5) & 7;
	/* PMP: restored as saved, locks included (the CSR path obeys locks) */
	memset(v->pmpcfg, 0, sizeof(v->pmpcfg));
	memset(v->pmpaddr, 0, sizeof(v->pmpaddr));
	(void)pmp_csr_write(v, 0x3a0, c->pmpcfg[0]);
	(void)pmp_csr_write(v, 0x3a2, c->pmpcfg[1]);
	{
		unsigned i;

		for (i = 0; i < 16; i++)
			v->pmpaddr[i] = c->pmpaddr[i] & ((1ULL << 54) - 1);
	}
	/* the CSRs through the CSR path, so WARL rules apply */
	{
		static const struct { unsigned csr; size_t off; } map[] = {
			{ 0x300, offsetof(struct cpu_context, mstatus) },
			{ 0x302, offsetof(struct cpu_context, medeleg) },
			{ 0x303, offsetof(struct cpu_context, mideleg) },
			{ 0x304, offsetof(struct cpu_context, mie) },
			{ 0x344, offsetof(struct cpu_context, mip) },
			{ 0x305, offsetof(struct cpu_context, mtvec) },
			{ 0x105, offsetof(struct cpu_context, stvec) },
			{ 0x341, offsetof(struct cpu_context, mepc) },
			{ 0x141, offsetof(struct cpu_context, sepc) },
			{ 0x342, offsetof(struct cpu_context, mcause) },
			{ 0x142, offsetof(struct cpu_context, scause) },
			{ 0x343, offsetof(struct cpu_context, mtval) },
			{ 0x143, offsetof(struct cpu_context, stval) },
			{ 0x340, offsetof(struct cpu_context, mscratch) },
			{ 0x140, offsetof(struct cpu_context, sscratch) },
			{ 0x180, offsetof(struct cpu_context, satp) },
			{ 0x306, offsetof(struct cpu_context, mcounteren) },
			{ 0x106, offsetof(struct cpu_context, scounteren) },
			{ 0x320, offsetof(struct cpu_context, mcountinhibit) },
		};
		int priv = v->priv;
		size_t i;

		v->priv = CPU_PRIV_M;	/* write as M-mode could */
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			uint64_t val;

			memcpy(&val, (const char *)c + map[i].off, sizeof(val));
			(void)cpu_csr_rw(v, map[i].csr, 0, val, 1, &old);
		}
		v->priv = priv;
	}
	if (v->firmware) {
		/* the firmware's own delegation is not the guest's to change */
		v->medeleg = 0xb3ffULL & ~(1ULL << EXC_ECALL_S);
		v->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
		v->mcounteren = 7;
	}
	atomic_store(&v->hsm, (int)c->hsm);
	tlb_flush(v);
	cpu_flush_code(v);
	atomic_fetch_or(&v->events, EV_TIMER);
	return 0;
}
