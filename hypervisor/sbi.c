/*
 * SBI v2.0 for S-mode guests when the machine is its own M-mode firmware
 * (RISC-V SBI specification v2.0: chapter 3 binary encoding, 4 Base,
 * 5 legacy, 6 TIME, 7 IPI, 8 RFENCE, 9 HSM, 10 SRST, 12 DBCN).  Unknown
 * extensions go to the machine's hcall hook (the PV hypercall ABI) or
 * answer SBI_ERR_NOT_SUPPORTED.
 */
#include <stdint.h>

#include <xvm/xen.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"
#include "hypervisor/sbi.h"

#define A(n)	cpu_get_reg(v, 10 + (n))

static void
ret(struct vcpu *v, int64_t err, uint64_t val)
{
	cpu_set_reg(v, 10, (uint64_t)err);
	cpu_set_reg(v, 11, val);
}

/*
 * Apply fn to every hart in (mask, base).  base == -1 means all harts.
 * SBI_SUCCESS, or SBI_ERR_INVALID_PARAM naming a hart that does not exist.
 */
static int64_t
each_hart(struct vcpu *v, uint64_t mask, uint64_t base,
    void (*fn)(struct vcpu *))
{
	struct machine *m = cpu_machine(v);
	unsigned n = machine_nvcpus(m), i;

	if (base == UINT64_MAX) {
		for (i = 0; i < n; i++)
			fn(machine_vcpu(m, i));
		return SBI_SUCCESS;
	}
	for (i = 0; i < 64; i++)
		if (((mask >> i) & 1) && (base >= n || i >= n - base))
			return SBI_ERR_INVALID_PARAM;
	for (i = 0; i < 64; i++)
		if ((mask >> i) & 1)
			fn(machine_vcpu(m, (unsigned)(base + i)));
	return SBI_SUCCESS;
}

static int
known(struct vcpu *v, uint64_t eid)
{
	switch (eid) {
	case SBI_EXT_BASE: case SBI_EXT_TIME: case SBI_EXT_IPI:
	case SBI_EXT_RFENCE: case SBI_EXT_HSM: case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		return 1;
	default:
		/*
		 * The hook gets the whole firmware range, but serves only the
		 * PV hypercall ID (and its deprecated alias): only those probe
		 * as present, and only when a hook is set.
		 */
		return (eid == XVM_HCALL_EID || eid == XVM_HCALL_EID_OLD) &&
		    machine_hcall_hooked(cpu_machine(v));
	}
}

static void
base(struct vcpu *v, uint64_t fid)
{
	switch (fid) {
	case 0: ret(v, 0, 2ULL << 24); break;	/* spec version 2.0 */
	case 1: ret(v, 0, SBI_IMPL_ID); break;
	case 2: ret(v, 0, 0x10000); break;	/* implementation 1.0 */
	case 3: ret(v, 0, (uint64_t)known(v, A(0))); break;
	case 4: case 5: case 6: ret(v, 0, 0); break;	/* mvendor/march/mimp */
	default: ret(v, SBI_ERR_NOT_SUPPORTED, 0); break;
	}
}

static void
flush_code(struct vcpu *t)
{
	cpu_remote_fence_i(t);
}

static void
flush_tlb(struct vcpu *t)
{
	cpu_flush_tlb(t);
}

static void
ipi(struct vcpu *t)
{
	cpu_raise_ssip(t);
}

static enum sbi_action
hsm(struct vcpu *v, uint64_t fid)
{
	struct machine	*m = cpu_machine(v);
	struct vcpu	*t;

	switch (fid) {
	case 0:		/* hart_start(hartid, start_addr, opaque) */
		if ((t = machine_vcpu(m, (unsigned)A(0))) == NULL ||
		    A(0) >= machine_nvcpus(m)) {
			ret(v, SBI_ERR_INVALID_PARAM, 0);
			break;
		}
		if (machine_gpa(m, A(1), 2) == NULL) {
			ret(v, SBI_ERR_INVALID_ADDRESS, 0);
			break;
		}
		ret(v, cpu_hsm_start(t, A(1), A(2)) == 0 ? SBI_SUCCESS :
		    SBI_ERR_ALREADY_AVAILABLE, 0);
		break;
	case 1:		/* hart_stop() */
		cpu_hsm_set(v, CPU_HSM_STOPPED);
		return SBI_EXIT_STOPPED;
	case 2:		/* hart_get_status(hartid) */
		if (A(0) >= machine_nvcpus(m))
			ret(v, SBI_ERR_INVALID_PARAM, 0);
		else
			ret(v, 0, (uint64_t)cpu_hsm_state(machine_vcpu(m,
			    (unsigned)A(0))));
		break;
	case 3:		/* hart_suspend(type, resume_addr, opaque) */
		if (A(0) == 0) {	/* default retentive: like WFI */
			ret(v, 0, 0);
			return SBI_EXIT_WFI;
		}
		ret(v, (A(0) & 0x80000000u) ? SBI_ERR_NOT_SUPPORTED :
		    SBI_ERR_INVALID_PARAM, 0);
		break;
	default:
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		break;
	}
	return SBI_NEXT;
}

