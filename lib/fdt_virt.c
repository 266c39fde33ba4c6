/*
 * The device tree of the xvm-riscv machine (fdt_virt.h): Devicetree
 * Specification v0.4 and the Linux bindings named below (cpus and
 * riscv,cpu-intc: Documentation/devicetree/bindings/riscv/cpus.yaml), written
 * with libfdt's sequential-write API, with QEMU virt's node names and phandle
 * wiring so guests that run there find the same things here.
 */
#include <errno.h>
#include <limits.h>
#include <libfdt.h>
#include <stdio.h>

#include <xvm/fb.h>
#include <xvm/virtio.h>

#include "lib/fdt_virt.h"

#define TRY(e) do { if ((err = (e)) != 0) return err; } while (0)

static int
reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t r[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", r, sizeof(r));
}

static int
begin(void *fdt, const char *name, uint64_t addr)
{
	char	buf[48];

	snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, buf);
}

/* interrupts-extended = <intc(h) a intc(h) b> for every hart. */
static int
irqs_ext(void *fdt, const struct fdt_virt *v, uint32_t a, uint32_t b)
{
	fdt32_t	 cells[4 * FDT_VIRT_MAX_VCPUS];
	unsigned h, n = v->nvcpus < FDT_VIRT_MAX_VCPUS ? v->nvcpus :
	    FDT_VIRT_MAX_VCPUS;

	for (h = 0; h < n; h++) {
		cells[4 * h] = cpu_to_fdt32(v->intc_phandle0 + h);
		cells[4 * h + 1] = cpu_to_fdt32(a);
		cells[4 * h + 2] = cpu_to_fdt32(v->intc_phandle0 + h);
		cells[4 * h + 3] = cpu_to_fdt32(b);
	}
	return fdt_property(fdt, "interrupts-extended", cells, 16 * n);
}

/* sifive,test0 (the test device) and syscon-poweroff / syscon-reboot. */
static int
test_device(void *fdt, uint32_t ph)
{
	static const char compat[] = "sifive,test1\0sifive,test0\0syscon";
	int err;

	TRY(begin(fdt, "test", FDT_VIRT_TEST_BASE));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(reg(fdt, FDT_VIRT_TEST_BASE, FDT_VIRT_TEST_SIZE));
	TRY(fdt_property_u32(fdt, "phandle", ph));
	TRY(fdt_end_node(fdt));
	TRY(fdt_begin_node(fdt, "poweroff"));
	TRY(fdt_property_string(fdt, "compatible", "syscon-poweroff"));
	TRY(fdt_property_u32(fdt, "regmap", ph));
	TRY(fdt_property_u32(fdt, "offset", 0));
	TRY(fdt_property_u32(fdt, "value", 0x5555));
	TRY(fdt_end_node(fdt));
	TRY(fdt_begin_node(fdt, "reboot"));
	TRY(fdt_property_string(fdt, "compatible", "syscon-reboot"));
	TRY(fdt_property_u32(fdt, "regmap", ph));
	TRY(fdt_property_u32(fdt, "offset", 0));
	TRY(fdt_property_u32(fdt, "value", 0x7777));
	return fdt_end_node(fdt);
}

/* The buttons: sifive,gpio0 (gpio-sifive), one PLIC source per line. */
static int
gpio(void *fdt, uint32_t ph, uint32_t plic)
{
	fdt32_t	 irqs[FDT_VIRT_GPIO_LINES];
	unsigned i;
	int	 err;

	for (i = 0; i < FDT_VIRT_GPIO_LINES; i++)
		irqs[i] = cpu_to_fdt32(FDT_VIRT_GPIO_IRQ + i);
	TRY(begin(fdt, "gpio", FDT_VIRT_GPIO_BASE));
	TRY(fdt_property_string(fdt, "compatible", "sifive,gpio0"));
	TRY(reg(fdt, FDT_VIRT_GPIO_BASE, FDT_VIRT_GPIO_SIZE));
	TRY(fdt_property_u32(fdt, "interrupt-parent", plic));
	TRY(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
	TRY(fdt_property(fdt, "gpio-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#gpio-cells", 2));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property_u32(fdt, "phandle", ph));
	return fdt_end_node(fdt);
}

