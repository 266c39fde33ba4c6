/* Guest memory: one sparse memfd per domain, populated and ballooned by frame. */
#ifndef XVM_HV_MM_H
#define XVM_HV_MM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define MM_PAGE_SHIFT	12
#define MM_PAGE_SIZE	(1ul << MM_PAGE_SHIFT)
#define MM_RAM_BASE	0x80000000ull	/* guest-physical start of RAM */

/*
 * The RAM span [MM_RAM_BASE, MM_RAM_BASE + span) is backed by a memfd of
 * 'span' bytes, mapped MAP_SHARED|MAP_NORESERVE once here; the CPU maps the
 * same fd.  A page costs host memory only once written (or populated).
 * max_pages bounds populate; the touched count comes from the kernel
 * (st_blocks), so it is exact whoever touched the page.
 *
 * The reservation is Xen's tot_pages: the frames the domain holds, whether
 * touched or not -- the span less the frames handed back by
 * decrease_reservation (a balloon, or the builder for the frames above a
 * guest's memory) and not populated again since ('absent', a bitmap).
 */
struct mm {
	int		 fd;
	uint8_t		*base;
	size_t		 span;
	uint64_t	 max_pages;
	uint64_t	*absent;	/* bit per frame: handed back */
	uint64_t	 nabsent;
	pthread_mutex_t	 lock;
	/* Video memory at XVM_FB_BASE (<xvm/fb.h>), its own memfd; 0: none. */
	int		 vram_fd;
	uint8_t		*vram;
	size_t		 vram_size;
};

/* 0 or -1 with errno; *cause (caller frees) says why. */
int	 mm_init(struct mm *, uint32_t domid, uint64_t span_bytes, char **cause);
void	 mm_fini(struct mm *);		/* also after a failed mm_init */
/*
 * Give the domain bytes (whole pages, up to XVM_FB_MAX_BYTES) of video
 * memory at XVM_FB_BASE, zeroed, outside RAM and its page counts.  Once,
 * right after mm_init.  0 or -1 with errno and *cause (caller frees).
 */
int	 mm_init_vram(struct mm *, uint32_t domid, uint64_t bytes,
	    char **cause);

uint64_t mm_nr_frames(const struct mm *);	/* span in frames */
/* The video memory's frames: first gfn and count (0 when none). */
uint64_t mm_vram_frames(const struct mm *, uint64_t *first_gfn);
uint64_t mm_tot_pages(const struct mm *);	/* pages with host memory */
uint64_t mm_reservation(struct mm *);		/* frames held (Xen's) */

/*
 * Host pointer to [gpa, gpa + len) when all of it lies in RAM, else NULL
 * (borrowed; valid while the domain lives).
 */
void	*mm_gpa_ptr(const struct mm *, uint64_t gpa, size_t len);

/*
 * gfn: guest frame number (gpa >> 12).  Populate gives each frame host
 * memory (zeroed) and back to the reservation; decrease returns it to the
 * host (the guest reads zeros after) and out of the reservation.  Both
 * stop at the first bad frame: *done says how many were handled; -1 with
 * errno EINVAL (outside RAM) or ENOMEM (over max_pages: the reservation,
 * or the pages with host memory, would pass it).
 */
int	 mm_populate(struct mm *, const uint64_t *gfns, uint32_t nr,
	    uint32_t *done);
int	 mm_decrease(struct mm *, const uint64_t *gfns, uint32_t nr,
	    uint32_t *done);
int	 mm_set_max_pages(struct mm *, uint64_t max_pages);

#endif
