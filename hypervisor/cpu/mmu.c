/*
 * Address translation and the slow memory paths (privileged spec 1.12,
 * 4.3-4.5: Sv39 and Sv48 page walks, permission checks, A/D updates).
 *
 * The TLBs are direct-mapped on the virtual page number and hold host
 * addends: a hit turns a guest virtual address into a host pointer with
 * one add.  There are three (read, write, fetch) so permission checks are
 * done once at fill time: a page gets a write entry only after a walk
 * that allowed (and dirtied) a write.  All TLBs are flushed when anything
 * they depend on changes: satp, SFENCE.VMA, privilege, MPRV/MPP/SUM/MXR.
 * Only RAM is ever entered; devices and the HTIF page always come here.
 * A and D are set by the walker with compare-and-swap (as QEMU does), so
 * harts on other threads never lose each other's updates.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "hypervisor/cpu/jit.h"
#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"

#define PTE_V	(1ULL << 0)
#define PTE_R	(1ULL << 1)
#define PTE_W	(1ULL << 2)
#define PTE_X	(1ULL << 3)
#define PTE_U	(1ULL << 4)
#define PTE_A	(1ULL << 6)
#define PTE_D	(1ULL << 7)
#define PTE_PPN(p)	(((p) >> 10) & ((1ULL << 44) - 1))

void
tlb_flush(struct vcpu *v)
{
	memset(v->rtlb, 0xff, sizeof(v->rtlb));
	memset(v->wtlb, 0xff, sizeof(v->wtlb));
	memset(v->ftlb, 0xff, sizeof(v->ftlb));
	jit_tlb_flushed(v);
}

static int
fault_cause(enum acc acc)
{
	switch (acc) {
	case ACC_EXEC:
		return EXC_INSN_PAGE;
	case ACC_READ:
		return EXC_LOAD_PAGE;
	default:
		return EXC_STORE_PAGE;
	}
}

static int
access_cause(enum acc acc)
{
	switch (acc) {
	case ACC_EXEC:
		return EXC_INSN_ACCESS;
	case ACC_READ:
		return EXC_LOAD_ACCESS;
	default:
		return EXC_STORE_ACCESS;
	}
}

static int
leaf_allows(const struct vcpu *v, uint64_t pte, enum acc acc, int priv)
{
	if (priv == CPU_PRIV_U && !(pte & PTE_U))
		return 0;
	if (priv == CPU_PRIV_S && (pte & PTE_U)) {
		if (acc == ACC_EXEC || !(v->mstatus & MS_SUM))
			return 0;
	}
	switch (acc) {
	case ACC_EXEC:
		return (pte & PTE_X) != 0;
	case ACC_READ:
		return (pte & PTE_R) ||
		    ((v->mstatus & MS_MXR) && (pte & PTE_X));
	default:
		return (pte & PTE_W) != 0;
	}
}

/*
 * Translate va for an access of kind acc at privilege priv (already
 * adjusted for MPRV by the caller).  0 with *pa, or the exception cause.
 */
