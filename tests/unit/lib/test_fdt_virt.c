/* Unit tests for lib/fdt_virt.c: the one device-tree writer, read back with libfdt. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include <xvm/fb.h>

#include "lib/fdt_virt.h"

#define SIZE	(64 * 1024)

static int
node(const void *fdt, const char *path)
{
	return fdt_path_offset(fdt, path);
}

/* The phandle hart h's interrupt controller has. */
static uint32_t
intc(const void *fdt, unsigned h)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/cpus/cpu@%x/interrupt-controller", h);
	return fdt_get_phandle(fdt, node(fdt, path));
}

static void
test_run_machine(void **state)
{
	struct fdt_machine	 m = { .compatible = "riscv-virtio",
				    .model = "m", .ram_size = 128 << 20,
				    .nvcpus = 2, .mmu_type = "riscv,sv48",
				    .initrd_start = 0x84000000,
				    .initrd_end = 0x84001000 };
	void			*fdt = calloc(1, SIZE);
	const void		*p;
	uint64_t		 addr, size;
	int			 n, len, off;

	(void)state;
	n = fdt_virt_tree(fdt, SIZE, &m);
	assert_true(n > 0 && n < SIZE);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_int_equal(fdt_totalsize(fdt), n);
	assert_true(node(fdt, "/hypervisor") < 0);
	off = node(fdt, "/chosen");
	assert_null(fdt_getprop(fdt, off, "bootargs", &len));
	assert_string_equal(fdt_getprop(fdt, off, "stdout-path", &len),
	    FDT_VIRT_UART_PATH);
	assert_true(node(fdt, FDT_VIRT_UART_PATH) >= 0);
	assert_non_null(fdt_getprop(fdt, off, "linux,initrd-end", &len));
	assert_int_equal(fdt_num_mem_rsv(fdt), 1);
	fdt_get_mem_rsv(fdt, 0, &addr, &size);
	assert_true(addr == 0x84000000 && size == 0x1000);
	assert_string_equal(fdt_getprop(fdt, node(fdt, "/cpus/cpu@1"),
	    "mmu-type", &len), "riscv,sv48");
	assert_true(node(fdt, "/cpus/cpu@2") < 0);

	/* Every hart's controller is distinct and wired to the PLIC. */
	assert_true(intc(fdt, 0) != 0 && intc(fdt, 1) != 0);
	assert_true(intc(fdt, 0) != intc(fdt, 1));
	p = fdt_getprop(fdt, node(fdt, "/soc/plic@c000000"),
	    "interrupts-extended", &len);
	assert_int_equal(len, 2 * 16);
	assert_int_equal(fdt32_ld((const fdt32_t *)p + 4), intc(fdt, 1));
	free(fdt);
}

static void
test_pv_domain(void **state)
{
	struct fdt_machine	 m = { .compatible = "c", .model = "m",
				    .ram_size = 64 << 20,
				    .nvcpus = FDT_VIRT_MAX_VCPUS,
				    .mmu_type = "riscv,sv39", .bootargs = "",
				    .hypervisor = 1, .nrsv = 2,
				    .rsv = { { 0x83f00000, 0x1000 },
					     { 0x83ffe000, 0x2000 } },
				    .initrd_start = 0x83000000,
				    .initrd_end = 0x83800000 };
	void			*fdt = calloc(1, SIZE);
	const void		*ie;
	uint64_t		 addr, size;
	int			 len, off;

	(void)state;
	assert_true(fdt_virt_tree(fdt, SIZE, &m) > 0);
	assert_string_equal(fdt_getprop(fdt, node(fdt, "/chosen"),
	    "bootargs", &len), "");
	/* Reservations in the caller's order, the initramfs last. */
	assert_int_equal(fdt_num_mem_rsv(fdt), 3);
	fdt_get_mem_rsv(fdt, 1, &addr, &size);
	assert_true(addr == 0x83ffe000 && size == 0x2000);
	fdt_get_mem_rsv(fdt, 2, &addr, &size);
	assert_true(addr == 0x83000000 && size == 0x800000);
	/* The upcall: hart 0's controller, supervisor external (9). */
	off = node(fdt, "/hypervisor");
	assert_true(fdt_node_check_compatible(fdt, off, "xvm,hypervisor") ==
	    0);
	ie = fdt_getprop(fdt, off, "interrupts-extended", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_ld(ie), intc(fdt, 0));
	assert_int_equal(fdt32_ld((const fdt32_t *)ie + 1), 9);
	assert_true(intc(fdt, FDT_VIRT_MAX_VCPUS - 1) != 0);
	free(fdt);
}

