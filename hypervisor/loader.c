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
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hypervisor/machine.h"
#include "lib/kimage.h"
#include "lib/xmalloc.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23	/* Linux 5.14 */
#endif

/*
 * Put 'filesz' bytes of the file at 'off' into guest RAM at 'gpa' and zero
 * the rest up to 'memsz'.  The kernel copies them into the RAM memfd
 * (sendfile: page cache to memfd pages, no page faults in this process),
 * and the tail is zeroed by punching a hole (a fresh memfd is all holes, so
 * that costs nothing).  Copying through the mapping instead faulted in every
 * destination page one at a time: for a 4.7 MiB Linux Image that was 13-20
 * ms of CPU against 3 here (docs/PERFORMANCE.md).  When the kernel cannot
 * (an old one, or a special file), copy through the mapping as before
 * ('src', the file mapped) or read() into it (src NULL).
 */
static int
fill(struct machine *m, uint64_t gpa, int fd, off_t off, const uint8_t *src,
    uint64_t filesz, uint64_t memsz)
{
	uint8_t		*dst = machine_gpa(m, gpa, memsz);
	uint64_t	 done = 0, a, e;
	off_t		 in = off;
	ssize_t		 n;
	int		 rfd = machine_ram_fd(m);

	if (dst == NULL || filesz > memsz)
		return -1;
	if (rfd >= 0 && filesz > 0 &&
	    lseek(rfd, (off_t)(gpa - MACHINE_RAM_BASE), SEEK_SET) != -1) {
		while (done < filesz) {
			n = sendfile(rfd, fd, &in, (size_t)(filesz - done));
			if (n <= 0)
				break;
			done += (uint64_t)n;
		}
	}
	if (done < filesz) {
		a = (uintptr_t)(dst + done) & ~(uintptr_t)4095;
		e = ((uintptr_t)dst + filesz + 4095) & ~(uintptr_t)4095;
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
		if (src != NULL) {
			memcpy(dst + done, src + done, filesz - done);
		} else {
			while (done < filesz) {
				n = pread(fd, dst + done, (size_t)(filesz -
				    done), off + (off_t)done);
				if (n <= 0)
					return -1;
				done += (uint64_t)n;
			}
		}
	}
	/* whole pages of the tail become holes; the partial ones get zeros */
	a = (gpa + filesz + 4095) & ~4095ULL;
	e = (gpa + memsz) & ~4095ULL;
	if (rfd >= 0 && a < e && fallocate(rfd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, (off_t)(a - MACHINE_RAM_BASE),
	    (off_t)(e - a)) == 0) {
		memset(dst + filesz, 0, a - gpa - filesz);
		memset(dst + (e - gpa), 0, memsz - (e - gpa));
	} else {
		memset(dst + filesz, 0, memsz - filesz);
	}
	return 0;
}

/* A kernel (kimage.h: ELF, vmlinux, Linux Image) into RAM. */
static int
load_kernel(struct machine *m, const char *path, int fd, const uint8_t *f,
    size_t fsize, uint64_t *entry, uint64_t *end, uint64_t *tohost,
    uint64_t *fromhost, char **cause)
{
	struct kimage	 ki;
	const char	*why;
	unsigned	 i;

	if (kimage_parse(f, fsize, MACHINE_RAM_BASE, machine_ram_size(m), &ki,
	    &why) == -1) {
		xasprintf(cause, "%s: %s", path, why);
		return -1;
	}
	for (i = 0; i < ki.nsegs; i++) {
		if (fill(m, ki.seg[i].paddr, fd, (off_t)ki.seg[i].offset,
		    f + ki.seg[i].offset, ki.seg[i].filesz,
		    ki.seg[i].memsz) == -1) {
			xasprintf(cause, "%s: a segment outside guest RAM",
			    path);
			return -1;
		}
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
	f = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED) {
		f = NULL;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (raw_addr == 0 || (st.st_size >= SELFMAG &&
	    memcmp(f, ELFMAG, SELFMAG) == 0) || (st.st_size >= 64 &&
	    memcmp(f + 0x38, "RSC\x05", 4) == 0)) {
		rc = load_kernel(m, path, fd, f, (size_t)st.st_size, entry, end,
		    tohost, fromhost, cause);
		goto out;
	}
	if ((dst = machine_gpa(m, raw_addr, (uint64_t)st.st_size)) == NULL) {
		xasprintf(cause, "%s: %lld bytes do not fit in guest RAM at "
		    "0x%llx", path, (long long)st.st_size,
		    (unsigned long long)raw_addr);
		goto out;
	}
	(void)fill(m, raw_addr, fd, 0, f, (uint64_t)st.st_size,
	    (uint64_t)st.st_size);
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

int
machine_load_file(struct machine *m, int fd, uint64_t gpa, uint64_t len)
{
	if (fill(m, gpa, fd, 0, NULL, len, len) == -1)
		return -1;
	machine_invalidate(m, gpa, len);
	return 0;
}