/* virtio,mmio (bindings/virtio/mmio.yaml), one node per occupied slot. */
static int
virtio(void *fdt, uint32_t slots, uint32_t plic)
{
	unsigned i;
	int	 err;

	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		if (!(slots & (1u << i)))
			continue;
		TRY(begin(fdt, "virtio_mmio", VIRTIO_MMIO_SLOT_ADDR(i)));
		TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		TRY(reg(fdt, VIRTIO_MMIO_SLOT_ADDR(i), VIRTIO_MMIO_SLOT_SIZE));
		TRY(fdt_property_u32(fdt, "interrupt-parent", plic));
		TRY(fdt_property_u32(fdt, "interrupts",
		    VIRTIO_MMIO_SLOT_IRQ(i)));
		TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

/* gpio-keys (Documentation/devicetree/bindings/input/gpio-keys.yaml). */
static int
keys(void *fdt, uint32_t gpio_ph)
{
	static const struct { const char *node, *label; uint32_t code; }
	    key[FDT_VIRT_GPIO_LINES] = {
		{ "power", "Power", FDT_VIRT_KEY_POWER },
		{ "reboot", "Reboot", FDT_VIRT_KEY_RESTART },
	};
	fdt32_t	 gpios[3];
	unsigned i;
	int	 err;

	TRY(fdt_begin_node(fdt, "gpio-keys"));
	TRY(fdt_property_string(fdt, "compatible", "gpio-keys"));
	for (i = 0; i < FDT_VIRT_GPIO_LINES; i++) {
		gpios[0] = cpu_to_fdt32(gpio_ph);
		gpios[1] = cpu_to_fdt32(i);
		gpios[2] = cpu_to_fdt32(0);	/* GPIO_ACTIVE_HIGH */
		TRY(fdt_begin_node(fdt, key[i].node));
		TRY(fdt_property_string(fdt, "label", key[i].label));
		TRY(fdt_property_u32(fdt, "linux,code", key[i].code));
		TRY(fdt_property(fdt, "gpios", gpios, sizeof(gpios)));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

int
fdt_virt_write(void *fdt, const struct fdt_virt *v)
{
	static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	uint32_t ph_plic = v->phandle0, ph_test = v->phandle0 + 1;
	uint32_t ph_gpio = v->phandle0 + 2;
	int	 err;

	TRY(fdt_begin_node(fdt, "soc"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	TRY(fdt_property(fdt, "ranges", NULL, 0));

	TRY(test_device(fdt, ph_test));

	TRY(begin(fdt, "serial", FDT_VIRT_UART_BASE));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(reg(fdt, FDT_VIRT_UART_BASE, FDT_VIRT_UART_SIZE));
	TRY(fdt_property_u32(fdt, "clock-frequency", FDT_VIRT_UART_CLOCK));
	TRY(fdt_property_u32(fdt, "interrupt-parent", ph_plic));
	TRY(fdt_property_u32(fdt, "interrupts", FDT_VIRT_UART_IRQ));
	TRY(fdt_end_node(fdt));

	TRY(gpio(fdt, ph_gpio, ph_plic));
	TRY(virtio(fdt, v->virtio_slots, ph_plic));

	/* Contexts 2h (M) and 2h+1 (S) of hart h, in that order. */
	TRY(begin(fdt, "plic", FDT_VIRT_PLIC_BASE));
	TRY(fdt_property(fdt, "compatible", plic_compat, sizeof(plic_compat)));
	TRY(reg(fdt, FDT_VIRT_PLIC_BASE, FDT_VIRT_PLIC_SIZE));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "riscv,ndev", FDT_VIRT_PLIC_NDEV));
	TRY(irqs_ext(fdt, v, 11, 9));
	TRY(fdt_property_u32(fdt, "phandle", ph_plic));
	TRY(fdt_end_node(fdt));

	TRY(begin(fdt, "clint", FDT_VIRT_CLINT_BASE));
	TRY(fdt_property(fdt, "compatible", clint_compat,
	    sizeof(clint_compat)));
	TRY(reg(fdt, FDT_VIRT_CLINT_BASE, FDT_VIRT_CLINT_SIZE));
	TRY(irqs_ext(fdt, v, 3, 7));
	TRY(fdt_end_node(fdt));

	TRY(fdt_end_node(fdt));		/* soc */
	return keys(fdt, ph_gpio);
}

/* Phandles: the three of /soc, then hart h's interrupt controller. */
#define PH_DEVICES	1
#define PH_INTC(h)	(16 + (h))

static int
cpus(void *fdt, const struct fdt_machine *m)
{
	unsigned h;
	int	 err;

	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "timebase-frequency", FDT_VIRT_TIMEBASE_HZ));
	for (h = 0; h < m->nvcpus; h++) {
		TRY(begin(fdt, "cpu", h));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_u32(fdt, "reg", h));
		TRY(fdt_property_string(fdt, "status", "okay"));
		TRY(fdt_property_string(fdt, "compatible", "riscv"));
		TRY(fdt_property_string(fdt, "riscv,isa",
		    "rv64imafdc_zicsr_zifencei"));
		TRY(fdt_property_string(fdt, "mmu-type", m->mmu_type));
		TRY(fdt_begin_node(fdt, "interrupt-controller"));
		TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
		TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
		TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
		TRY(fdt_property_u32(fdt, "phandle", PH_INTC(h)));
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int
chosen(void *fdt, const struct fdt_machine *m)
{
	int	 err;

	TRY(fdt_begin_node(fdt, "chosen"));
	if (m->fb_width != 0) {
		/* The framebuffer's reg is translated through /chosen: it
		   needs the cells and an identity 'ranges' (the binding's
		   example), or Linux finds "No memory resource". */
		TRY(fdt_property_u32(fdt, "#address-cells", 2));
		TRY(fdt_property_u32(fdt, "#size-cells", 2));
		TRY(fdt_property(fdt, "ranges", NULL, 0));
	}
	if (m->bootargs != NULL)
		TRY(fdt_property_string(fdt, "bootargs", m->bootargs));
	if (m->initrd_end > m->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start",
		    m->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", m->initrd_end));
	}
	TRY(fdt_property_string(fdt, "stdout-path", FDT_VIRT_UART_PATH));
	if (m->fb_width != 0) {
		TRY(begin(fdt, "framebuffer", XVM_FB_BASE));
		TRY(fdt_property_string(fdt, "compatible",
		    "simple-framebuffer"));
		TRY(reg(fdt, XVM_FB_BASE, XVM_FB_BYTES(m->fb_width,
		    m->fb_height)));
		TRY(fdt_property_u32(fdt, "width", m->fb_width));
		TRY(fdt_property_u32(fdt, "height", m->fb_height));
		TRY(fdt_property_u32(fdt, "stride",
		    (uint32_t)XVM_FB_STRIDE(m->fb_width)));
		TRY(fdt_property_string(fdt, "format", XVM_FB_FORMAT));
		TRY(fdt_property_string(fdt, "status", "okay"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

/* Event channels reach hart 0 as its supervisor external interrupt (9). */
static int
hypervisor(void *fdt)
{
	fdt32_t	 upcall[2] = { cpu_to_fdt32(PH_INTC(0)), cpu_to_fdt32(9) };
	int	 err;

	TRY(fdt_begin_node(fdt, "hypervisor"));
	TRY(fdt_property_string(fdt, "compatible", "xvm,hypervisor"));
	TRY(fdt_property(fdt, "interrupts-extended", upcall, sizeof(upcall)));
	return fdt_end_node(fdt);
}

static int
tree(void *fdt, size_t size, const struct fdt_machine *m)
{
	unsigned i;
	int	 err;

	TRY(fdt_create(fdt, (int)size));
	for (i = 0; i < m->nrsv; i++)
		TRY(fdt_add_reservemap_entry(fdt, m->rsv[i].addr,
		    m->rsv[i].size));
	if (m->initrd_end > m->initrd_start)
		TRY(fdt_add_reservemap_entry(fdt, m->initrd_start,
		    m->initrd_end - m->initrd_start));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "compatible", m->compatible));
	TRY(fdt_property_string(fdt, "model", m->model));
	TRY(chosen(fdt, m));
	TRY(begin(fdt, "memory", FDT_VIRT_RAM_BASE));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(reg(fdt, FDT_VIRT_RAM_BASE, m->ram_size));
	TRY(fdt_end_node(fdt));
	TRY(cpus(fdt, m));
	if (m->hypervisor)
		TRY(hypervisor(fdt));
	TRY(fdt_virt_write(fdt, &(struct fdt_virt){ .nvcpus = m->nvcpus,
	    .intc_phandle0 = PH_INTC(0), .phandle0 = PH_DEVICES,
	    .virtio_slots = m->virtio_slots }));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}

int
fdt_virt_tree(void *buf, size_t size, const struct fdt_machine *m)
{
	int	 err;

	if (m->nvcpus == 0 || m->nvcpus > FDT_VIRT_MAX_VCPUS ||
	    m->nrsv > FDT_VIRT_MAX_RSV || m->compatible == NULL ||
	    m->model == NULL || m->mmu_type == NULL || size > INT_MAX ||
	    (m->fb_width != 0 && (m->fb_width < XVM_FB_MIN_SIDE ||
	    m->fb_width > XVM_FB_MAX_SIDE || m->fb_height < XVM_FB_MIN_SIDE ||
	    m->fb_height > XVM_FB_MAX_SIDE))) {
		errno = EINVAL;
		return -1;
	}
	if ((err = tree(buf, size, m)) != 0) {
		errno = err == -FDT_ERR_NOSPACE ? ENOSPC : EINVAL;
		return -1;
	}
	return (int)fdt_totalsize(buf);
}
