/* libxc domain builder: ELF64 RISC-V images into a domain's RAM. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xvm/xenctrl.h>

#include "libxc/xc_private.h"

#define XC_ELF_MAX_SEGS	16
#define XC_ELF_MAX_SIZE	(256u << 20)

static int
fits(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

int
xc_elf_parse(const void *image, size_t len, struct xc_elf_seg *segs,
    unsigned max, uint64_t *entry)
{
	const uint8_t	*img = image;
	Elf64_Ehdr	 eh;
	Elf64_Phdr	 ph;
	unsigned	 i, n = 0;

	if (image == NULL || len < sizeof(eh)) {
		errno = ENOEXEC;
		return -1;
	}
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_RISCV ||
	    eh.e_type != ET_EXEC || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !fits(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(ph), len)) {
		errno = ENOEXEC;
		return -1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, img + eh.e_phoff + (uint64_t)i * sizeof(ph),
		    sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz ||
		    !fits(ph.p_offset, ph.p_filesz, len) ||
		    ph.p_paddr + ph.p_memsz < ph.p_paddr || n == max) {
			errno = EINVAL;
			return -1;
		}
		segs[n].paddr = ph.p_paddr;
		segs[n].filesz = ph.p_filesz;
		segs[n].memsz = ph.p_memsz;
		segs[n].offset = ph.p_offset;
		n++;
	}
	if (n == 0) {
		errno = ENOEXEC;
		return -1;
	}
	*entry = eh.e_entry;
	return (int)n;
}

static int
load_seg(xc_interface *xch, uint32_t domid, const uint8_t *img,
    const struct xc_elf_seg *s)
{
	uint64_t	 first = s->paddr >> 12, last, n, i;
	xen_pfn_t	*pfns;
	uint8_t		*p;
	int		 saved;

	last = (s->paddr + s->memsz - 1) >> 12;
	n = last - first + 1;
	if (n > (XC_ELF_MAX_SIZE >> 12)) {
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
	memcpy(p + (s->paddr & 0xfff), img + s->offset, s->filesz);
	memset(p + (s->paddr & 0xfff) + s->filesz, 0, s->memsz - s->filesz);
	munmap(p, n << 12);
	return 0;
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
xc_dom_load_elf(xc_interface *xch, uint32_t domid, const char *path,
    uint64_t *entry)
{
	struct xc_elf_seg	 segs[XC_ELF_MAX_SEGS];
	struct stat		 st;
	uint8_t			*img = MAP_FAILED;
	int			 fd, n, i, rc = -1, saved;

	if (path == NULL || entry == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = xc_open_image(path)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (st.st_size <= 0 || (uint64_t)st.st_size > XC_ELF_MAX_SIZE) {
		errno = st.st_size <= 0 ? ENOEXEC : EFBIG;
		goto out;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED)
		goto out;
	if ((n = xc_elf_parse(img, (size_t)st.st_size, segs, XC_ELF_MAX_SEGS,
	    entry)) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (load_seg(xch, domid, img, &segs[i]) == -1)
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
