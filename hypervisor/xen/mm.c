/* Guest memory: one sparse memfd per domain, populated and ballooned by frame. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xvm/fb.h>

#include "lib/xmalloc.h"
#include "hypervisor/xen/mm.h"

int
mm_init(struct mm *mm, uint32_t domid, uint64_t span, char **cause)
{
	char	name[32];

	memset(mm, 0, sizeof(*mm));
	mm->fd = -1;
	mm->vram_fd = -1;
	mm->base = MAP_FAILED;
	pthread_mutex_init(&mm->lock, NULL);
	if (span == 0 || span % MM_PAGE_SIZE != 0 ||
	    span > (1ull << 38)) {
		xasprintf(cause, "memory size %llu bytes is not a nonzero "
		    "multiple of 4 KiB up to 256 GiB", (unsigned long long)span);
		errno = EINVAL;
		return -1;
	}
	snprintf(name, sizeof(name), "xvm-dom%u-ram", domid);
	if ((mm->fd = memfd_create(name, MFD_CLOEXEC)) == -1 ||
	    ftruncate(mm->fd, (off_t)span) == -1) {
		xasprintf(cause, "guest memory: %s", strerror(errno));
		goto fail;
	}
	mm->base = mmap(NULL, span, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_NORESERVE, mm->fd, 0);
	if (mm->base == MAP_FAILED) {
		xasprintf(cause, "guest memory mmap: %s", strerror(errno));
		goto fail;
	}
	mm->span = span;
	mm->max_pages = span >> MM_PAGE_SHIFT;
	if ((mm->absent = calloc((mm->max_pages + 63) / 64,
	    sizeof(uint64_t))) == NULL) {
		xasprintf(cause, "guest memory: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	mm_fini(mm);
	return -1;
}

void
mm_fini(struct mm *mm)
{
	int	saved = errno;

	if (mm->base != NULL && mm->base != MAP_FAILED)
		munmap(mm->base, mm->span);
	mm->base = MAP_FAILED;
	if (mm->fd >= 0)
		close(mm->fd);
	mm->fd = -1;
	if (mm->vram != NULL)
		munmap(mm->vram, mm->vram_size);
	mm->vram = NULL;
	mm->vram_size = 0;
	if (mm->vram_fd >= 0)
		close(mm->vram_fd);
	mm->vram_fd = -1;
	free(mm->absent);
	mm->absent = NULL;
	mm->nabsent = 0;
	errno = saved;
}

int
mm_init_vram(struct mm *mm, uint32_t domid, uint64_t bytes, char **cause)
{
	char	name[32];
	void	*p;

	if (bytes == 0 || bytes % MM_PAGE_SIZE != 0 ||
	    bytes > XVM_FB_MAX_BYTES || mm->vram_fd >= 0) {
		xasprintf(cause, "video memory of %llu bytes is not a nonzero "
		    "multiple of 4 KiB up to %llu MiB",
		    (unsigned long long)bytes, XVM_FB_MAX_BYTES >> 20);
		errno = EINVAL;
		return -1;
	}
	snprintf(name, sizeof(name), "xvm-dom%u-vram", domid);
	if ((mm->vram_fd = memfd_create(name, MFD_CLOEXEC)) == -1 ||
	    ftruncate(mm->vram_fd, (off_t)bytes) == -1) {
		xasprintf(cause, "video memory: %s", strerror(errno));
		return -1;
	}
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_NORESERVE, mm->vram_fd, 0);
	if (p == MAP_FAILED) {
		xasprintf(cause, "video memory mmap: %s", strerror(errno));
		return -1;
	}
	mm->vram = p;
	mm->vram_size = bytes;
	return 0;
}

uint64_t
mm_vram_frames(const struct mm *mm, uint64_t *first_gfn)
{
	*first_gfn = XVM_FB_BASE >> MM_PAGE_SHIFT;
	return mm->vram_size >> MM_PAGE_SHIFT;
}

uint64_t
mm_nr_frames(const struct mm *mm)
{
	return mm->span >> MM_PAGE_SHIFT;
}

uint64_t
mm_tot_pages(const struct mm *mm)
{
	struct stat	st;

	if (mm->fd < 0 || fstat(mm->fd, &st) == -1)
		return 0;
	return ((uint64_t)st.st_blocks * 512) >> MM_PAGE_SHIFT;
}

uint64_t
mm_reservation(struct mm *mm)
{
	uint64_t	n;

	pthread_mutex_lock(&mm->lock);
	n = mm_nr_frames(mm) - mm->nabsent;
	pthread_mutex_unlock(&mm->lock);
	return n;
}

/* Frame i (of the span) handed back: set or clear its bit, counted. */
static void
set_absent(struct mm *mm, uint64_t i, int absent)
{
	uint64_t	bit = 1ull << (i % 64);

	if (((mm->absent[i / 64] & bit) != 0) == absent)
		return;
	mm->absent[i / 64] ^= bit;
	if (absent)
		mm->nabsent++;
	else
		mm->nabsent--;
}

