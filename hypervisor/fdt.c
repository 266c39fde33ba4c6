/*
 * The device tree handed to guests (Devicetree Specification v0.4; the
 * Linux RISC-V bindings for cpus and riscv,cpu-intc; the devices are
 * lib/fdt_virt.c's).  Written with libfdt's sequential-write API, with the
 * same node names and phandle wiring as QEMU virt's, so guests that run
 * there find the same things here.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"
#include "lib/fdt_virt.h"
#include "lib/xmalloc.h"

#define PH_DEVICES	1		/* PLIC, test device, GPIO */
#define PH_INTC(h)	(16 + (h))

_Static_assert(FDT_VIRT_UART_IRQ == MACHINE_UART_IRQ &&
    FDT_VIRT_GPIO_BASE == MACHINE_GPIO_BASE &&
    FDT_VIRT_GPIO_IRQ == MACHINE_GPIO_IRQ_BASE &&
    FDT_VIRT_GPIO_LINES == MACHINE_GPIO_LINES &&
    FDT_VIRT_PLIC_NDEV == MACHINE_PLIC_SOURCES - 1,
    "lib/fdt_virt.h and machine.h disagree on the memory map");

#define TRY(e) do { if ((err = (e)) != 0) goto fail; } while (0)

static int
prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t r[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", r, sizeof(r));
}

static int
node_name(char *buf, size_t len, const char *name, uint64_t addr)
{
	int n = snprintf(buf, len, "%s@%llx", name, (unsigned long long)addr);

	return n < 0 || (size_t)n >= len ? -FDT_ERR_NOSPACE : 0;
}

static int
cpus(void *fdt, unsigned n)
{
	char	 name[32];
	unsigned h;
	int	 err;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "timebase-frequency",
	    (uint32_t)MACHINE_TIMEBASE_HZ));
	for (h = 0; h < n; h++) {
		TRY(node_name(name, sizeof(name), "cpu", h));
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_u32(fdt, "reg", h));
		TRY(fdt_property_string(fdt, "status", "okay"));
		TRY(fdt_property_string(fdt, "compatible", "riscv"));
		TRY(fdt_property_string(fdt, "riscv,isa",
		    "rv64imafdc_zicsr_zifencei"));
		TRY(fdt_property_string(fdt, "mmu-type", "riscv,sv48"));
		TRY(fdt_begin_node(fdt, "interrupt-controller"));
		TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
		TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
		TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
		TRY(fdt_property_u32(fdt, "phandle", PH_INTC(h)));
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
fail:
	return err;
}

int
machine_write_fdt(struct machine *m, uint64_t gpa, size_t max,
    const char *bootargs, uint64_t initrd_start, uint64_t initrd_end,
    char **cause)
{
	void	*fdt;
	char	 name[32];
	int	 err;

	if ((fdt = machine_gpa(m, gpa, max)) == NULL) {
		xasprintf(cause, "device tree at 0x%llx: outside guest RAM",
		    (unsigned long long)gpa);
		return -1;
	}
	TRY(fdt_create(fdt, (int)max));
	if (initrd_end > initrd_start)
		TRY(fdt_add_reservemap_entry(fdt, initrd_start,
		    initrd_end - initrd_start));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
	TRY(fdt_property_string(fdt, "model", "xvm,riscv-virt"));

	TRY(fdt_begin_node(fdt, "chosen"));
	if (bootargs != NULL)
		TRY(fdt_property_string(fdt, "bootargs", bootargs));
	if (initrd_end > initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", initrd_end));
	}
	TRY(fdt_property_string(fdt, "stdout-path", FDT_VIRT_UART_PATH));
	TRY(fdt_end_node(fdt));

	TRY(node_name(name, sizeof(name), "memory", MACHINE_RAM_BASE));
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, MACHINE_RAM_BASE, machine_ram_size(m)));
	TRY(fdt_end_node(fdt));

	TRY(cpus(fdt, machine_nvcpus(m)));
	TRY(fdt_virt_write(fdt, &(struct fdt_virt){ .nvcpus = machine_nvcpus(m),
	    .intc_phandle0 = PH_INTC(0), .phandle0 = PH_DEVICES }));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	machine_invalidate(m, gpa, max);
	return 0;
fail:
	xasprintf(cause, "device tree: %s", fdt_strerror(err));
	return -1;
}
