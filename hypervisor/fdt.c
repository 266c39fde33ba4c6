/*
 * The device tree handed to guests (Devicetree Specification v0.4; the
 * Linux RISC-V bindings for cpus, riscv,cpu-intc, sifive,plic-1.0.0,
 * sifive,clint0, syscon-poweroff/-reboot).  Written with libfdt's
 * sequential-write API, with the same node names and phandle wiring as
 * QEMU virt's, so guests that run there find the same things here.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"
#include "lib/xmalloc.h"

#define PH_PLIC		1
#define PH_TEST		2
#define PH_INTC(h)	(16 + (h))

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

/* interrupts-extended = <intc(h) a intc(h) b> for every hart */
static int
irqs_ext(void *fdt, unsigned n, uint32_t a, uint32_t b)
{
	fdt32_t	 cells[4 * MACHINE_MAX_VCPUS];
	unsigned h;

	for (h = 0; h < n; h++) {
		cells[4 * h] = cpu_to_fdt32(PH_INTC(h));
		cells[4 * h + 1] = cpu_to_fdt32(a);
		cells[4 * h + 2] = cpu_to_fdt32(PH_INTC(h));
		cells[4 * h + 3] = cpu_to_fdt32(b);
	}
	return fdt_property(fdt, "interrupts-extended", cells, 16 * n);
}

static int
soc(void *fdt, unsigned n)
{
	static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
	char	 name[48];
	int	 err;

	TRY(fdt_begin_node(fdt, "soc"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	TRY(fdt_property(fdt, "ranges", NULL, 0));

	TRY(node_name(name, sizeof(name), "test", syscon_ops.base));
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", test_compat, sizeof(test_compat)));
	TRY(prop_reg(fdt, syscon_ops.base, syscon_ops.size));
	TRY(fdt_property_u32(fdt, "phandle", PH_TEST));
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "poweroff"));
	TRY(fdt_property_string(fdt, "compatible", "syscon-poweroff"));
	TRY(fdt_property_u32(fdt, "regmap", PH_TEST));
	TRY(fdt_property_u32(fdt, "offset", 0));
	TRY(fdt_property_u32(fdt, "value", 0x5555));
	TRY(fdt_end_node(fdt));
	TRY(fdt_begin_node(fdt, "reboot"));
	TRY(fdt_property_string(fdt, "compatible", "syscon-reboot"));
	TRY(fdt_property_u32(fdt, "regmap", PH_TEST));
	TRY(fdt_property_u32(fdt, "offset", 0));
	TRY(fdt_property_u32(fdt, "value", 0x7777));
	TRY(fdt_end_node(fdt));

	TRY(node_name(name, sizeof(name), "serial", uart_ops.base));
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(prop_reg(fdt, uart_ops.base, uart_ops.size));
	TRY(fdt_property_u32(fdt, "clock-frequency", 3686400));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PH_PLIC));
	TRY(fdt_property_u32(fdt, "interrupts", MACHINE_UART_IRQ));
	TRY(fdt_end_node(fdt));

	TRY(node_name(name, sizeof(name), "plic", plic_ops.base));
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", plic_compat, sizeof(plic_compat)));
	TRY(prop_reg(fdt, plic_ops.base, plic_ops.size));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "riscv,ndev", MACHINE_PLIC_SOURCES - 1));
	TRY(irqs_ext(fdt, n, 11, 9));
	TRY(fdt_property_u32(fdt, "phandle", PH_PLIC));
	TRY(fdt_end_node(fdt));

	TRY(node_name(name, sizeof(name), "clint", clint_ops.base));
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", clint_compat,
	    sizeof(clint_compat)));
	TRY(prop_reg(fdt, clint_ops.base, clint_ops.size));
	TRY(irqs_ext(fdt, n, 3, 7));
	TRY(fdt_end_node(fdt));

	return fdt_end_node(fdt);
fail:
	return err;
}

int
machine_write_fdt(struct machine *m, uint64_t gpa, size_t max,
    const char *bootargs, char **cause)
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
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
	TRY(fdt_property_string(fdt, "model", "xvm,riscv-virt"));

	TRY(fdt_begin_node(fdt, "chosen"));
	if (bootargs != NULL)
		TRY(fdt_property_string(fdt, "bootargs", bootargs));
	TRY(fdt_property_string(fdt, "stdout-path", "/soc/serial@10000000"));
	TRY(fdt_end_node(fdt));

	TRY(node_name(name, sizeof(name), "memory", MACHINE_RAM_BASE));
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, MACHINE_RAM_BASE, machine_ram_size(m)));
	TRY(fdt_end_node(fdt));

	TRY(cpus(fdt, machine_nvcpus(m)));
	TRY(soc(fdt, machine_nvcpus(m)));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	machine_invalidate(m, gpa, max);
	return 0;
fail:
	xasprintf(cause, "device tree: %s", fdt_strerror(err));
	return -1;
}
