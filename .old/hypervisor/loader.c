/*
 * Loading guest images into RAM: ELF64 executables for RISC-V (the System
 * V gABI, "Program Loading"; the RISC-V psABI for EM_RISCV), placed by
 * physical address, or raw images at a given address.  The HTIF
 * 'tohost'/'fromhost' symbols are looked up in the symbol table.  The
 * file is untrusted: every offset and size is checked.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hypervisor/machine.h"
#include "lib/xmalloc.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

/*
 * Map the guest pages about to be written in one system call rather
 * than one page fault each (a fault is costly on some hosts, notably
 * inside other VMs).  Best effort: older kernels just fault as usual.
 */
static void
prefault(void *dst, uint64_t len)
{
	uintptr_t a = (uintptr_t)dst & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)dst + len + 4095) & ~(uintptr_t)4095;

	(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
}

static int
in_file(size_t fsize, uint64_t off, uint64_t len)
{
	return off <= fsize && len <= fsize - off;
}

static void
find_symbols(const uint8_t *f, size_t fsize, const Elf64_Ehdr *eh,
    uint64_t *tohost, uint64_t *fromhost)
{
	const Elf64_Shdr *sh, *strsh;
	const Elf64_Sym *sym;
	uint64_t i, j, n;
	const char *name;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(fsize, eh->e_shoff,
	    (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return;
	sh = (const Elf64_Shdr *)(f + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_entsize != sizeof(Elf64_Sym) ||
		    !in_file(fsize, sh[i].sh_offset, sh[i].sh_size))
			continue;
		strsh = &sh[sh[i].sh_link];
		if (!in_file(fsize, strsh->sh_offset, strsh->sh_size))
			continue;
		sym = (const Elf64_Sym *)(f + sh[i].sh_offset);
		n = sh[i].sh_size / sizeof(Elf64_Sym);
		for (j = 0; j < n; j++) {
			if (sym[j].st_name >= strsh->sh_size)
				continue;
			name = (const char *)f + strsh->sh_offset +
			    sym[j].st_name;
			if (strnlen(name, strsh->sh_size - sym[j].st_name) ==
			    strsh->sh_size - sym[j].st_name)
				continue;
			if (strcmp(name, "tohost") == 0)
				*tohost = sym[j].st_value;
			else if (strcmp(name, "fromhost") == 0)
				*fromhost = sym[j].st_value;
		}
	}
}

static int
load_elf(struct machine *m, const char *path, const uint8_t *f, size_t fsize,
    uint64_t *entry, uint64_t *end, uint64_t *tohost, uint64_t *fromhost,
    char **cause)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f;
	const Elf64_Phdr *ph;
	uint8_t *dst;
	unsigned i, nload = 0;

	if (fsize < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_RISCV) {
		xasprintf(cause, "%s: not a 64-bit little-endian RISC-V ELF",
		    path);
		return -1;
	}
	if (eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(fsize, eh->e_phoff,
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) {
		xasprintf(cause, "%s: not an ELF executable with valid "
		    "program headers", path);
		return -1;
	}
	ph = (const Elf64_Phdr *)(f + eh->e_phoff);
	*end = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz ||
		    !in_file(fsize, ph[i].p_offset, ph[i].p_filesz)) {
			xasprintf(cause, "%s: segment %u lies outside the "
			    "file", path, i);
			return -1;
		}
		if ((dst = machine_gpa(m, ph[i].p_paddr, ph[i].p_memsz)) ==
		    NULL) {
			xasprintf(cause, "%s: segment %u at 0x%llx (%llu "
			    "bytes) is outside guest RAM", path, i,
			    (unsigned long long)ph[i].p_paddr,
			    (unsigned long long)ph[i].p_memsz);
			return -1;
		}
		prefault(dst, ph[i].p_memsz);
		memcpy(dst, f + ph[i].p_offset, ph[i].p_filesz);
		memset(dst + ph[i].p_filesz, 0, ph[i].p_memsz - ph[i].p_filesz);
		if (ph[i].p_paddr + ph[i].p_memsz > *end)
			*end = ph[i].p_paddr + ph[i].p_memsz;
		nload++;
	}
	if (nload == 0) {
		xasprintf(cause, "%s: no loadable segments", path);
		return -1;
	}
	*entry = eh->e_entry;
	find_symbols(f, fsize, eh, tohost, fromhost);
	return 0;
}

int
machine_load(struct machine *m, const char *path, uint64_t raw_addr,
    uint64_t *entry, uint64_t *end, uint64_t *tohost, uint64_t *fromhost,
    char **cause)
{
	struct stat	 st;
	uint8_t		*f = NULL, *dst;
	int		 fd, rc = -1;

	*tohost = *fromhost = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		xasprintf(cause, "%s: not a regular, non-empty file", path);
		goto out;
	}
	f = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
	    fd, 0);
	if (f == MAP_FAILED) {
		f = NULL;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size >= SELFMAG && memcmp(f, ELFMAG, SELFMAG) == 0) {
		rc = load_elf(m, path, f, (size_t)st.st_size, entry, end,
		    tohost, fromhost, cause);
		goto out;
	}
	if (raw_addr == 0) {
		xasprintf(cause, "%s: not an ELF file", path);
		goto out;
	}
	if ((dst = machine_gpa(m, raw_addr, (uint64_t)st.st_size)) == NULL) {
		xasprintf(cause, "%s: %lld bytes do not fit in guest RAM at "
		    "0x%llx", path, (long long)st.st_size,
		    (unsigned long long)raw_addr);
		goto out;
	}
	prefault(dst, (uint64_t)st.st_size);
	memcpy(dst, f, (size_t)st.st_size);
	*entry = raw_addr;
	*end = raw_addr + (uint64_t)st.st_size;
	rc = 0;
out:
	if (f != NULL)
		munmap(f, (size_t)st.st_size);
	close(fd);
	if (rc == 0)
		machine_invalidate(m, MACHINE_RAM_BASE, machine_ram_size(m));
	return rc;
}
