/*
 * Control and status registers (privileged spec 1.12, chapter 2 for the
 * access rules, 3.1 for the machine CSRs, 4.1 for the supervisor views;
 * Zicntr for cycle/time/instret; unprivileged 11.2 for fcsr).  PMP and
 * the trigger registers are in pmp.c.
 */
#include <stdatomic.h>
#include <stdint.h>

#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"

#define SSTATUS_MASK	(MS_SIE | MS_SPIE | MS_UBE | MS_SPP | MS_FS | \
			 MS_SUM | MS_MXR | MS_UXL | MS_SD)
#define MSTATUS_WMASK	(MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | \
			 MS_MPP | MS_FS | MS_MPRV | MS_SUM | MS_MXR | \
			 MS_TVM | MS_TW | MS_TSR)
#define SSTATUS_WMASK	(MS_SIE | MS_SPIE | MS_SPP | MS_FS | MS_SUM | MS_MXR)
#define MIE_MASK	(MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | \
			 MIP_SEIP | MIP_MEIP)
#define MIP_WMASK	(MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MEDELEG_MASK	0xb3ffULL
#define MIDELEG_MASK	(MIP_SSIP | MIP_STIP | MIP_SEIP)

enum {
	CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
	CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140,
	CSR_SEPC = 0x141, CSR_SCAUSE = 0x142, CSR_STVAL = 0x143,
	CSR_SIP = 0x144, CSR_SATP = 0x180,
	CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
	CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
	CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a,
	CSR_MCOUNTINHIBIT = 0x320, CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341,
	CSR_MCAUSE = 0x342, CSR_MTVAL = 0x343, CSR_MIP = 0x344,
	CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02,
	CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
	CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
	CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
};

/* Zicntr: cycle/time/instret and hpmcounters, gated by x-counteren. */
static int
counter_read(struct vcpu *v, unsigned csr, uint64_t *val)
{
	unsigned bit = csr & 0x1f;

	if (v->priv < CPU_PRIV_M && !((v->mcounteren >> bit) & 1))
		return -1;
	if (v->priv == CPU_PRIV_U && !((v->scounteren >> bit) & 1))
		return -1;
	switch (csr) {
	case CSR_CYCLE:
		*val = v->instret + v->mcycle_off;
		break;
	case CSR_TIME:
		*val = machine_mtime(v->m);
		break;
	case CSR_INSTRET:
		*val = v->instret + v->minstret_off;
		break;
	default:
		*val = 0;
		break;
	}
	return 0;
}

/* mstatus as read: SD summarises FS (XS is always 0 here). */
static uint64_t
mstatus_read(const struct vcpu *v)
{
	return v->mstatus | ((v->mstatus & MS_FS) == MS_FS ? MS_SD : 0);
}

static int
csr_read(struct vcpu *v, unsigned csr, uint64_t *val)
{
	if (csr >= 0xc00 && csr <= 0xc1f)
		return counter_read(v, csr, val);
	if (csr >= CSR_FFLAGS && csr <= CSR_FCSR) {
		/* the F state is not accessible while FS is Off (3.1.6.6) */
		if ((v->mstatus & MS_FS) == 0)
			return -1;
		*val = csr == CSR_FFLAGS ? v->fflags : csr == CSR_FRM ?
		    v->frm : (v->frm << 5 | v->fflags);
		return 0;
	}
	if (csr >= 0x3a0 && csr <= 0x3ef)
		return pmp_csr_read(v, csr, val);
	if (csr >= 0x7a0 && csr <= 0x7af)
		return trigger_csr_read(csr, val);
	if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) {
		*val = 0;	/* hpmcounters and events: none */
		return 0;
	}
	switch (csr) {
	case CSR_SSTATUS: *val = mstatus_read(v) & SSTATUS_MASK; break;
	case CSR_SIE: *val = v->mie & v->mideleg; break;
	case CSR_STVEC: *val = v->stvec; break;
	case CSR_SCOUNTEREN: *val = v->scounteren; break;
	case CSR_SENVCFG: *val = v->senvcfg; break;
	case CSR_SSCRATCH: *val = v->sscratch; break;
	case CSR_SEPC: *val = v->sepc; break;
	case CSR_SCAUSE: *val = v->scause; break;
	case CSR_STVAL: *val = v->stval; break;
	case CSR_SIP: *val = cpu_mip(v) & v->mideleg; break;
	case CSR_SATP:
		if (v->priv == CPU_PRIV_S && (v->mstatus & MS_TVM))
			return -1;
		*val = v->satp;
		break;
	case CSR_MSTATUS: *val = mstatus_read(v); break;
	case CSR_MISA: *val = v->misa; break;
	case CSR_MEDELEG: *val = v->medeleg; break;
	case CSR_MIDELEG: *val = v->mideleg; break;
	case CSR_MIE: *val = v->mie; break;
	case CSR_MTVEC: *val = v->mtvec; break;
	case CSR_MCOUNTEREN: *val = v->mcounteren; break;
	case CSR_MENVCFG: *val = v->menvcfg; break;
	case CSR_MCOUNTINHIBIT: *val = v->mcountinhibit; break;
	case CSR_MSCRATCH: *val = v->mscratch; break;
	case CSR_MEPC: *val = v->mepc; break;
	case CSR_MCAUSE: *val = v->mcause; break;
	case CSR_MTVAL: *val = v->mtval; break;
	case CSR_MIP: *val = cpu_mip(v); break;
	case CSR_MCYCLE: *val = v->instret + v->mcycle_off; break;
	case CSR_MINSTRET: *val = v->instret + v->minstret_off; break;
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MCONFIGPTR:
		*val = 0;
		break;
	case CSR_MHARTID: *val = v->hartid; break;
	default:
		return -1;
	}
	return 0;
}

