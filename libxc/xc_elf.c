/* libxc domain builder: kernel images (ELF, vmlinux, Linux Image: lib/kimage.h) into a domain's RAM. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xvm/xc_dom.h>
#include <xvm/xenctrl.h>

#include "lib/kimage.h"
#include "libxc/xc_private.h"

#define XC_ELF_MAX_SIZE	(256u << 20)

int
xc_elf_parse(const void *image, size_t len, struct xc_elf_seg *segs,
    unsigned max, uint64_t *entry)
{
	struct kimage	 ki;
	const char	*why;
	unsigned	 i;

	/* ELF only, by physical address: all of the address space is "RAM". */
	if (image == NULL || len < SELFMAG || memcmp(image, ELFMAG, SELFMAG)) {
		errno = ENOEXEC;
		return -1;
	}
	if (kimage_parse(image, len, 0, UINT64_MAX, &ki, &why) == -1)
		return -1;
	if (ki.nsegs > max) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < ki.nsegs; i++) {
		segs[i].paddr = ki.seg[i].paddr;
		segs[i].filesz = ki.seg[i].filesz;
		segs[i].memsz = ki.seg[i].memsz;
		segs[i].offset = ki.seg[i].offset;
	}
	*entry = ki.entry;
	return (int)ki.nsegs;
}

int
xc_dom_copy_to_guest(xc_interface *xch, uint32_t domid, uint64_t gpa,
    const void *data, size_t len, uint64_t span)
{
	uint64_t	 first = gpa >> 12, n, i;
	xen_pfn_t	*pfns;
	uint8_t		*p;
	int		 saved;

	if (span == 0 || len > span || gpa + span < gpa) {
		errno = EINVAL;
		return -1;
	}
	n = ((gpa + span - 1) >> 12) - first + 1;
	if (n > INT_MAX >> 12) {
		errno = EFBIG;
		return -1;
	}
	if ((pfns = calloc(n, sizeof(*pfns))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		pfns[i] = first + i;
	if (xc_domain_populate_physmap_exact(xch, domid, n, 0, 0, pfns) == -1) {
		saved = errno;
		free(pfns);
		errno = saved;
		return -1;
	}
	free(pfns);
	p = xc_map_foreign_range(xch, domid, (int)(n << 12),
	    PROT_READ | PROT_WRITE, (unsigned long)first);
	if (p == NULL)
		return -1;
	if (len > 0)
		memcpy(p + (gpa & 0xfff), data, len);
	memset(p + (gpa & 0xfff) + len, 0, span - len);
	munmap(p, n << 12);
	return 0;
}

static int
load_seg(xc_interface *xch, uint32_t domid, const uint8_t *img,
    const struct kimage_seg *s)
{
	if (s->memsz > XC_ELF_MAX_SIZE) {
		errno = EFBIG;
		return -1;
	}
	if (s->memsz == 0)
		return 0;
	return xc_dom_copy_to_guest(xch, domid, s->paddr, img + s->offset,
	    s->filesz, s->memsz);
}

int
xc_open_image(const char *path)
{
	struct stat	 st;
	int		 fd, fl;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
xc_dom_load_kernel(xc_interface *xch, uint32_t domid, const char *path,
    uint64_t ram_bytes, struct kimage *ki, const char **why)
{
	struct stat	 st;
	uint8_t		*img = MAP_FAILED;
	unsigned	 i;
	int		 fd, rc = -1, saved;

	*why = NULL;
	if (path == NULL || ki == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = xc_open_image(path)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > XC_ELF_MAX_SIZE) {
		errno = !S_ISREG(st.st_mode) || st.st_size <= 0 ? ENOEXEC :
		    EFBIG;
		goto out;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED)
		goto out;
	if (kimage_parse(img, (size_t)st.st_size, XC_DOM_RAM_BASE, ram_bytes,
	    ki, why) == -1)
		goto out;
	for (i = 0; i < ki->nsegs; i++)
		if (load_seg(xch, domid, img, &ki->seg[i]) == -1)
			goto out;
	rc = 0;
out:
	saved = errno;
	if (img != MAP_FAILED)
		munmap(img, (size_t)st.st_size);
	close(fd);
	errno = saved;
	return rc;
}

int
xc_dom_load_elf(xc_interface *xch, uint32_t domid, const char *path,
    uint64_t *entry)
{
	struct kimage	 ki;
	const char	*why;

	if (entry == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Anywhere in the address space above RAM's base: the caller knows. */
	if (xc_dom_load_kernel(xch, domid, path, UINT64_MAX - XC_DOM_RAM_BASE,
	    &ki, &why) == -1)
		return -1;
	*entry = ki.entry;
	return 0;
}
