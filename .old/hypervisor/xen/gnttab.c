/* Grant tables, version 1: guests grant pages, dom0 maps, unmaps and copies them. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/gnttab.h"

/*
 * The table is guest memory: frame i is the guest frame the guest gave
 * (grant_entry_v1: u16 flags, u16 domid, u32 frame; 512 to a page).  The
 * guest may change an entry at any moment, so a map reads flags+domid as
 * one 32-bit word and claims it with compare-and-swap: the entry must
 * still say "permit access to mapper" when GTF_reading/GTF_writing is set,
 * exactly as Xen's _set_status does.  Pin counts live here, not in guest
 * memory: the in-use bits are cleared only when the last map of a ref
 * goes.  A guest ends access by swapping flags to 0 only while neither
 * in-use bit is set, so it cannot revoke a page dom0 has mapped.
 */

struct pin {
	uint16_t	readers;
	uint16_t	writers;
};

struct gnttab {
	struct domain	*d;
	pthread_mutex_t	 lock;
	uint64_t	 gfn[GNTTAB_MAX_FRAMES];
	unsigned	 nr_frames;
	struct pin	 pin[GNTTAB_MAX_FRAMES * GNTTAB_PER_FRAME];
};

struct gnttab *
gnttab_new(struct domain *d)
{
	struct gnttab	*gt;

	gt = xcalloc(1, sizeof(*gt));
	gt->d = d;
	pthread_mutex_init(&gt->lock, NULL);
	return gt;
}

void
gnttab_free(struct gnttab *gt)
{
	if (gt == NULL)
		return;
	pthread_mutex_destroy(&gt->lock);
	free(gt);
}

static int
frame_ok(struct domain *d, uint64_t gfn)
{
	return d->mm.base != NULL &&
	    mm_gpa_ptr(&d->mm, gfn << MM_PAGE_SHIFT, MM_PAGE_SIZE) != NULL;
}

int
gnttab_set_frame(struct domain *d, unsigned idx, uint64_t gfn)
{
	struct gnttab	*gt = d->gnttab;
	int		 rc = 0;

	if (idx >= GNTTAB_MAX_FRAMES || !frame_ok(d, gfn))
		return EINVAL;
	pthread_mutex_lock(&gt->lock);
	if (idx > gt->nr_frames)
		rc = EINVAL;		/* frames are given in order */
	else {
		gt->gfn[idx] = gfn;
		if (idx == gt->nr_frames)
			gt->nr_frames++;
	}
	pthread_mutex_unlock(&gt->lock);
	return rc;
}

int
gnttab_set_frames(struct domain *d, const uint64_t *gfns, unsigned nr)
{
	unsigned	i;
	int		rc;

	if (nr > GNTTAB_MAX_FRAMES)
		return EINVAL;
	for (i = 0; i < nr; i++)
		if (!frame_ok(d, gfns[i]))
			return EINVAL;
	for (i = 0; i < nr; i++)
		if ((rc = gnttab_set_frame(d, i, gfns[i])) != 0)
			return rc;
	return 0;
}

void
gnttab_query_size(struct domain *d, unsigned *nr, unsigned *max)
{
	pthread_mutex_lock(&d->gnttab->lock);
	*nr = d->gnttab->nr_frames;
	*max = GNTTAB_MAX_FRAMES;
	pthread_mutex_unlock(&d->gnttab->lock);
}

unsigned
gnttab_get_frames(struct domain *d, uint64_t *gfns)
{
	unsigned	n;

	pthread_mutex_lock(&d->gnttab->lock);
	n = d->gnttab->nr_frames;
	memcpy(gfns, d->gnttab->gfn, n * sizeof(*gfns));
	pthread_mutex_unlock(&d->gnttab->lock);
	return n;
}

/* The entry for ref as a 32-bit flags|domid word, and its frame. */
static uint32_t *
entry(struct gnttab *gt, uint32_t ref, uint32_t **frame)
{
	uint8_t	*page;

	page = mm_gpa_ptr(&gt->d->mm,
	    gt->gfn[ref / GNTTAB_PER_FRAME] << MM_PAGE_SHIFT, MM_PAGE_SIZE);
	page += (ref % GNTTAB_PER_FRAME) * GNTTAB_ENTRY_SIZE;
	*frame = (uint32_t *)(void *)(page + 4);
	return (uint32_t *)(void *)page;
}

