/*
 * The device tree `xvm-hypervisor run` hands its guest: lib/fdt_virt.c's
 * tree for this machine (no /hypervisor node: no PV domain runs here).
 */
#include <errno.h>
#include <string.h>

#include "hypervisor/machine.h"
#include "lib/fdt_virt.h"
#include "lib/xmalloc.h"

_Static_assert(FDT_VIRT_UART_IRQ == MACHINE_UART_IRQ &&
    FDT_VIRT_GPIO_BASE == MACHINE_GPIO_BASE &&
    FDT_VIRT_GPIO_IRQ == MACHINE_GPIO_IRQ_BASE &&
    FDT_VIRT_GPIO_LINES == MACHINE_GPIO_LINES &&
    FDT_VIRT_PLIC_NDEV == MACHINE_PLIC_SOURCES - 1 &&
    FDT_VIRT_RAM_BASE == MACHINE_RAM_BASE &&
    FDT_VIRT_TIMEBASE_HZ == MACHINE_TIMEBASE_HZ &&
    FDT_VIRT_MAX_VCPUS == MACHINE_MAX_VCPUS,
    "lib/fdt_virt.h and machine.h disagree on the memory map");

int
machine_write_fdt(struct machine *m, uint64_t gpa, size_t max,
    const char *bootargs, uint64_t initrd_start, uint64_t initrd_end,
    char **cause)
{
	struct fdt_machine	 fm = {
		.compatible = "riscv-virtio", .model = "xvm,riscv-virt",
		.ram_size = machine_ram_size(m), .nvcpus = machine_nvcpus(m),
		.mmu_type = "riscv,sv48", .bootargs = bootargs,
		.initrd_start = initrd_start, .initrd_end = initrd_end,
	};
	void			*fdt;

	if ((fdt = machine_gpa(m, gpa, max)) == NULL) {
		xasprintf(cause, "device tree at 0x%llx: outside guest RAM",
		    (unsigned long long)gpa);
		return -1;
	}
	if (fdt_virt_tree(fdt, max, &fm) == -1) {
		xasprintf(cause, "device tree: %s", strerror(errno));
		return -1;
	}
	machine_invalidate(m, gpa, max);
	return 0;
}
