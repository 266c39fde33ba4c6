/*
 * Loading guest images into RAM: kernels as lib/kimage.h places them (ELF64
 * RISC-V executables by physical address, a Linux vmlinux or Image at RAM
 * base + 2 MiB), or raw images (firmware) at a given address.  The HTIF
 * 'tohost'/'fromhost' symbols are looked up in the symbol table
 * (kimage_symbol).  lib/kimage.c checks every offset and size of the
 * untrusted file.
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
#include "lib/kimage.h"
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

/* A kernel (kimage.h: ELF, vmlinux, Linux Image) into RAM. */
static int
load_kernel(struct machine *m, const char *path, const uint8_t *f,
    size_t fsize, uint64_t *entry, uint64_t *end, uint64_t *tohost,
    uint64_t *fromhost, char **cause)
{
	struct kimage	 ki;
	const char	*why;
	uint8_t		*dst;
	unsigned	 i;

	if (kimage_parse(f, fsize, MACHINE_RAM_BASE, machine_ram_size(m), &ki,
	    &why) == -1) {
		xasprintf(cause, "%s: %s", path, why);
		return -1;
	}
	for (i = 0; i < ki.nsegs; i++) {
		dst = machine_gpa(m, ki.seg[i].paddr, ki.seg[i].memsz);
		prefault(dst, ki.seg[i].memsz);
		memcpy(dst, f + ki.seg[i].offset, ki.seg[i].filesz);
		memset(dst + ki.seg[i].filesz, 0,
		    ki.seg[i].memsz - ki.seg[i].filesz);
	}
	*entry = ki.entry;
	*end = ki.hi;
	/* HTIF, for bare-metal programs (riscv-tests); not in a kernel. */
	if (ki.kind == KIMAGE_ELF) {
		(void)kimage_symbol(f, fsize, "tohost", tohost);
		(void)kimage_symbol(f, fsize, "fromhost", fromhost);
	}
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
	if (raw_addr == 0 || (st.st_size >= SELFMAG &&
	    memcmp(f, ELFMAG, SELFMAG) == 0) || (st.st_size >= 64 &&
	    memcmp(f + 0x38, "RSC\x05", 4) == 0)) {
		rc = load_kernel(m, path, f, (size_t)st.st_size, entry, end,
		    tohost, fromhost, cause);
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
