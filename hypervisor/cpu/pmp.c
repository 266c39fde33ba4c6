/*
 * Physical memory protection (privileged spec 1.12, 3.7): 16 entries,
 * granularity 4 bytes (G = 0), OFF/TOR/NA4/NAPOT, the lock bit, and the
 * debug trigger registers of a hart with no triggers (debug spec 0.13.2,
 * 5.2: tselect reads 0, tdata1 reads type 0 "no trigger").
 *
 * When it applies.  M-mode code (firmware 'none', OpenSBI) owns PMP and
 * gets the architectural rules: S and U accesses need a matching entry,
 * M accesses are checked only against locked entries.  A machine that is
 * its own firmware (SBI in C) has no M-mode code to program PMP, so it
 * behaves as a firmware that opened all memory to S and U would: no
 * check.
 *
 * Cost.  Checks happen where the TLBs are filled, never on a TLB hit: a
 * page enters a TLB only when one entry (or none) decides for all of its
 * bytes (pmp_page_uniform), so a page split by a PMP boundary is checked
 * access by access in the slow path.  Any write to a PMP CSR flushes the
 * TLBs.  Worked example: pmpaddr0 = 0x2000_03ff NAPOT covers 0x8000_0000
 * to 0x8000_1fff (8 KiB): the two pages there are uniform; with pmpaddr0
 * = 0x2000_00ff (1 KiB) the first page is split and never cached.
 */
#include <stdint.h>

#include "hypervisor/cpu/vcpu.h"

#define CFG_R		0x01u
#define CFG_W		0x02u
#define CFG_X		0x04u
#define CFG_A(c)	(((c) >> 3) & 3u)
#define CFG_L		0x80u
#define A_OFF		0
#define A_TOR		1
#define A_NA4		2
#define A_NAPOT		3
#define ADDR_MASK	((1ULL << 54) - 1)	/* pmpaddr: bits 55:2 */

/* The byte range [*lo, *hi) entry i covers; 0 if it is off. */
static int
range(const struct vcpu *v, unsigned i, uint64_t *lo, uint64_t *hi)
{
	uint64_t a = v->pmpaddr[i];

	switch (CFG_A(v->pmpcfg[i])) {
	case A_TOR:
		*lo = i == 0 ? 0 : v->pmpaddr[i - 1] << 2;
		*hi = a << 2;
		return *lo < *hi;
	case A_NA4:
		*lo = a << 2;
		*hi = *lo + 4;
		return 1;
	case A_NAPOT: {
		uint64_t ones = (a ^ (a + 1));	/* trailing ones and the 0 */

		*lo = (a & ~ones) << 2;
		/* all 54 bits ones: the whole 2^56 space */
		*hi = ones >= ADDR_MASK ? (1ULL << 56) : *lo + ((ones + 1) << 2);
		return 1;
	}
	default:
		return 0;
	}
}

static int
allows(uint8_t cfg, enum acc acc)
{
	switch (acc) {
	case ACC_READ:
		return (cfg & CFG_R) != 0;
	case ACC_WRITE:
		return (cfg & CFG_W) != 0;
	default:
		return (cfg & CFG_X) != 0;
	}
}

int
pmp_check(const struct vcpu *v, uint64_t pa, unsigned size, enum acc acc,
    int priv)
{
	uint64_t lo, hi;
	unsigned i;

	if (v->firmware || (!v->pmp_locked && priv == CPU_PRIV_M))
		return 1;
	for (i = 0; i < PMP_ENTRIES; i++) {
		if (!range(v, i, &lo, &hi) || pa + size <= lo || pa >= hi)
			continue;
		if (pa < lo || pa + size > hi)
			return 0;	/* matches some bytes only: fails */
		if (priv == CPU_PRIV_M && !(v->pmpcfg[i] & CFG_L))
			return 1;
		return allows(v->pmpcfg[i], acc);
	}
	return priv == CPU_PRIV_M;
}

