/* Kernel image formats a domain boots: where each piece of the file goes in guest RAM. */
#ifndef XVM_LIB_KIMAGE_H
#define XVM_LIB_KIMAGE_H

/*
 * Three kinds of file are accepted (xmdomain.cfg(5) `kernel =`, xvm-hypervisor run):
 *
 * - an ELF64 RISC-V executable whose PT_LOAD segments lie in RAM by physical
 *   address (the mini-OS, bare-metal programs): loaded where they say;
 * - a Linux vmlinux: an ELF64 RISC-V executable linked at a virtual address with
 *   physical addresses outside RAM.  The RISC-V kernel runs at any 2 MiB-aligned
 *   physical address, so its image is placed as an Image would be (RAM base +
 *   2 MiB), segments at their offsets from the lowest one, and the entry is
 *   translated through the segment holding it;
 * - a RISC-V Linux Image (Documentation/riscv/boot-image-header.rst): the 64-byte
 *   header with magic "RSC\x05" at 0x38; loaded whole at RAM base + text_offset
 *   (2 MiB-aligned), entry at its first byte, image_size bytes reserved (BSS).
 *
 * The file is untrusted: every offset and size is checked against the file and RAM.
 * Pure computation: the caller copies the bytes (and zeroes memsz - filesz).
 */

#include <stddef.h>
#include <stdint.h>

#define KIMAGE_MAX_SEGS	16

enum kimage_kind {
	KIMAGE_ELF = 1,		/* loaded by physical address */
	KIMAGE_VMLINUX,		/* relocated ELF */
	KIMAGE_LINUX_IMAGE,	/* "RSC\x05" Image */
};

struct kimage_seg {
	uint64_t	paddr;		/* guest-physical destination */
	uint64_t	offset;		/* in the file */
	uint64_t	filesz;		/* bytes copied from the file */
	uint64_t	memsz;		/* >= filesz; the rest is zeroed */
};

struct kimage {
	enum kimage_kind	kind;
	uint64_t		entry;	/* guest-physical */
	uint64_t		lo, hi;	/* [lo, hi): everything it covers */
	unsigned		nsegs;
	struct kimage_seg	seg[KIMAGE_MAX_SEGS];
};

/*
 * Place the kernel file buf[0..len) in RAM [ram_base, ram_base + ram_size).
 * 0, or -1 with errno and *why (a static string, for a message): ENOEXEC
 * (none of the three formats), EINVAL (malformed: a segment outside the file,
 * too many segments, a misaligned Image), EFBIG (it does not fit in RAM).
 */
int	kimage_parse(const void *buf, size_t len, uint64_t ram_base,
	    uint64_t ram_size, struct kimage *, const char **why);

/*
 * The value of the symbol called name in the ELF file buf[0..len) (its
 * .symtab; the first one of that name).  0, or -1 with errno: ENOEXEC (not
 * an ELF64 file with valid section headers), ENOENT (no such symbol, or
 * no symbol table).
 * *value is left alone on failure.
 */
int	kimage_symbol(const void *buf, size_t len, const char *name,
	    uint64_t *value);

/* "ELF", "Linux vmlinux", "Linux Image" (static). */
const char *kimage_kind_name(enum kimage_kind);

#endif
