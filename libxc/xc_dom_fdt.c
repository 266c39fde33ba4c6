/*
 * The device tree a domain boots with (docs/domain-builder.md,
 * docs/guest-abi.md): lib/fdt_virt.c's tree with the "xvm,hypervisor" node
 * whose interrupt is the event-channel upcall, so a PV kernel and a stock
 * Linux both find what they use; the blob, the two rings and the ramdisk
 * are kept out of the guest's allocator.
 */
#include <errno.h>

#include <xvm/xc_dom.h>

#include "lib/fdt_virt.h"

_Static_assert(XC_DOM_RAM_BASE == FDT_VIRT_RAM_BASE &&
    XC_DOM_TIMEBASE == FDT_VIRT_TIMEBASE_HZ,
    "xc_dom.h and lib/fdt_virt.h disagree on the machine");

int
xc_dom_write_fdt(void *buf, size_t size, const struct xc_dom_config *cfg,
    const struct xc_dom_image *img)
{
	struct fdt_machine	 fm = {
		.compatible = "xvm,riscv-pv", .model = "xvm-riscv PV domain",
		.ram_size = cfg->mem_kb * 1024, .nvcpus = cfg->vcpus,
		.mmu_type = "riscv,sv39",
		.bootargs = cfg->cmdline != NULL ? cfg->cmdline : "",
		.hypervisor = 1, .virtio_slots = cfg->virtio_slots,
		.fb_width = cfg->fb_width, .fb_height = cfg->fb_height,
		.nrsv = 3,
		.rsv = {
			{ img->dtb_addr, XC_DOM_DTB_MAX },
			{ img->console_pfn << 12, 4096 },
			{ img->store_pfn << 12, 4096 },
		},
	};

	if (img->ramdisk_size > 0) {
		fm.initrd_start = img->ramdisk_addr;
		fm.initrd_end = img->ramdisk_addr + img->ramdisk_size;
	}
	return fdt_virt_tree(buf, size, &fm);
}