static int
check_ref(struct gnttab *gt, uint32_t ref)
{
	if (gt->nr_frames == 0)
		return ENOENT;
	if (ref >= gt->nr_frames * GNTTAB_PER_FRAME)
		return EINVAL;
	return 0;
}

/* Claim ref for mapper (the gnttab lock held): set 'use' if allowed. */
static int
claim(struct gnttab *gt, uint32_t ref, uint32_t mapper, int readonly,
    uint32_t use, uint64_t *gfn)
{
	uint32_t	*e, *frame, old, nw, flags;
	int		 tries;

	e = entry(gt, ref, &frame);
	for (tries = 0; tries < 16; tries++) {
		old = __atomic_load_n(e, __ATOMIC_SEQ_CST);
		flags = old & 0xffff;
		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    (old >> 16) != mapper)
			return EPERM;
		if (!readonly && (flags & GTF_readonly))
			return EPERM;
		nw = old | use;
		if (__atomic_compare_exchange_n(e, &old, nw, 0,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			break;
	}
	if (tries == 16)
		return EBUSY;	/* the guest keeps changing it */
	*gfn = __atomic_load_n(frame, __ATOMIC_SEQ_CST);
	if (!frame_ok(gt->d, *gfn)) {
		__atomic_fetch_and(e, ~use, __ATOMIC_SEQ_CST);
		return EINVAL;
	}
	return 0;
}

int
gnttab_map(struct domain *d, uint32_t ref, uint32_t mapper, int readonly,
    uint64_t *gfn)
{
	struct gnttab	*gt = d->gnttab;
	struct pin	*pin;
	uint32_t	 use;
	int		 rc;

	pthread_mutex_lock(&gt->lock);
	if ((rc = check_ref(gt, ref)) != 0)
		goto out;
	pin = &gt->pin[ref];
	use = readonly ? GTF_reading : GTF_reading | GTF_writing;
	if ((readonly ? pin->readers : pin->writers) == UINT16_MAX) {
		rc = EBUSY;
		goto out;
	}
	if ((rc = claim(gt, ref, mapper, readonly, use, gfn)) != 0)
		goto out;
	if (readonly)
		pin->readers++;
	else
		pin->writers++;
out:
	pthread_mutex_unlock(&gt->lock);
	return rc;
}

void
gnttab_unmap(struct domain *d, uint32_t ref, int readonly)
{
	struct gnttab	*gt = d->gnttab;
	struct pin	*pin;
	uint32_t	*e, *frame, clear = 0;

	pthread_mutex_lock(&gt->lock);
	if (check_ref(gt, ref) != 0)
		goto out;
	pin = &gt->pin[ref];
	if (readonly && pin->readers > 0)
		pin->readers--;
	else if (!readonly && pin->writers > 0)
		pin->writers--;
	if (pin->writers == 0)
		clear |= GTF_writing;
	if (pin->writers == 0 && pin->readers == 0)
		clear |= GTF_reading;
	e = entry(gt, ref, &frame);
	__atomic_fetch_and(e, ~clear, __ATOMIC_SEQ_CST);
out:
	pthread_mutex_unlock(&gt->lock);
}

int
gnttab_copy(struct domain *d, uint32_t ref, uint32_t mapper, unsigned offset,
    void *buf, unsigned len, int to_guest)
{
	struct gnttab	*gt = d->gnttab;
	uint64_t	 gfn;
	uint8_t		*page;
	uint32_t	 use = to_guest ? GTF_reading | GTF_writing : GTF_reading;
	int		 rc;

	if (offset > MM_PAGE_SIZE || len > MM_PAGE_SIZE - offset)
		return EINVAL;
	pthread_mutex_lock(&gt->lock);
	if ((rc = check_ref(gt, ref)) != 0 ||
	    (rc = claim(gt, ref, mapper, !to_guest, use, &gfn)) != 0)
		goto out;
	page = mm_gpa_ptr(&d->mm, gfn << MM_PAGE_SHIFT, MM_PAGE_SIZE);
	if (to_guest)
		memcpy(page + offset, buf, len);
	else
		memcpy(buf, page + offset, len);
	gt->pin[ref].readers++;		/* so unmap's arithmetic clears right */
	pthread_mutex_unlock(&gt->lock);
	gnttab_unmap(d, ref, 1);
	return 0;
out:
	pthread_mutex_unlock(&gt->lock);
	return rc;
}
