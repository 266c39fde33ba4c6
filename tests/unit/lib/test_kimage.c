/* Unit tests for lib/kimage.c: where each kind of kernel file lands in guest RAM. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/kimage.h"

#define BASE	0x80000000ULL
#define RAM	(64ULL << 20)

static uint8_t	 file[8192];

/* An ELF64 RISC-V executable with n PT_LOAD headers (vaddr, paddr, memsz). */
static size_t
elf(unsigned n, const uint64_t (*seg)[3], uint64_t entry)
{
	Elf64_Ehdr	*eh = (Elf64_Ehdr *)file;
	Elf64_Phdr	*ph = (Elf64_Phdr *)(file + sizeof(*eh));
	unsigned	 i;

	memset(file, 0, sizeof(file));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_RISCV;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = (uint16_t)n;
	for (i = 0; i < n; i++) {
		ph[i].p_type = PT_LOAD;
		ph[i].p_vaddr = seg[i][0];
		ph[i].p_paddr = seg[i][1];
		ph[i].p_offset = 4096;
		ph[i].p_filesz = 16;
		ph[i].p_memsz = seg[i][2];
	}
	return sizeof(file);
}

/* A RISC-V Linux Image header. */
static size_t
image(uint64_t text_offset, uint64_t image_size)
{
	memset(file, 0, sizeof(file));
	memcpy(file + 8, &text_offset, 8);
	memcpy(file + 16, &image_size, 8);
	memcpy(file + 0x30, "RISCV\0\0\0", 8);
	memcpy(file + 0x38, "RSC\x05", 4);
	return sizeof(file);
}

static void
test_elf_in_ram(void **state)
{
	static const uint64_t seg[][3] = {
		{ 0x80200000, 0x80200000, 0x3000 },
		{ 0x80204000, 0x80204000, 0x100 },
	};
	struct kimage	 ki;
	const char	*why;

	(void)state;
	assert_int_equal(kimage_parse(file, elf(2, seg, 0x80200010), BASE, RAM,
	    &ki, &why), 0);
	assert_int_equal(ki.kind, KIMAGE_ELF);
	assert_int_equal(ki.nsegs, 2);
	assert_int_equal(ki.entry, 0x80200010);
	assert_int_equal(ki.lo, 0x80200000);
	assert_int_equal(ki.hi, 0x80204100);
}