static int
is_absent(const struct mm *mm, uint64_t i)
{
	return (mm->absent[i / 64] >> (i % 64)) & 1;
}

void *
mm_gpa_ptr(const struct mm *mm, uint64_t gpa, size_t len)
{
	uint64_t	off;

	if (mm->base == MAP_FAILED || gpa < MM_RAM_BASE)
		return NULL;
	off = gpa - MM_RAM_BASE;
	if (off > mm->span || len > mm->span - off)
		return NULL;
	return mm->base + off;
}

static int
gfn_offset(const struct mm *mm, uint64_t gfn, off_t *off)
{
	uint64_t	first = MM_RAM_BASE >> MM_PAGE_SHIFT;

	if (gfn < first || gfn - first >= mm_nr_frames(mm)) {
		errno = EINVAL;
		return -1;
	}
	*off = (off_t)((gfn - first) << MM_PAGE_SHIFT);
	return 0;
}

int
mm_populate(struct mm *mm, const uint64_t *gfns, uint32_t nr, uint32_t *done)
{
	off_t		off;
	uint32_t	i;
	int		rc = 0;

	pthread_mutex_lock(&mm->lock);
	for (i = 0; i < nr; i++) {
		if (gfn_offset(mm, gfns[i], &off) == -1) {
			rc = -1;
			break;
		}
		/* A frame handed back comes back into the reservation. */
		if (is_absent(mm, (uint64_t)off >> MM_PAGE_SHIFT)) {
			if (mm_nr_frames(mm) - mm->nabsent >= mm->max_pages) {
				errno = ENOMEM;
				rc = -1;
				break;
			}
			set_absent(mm, (uint64_t)off >> MM_PAGE_SHIFT, 0);
		}
		/* Already backed pages are free; new ones count. */
		if (lseek(mm->fd, off, SEEK_DATA) == off)
			continue;
		if (mm_tot_pages(mm) >= mm->max_pages) {
			errno = ENOMEM;
			rc = -1;
			break;
		}
		if (fallocate(mm->fd, 0, off, MM_PAGE_SIZE) == -1) {
			rc = -1;
			break;
		}
	}
	pthread_mutex_unlock(&mm->lock);
	*done = i;
	return rc;
}

int
mm_decrease(struct mm *mm, const uint64_t *gfns, uint32_t nr, uint32_t *done)
{
	off_t		off;
	uint32_t	i, run, k;
	int		rc = 0;

	pthread_mutex_lock(&mm->lock);
	for (i = 0; i < nr; i += run) {
		if (gfn_offset(mm, gfns[i], &off) == -1) {
			rc = -1;
			break;
		}
		/* Consecutive frames (in the span) go in one hole. */
		for (run = 1; i + run < nr && gfns[i + run] == gfns[i] + run &&
		    (gfns[i + run] - (MM_RAM_BASE >> MM_PAGE_SHIFT)) <
		    mm_nr_frames(mm); run++)
			;
		if (fallocate(mm->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    off, (off_t)run * (off_t)MM_PAGE_SIZE) == -1) {
			rc = -1;
			break;
		}
		for (k = 0; k < run; k++)
			set_absent(mm, ((uint64_t)off >> MM_PAGE_SHIFT) + k, 1);
	}
	pthread_mutex_unlock(&mm->lock);
	*done = i;
	return rc;
}

int
mm_set_max_pages(struct mm *mm, uint64_t max_pages)
{
	pthread_mutex_lock(&mm->lock);
	mm->max_pages = max_pages;
	pthread_mutex_unlock(&mm->lock);
	return 0;
}
