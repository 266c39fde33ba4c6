/*
 * Sv39 paging (RISC-V privileged spec 1.12, section 4.4).
 *
 * The kernel maps RAM 1:1, so physical addresses handed to SBI, to the
 * hypervisor and to shared rings need no translation.  The image is mapped
 * with 4 KiB pages and W^X permissions (text RX, rodata R, data and bss RW);
 * the rest of RAM is RW and non-executable, in the largest pages alignment
 * allows (1 GiB, 2 MiB, 4 KiB) to keep the table small.  Every PTE is
 * created with A and D set: hardware that does not update them would
 * otherwise fault on first access.
 */
#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"

#define PTE_V		(1UL << 0)
#define PTE_R		(1UL << 1)
#define PTE_W		(1UL << 2)
#define PTE_X		(1UL << 3)
#define PTE_G		(1UL << 5)
#define PTE_A		(1UL << 6)
#define PTE_D		(1UL << 7)
#define PTE_LEAF	(PTE_R | PTE_W | PTE_X)
#define SATP_SV39	(8UL << 60)

static uint64_t *root;
static unsigned long satp_value;

static uint64_t *
table_of(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> 10) << PAGE_SHIFT);
}

/* The PTE for va at level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB). */
static uint64_t *
pte_at(uint64_t va, int level)
{
	uint64_t *pt = root, *e, pa;
	int l;

	for (l = 2; l > level; l--) {
		e = &pt[(va >> (PAGE_SHIFT + 9 * l)) & 511];
		if (!(*e & PTE_V)) {
			pa = alloc_pages(1);
			if (pa == 0)
				return NULL;
			*e = (pa >> PAGE_SHIFT) << 10 | PTE_V;
		} else if (*e & PTE_LEAF) {
			return NULL;	/* a bigger page already covers va */
		}
		pt = table_of(*e);
	}
	return &pt[(va >> (PAGE_SHIFT + 9 * level)) & 511];
}

static void
map_range(uint64_t pa, uint64_t len, unsigned long perm)
{
	uint64_t end = pa + len, size, *e;
	int level;

	while (pa < end) {
		for (level = 2; level > 0; level--) {
			size = 1UL << (PAGE_SHIFT + 9 * level);
			if ((pa & (size - 1)) == 0 && end - pa >= size)
				break;
		}
		size = 1UL << (PAGE_SHIFT + 9 * level);
		e = pte_at(pa, level);
		if (e == NULL)
			panic("paging: cannot map %#lx", (unsigned long)pa);
		*e = (pa >> PAGE_SHIFT) << 10 | perm | PTE_V | PTE_G | PTE_A |
		    PTE_D;
		pa += size;
	}
}

/* Maps RAM region [base, end) around the kernel image. */
static void
map_ram(uint64_t base, uint64_t end)
{
	uint64_t ks = (uint64_t)(uintptr_t)_start;
	uint64_t ke = (uint64_t)(uintptr_t)_end;

	if (ke <= base || ks >= end) {
		map_range(base, end - base, PTE_R | PTE_W);
		return;
	}
	if (base < ks)
		map_range(base, ks - base, PTE_R | PTE_W);
	map_range(ks, (uint64_t)(__rodata_start - _start), PTE_R | PTE_X);
	map_range((uint64_t)(uintptr_t)__rodata_start,
	    (uint64_t)(__data_start - __rodata_start), PTE_R);
	map_range((uint64_t)(uintptr_t)__data_start,
	    (uint64_t)(_end - __data_start), PTE_R | PTE_W);
	if (ke < end)
		map_range(ke, end - ke, PTE_R | PTE_W);
}

void
paging_init(void)
{
	uint64_t pa = alloc_pages(1), base, size, ac, sc;
	const struct dt *dt = &devtree;
	unsigned i;
	int r, node;

	if (pa == 0)
		panic("paging: no page for the root table");
	root = (uint64_t *)(uintptr_t)pa;
	r = dt_root(dt);
	ac = dt_addr_cells(dt, r);
	sc = dt_size_cells(dt, r);
	for (node = dt_first_child(dt, r); node >= 0;
	    node = dt_next_sibling(dt, node)) {
		if (!dt_prop_has_str(dt, node, "device_type", "memory"))
			continue;
		for (i = 0; dt_reg(dt, node, "reg", (unsigned)ac, (unsigned)sc,
		    i, &base, &size) == 0; i++) {
			base &= ~(PAGE_SIZE - 1);
			size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
			if (size != 0)
				map_ram(base, base + size);
		}
	}
	satp_value = SATP_SV39 | (pa >> PAGE_SHIFT);
	paging_enable();
	kprintf("paging: sv39 on, root %#lx, %lu pages free",
	    (unsigned long)pa, (unsigned long)mm_free_pages());
}

void
paging_enable(void)
{
	sfence_vma();
	csr_write(satp, satp_value);
	sfence_vma();
}

int
paging_map_page(uint64_t pa, int writable)
{
	uint64_t *e;

	pa &= ~(PAGE_SIZE - 1);
	e = pte_at(pa, 0);
	if (e == NULL)
		return -1;
	*e = (pa >> PAGE_SHIFT) << 10 | PTE_R | (writable ? PTE_W : 0) |
	    PTE_V | PTE_G | PTE_A | PTE_D;
	sfence_vma();
	return 0;
}