int
pmp_page_uniform(const struct vcpu *v, uint64_t pa)
{
	uint64_t lo, hi, page = pa & ~0xfffULL;
	unsigned i;

	if (v->firmware)
		return 1;
	for (i = 0; i < PMP_ENTRIES; i++) {
		if (!range(v, i, &lo, &hi) || page + 4096 <= lo || page >= hi)
			continue;
		return lo <= page && hi >= page + 4096;
	}
	return 1;
}

static void
recompute(struct vcpu *v)
{
	unsigned i;

	v->pmp_locked = 0;
	for (i = 0; i < PMP_ENTRIES; i++)
		if ((v->pmpcfg[i] & CFG_L) && CFG_A(v->pmpcfg[i]) != A_OFF)
			v->pmp_locked = 1;
	tlb_flush(v);
}

/*
 * pmpcfg0/2 (0x3a0, 0x3a2) and pmpaddr0-15 (0x3b0-0x3bf) are the
 * implemented ones; pmpcfg4-14 and pmpaddr16-63 read 0 and ignore writes
 * (3.7.1); odd pmpcfg do not exist on RV64.  0, or -1: not a PMP CSR.
 */
int
pmp_csr_read(const struct vcpu *v, unsigned csr, uint64_t *val)
{
	unsigned i, base;

	if (csr >= 0x3a0 && csr <= 0x3af) {
		if (csr & 1)
			return -1;
		*val = 0;
		base = (csr - 0x3a0) * 4;
		for (i = 0; i < 8 && base + i < PMP_ENTRIES; i++)
			*val |= (uint64_t)v->pmpcfg[base + i] << (8 * i);
		return 0;
	}
	if (csr >= 0x3b0 && csr <= 0x3ef) {
		i = csr - 0x3b0;
		*val = i < PMP_ENTRIES ? v->pmpaddr[i] : 0;
		return 0;
	}
	return -1;
}

static int
addr_locked(const struct vcpu *v, unsigned i)
{
	if (v->pmpcfg[i] & CFG_L)
		return 1;
	/* the top of a locked TOR range above */
	return i + 1 < PMP_ENTRIES && (v->pmpcfg[i + 1] & CFG_L) &&
	    CFG_A(v->pmpcfg[i + 1]) == A_TOR;
}

int
pmp_csr_write(struct vcpu *v, unsigned csr, uint64_t val)
{
	unsigned i, base;

	if (csr >= 0x3a0 && csr <= 0x3af) {
		if (csr & 1)
			return -1;
		base = (csr - 0x3a0) * 4;
		for (i = 0; i < 8 && base + i < PMP_ENTRIES; i++) {
			uint8_t c = (uint8_t)(val >> (8 * i));

			if (v->pmpcfg[base + i] & CFG_L)
				continue;
			c &= CFG_R | CFG_W | CFG_X | (3u << 3) | CFG_L;
			if ((c & (CFG_R | CFG_W)) == CFG_W)
				c &= (uint8_t)~CFG_W;	/* R=0 W=1 reserved */
			v->pmpcfg[base + i] = c;
		}
		recompute(v);
		return 0;
	}
	if (csr >= 0x3b0 && csr <= 0x3ef) {
		i = csr - 0x3b0;
		if (i < PMP_ENTRIES && !addr_locked(v, i)) {
			v->pmpaddr[i] = val & ADDR_MASK;
			recompute(v);
		}
		return 0;
	}
	return -1;
}

/* Trigger registers of a hart without triggers. */
int
trigger_csr_read(unsigned csr, uint64_t *val)
{
	switch (csr) {
	case 0x7a0:	/* tselect */
	case 0x7a1:	/* tdata1: type 0, no trigger at this index */
	case 0x7a2:	/* tdata2 */
	case 0x7a3:	/* tdata3 */
		*val = 0;
		return 0;
	case 0x7a4:	/* tinfo: only type 0 ("none") */
		*val = 1;
		return 0;
	default:
		return -1;
	}
}
