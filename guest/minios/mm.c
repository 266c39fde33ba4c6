/* Physical memory: RAM regions from the device tree, reservations, and one
 * page pool per region behind a lock. */
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/fdt.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/page.h"
#include "guest/minios/spinlock.h"

#define MAX_REGIONS	8
#define MAX_RESERVED	32

struct range {
	uint64_t	base, size;
};

static struct page_pool pools[MAX_REGIONS];
static unsigned npools;
static struct range reserved[MAX_RESERVED];
static unsigned nreserved;
static struct spinlock lock = SPINLOCK_INIT;

static uint64_t
align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

void
mm_reserve(uint64_t pa, uint64_t len, const char *what)
{
	unsigned i;

	if (len == 0)
		return;
	kprintf("mm: reserve %#lx-%#lx %s", (unsigned long)pa,
	    (unsigned long)(pa + len - 1), what);
	if (nreserved == MAX_RESERVED)
		panic("mm: more than %d reserved ranges", MAX_RESERVED);
	reserved[nreserved].base = pa;
	reserved[nreserved++].size = len;
	for (i = 0; i < npools; i++)
		page_reserve(&pools[i], pa, len);
}

static int
overlaps_reserved(uint64_t pa, uint64_t len)
{
	unsigned i;

	for (i = 0; i < nreserved; i++)
		if (pa < reserved[i].base + reserved[i].size &&
		    reserved[i].base < pa + len)
			return (int)i + 1;
	return 0;
}

static void
reserve_from_dt(const struct dt *dt, uint64_t dtb_pa)
{
	uint64_t a, s;
	unsigned i, ac, sc;
	int node, child, r;

	mm_reserve((uint64_t)(uintptr_t)_start,
	    (uint64_t)(_end - _start), "kernel");
	mm_reserve(dtb_pa, align_up(dt->size, PAGE_SIZE), "device tree");
	for (i = 0; (r = dt_memrsv(dt, i, &a, &s)) == 1; i++)
		mm_reserve(a, s, "memreserve");
	if (r < 0)
		kprintf("mm: memory reservation block runs off the blob");
	node = dt_path(dt, "/reserved-memory");
	if (node < 0)
		return;
	ac = dt_addr_cells(dt, node);
	sc = dt_size_cells(dt, node);
	for (child = dt_first_child(dt, node); child >= 0;
	    child = dt_next_sibling(dt, child))
		for (i = 0; dt_reg(dt, child, "reg", ac, sc, i, &a, &s) == 0;
		    i++)
			mm_reserve(a, s, dt_name(dt, child));
}

/* The bitmaps go in the first free gap of RAM big enough for them all. */
static uint64_t
place_bitmaps(const struct range *ram, unsigned nram, uint64_t bytes)
{
	uint64_t at;
	unsigned i, hit, tries;

	for (i = 0; i < nram; i++) {
		at = align_up(ram[i].base, PAGE_SIZE);
		for (tries = 0; tries <= MAX_RESERVED; tries++) {
			hit = (unsigned)overlaps_reserved(at, bytes);
			if (hit == 0)
				break;
			at = align_up(reserved[hit - 1].base +
			    reserved[hit - 1].size, PAGE_SIZE);
		}
		if (hit == 0 && at + bytes <= ram[i].base + ram[i].size)
			return at;
	}
	return 0;
}

void
mm_init(const struct dt *dt, uint64_t dtb_pa)
{
	struct range ram[MAX_REGIONS];
	uint64_t a, s, words = 0, bm, bm0, end;
	unsigned nram = 0, i, r, ac, sc;
	int root, node;

	root = dt_root(dt);
	ac = dt_addr_cells(dt, root);
	sc = dt_size_cells(dt, root);
	for (node = dt_first_child(dt, root); node >= 0;
	    node = dt_next_sibling(dt, node)) {
		const char *type = dt_prop_str(dt, node, "device_type");

		if (type == NULL || strcmp(type, "memory") != 0)
			continue;
		for (i = 0; dt_reg(dt, node, "reg", ac, sc, i, &a, &s) == 0;
		    i++) {
			end = (a + s) & ~(PAGE_SIZE - 1);
			a = align_up(a, PAGE_SIZE);
			if (end <= a || nram == MAX_REGIONS)
				continue;
			ram[nram].base = a;
			ram[nram++].size = end - a;
			words += (end - a) / PAGE_SIZE / 64 + 1;
			kprintf("mm: ram %#lx-%#lx (%lu MiB)", (unsigned long)a,
			    (unsigned long)(end - 1),
			    (unsigned long)((end - a) >> 20));
		}
	}
	if (nram == 0)
		panic("mm: the device tree describes no memory");
	reserve_from_dt(dt, dtb_pa);

	bm = place_bitmaps(ram, nram, words * 8);
	if (bm == 0)
		panic("mm: no room for the page bitmaps");
	bm0 = bm;
	for (i = 0; i < nram; i++) {
		page_pool_init(&pools[i], ram[i].base, ram[i].size / PAGE_SIZE,
		    (uint64_t *)(uintptr_t)bm);
		bm += page_bitmap_words(pools[i].npages) * 8;
	}
	npools = nram;
	/* The ranges recorded before the pools existed apply now. */
	for (r = 0; r < nreserved; r++)
		for (i = 0; i < npools; i++)
			page_reserve(&pools[i], reserved[r].base,
			    reserved[r].size);
	mm_reserve(bm0, bm - bm0, "page bitmaps");
	kprintf("mm: %lu of %lu pages free", (unsigned long)mm_free_pages(),
	    (unsigned long)mm_total_pages());
}

uint64_t
alloc_pages_raw(size_t n)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	uint64_t pa = 0;
	unsigned i;

	for (i = 0; i < npools && pa == 0; i++)
		pa = page_alloc(&pools[i], n, 1);
	spin_unlock_irqrestore(&lock, flags);
	return pa;
}

uint64_t
alloc_pages(size_t n)
{
	uint64_t pa = alloc_pages_raw(n);

	if (pa != 0)
		memset((void *)(uintptr_t)pa, 0, n * PAGE_SIZE);
	return pa;
}

void
free_pages(uint64_t pa, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	unsigned i;
	int r = -1;

	for (i = 0; i < npools && r != 0; i++)
		r = page_free(&pools[i], pa, n);
	spin_unlock_irqrestore(&lock, flags);
	if (r != 0)
		panic("mm: free of %zu pages at %#lx not allocated", n,
		    (unsigned long)pa);
}

size_t
mm_free_pages(void)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < npools; i++)
		n += pools[i].nfree;
	return n;
}

size_t
mm_total_pages(void)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < npools; i++)
		n += pools[i].npages;
	return n;
}

int
mm_is_ram(uint64_t pa, uint64_t len)
{
	unsigned i;

	for (i = 0; i < npools; i++)
		if (pa >= pools[i].base && pa + len >= pa &&
		    pa + len <= pools[i].base + pools[i].npages * PAGE_SIZE)
			return 1;
	return 0;
}

uint64_t
mm_ram_end(void)
{
	uint64_t end = 0;
	unsigned i;

	for (i = 0; i < npools; i++)
		if (pools[i].base + pools[i].npages * PAGE_SIZE > end)
			end = pools[i].base + pools[i].npages * PAGE_SIZE;
	return end;
}
