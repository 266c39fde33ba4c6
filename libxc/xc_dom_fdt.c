/*
 * The device tree a domain boots with (docs/domain-builder.md,
 * docs/guest-abi.md): memory, cpus with the timebase, /chosen, the
 * "xvm,hypervisor" node whose interrupt is the event-channel upcall
 * (supervisor external interrupt, cause 9), and the emulated devices
 * (lib/fdt_virt.c), so a PV kernel and a stock Linux both find what they
 * use.  Written with libfdt.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <xvm/xc_dom.h>

#include "lib/fdt_virt.h"

#define PH_DEVICES	0x100		/* PLIC, test device, GPIO */

#define CHECK(x)	do { if ((err = (x)) < 0) goto fail; } while (0)

static int
cpu_node(void *fdt, unsigned int id, uint32_t phandle)
{
	char	 name[32];
	int	 err;

	snprintf(name, sizeof(name), "cpu@%u", id);
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_string(fdt, "device_type", "cpu"));
	CHECK(fdt_property_u32(fdt, "reg", id));
	CHECK(fdt_property_string(fdt, "status", "okay"));
	CHECK(fdt_property_string(fdt, "compatible", "riscv"));
	CHECK(fdt_property_string(fdt, "riscv,isa", "rv64imafdc_zicsr_zifencei"));
	CHECK(fdt_property_string(fdt, "mmu-type", "riscv,sv39"));
	CHECK(fdt_begin_node(fdt, "interrupt-controller"));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
	CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	CHECK(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
	CHECK(fdt_property_u32(fdt, "phandle", phandle));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));
	return 0;
fail:
	return err;
}

static int
reg64(void *fdt, const char *name, uint64_t addr, uint64_t size)
{
	fdt64_t	 cells[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

	return fdt_property(fdt, name, cells, sizeof(cells));
}

int
xc_dom_write_fdt(void *buf, size_t size, const struct xc_dom_config *cfg,
    const struct xc_dom_image *img)
{
	uint64_t	 ram = cfg->mem_kb * 1024;
	fdt32_t		 upcall[2];
	unsigned int	 i;
	char		 name[48];
	int		 err;

	if (cfg->vcpus == 0 || cfg->vcpus > 64 || size > INT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	CHECK(fdt_create(buf, (int)size));
	/* The blob, the rings and the ramdisk stay out of the allocator. */
	CHECK(fdt_add_reservemap_entry(buf, img->dtb_addr, XC_DOM_DTB_MAX));
	CHECK(fdt_add_reservemap_entry(buf, img->console_pfn << 12, 4096));
	CHECK(fdt_add_reservemap_entry(buf, img->store_pfn << 12, 4096));
	if (img->ramdisk_size > 0)
		CHECK(fdt_add_reservemap_entry(buf, img->ramdisk_addr,
		    img->ramdisk_size));
	CHECK(fdt_finish_reservemap(buf));

	CHECK(fdt_begin_node(buf, ""));
	CHECK(fdt_property_u32(buf, "#address-cells", 2));
	CHECK(fdt_property_u32(buf, "#size-cells", 2));
	CHECK(fdt_property_string(buf, "compatible", "xvm,riscv-pv"));
	CHECK(fdt_property_string(buf, "model", "xvm-riscv PV domain"));

	CHECK(fdt_begin_node(buf, "chosen"));
	CHECK(fdt_property_string(buf, "bootargs",
	    cfg->cmdline ? cfg->cmdline : ""));
	if (img->ramdisk_size > 0) {
		CHECK(fdt_property_u64(buf, "linux,initrd-start",
		    img->ramdisk_addr));
		CHECK(fdt_property_u64(buf, "linux,initrd-end",
		    img->ramdisk_addr + img->ramdisk_size));
	}
	CHECK(fdt_property_string(buf, "stdout-path", FDT_VIRT_UART_PATH));
	CHECK(fdt_end_node(buf));

	snprintf(name, sizeof(name), "memory@%llx",
	    (unsigned long long)XC_DOM_RAM_BASE);
	CHECK(fdt_begin_node(buf, name));
	CHECK(fdt_property_string(buf, "device_type", "memory"));
	CHECK(reg64(buf, "reg", XC_DOM_RAM_BASE, ram));
	CHECK(fdt_end_node(buf));

	CHECK(fdt_begin_node(buf, "cpus"));
	CHECK(fdt_property_u32(buf, "#address-cells", 1));
	CHECK(fdt_property_u32(buf, "#size-cells", 0));
	CHECK(fdt_property_u32(buf, "timebase-frequency", XC_DOM_TIMEBASE));
	for (i = 0; i < cfg->vcpus; i++)
		CHECK(cpu_node(buf, i, i + 1));
	CHECK(fdt_end_node(buf));

	/* Event channels reach vCPU 0 as its supervisor external interrupt. */
	CHECK(fdt_begin_node(buf, "hypervisor"));
	CHECK(fdt_property_string(buf, "compatible", "xvm,hypervisor"));
	upcall[0] = cpu_to_fdt32(1);	/* phandle of cpu@0's intc */
	upcall[1] = cpu_to_fdt32(9);
	CHECK(fdt_property(buf, "interrupts-extended", upcall,
	    sizeof(upcall)));
	CHECK(fdt_end_node(buf));

	/* The emulated devices every domain has (UART, PLIC, buttons...). */
	CHECK(fdt_virt_write(buf, &(struct fdt_virt){ .nvcpus = cfg->vcpus,
	    .intc_phandle0 = 1, .phandle0 = PH_DEVICES }));

	CHECK(fdt_end_node(buf));
	CHECK(fdt_finish(buf));
	return (int)fdt_totalsize(buf);
fail:
	errno = err == -FDT_ERR_NOSPACE ? ENOSPC : EINVAL;
	return -1;
}