static void
write_mstatus(struct vcpu *v, uint64_t val, uint64_t mask)
{
	uint64_t old = v->mstatus;

	if (((val >> MS_MPP_SHIFT) & 3) == 2)	/* reserved: keep the old */
		val = (val & ~MS_MPP) | (old & MS_MPP);
	v->mstatus = (old & ~mask) | (val & mask);
	if ((old ^ v->mstatus) & (MS_MPRV | MS_MPP | MS_SUM | MS_MXR))
		tlb_flush(v);
}

static void
write_mip(struct vcpu *v, uint64_t val, uint64_t mask)
{
	uint64_t old = atomic_load(&v->mip), new;

	do {
		new = (old & ~mask) | (val & mask);
	} while (!atomic_compare_exchange_weak(&v->mip, &old, new));
}

static void
write_satp(struct vcpu *v, uint64_t val)
{
	uint64_t mode = val >> 60;

	if (mode != 0 && mode != 8 && mode != 9)
		return;		/* WARL: an unsupported mode is ignored */
	v->satp = val & ((0xfULL << 60) | (0xffffULL << 44) |
	    ((1ULL << 44) - 1));
	tlb_flush(v);
}

static int
csr_write(struct vcpu *v, unsigned csr, uint64_t val)
{
	if (csr >= 0x3a0 && csr <= 0x3ef)
		return pmp_csr_write(v, csr, val);
	if (csr >= 0x7a0 && csr <= 0x7a4)
		return 0;	/* no triggers: tselect stays 0, tdata1 type 0 */
	if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f))
		return 0;
	switch (csr) {
	case CSR_FFLAGS:
		v->fflags = (uint32_t)val & 0x1f;
		v->mstatus |= MS_FS;
		break;
	case CSR_FRM:
		v->frm = (uint32_t)val & 7;
		v->mstatus |= MS_FS;
		break;
	case CSR_FCSR:
		v->fflags = (uint32_t)val & 0x1f;
		v->frm = ((uint32_t)val >> 5) & 7;
		v->mstatus |= MS_FS;
		break;
	case CSR_SSTATUS: write_mstatus(v, val, SSTATUS_WMASK); break;
	case CSR_SIE:
		v->mie = (v->mie & ~v->mideleg) | (val & v->mideleg & MIE_MASK);
		break;
	case CSR_STVEC:
		if ((val & 3) < 2)
			v->stvec = val;
		break;
	case CSR_SCOUNTEREN: v->scounteren = (uint32_t)val; break;
	case CSR_SENVCFG: break;	/* no fields this hart implements */
	case CSR_SSCRATCH: v->sscratch = val; break;
	case CSR_SEPC: v->sepc = val & ~1ULL; break;
	case CSR_SCAUSE: v->scause = val; break;
	case CSR_STVAL: v->stval = val; break;
	case CSR_SIP: write_mip(v, val, MIP_SSIP & v->mideleg); break;
	case CSR_SATP:
		if (v->priv == CPU_PRIV_S && (v->mstatus & MS_TVM))
			return -1;
		write_satp(v, val);
		break;
	case CSR_MSTATUS: write_mstatus(v, val, MSTATUS_WMASK); break;
	case CSR_MISA: break;	/* WARL: fixed */
	case CSR_MEDELEG: v->medeleg = val & MEDELEG_MASK; break;
	case CSR_MIDELEG: v->mideleg = val & MIDELEG_MASK; break;
	case CSR_MIE: v->mie = val & MIE_MASK; break;
	case CSR_MTVEC:
		if ((val & 3) < 2)
			v->mtvec = val;
		break;
	case CSR_MCOUNTEREN: v->mcounteren = (uint32_t)val; break;
	case CSR_MENVCFG: break;
	case CSR_MCOUNTINHIBIT: v->mcountinhibit = (uint32_t)val & 5; break;
	case CSR_MSCRATCH: v->mscratch = val; break;
	case CSR_MEPC: v->mepc = val & ~1ULL; break;
	case CSR_MCAUSE: v->mcause = val; break;
	case CSR_MTVAL: v->mtval = val; break;
	case CSR_MIP: write_mip(v, val, MIP_WMASK); break;
	/* the write is the value after this instruction retires */
	case CSR_MCYCLE: v->mcycle_off = val - v->instret - 1; break;
	case CSR_MINSTRET: v->minstret_off = val - v->instret - 1; break;
	default:
		return -1;
	}
	return 0;
}

int
cpu_csr_rw(struct vcpu *v, unsigned csr, int op, uint64_t src, int do_write,
    uint64_t *old)
{
	uint64_t val;

	if (((csr >> 8) & 3) > (unsigned)v->priv)
		return -1;
	if (do_write && ((csr >> 10) & 3) == 3)
		return -1;
	if (csr_read(v, csr, &val) != 0)
		return -1;
	*old = val;
	if (!do_write)
		return 0;
	switch (op) {
	case 0:
		break;
	case 1:
		src = val | src;
		break;
	default:
		src = val & ~src;
		break;
	}
	if (csr_write(v, csr, src) != 0)
		return -1;
	atomic_fetch_or(&v->events, EV_IRQ);
	return 0;
}
