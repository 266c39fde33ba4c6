/*
 * Kernel image placement (kimage.h): ELF64 executables (System V gABI, "Program
 * Loading"; EM_RISCV), Linux vmlinux and the RISC-V Linux Image
 * (Documentation/riscv/boot-image-header.rst in linux-source-6.1).
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "lib/kimage.h"

#define IMAGE_HDR_SIZE		64
#define IMAGE_MAGIC2_OFF	0x38
#define IMAGE_ALIGN		(2ULL << 20)	/* PMD_SIZE on RV64 */
#define VMLINUX_OFFSET		(2ULL << 20)	/* as the Image's text_offset */

static int
fail(int err, const char *msg, const char **why)
{
	*why = msg;
	errno = err;
	return -1;
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int
in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

/* [a, a+size) inside [base, base+ram)? */
static int
in_ram(uint64_t base, uint64_t ram, uint64_t a, uint64_t size)
{
	return a >= base && a - base <= ram && size <= ram - (a - base);
}

static void
extent(struct kimage *ki)
{
	unsigned i;

	ki->lo = UINT64_MAX;
	ki->hi = 0;
	for (i = 0; i < ki->nsegs; i++) {
		if (ki->seg[i].paddr < ki->lo)
			ki->lo = ki->seg[i].paddr;
		if (ki->seg[i].paddr + ki->seg[i].memsz > ki->hi)
			ki->hi = ki->seg[i].paddr + ki->seg[i].memsz;
	}
}

static int
parse_image(const uint8_t *f, size_t len, uint64_t base, uint64_t ram,
    struct kimage *ki, const char **why)
{
	uint64_t text_offset = le64(f + 8), image_size = le64(f + 16);

	if (text_offset % IMAGE_ALIGN != 0)
		return fail(EINVAL, "Image text_offset is not 2 MiB aligned",
		    why);
	/* Headers before 0.2 may leave image_size 0: the file is all. */
	if (image_size < len)
		image_size = len;
	if (!in_ram(base, ram, base + text_offset, image_size) ||
	    text_offset > ram)
		return fail(EFBIG, "the Image does not fit in guest RAM", why);
	ki->kind = KIMAGE_LINUX_IMAGE;
	ki->nsegs = 1;
	ki->seg[0].paddr = base + text_offset;
	ki->seg[0].offset = 0;
	ki->seg[0].filesz = len;
	ki->seg[0].memsz = image_size;
	ki->entry = base + text_offset;
	extent(ki);
	return 0;
}

static int
parse_elf(const uint8_t *f, size_t len, uint64_t base, uint64_t ram,
    struct kimage *ki, const char **why)
{
	Elf64_Ehdr	 eh;
	Elf64_Phdr	 ph, load[KIMAGE_MAX_SEGS];
	uint64_t	 lo = UINT64_MAX, shift;
	unsigned	 i, n = 0, all_in_ram = 1, high = 1, found = 0;

	if (len < sizeof(eh))
		return fail(ENOEXEC, "truncated ELF header", why);
	memcpy(&eh, f, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_RISCV)
		return fail(ENOEXEC, "not a 64-bit little-endian RISC-V ELF",
		    why);
	if (eh.e_type != ET_EXEC || eh.e_phentsize != sizeof(ph) ||
	    !in_file(len, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(ph)))
		return fail(ENOEXEC, "not an ELF executable with valid "
		    "program headers", why);
	for (i = 0; i < eh.e_phnum; i++) {
		memcpy(&ph, f + eh.e_phoff + (uint64_t)i * sizeof(ph),
		    sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz ||
		    !in_file(len, ph.p_offset, ph.p_filesz) ||
		    ph.p_paddr + ph.p_memsz < ph.p_paddr ||
		    ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
			return fail(EINVAL, "a segment lies outside the file",
			    why);
		if (n == KIMAGE_MAX_SEGS)
			return fail(EINVAL, "too many loadable segments", why);
		if (!in_ram(base, ram, ph.p_paddr, ph.p_memsz))
			all_in_ram = 0;
		if (!(ph.p_vaddr >> 63))
			high = 0;
		if (ph.p_paddr < lo)
			lo = ph.p_paddr;
		load[n++] = ph;
	}
	if (n == 0)
		return fail(ENOEXEC, "no loadable segments", why);

	/*
	 * Physical addresses in RAM: a program placed for this machine.  Else
	 * a kernel linked in the upper half (vmlinux: paddr = vaddr -
	 * PAGE_OFFSET, from 0), which runs wherever it is put.
	 */
	if (!all_in_ram && !high)
		return fail(EFBIG, "a segment lies outside guest RAM", why);
	ki->kind = all_in_ram ? KIMAGE_ELF : KIMAGE_VMLINUX;
	shift = all_in_ram ? 0 : base + VMLINUX_OFFSET - lo;
	ki->nsegs = n;
	ki->entry = eh.e_entry;
	for (i = 0; i < n; i++) {
		ki->seg[i].paddr = load[i].p_paddr + shift;
		ki->seg[i].offset = load[i].p_offset;
		ki->seg[i].filesz = load[i].p_filesz;
		ki->seg[i].memsz = load[i].p_memsz;
		if (!in_ram(base, ram, ki->seg[i].paddr, ki->seg[i].memsz))
			return fail(EFBIG, "a segment does not fit in guest "
			    "RAM", why);
		if (!all_in_ram && eh.e_entry - load[i].p_vaddr <
		    load[i].p_memsz) {
			ki->entry = ki->seg[i].paddr +
			    (eh.e_entry - load[i].p_vaddr);
			found = 1;
		}
	}
	if (!all_in_ram && !found)
		return fail(EINVAL, "the entry point is in no segment", why);
	extent(ki);
	return 0;
}

int
kimage_parse(const void *buf, size_t len, uint64_t ram_base,
    uint64_t ram_size, struct kimage *ki, const char **why)
{
	const uint8_t *f = buf;

	memset(ki, 0, sizeof(*ki));
	if (f == NULL || len == 0)
		return fail(ENOEXEC, "empty file", why);
	if (len >= SELFMAG && memcmp(f, ELFMAG, SELFMAG) == 0)
		return parse_elf(f, len, ram_base, ram_size, ki, why);
	if (len >= IMAGE_HDR_SIZE &&
	    memcmp(f + IMAGE_MAGIC2_OFF, "RSC\x05", 4) == 0)
		return parse_image(f, len, ram_base, ram_size, ki, why);
	return fail(ENOEXEC, "neither an ELF executable nor a RISC-V Linux "
	    "Image", why);
}

int
kimage_symbol(const void *buf, size_t len, const char *name, uint64_t *value)
{
	const uint8_t	*f = buf;
	Elf64_Ehdr	 eh;
	Elf64_Shdr	 sh, str;
	Elf64_Sym	 sym;
	uint64_t	 i, j, n;
	size_t		 nlen = strlen(name);

	if (f == NULL || len < sizeof(eh) || memcmp(f, ELFMAG, SELFMAG) != 0) {
		errno = ENOEXEC;
		return -1;
	}
	memcpy(&eh, f, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || (eh.e_shnum != 0 &&
	    (eh.e_shentsize != sizeof(sh) ||
	    !in_file(len, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(sh))))) {
		errno = ENOEXEC;
		return -1;
	}
	for (i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, f + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum ||
		    sh.sh_entsize != sizeof(sym) ||
		    !in_file(len, sh.sh_offset, sh.sh_size))
			continue;
		memcpy(&str, f + eh.e_shoff + (uint64_t)sh.sh_link * sizeof(str),
		    sizeof(str));
		if (!in_file(len, str.sh_offset, str.sh_size))
			continue;
		n = sh.sh_size / sizeof(sym);
		for (j = 0; j < n; j++) {
			memcpy(&sym, f + sh.sh_offset + j * sizeof(sym),
			    sizeof(sym));
			/* The name and its NUL inside the string table. */
			if (sym.st_name >= str.sh_size ||
			    str.sh_size - sym.st_name <= nlen)
				continue;
			if (memcmp(f + str.sh_offset + sym.st_name, name,
			    nlen + 1) == 0) {
				*value = sym.st_value;
				return 0;
			}
		}
	}
	errno = ENOENT;
	return -1;
}

const char *
kimage_kind_name(enum kimage_kind k)
{
	switch (k) {
	case KIMAGE_ELF:
		return "ELF";
	case KIMAGE_VMLINUX:
		return "Linux vmlinux";
	case KIMAGE_LINUX_IMAGE:
		return "Linux Image";
	}
	return "unknown";
}