/* The framebuffer: simplefb's binding under /chosen, only when asked. */
static void
test_framebuffer(void **state)
{
	struct fdt_machine	 m = { .compatible = "c", .model = "m",
				    .ram_size = 64 << 20, .nvcpus = 1,
				    .mmu_type = "riscv,sv39",
				    .fb_width = 800, .fb_height = 600 };
	void			*fdt = calloc(1, SIZE);
	const fdt64_t		*r;
	int			 len, off;

	(void)state;
	assert_true(fdt_virt_tree(fdt, SIZE, &m) > 0);
	off = node(fdt, "/chosen/framebuffer@40000000");
	assert_true(off >= 0);
	assert_int_equal(fdt_node_check_compatible(fdt, off,
	    "simple-framebuffer"), 0);
	r = fdt_getprop(fdt, off, "reg", &len);
	assert_int_equal(len, 16);
	assert_true(fdt64_ld(r) == XVM_FB_BASE);
	assert_true(fdt64_ld(r + 1) == XVM_FB_BYTES(800, 600));
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, off, "width", &len)), 800);
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, off, "height", &len)), 600);
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, off, "stride", &len)),
	    3200);
	assert_string_equal(fdt_getprop(fdt, off, "format", &len),
	    "x8r8g8b8");
	/* /chosen translates its reg: cells and an identity ranges. */
	assert_non_null(fdt_getprop(fdt, node(fdt, "/chosen"), "ranges", &len));
	assert_int_equal(len, 0);
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, node(fdt, "/chosen"),
	    "#address-cells", &len)), 2);
	/* Outside RAM: no reservation needed. */
	assert_int_equal(fdt_num_mem_rsv(fdt), 0);
	m.fb_width = 0;
	assert_true(fdt_virt_tree(fdt, SIZE, &m) > 0);
	assert_true(node(fdt, "/chosen/framebuffer@40000000") < 0);
	m.fb_width = 32;
	assert_int_equal(fdt_virt_tree(fdt, SIZE, &m), -1);
	assert_int_equal(errno, EINVAL);
	m.fb_width = 800;
	m.fb_height = XVM_FB_MAX_SIDE + 1;
	assert_int_equal(fdt_virt_tree(fdt, SIZE, &m), -1);
	free(fdt);
}

static void
test_errors(void **state)
{
	struct fdt_machine	 m = { .compatible = "c", .model = "m",
				    .ram_size = 1 << 20, .nvcpus = 1,
				    .mmu_type = "riscv,sv39" };
	char			 small[256];

	(void)state;
	assert_int_equal(fdt_virt_tree(small, sizeof(small), &m), -1);
	assert_int_equal(errno, ENOSPC);
	m.nvcpus = 0;
	assert_int_equal(fdt_virt_tree(small, sizeof(small), &m), -1);
	assert_int_equal(errno, EINVAL);
	m.nvcpus = FDT_VIRT_MAX_VCPUS + 1;
	assert_int_equal(fdt_virt_tree(small, sizeof(small), &m), -1);
	assert_int_equal(errno, EINVAL);
	m.nvcpus = 1;
	m.nrsv = FDT_VIRT_MAX_RSV + 1;
	assert_int_equal(fdt_virt_tree(small, sizeof(small), &m), -1);
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_machine),
		cmocka_unit_test(test_pv_domain),
		cmocka_unit_test(test_framebuffer),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
