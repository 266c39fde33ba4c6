/* Unit tests for libxc/xc_dom_fdt.c: the device tree a PV domain boots with. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include <xvm/xc_dom.h>

static const char *
prop_str(const void *fdt, const char *path, const char *name)
{
	int	 off = fdt_path_offset(fdt, path), len;

	assert_true(off >= 0);
	return fdt_getprop(fdt, off, name, &len);
}

static uint32_t
prop_u32(const void *fdt, const char *path, const char *name)
{
	const fdt32_t	*p;
	int		 off = fdt_path_offset(fdt, path), len;

	assert_true(off >= 0);
	p = fdt_getprop(fdt, off, name, &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*p);
}

static void
test_tree(void **state)
{
	struct xc_dom_config	 cfg = { .kernel = "/k", .cmdline = "idle x=1",
				    .vcpus = 3, .mem_kb = 64 * 1024 };
	struct xc_dom_image	 img = { .dtb_addr = 0x83f00000,
				    .console_pfn = 0x83ffe, .store_pfn = 0x83fff,
				    .ramdisk_addr = 0x83000000,
				    .ramdisk_size = 0x1000 };
	const fdt64_t		*reg;
	const fdt32_t		*ie;
	uint64_t		 addr, size;
	void			*fdt = calloc(1, XC_DOM_DTB_MAX);
	int			 n, off, len, cpus = 0;

	(void)state;
	n = xc_dom_write_fdt(fdt, XC_DOM_DTB_MAX, &cfg, &img);
	assert_true(n > 0 && n <= XC_DOM_DTB_MAX);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_string_equal(prop_str(fdt, "/chosen", "bootargs"), "idle x=1");
	assert_string_equal(prop_str(fdt, "/hypervisor", "compatible"),
	    "xvm,hypervisor");
	assert_int_equal(prop_u32(fdt, "/cpus", "timebase-frequency"),
	    10000000);
	off = fdt_path_offset(fdt, "/memory@80000000");
	reg = fdt_getprop(fdt, off, "reg", &len);
	assert_int_equal(len, 16);
	assert_true(fdt64_ld(&reg[0]) == 0x80000000ULL);
	assert_true(fdt64_ld(&reg[1]) == 64ULL << 20);
	fdt_for_each_subnode(off, fdt, fdt_path_offset(fdt, "/cpus"))
		cpus++;
	assert_int_equal(cpus, 3);
	assert_int_equal(prop_u32(fdt, "/cpus/cpu@2", "reg"), 2);
	assert_string_equal(prop_str(fdt, "/cpus/cpu@0", "mmu-type"),
	    "riscv,sv39");
	/* The upcall: cpu@0's interrupt controller, cause 9. */
	off = fdt_path_offset(fdt, "/hypervisor");
	ie = fdt_getprop(fdt, off, "interrupts-extended", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ie[0])),
	    fdt_path_offset(fdt, "/cpus/cpu@0/interrupt-controller"));
	assert_int_equal(fdt32_to_cpu(ie[1]), 9);
	/* Reservations: the tree, both rings, the ramdisk. */
	assert_int_equal(fdt_num_mem_rsv(fdt), 4);
	fdt_get_mem_rsv(fdt, 1, &addr, &size);
	assert_true(addr == 0x83ffe000 && size == 4096);
	assert_non_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
	    "linux,initrd-start", &len));
	free(fdt);
}

/* A virtio,mmio node for each occupied slot, and only those. */
static void
test_virtio(void **state)
{
	struct xc_dom_config	 cfg = { .kernel = "/k", .vcpus = 1,
				    .mem_kb = 64 * 1024,
				    .virtio_slots = 1u << 0 | 1u << 9 };
	struct xc_dom_image	 img = { .dtb_addr = 0x83f00000,
				    .console_pfn = 0x83ffe, .store_pfn = 0x83fff };
	void			*fdt = calloc(1, XC_DOM_DTB_MAX);
	int			 off, n = 0;

	(void)state;
	assert_true(xc_dom_write_fdt(fdt, XC_DOM_DTB_MAX, &cfg, &img) > 0);
	assert_string_equal(prop_str(fdt, "/soc/virtio_mmio@10001000",
	    "compatible"), "virtio,mmio");
	assert_int_equal(prop_u32(fdt, "/soc/virtio_mmio@10001000",
	    "interrupts"), 1);
	assert_int_equal(prop_u32(fdt, "/soc/virtio_mmio@1000a000",
	    "interrupts"), 33);
	assert_int_equal(prop_u32(fdt, "/soc/virtio_mmio@1000a000",
	    "interrupt-parent"), prop_u32(fdt, "/soc/plic@c000000", "phandle"));
	for (off = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	    off >= 0; off = fdt_node_offset_by_compatible(fdt, off,
	    "virtio,mmio"))
		n++;
	assert_int_equal(n, 2);
	free(fdt);
}

static void
test_errors(void **state)
{
	struct xc_dom_config	 cfg = { .kernel = "/k", .vcpus = 64,
				    .mem_kb = 65536 };
	struct xc_dom_image	 img = { 0 };
	char			 small[256];

	(void)state;
	assert_int_equal(xc_dom_write_fdt(small, sizeof(small), &cfg, &img),
	    -1);
	assert_int_equal(errno, ENOSPC);
	cfg.vcpus = 0;
	assert_int_equal(xc_dom_write_fdt(small, sizeof(small), &cfg, &img),
	    -1);
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_virtio),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
