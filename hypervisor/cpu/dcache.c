/*
 * The decode cache: per vCPU, guest-physical code pages to struct dpage
 * (decoded slots, see exec.c).  A bitmap over RAM pages says which pages
 * have a dpage; such pages never get write-TLB entries, so every store to
 * them comes through mmu.c, which calls dcache_code_write() to reset the
 * page's decoded slots before the store lands.  FENCE.I, SBI remote
 * fence.i, machine_invalidate() and growth past DPAGE_MAX drop every
 * dpage at a block boundary (nothing then points into them).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hypervisor/cpu/jit.h"
#include "hypervisor/cpu/vcpu.h"
#include "hypervisor/machine.h"

static unsigned
hash(uint64_t ppn)
{
	return (unsigned)((ppn * 0x9e3779b97f4a7c15ULL) >> 54) &
	    (DHASH_SIZE - 1);
}

static void
reset_slots(struct vcpu *v, struct dpage *dp, unsigned lo, unsigned hi)
{
	unsigned i;

	for (i = lo; i <= hi && i < DPAGE_SLOTS; i++)
		dp->slot[i].h = v->h_decode;
}

static void
flush_wtlb_page(struct vcpu *v, const uint8_t *host)
{
	unsigned i;

	for (i = 0; i < TLB_SIZE; i++) {
		struct tlb *e = &v->wtlb[i];

		if (e->tag != TLB_INVALID &&
		    (const uint8_t *)(e->tag + e->addend) == host)
			e->tag = TLB_INVALID;
	}
}

static void
set_code(struct vcpu *v, uint64_t off, int on)
{
	if (on)
		v->codemap[off >> 3] |= (uint8_t)(1u << (off & 7));
	else
		v->codemap[off >> 3] &= (uint8_t)~(1u << (off & 7));
}

void
dcache_mark_code(struct vcpu *v, struct dpage *dp)
{
	uint64_t off = dp->ppn - (MACHINE_RAM_BASE >> 12);

	if (!dcache_is_code(v, off)) {
		set_code(v, off, 1);
		flush_wtlb_page(v, dp->host);
	}
}

static struct dpage *
lookup(const struct vcpu *v, uint64_t ppn)
{
	struct dpage *dp;

	for (dp = v->dhash[hash(ppn)]; dp != NULL; dp = dp->hnext)
		if (dp->ppn == ppn)
			return dp;
	return NULL;
}

/* The dpage for the RAM page holding pa, made if need be; NULL if not RAM. */
struct dpage *
dcache_get(struct vcpu *v, uint64_t pa)
{
	struct dpage	*dp;
	uint8_t		*host;
	uint64_t	 ppn = pa >> 12;
	unsigned	 i;

	if ((dp = lookup(v, ppn)) != NULL)
		return dp;
	if ((host = machine_gpa(v->m, ppn << 12, 4096)) == NULL)
		return NULL;
	if (v->ndpages >= DPAGE_MAX)
		atomic_fetch_or(&v->events, EV_FLUSH_CODE);
	if ((dp = malloc(sizeof(*dp))) == NULL)
		return NULL;
	dp->ppn = ppn;
	dp->host = host;
	dp->tbs = NULL;
	dp->lo = DPAGE_SLOTS;
	dp->hi = 0;
	for (i = 0; i < DPAGE_SLOTS; i++)
		dp->slot[i].h = v->h_decode;
	dp->slot[DPAGE_SLOTS].h = dp->slot[DPAGE_SLOTS + 1].h = v->h_cross;
	dp->slot[DPAGE_SLOTS].step = dp->slot[DPAGE_SLOTS + 1].step = 0;
	dp->hnext = v->dhash[hash(ppn)];
	v->dhash[hash(ppn)] = dp;
	v->ndpages++;
	dcache_mark_code(v, dp);
	return dp;
}

void
dcache_code_write(struct vcpu *v, uint64_t pa, unsigned len)
{
	struct dpage *dp;

	if ((dp = lookup(v, pa >> 12)) == NULL)
		return;
	if (dp->tbs != NULL)
		jit_page_written(v, dp, pa, len);
	if (dp->lo <= dp->hi)
		reset_slots(v, dp, dp->lo, dp->hi);
	dp->lo = DPAGE_SLOTS;
	dp->hi = 0;
	/* translations the store missed keep the page write-protected */
	if (dp->tbs == NULL)
		set_code(v, dp->ppn - (MACHINE_RAM_BASE >> 12), 0);
}

void
dcache_flush(struct vcpu *v)
{
	struct dpage *dp, *next;
	unsigned i;

	for (i = 0; i < DHASH_SIZE; i++) {
		for (dp = v->dhash[i]; dp != NULL; dp = next) {
			next = dp->hnext;
			free(dp);
		}
		v->dhash[i] = NULL;
	}
	v->ndpages = 0;
	jit_flush(v);
	memset(v->codemap, 0, (v->ram_pages + 7) / 8);
	memset(v->ftlb, 0xff, sizeof(v->ftlb));
}
