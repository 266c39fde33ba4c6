/* Fuzz target: lib/kimage.c, which places untrusted kernel files (ELF, vmlinux, Image) in guest RAM and reads their symbols. */
#include <stddef.h>
#include <stdint.h>

#include "lib/kimage.h"

#define BASE	0x80000000ULL
#define RAM	(128ULL << 20)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kimage	 ki;
	const char	*why;
	unsigned	 i;
	uint64_t	 sym;

	(void)kimage_symbol(data, size, "tohost", &sym);
	if (kimage_parse(data, size, BASE, RAM, &ki, &why) == -1)
		return 0;
	/* What the loaders then copy must lie in the file and in RAM. */
	for (i = 0; i < ki.nsegs; i++)
		if (ki.seg[i].offset > size ||
		    ki.seg[i].filesz > size - ki.seg[i].offset ||
		    ki.seg[i].filesz > ki.seg[i].memsz ||
		    ki.seg[i].paddr < BASE ||
		    ki.seg[i].paddr - BASE > RAM ||
		    ki.seg[i].memsz > RAM - (ki.seg[i].paddr - BASE))
			__builtin_trap();
	if (ki.nsegs == 0 || ki.lo < BASE || ki.hi > BASE + RAM)
		__builtin_trap();
	return 0;
}