/* vmlinux: linked at 0xffffffff80000000 with paddr from 0, entry at _start. */
static void
test_vmlinux(void **state)
{
	static const uint64_t seg[][3] = {
		{ 0xffffffff80000000ULL, 0, 0x200000 },
		{ 0xffffffff80200000ULL, 0x200000, 0x1000 },
	};
	struct kimage	 ki;
	const char	*why;

	(void)state;
	assert_int_equal(kimage_parse(file, elf(2, seg, 0xffffffff80000040ULL),
	    BASE, RAM, &ki, &why), 0);
	assert_int_equal(ki.kind, KIMAGE_VMLINUX);
	assert_int_equal(ki.seg[0].paddr, BASE + 0x200000);
	assert_int_equal(ki.seg[1].paddr, BASE + 0x400000);
	assert_int_equal(ki.entry, BASE + 0x200040);
	assert_int_equal(ki.hi, BASE + 0x401000);
	/* The entry must lie in a segment. */
	assert_int_equal(kimage_parse(file, elf(2, seg, 0xffffffff90000000ULL),
	    BASE, RAM, &ki, &why), -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_elf_outside_ram(void **state)
{
	static const uint64_t low[][3] = { { 0x1000, 0x1000, 0x100 } };
	static const uint64_t big[][3] = { { 0x80200000, 0x80200000, RAM } };
	struct kimage	 ki;
	const char	*why;

	(void)state;
	/* Linked low, not a kernel of the upper half: not relocated. */
	assert_int_equal(kimage_parse(file, elf(1, low, 0x1000), BASE, RAM, &ki,
	    &why), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(kimage_parse(file, elf(1, big, 0x80200000), BASE, RAM,
	    &ki, &why), -1);
	assert_int_equal(errno, EFBIG);
}

static void
test_image(void **state)
{
	struct kimage	 ki;
	const char	*why;
	size_t		 len = image(0x200000, 0x500000);

	(void)state;
	assert_int_equal(kimage_parse(file, len, BASE, RAM, &ki, &why), 0);
	assert_int_equal(ki.kind, KIMAGE_LINUX_IMAGE);
	assert_int_equal(ki.entry, BASE + 0x200000);
	assert_int_equal(ki.seg[0].filesz, len);
	assert_int_equal(ki.seg[0].memsz, 0x500000);	/* BSS reserved */
	assert_int_equal(ki.hi, BASE + 0x700000);
	/* image_size 0 (old headers): the file. */
	assert_int_equal(kimage_parse(file, image(0x200000, 0), BASE, RAM, &ki,
	    &why), 0);
	assert_int_equal(ki.seg[0].memsz, sizeof(file));
	/* Not 2 MiB aligned. */
	assert_int_equal(kimage_parse(file, image(0x1000, 0), BASE, RAM, &ki,
	    &why), -1);
	assert_int_equal(errno, EINVAL);
	/* Does not fit. */
	assert_int_equal(kimage_parse(file, image(0x200000, RAM), BASE, RAM, &ki,
	    &why), -1);
	assert_int_equal(errno, EFBIG);
}

static void
test_malformed(void **state)
{
	static const uint64_t seg[][3] = { { 0x80200000, 0x80200000, 8 } };
	struct kimage	 ki;
	const char	*why;
	Elf64_Phdr	*ph = (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr));

	(void)state;
	memset(file, 'x', sizeof(file));
	assert_int_equal(kimage_parse(file, sizeof(file), BASE, RAM, &ki, &why),
	    -1);
	assert_int_equal(errno, ENOEXEC);
	assert_int_equal(kimage_parse(file, 0, BASE, RAM, &ki, &why), -1);
	assert_int_equal(errno, ENOEXEC);
	/* filesz > memsz, and a segment past the end of the file. */
	elf(1, seg, 0x80200000);
	assert_int_equal(kimage_parse(file, sizeof(file), BASE, RAM, &ki, &why),
	    -1);
	assert_int_equal(errno, EINVAL);
	elf(1, seg, 0x80200000);
	ph->p_memsz = 64;
	ph->p_offset = sizeof(file) - 8;
	assert_int_equal(kimage_parse(file, sizeof(file), BASE, RAM, &ki, &why),
	    -1);
	assert_int_equal(errno, EINVAL);
	/* Truncated program headers. */
	elf(1, seg, 0x80200000);
	assert_int_equal(kimage_parse(file, 80, BASE, RAM, &ki, &why), -1);
	assert_int_equal(errno, ENOEXEC);
	assert_non_null(why);
}

/* A symbol table after the segments: section headers at 6144. */
static void
test_symbol(void **state)
{
	static const uint64_t seg[][3] = { { 0x80200000, 0x80200000, 64 } };
	static const char strtab[] = "\0fromhost\0tohost\0to";
	Elf64_Ehdr	*eh = (Elf64_Ehdr *)file;
	Elf64_Shdr	 sh[3];
	Elf64_Sym	 sym[3];
	uint64_t	 v = 7;

	(void)state;
	elf(1, seg, 0x80200000);
	assert_int_equal(kimage_symbol(file, sizeof(file), "tohost", &v), -1);
	assert_int_equal(errno, ENOENT);	/* no sections at all */
	memset(sh, 0, sizeof(sh));
	memset(sym, 0, sizeof(sym));
	sym[0].st_name = 17;			/* "to", unterminated */
	sym[1].st_name = 1;			/* fromhost */
	sym[1].st_value = 0x80001040;
	sym[2].st_name = 10;			/* tohost */
	sym[2].st_value = 0x80001000;
	memcpy(file + 5120, sym, sizeof(sym));
	memcpy(file + 5632, strtab, sizeof(strtab));
	sh[1].sh_type = SHT_SYMTAB;
	sh[1].sh_offset = 5120;
	sh[1].sh_size = sizeof(sym);
	sh[1].sh_entsize = sizeof(Elf64_Sym);
	sh[1].sh_link = 2;
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = 5632;
	sh[2].sh_size = sizeof(strtab) - 1;	/* "to" runs off: no NUL */
	memcpy(file + 6144, sh, sizeof(sh));
	eh->e_shoff = 6144;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 3;

	assert_int_equal(kimage_symbol(file, sizeof(file), "tohost", &v), 0);
	assert_true(v == 0x80001000);
	assert_int_equal(kimage_symbol(file, sizeof(file), "fromhost", &v), 0);
	assert_true(v == 0x80001040);
	assert_int_equal(kimage_symbol(file, sizeof(file), "to", &v), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(kimage_symbol(file, sizeof(file), "host", &v), -1);
	/* Section headers past the end of the file; not an ELF. */
	assert_int_equal(kimage_symbol(file, 6144 + 100, "tohost", &v), -1);
	assert_int_equal(errno, ENOEXEC);
	assert_int_equal(kimage_symbol("RSC", 3, "tohost", &v), -1);
	assert_int_equal(errno, ENOEXEC);
	assert_true(v == 0x80001040);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_in_ram),
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_elf_outside_ram),
		cmocka_unit_test(test_image),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_symbol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
