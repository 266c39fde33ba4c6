/* Physical page allocator: one bitmap per RAM region. */
#ifndef MINIOS_PAGE_H
#define MINIOS_PAGE_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_POOL_SHIFT	12
#define PAGE_POOL_SIZE	(1UL << PAGE_POOL_SHIFT)

struct page_pool {
	uint64_t	 base;		/* physical address of page 0 */
	size_t		 npages;
	size_t		 nfree;
	size_t		 hint;		/* where the next search starts */
	uint64_t	*bitmap;	/* bit set = page in use */
};

/* Words of bitmap a pool of npages needs. */
size_t		page_bitmap_words(size_t npages);
/* All pages start free; bitmap (page_bitmap_words long) is borrowed. */
void		page_pool_init(struct page_pool *pp, uint64_t base,
		    size_t npages, uint64_t *bitmap);
/* Marks [pa, pa + len) in use, clipped to the pool; returns pages newly taken. */
size_t		page_reserve(struct page_pool *pp, uint64_t pa, uint64_t len);
/* n contiguous pages aligned to align pages (a power of two); 0 if none. */
uint64_t	page_alloc(struct page_pool *pp, size_t n, size_t align);
/* Returns 0, or -1 if any of the pages is outside the pool or already free. */
int		page_free(struct page_pool *pp, uint64_t pa, size_t n);

#endif
