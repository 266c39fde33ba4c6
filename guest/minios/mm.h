/* Physical memory (from the device tree's /memory) and Sv39 paging. */
#ifndef MINIOS_MM_H
#define MINIOS_MM_H

#include <stddef.h>
#include <stdint.h>

struct dt;

/*
 * Builds the page pools from /memory, keeping out the kernel image, the
 * device tree blob, its reservations and /reserved-memory.  Panics if no
 * usable memory is described.
 */
void		mm_init(const struct dt *dt, uint64_t dtb_pa);
/* Keeps [pa, pa + len) out of the pools; call before pages are handed out. */
void		mm_reserve(uint64_t pa, uint64_t len, const char *what);
/* n contiguous zeroed pages (physical == virtual address), or 0. */
uint64_t	alloc_pages(size_t n);
/* Like alloc_pages without zeroing, for callers that overwrite at once. */
uint64_t	alloc_pages_raw(size_t n);
void		free_pages(uint64_t pa, size_t n);
size_t		mm_free_pages(void);
size_t		mm_total_pages(void);
/* The end of the highest RAM region (its first address past it). */
uint64_t	mm_ram_end(void);
/* True when [pa, pa + len) lies inside RAM described by /memory. */
int		mm_is_ram(uint64_t pa, uint64_t len);

/* Builds the kernel page table and turns on Sv39 on this vCPU. */
void		paging_init(void);
/* Turns on the same page table on a secondary vCPU. */
void		paging_enable(void);
/* Maps one extra page 1:1 (e.g. shared_info outside RAM); 0 or -1. */
int		paging_map_page(uint64_t pa, int writable);

#endif