static void
srst(struct vcpu *v, uint64_t fid)
{
	struct machine *m = cpu_machine(v);
	uint64_t type = A(0), reason = A(1);

	if (fid != 0) {
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
	if (type > 2 || reason > 1) {
		ret(v, SBI_ERR_INVALID_PARAM, 0);
		return;
	}
	if (type == 0)
		machine_shutdown(m, reason == 1 ? MACHINE_FAIL :
		    MACHINE_POWEROFF, reason == 1 ? 1 : 0);
	else
		machine_shutdown(m, MACHINE_REBOOT, 0);
	ret(v, 0, 0);
}

static void
dbcn(struct vcpu *v, uint64_t fid)
{
	struct machine	*m = cpu_machine(v);
	uint64_t	 n = A(0), i;
	char		*p, c;
	int		 ch;

	switch (fid) {
	case 0:		/* console_write(num_bytes, base_lo, base_hi) */
	case 1:		/* console_read(num_bytes, base_lo, base_hi) */
		if (A(2) != 0 || (p = machine_gpa(m, A(1), n)) == NULL) {
			ret(v, SBI_ERR_INVALID_PARAM, 0);
			return;
		}
		if (fid == 0) {
			machine_console_write(m, p, (size_t)n);
			ret(v, 0, n);
			return;
		}
		for (i = 0; i < n && (ch = machine_console_getc(m)) >= 0; i++)
			p[i] = (char)ch;
		machine_invalidate(m, A(1), i);
		ret(v, 0, i);
		return;
	case 2:		/* console_write_byte(byte) */
		c = (char)A(0);
		machine_console_write(m, &c, 1);
		ret(v, 0, 0);
		return;
	default:
		ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		return;
	}
}

/* SBI v0.1 calls: one result in a0. */
static void
legacy(struct vcpu *v, uint64_t eid)
{
	struct machine	*m = cpu_machine(v);
	uint64_t	 mask = 0, *mp;
	char		 c;

	switch (eid) {
	case 0:
		cpu_set_stimecmp(v, A(0));
		break;
	case 1:
		c = (char)A(0);
		machine_console_write(m, &c, 1);
		break;
	case 2:
		cpu_set_reg(v, 10, (uint64_t)(int64_t)machine_console_getc(m));
		return;
	case 3:		/* clear_ipi: SSIP is cleared through sip */
		break;
	case 4: case 5: case 6: case 7:
		if (A(0) != 0) {
			if ((mp = machine_gpa(m, A(0), 8)) == NULL) {
				cpu_set_reg(v, 10, (uint64_t)SBI_ERR_INVALID_ADDRESS);
				return;
			}
			mask = *mp;
		}
		each_hart(v, mask, A(0) == 0 ? UINT64_MAX : 0,
		    eid == 4 ? ipi : eid == 5 ? flush_code : flush_tlb);
		break;
	default:	/* 8: shutdown */
		machine_shutdown(m, MACHINE_POWEROFF, 0);
		break;
	}
	cpu_set_reg(v, 10, 0);
}

enum sbi_action
sbi_ecall(struct vcpu *v)
{
	uint64_t eid = cpu_get_reg(v, 17), fid = cpu_get_reg(v, 16);

	switch (eid) {
	case SBI_EXT_BASE:
		base(v, fid);
		break;
	case SBI_EXT_TIME:
		if (fid == 0) {
			cpu_set_stimecmp(v, A(0));
			ret(v, 0, 0);
		} else {
			ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		}
		break;
	case SBI_EXT_IPI:
		if (fid == 0)
			ret(v, each_hart(v, A(0), A(1), ipi), 0);
		else
			ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		break;
	case SBI_EXT_RFENCE:
		if (fid == 0)
			ret(v, each_hart(v, A(0), A(1), flush_code), 0);
		else if (fid == 1 || fid == 2)
			ret(v, each_hart(v, A(0), A(1), flush_tlb), 0);
		else
			ret(v, SBI_ERR_NOT_SUPPORTED, 0);
		break;
	case SBI_EXT_HSM:
		return hsm(v, fid);
	case SBI_EXT_SRST:
		srst(v, fid);
		break;
	case SBI_EXT_DBCN:
		dbcn(v, fid);
		break;
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
		legacy(v, eid);
		break;
	default:
		switch (machine_hcall(cpu_machine(v), v)) {
		case 0:
			break;
		case 1:
			return SBI_EXIT_HCALL;
		default:
			ret(v, SBI_ERR_NOT_SUPPORTED, 0);
			break;
		}
		break;
	}
	return SBI_NEXT;
}
