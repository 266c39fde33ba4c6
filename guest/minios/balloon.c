/*
 * The balloon (Xen's memory/target, xm mem-set): the guest gives free
 * pages back to the hypervisor with decrease_reservation until its
 * reservation (current_reservation) is the target, and takes them back
 * with populate_physmap when the target rises again -- at most up to the
 * memory it booted with, as a Linux PV guest without memory hotplug.
 *
 * The frames given back are remembered in list pages (a stack, each page
 * a header and 510 frame numbers) taken from the pool too; a page lent
 * out is never touched again until it is populated.  After a restore or
 * a migration the new domain holds every frame of its span, so resume
 * gives the listed frames (and those above this guest's RAM) back again.
 */
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/balloon.h"
#include "guest/minios/console.h"
#include "guest/minios/control.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/mm.h"
#include "guest/minios/xenbus.h"

#define LIST_SLOTS	510
#define BATCH		64
#define KEEP_FREE	64	/* pages the kernel keeps for itself */
#define RAM_BASE_PFN	(0x80000000ULL >> PAGE_SHIFT)	/* the span's start */

struct blist {
	struct blist	*next;
	uint64_t	 n;
	uint64_t	 pfn[LIST_SLOTS];
};
_Static_assert(sizeof(struct blist) == PAGE_SIZE, "a list is one page");

static struct blist	*top;		/* the newest list page */
static uint64_t		 lent;		/* frames in the lists */
static uint64_t		 ram_top;	/* end of this guest's RAM */

static long
memop(unsigned cmd, const uint64_t *pfns, uint64_t n)
{
	struct xen_memory_reservation r;

	memset(&r, 0, sizeof(r));
	r.extent_start = (uint64_t)(uintptr_t)pfns;
	r.nr_extents = n;
	r.domid = DOMID_SELF;
	return hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)&r, 0);
}

static long
reservation(unsigned cmd)
{
	uint16_t dom = DOMID_SELF;

	return hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)&dom, 0);
}

long
balloon_current(void)
{
	return reservation(XENMEM_current_reservation);
}

/* One frame onto the stack; -1 when no page is left for a list. */
static int
push(uint64_t pfn)
{
	struct blist *b = top;

	if (b == NULL || b->n == LIST_SLOTS) {
		if (mm_free_pages() <= KEEP_FREE ||
		    (b = (struct blist *)(uintptr_t)alloc_pages_raw(1)) == NULL)
			return -1;
		b->next = top;
		b->n = 0;
		top = b;
	}
	b->pfn[b->n++] = pfn;
	lent++;
	return 0;
}

/* Gives up to 'want' free pages back; returns how many went. */
static uint64_t
shrink(uint64_t want)
{
	uint64_t batch[BATCH], done = 0, pa;
	unsigned n, i;
	int full = 0;
	long r;

	while (done < want && !full) {
		for (n = 0; n < BATCH && done + n < want; n++) {
			if (mm_free_pages() <= KEEP_FREE + 1 ||
			    (pa = alloc_pages_raw(1)) == 0)
				break;
			batch[n] = pa >> PAGE_SHIFT;
		}
		if (n == 0)
			break;
		r = memop(XENMEM_decrease_reservation, batch, n);
		if (r < (long)n) {
			kprintf("balloon: decrease_reservation did %ld of %u",
			    r, n);
			full = 1;
		}
		for (i = 0; i < n; i++) {
			if ((long)i < r && push(batch[i]) == 0) {
				done++;
				continue;
			}
			/* Not given back, or no room to list it: ours again. */
			if ((long)i < r)
				(void)memop(XENMEM_populate_physmap, &batch[i],
				    1);
			free_pages(batch[i] << PAGE_SHIFT, 1);
			full = 1;
		}
	}
	return done;
}

/* Takes up to 'want' listed frames back; returns how many came. */
static uint64_t
grow(uint64_t want)
{
	uint64_t done = 0, pfn;
	struct blist *b;
	long r;

	while (done < want && (b = top) != NULL) {
		pfn = b->pfn[b->n - 1];
		r = memop(XENMEM_populate_physmap, &pfn, 1);
		if (r != 1) {
			kprintf("balloon: populate_physmap of frame %#lx: %ld",
			    (unsigned long)pfn, r);
			break;
		}
		b->n--;
		lent--;
		free_pages(pfn << PAGE_SHIFT, 1);
		done++;
		if (b->n == 0) {
			top = b->next;
			free_pages((uint64_t)(uintptr_t)b, 1);
		}
	}
	return done;
}

void
balloon_set(uint64_t target_kib)
{
	long cur = balloon_current();
	uint64_t want = target_kib / (PAGE_SIZE / 1024), moved;

	if (cur < 0) {
		kprintf("balloon: current_reservation: error %ld", cur);
		return;
	}
	if ((uint64_t)cur > want)
		moved = shrink((uint64_t)cur - want);
	else if ((uint64_t)cur < want)
		moved = grow(want - (uint64_t)cur);
	else
		return;
	cur = balloon_current();
	kprintf("balloon: %ld KiB, target %lu KiB (%lu pages moved, %lu "
	    "given back in all)%s", cur * (long)(PAGE_SIZE / 1024),
	    (unsigned long)target_kib, (unsigned long)moved,
	    (unsigned long)lent, cur >= 0 && (uint64_t)cur != want ?
	    ": as near as it goes" : "");
}

void
balloon_event(void)
{
	struct xenbus *xb = control_bus();
	char val[32];
	uint64_t kib = 0;
	const char *p;

	if (xb == NULL || xenbus_read(xb, 0, "memory/target", val,
	    sizeof(val)) != 0 || val[0] == '\0')
		return;
	for (p = val; *p >= '0' && *p <= '9' && kib < (1ULL << 40); p++)
		kib = kib * 10 + (uint64_t)(*p - '0');
	if (*p != '\0') {
		kprintf("balloon: memory/target \"%s\" is not a number of KiB",
		    val);
		return;
	}
	balloon_set(kib);
}

void
balloon_init(void)
{
	ram_top = mm_ram_end();
}

void
balloon_resume(void)
{
	uint64_t batch[BATCH], pfn, end;
	struct blist *b;
	long max = reservation(XENMEM_maximum_reservation);
	unsigned n;

	/* The frames the lists hold. */
	for (b = top; b != NULL; b = b->next)
		for (pfn = 0; pfn < b->n; pfn += BATCH) {
			n = b->n - pfn < BATCH ? (unsigned)(b->n - pfn) : BATCH;
			(void)memop(XENMEM_decrease_reservation, &b->pfn[pfn], n);
		}
	/* Those above this guest's RAM, up to the new domain's span. */
	if (max <= 0 || ram_top == 0)
		return;
	end = RAM_BASE_PFN + (uint64_t)max;
	for (pfn = ram_top >> PAGE_SHIFT; pfn < end; ) {
		for (n = 0; n < BATCH && pfn < end; n++)
			batch[n] = pfn++;
		if (memop(XENMEM_decrease_reservation, batch, n) < (long)n)
			break;
	}
	kprintf("balloon: resumed: %ld KiB (%lu pages given back)",
	    balloon_current() * (long)(PAGE_SIZE / 1024),
	    (unsigned long)lent);
}
