/* Fuzz target: libxc's ELF parser (the domain builder reads untrusted kernels). */
#include <stddef.h>
#include <stdint.h>

#include <xvm/xenctrl.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_elf_seg	segs[16];
	uint64_t		entry;
	int			n, i;

	n = xc_elf_parse(data, size, segs, 16, &entry);
	for (i = 0; i < n; i++)
		if (segs[i].offset + segs[i].filesz > size ||
		    segs[i].filesz > segs[i].memsz)
			__builtin_trap();
	return 0;
}
