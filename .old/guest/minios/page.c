/* Bitmap page allocator: first fit from a moving hint, so repeated small
 * allocations do not rescan the pages already handed out. */
#include "guest/minios/page.h"

static int
used(const struct page_pool *pp, size_t i)
{
	return (pp->bitmap[i / 64] >> (i % 64)) & 1;
}

static void
mark(struct page_pool *pp, size_t i, int on)
{
	if (on)
		pp->bitmap[i / 64] |= 1ULL << (i % 64);
	else
		pp->bitmap[i / 64] &= ~(1ULL << (i % 64));
}

size_t
page_bitmap_words(size_t npages)
{
	return (npages + 63) / 64;
}

void
page_pool_init(struct page_pool *pp, uint64_t base, size_t npages,
    uint64_t *bitmap)
{
	size_t i;

	pp->base = base;
	pp->npages = npages;
	pp->nfree = npages;
	pp->hint = 0;
	pp->bitmap = bitmap;
	for (i = 0; i < page_bitmap_words(npages); i++)
		bitmap[i] = 0;
}

size_t
page_reserve(struct page_pool *pp, uint64_t pa, uint64_t len)
{
	uint64_t first, last, end = pa + len;
	size_t i, taken = 0;

	if (len == 0 || end < pa)
		return 0;
	if (end <= pp->base || pa >= pp->base + pp->npages * PAGE_POOL_SIZE)
		return 0;
	first = pa <= pp->base ? 0 : (pa - pp->base) >> PAGE_POOL_SHIFT;
	last = (end - pp->base + PAGE_POOL_SIZE - 1) >> PAGE_POOL_SHIFT;
	if (last > pp->npages)
		last = pp->npages;
	for (i = (size_t)first; i < last; i++) {
		if (!used(pp, i)) {
			mark(pp, i, 1);
			taken++;
		}
	}
	pp->nfree -= taken;
	return taken;
}

static int
run_free(const struct page_pool *pp, size_t start, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (used(pp, start + i))
			return 0;
	return 1;
}

uint64_t
page_alloc(struct page_pool *pp, size_t n, size_t align)
{
	size_t pass, i, start, end;

	if (n == 0 || n > pp->nfree || align == 0 || (align & (align - 1)))
		return 0;
	/* Two passes: from the hint to the end, then from the start. */
	for (pass = 0; pass < 2; pass++) {
		start = pass == 0 ? pp->hint : 0;
		end = pass == 0 ? pp->npages : pp->hint + n;
		if (end > pp->npages)
			end = pp->npages;
		for (i = (start + align - 1) & ~(align - 1); i + n <= end;
		    i += align) {
			if (!run_free(pp, i, n))
				continue;
			for (start = i; start < i + n; start++)
				mark(pp, start, 1);
			pp->nfree -= n;
			pp->hint = i + n;
			return pp->base + (uint64_t)i * PAGE_POOL_SIZE;
		}
	}
	return 0;
}

int
page_free(struct page_pool *pp, uint64_t pa, size_t n)
{
	size_t first, i;

	if (pa < pp->base || (pa & (PAGE_POOL_SIZE - 1)) != 0)
		return -1;
	first = (size_t)((pa - pp->base) >> PAGE_POOL_SHIFT);
	if (first >= pp->npages || n > pp->npages - first)
		return -1;
	for (i = 0; i < n; i++)
		if (!used(pp, first + i))
			return -1;
	for (i = 0; i < n; i++)
		mark(pp, first + i, 0);
	pp->nfree += n;
	if (first < pp->hint)
		pp->hint = first;
	return 0;
}