int
mmu_translate(struct vcpu *v, uint64_t va, enum acc acc, int priv,
    uint64_t *pa)
{
	unsigned	 mode = (unsigned)(v->satp >> 60), levels, i;
	uint64_t	 a, pte, want, *p;
	int		 sh;

	if (priv == CPU_PRIV_M || mode == 0) {
		*pa = va;
		return 0;
	}
	levels = mode == 9 ? 4 : 3;
	sh = (int)(12 + 9 * levels);
	/* bits above the top VPN must all equal its top bit */
	if ((uint64_t)((int64_t)(va << (64 - sh)) >> (64 - sh)) != va)
		return fault_cause(acc);
	a = (v->satp & ((1ULL << 44) - 1)) << 12;
	for (i = levels; i-- > 0;) {
		uint64_t idx = (va >> (12 + 9 * i)) & 0x1ff;

		/* the walk's own reads are S-mode accesses to PMP (3.7.1) */
		if ((p = machine_gpa(v->m, a + idx * 8, 8)) == NULL ||
		    !pmp_check(v, a + idx * 8, 8, ACC_READ, CPU_PRIV_S))
			return access_cause(acc);
	again:
		pte = __atomic_load_n(p, __ATOMIC_ACQUIRE);
		if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
			return fault_cause(acc);
		if (!(pte & (PTE_R | PTE_X))) {
			a = PTE_PPN(pte) << 12;
			continue;
		}
		if (!leaf_allows(v, pte, acc, priv))
			return fault_cause(acc);
		if (i > 0 && (PTE_PPN(pte) & ((1ULL << (9 * i)) - 1)) != 0)
			return fault_cause(acc);	/* misaligned superpage */
		want = pte | PTE_A | (acc == ACC_WRITE ? PTE_D : 0);
		if (want != pte && !__atomic_compare_exchange_n(p, &pte, want,
		    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			goto again;
		*pa = ((PTE_PPN(pte) << 12) & ~((1ULL << (12 + 9 * i)) - 1)) |
		    (va & ((1ULL << (12 + 9 * i)) - 1));
		return 0;
	}
	return fault_cause(acc);
}

static int
data_priv(const struct vcpu *v)
{
	if (v->priv == CPU_PRIV_M && (v->mstatus & MS_MPRV))
		return (int)((v->mstatus & MS_MPP) >> MS_MPP_SHIFT);
	return v->priv;
}

static void
fill(struct tlb *t, uint64_t va, uint8_t *host)
{
	struct tlb *e = &t[(va >> 12) & (TLB_SIZE - 1)];

	e->tag = va & ~0xfffULL;
	e->addend = (uintptr_t)(host - (va & 0xfff)) - (va & ~0xfffULL);
}

/* One aligned access (or one byte of a misaligned one): 0 or a cause. */
static int
load_one(struct vcpu *v, uint64_t va, unsigned size, uint64_t *val)
{
	uint64_t	 pa;
	uint8_t		*h;
	int		 cause;

	if ((cause = mmu_translate(v, va, ACC_READ, data_priv(v), &pa)) != 0)
		return cause;
	if (!pmp_check(v, pa, size, ACC_READ, data_priv(v)))
		return EXC_LOAD_ACCESS;
	if ((h = machine_gpa(v->m, pa, size)) != NULL) {
		*val = 0;
		memcpy(val, h, size);
		if (pmp_page_uniform(v, pa))
			fill(v->rtlb, va, h);
		return 0;
	}
	if ((h = machine_vram(v->m, pa, size)) != NULL) {
		*val = 0;
		memcpy(val, h, size);
		if (pmp_page_uniform(v, pa))
			fill(v->rtlb, va, h);
		return 0;
	}
	if (machine_mmio(v->m, v, pa, size, 0, val) == 0)
		return 0;
	return EXC_LOAD_ACCESS;
}

static int
store_one(struct vcpu *v, uint64_t va, unsigned size, uint64_t val)
{
	uint64_t	 pa;
	uint8_t		*h;
	int		 cause, watched;

	if ((cause = mmu_translate(v, va, ACC_WRITE, data_priv(v), &pa)) != 0)
		return cause;
	if (!pmp_check(v, pa, size, ACC_WRITE, data_priv(v)))
		return EXC_STORE_ACCESS;
	if ((h = machine_gpa(v->m, pa, size)) != NULL) {
		uint64_t off = (pa - MACHINE_RAM_BASE) >> 12;

		watched = machine_htif_page(v->m, pa);
		if (dcache_is_code(v, off))
			dcache_code_write(v, pa, size);
		memcpy(h, &val, size);
		if (watched)
			machine_htif_store(v->m, pa);
		else if (!dcache_is_code(v, off) && pmp_page_uniform(v, pa))
			fill(v->wtlb, va, h);
		return 0;
	}
	/* Video memory: never code, never watched; the TLB takes it. */
	if ((h = machine_vram(v->m, pa, size)) != NULL) {
		memcpy(h, &val, size);
		if (pmp_page_uniform(v, pa))
			fill(v->wtlb, va, h);
		return 0;
	}
	if (machine_mmio(v->m, v, pa, size, 1, &val) == 0)
		return 0;
	return EXC_STORE_ACCESS;
}

/*
 * Loads and stores the TLB could not do.  Misaligned ones are allowed
 * (privileged spec 3.6.3.3 lets the platform do them) and done a byte at
 * a time; a fault reports the access's own address.  0, or -1 after
 * raising the trap.
 */
int
mem_load_slow(struct vcpu *v, uint64_t va, unsigned size, uint64_t *val)
{
	uint64_t b, r = 0;
	unsigned i;
	int cause;

	if ((va & (size - 1)) == 0) {
		if ((cause = load_one(v, va, size, val)) == 0)
			return 0;
		goto fault;
	}
	for (i = 0; i < size; i++) {
		if ((cause = load_one(v, va + i, 1, &b)) != 0)
			goto fault;
		r |= (b & 0xff) << (8 * i);
	}
	*val = r;
	return 0;
fault:
	cpu_trap(v, (uint64_t)cause, va);
	return -1;
}

int
mem_store_slow(struct vcpu *v, uint64_t va, unsigned size, uint64_t val)
{
	unsigned i;
	int cause;

	if ((va & (size - 1)) == 0) {
		if ((cause = store_one(v, va, size, val)) == 0)
			return 0;
		goto fault;
	}
	for (i = 0; i < size; i++)
		if ((cause = store_one(v, va + i, 1, (val >> (8 * i)) & 0xff))
		    != 0)
			goto fault;
	return 0;
fault:
	cpu_trap(v, (uint64_t)cause, va);
	return -1;
}

/*
 * The host pointer for an LR/SC/AMO at va.  AMOs must be naturally
 * aligned and in RAM (A extension 8.4; devices here take no AMOs).
 */
int
mem_amo_addr(struct vcpu *v, uint64_t va, unsigned size, int write,
    void **host, uint64_t *pa)
{
	int cause;

	if (va & (size - 1)) {
		cpu_trap(v, write ? EXC_STORE_MISALIGNED : EXC_LOAD_MISALIGNED,
		    va);
		return -1;
	}
	if ((cause = mmu_translate(v, va, write ? ACC_WRITE : ACC_READ,
	    data_priv(v), pa)) != 0) {
		cpu_trap(v, (uint64_t)cause, va);
		return -1;
	}
	if ((*host = machine_gpa(v->m, *pa, size)) == NULL ||
	    !pmp_check(v, *pa, size, ACC_READ, data_priv(v)) ||
	    (write && !pmp_check(v, *pa, size, ACC_WRITE, data_priv(v)))) {
		cpu_trap(v, write ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS, va);
		return -1;
	}
	if (write && dcache_is_code(v, (*pa - MACHINE_RAM_BASE) >> 12))
		dcache_code_write(v, *pa, size);
	return 0;
}
