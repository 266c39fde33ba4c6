/* guest/minios/fdt.c against blobs written by the host's libfdt (what the
 * domain builder uses), then against every truncation and byte flip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "guest/minios/fdt.h"

#define BLOB_MAX	4096

static void *
make_blob(void)
{
	const fdt32_t mem[] = { cpu_to_fdt32(0), cpu_to_fdt32(0x80000000U),
	    cpu_to_fdt32(0), cpu_to_fdt32(0x4000000U) };
	static const char compat[] = "xen,xen\0xvm,hypervisor";
	void *b = malloc(BLOB_MAX);
	void *out;

	assert_non_null(b);
	assert_int_equal(fdt_create(b, BLOB_MAX), 0);
	assert_int_equal(fdt_add_reservemap_entry(b, 0x87000000, 0x2000), 0);
	assert_int_equal(fdt_finish_reservemap(b), 0);
	assert_int_equal(fdt_begin_node(b, ""), 0);
	assert_int_equal(fdt_property_u32(b, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(b, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(b, "chosen"), 0);
	assert_int_equal(fdt_property_string(b, "bootargs", "dirty=4 ticks=2"), 0);
	assert_int_equal(fdt_end_node(b), 0);
	assert_int_equal(fdt_begin_node(b, "memory@80000000"), 0);
	assert_int_equal(fdt_property_string(b, "device_type", "memory"), 0);
	assert_int_equal(fdt_property(b, "reg", mem, sizeof(mem)), 0);
	assert_int_equal(fdt_end_node(b), 0);
	assert_int_equal(fdt_begin_node(b, "cpus"), 0);
	assert_int_equal(fdt_property_u32(b, "#address-cells", 1), 0);
	assert_int_equal(fdt_property_u32(b, "#size-cells", 0), 0);
	assert_int_equal(fdt_property_u32(b, "timebase-frequency", 10000000), 0);
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%d", i);
		assert_int_equal(fdt_begin_node(b, name), 0);
		assert_int_equal(fdt_property_string(b, "device_type", "cpu"), 0);
		assert_int_equal(fdt_property_u32(b, "reg", (uint32_t)i), 0);
		assert_int_equal(fdt_property_string(b, "status",
		    i == 2 ? "disabled" : "okay"), 0);
		assert_int_equal(fdt_end_node(b), 0);
	}
	assert_int_equal(fdt_end_node(b), 0);
	assert_int_equal(fdt_begin_node(b, "hypervisor"), 0);
	assert_int_equal(fdt_property(b, "compatible", compat, sizeof(compat)), 0);
	assert_int_equal(fdt_property_u64(b, "wide", 0x123456789abcULL), 0);
	assert_int_equal(fdt_end_node(b), 0);
	assert_int_equal(fdt_end_node(b), 0);
	assert_int_equal(fdt_finish(b), 0);
	/* A NOP where a property was, as fdt_nop_property leaves it. */
	assert_int_equal(fdt_open_into(b, b, BLOB_MAX), 0);
	assert_int_equal(fdt_setprop_string(b, fdt_path_offset(b, "/chosen"),
	    "doomed", "gone soon"), 0);
	assert_int_equal(fdt_nop_property(b, fdt_path_offset(b, "/chosen"),
	    "doomed"), 0);
	assert_int_equal(fdt_pack(b), 0);
	/* Exactly totalsize bytes, so ASan sees any read past the end. */
	out = malloc(fdt_totalsize(b));
	assert_non_null(out);
	memcpy(out, b, fdt_totalsize(b));
	free(b);
	return out;
}

static void
test_read(void **state)
{
	void *b = make_blob();
	struct dt dt;
	const char *why = NULL, *s;
	uint64_t a, sz, v;
	int node, cpu, n;

	(void)state;
	assert_int_equal(dt_init(&dt, b, fdt_totalsize(b), &why), 0);
	assert_int_equal(dt_root(&dt), 0);
	node = dt_path(&dt, "/chosen");
	assert_true(node > 0);
	assert_string_equal(dt_prop_str(&dt, node, "bootargs"),
	    "dirty=4 ticks=2");
	assert_null(dt_prop_str(&dt, node, "doomed"));

	node = dt_path(&dt, "/memory");
	assert_true(node > 0);
	assert_string_equal(dt_name(&dt, node), "memory@80000000");
	assert_int_equal(dt_path(&dt, "/memory@80000000"), node);
	assert_int_equal(dt_path(&dt, "/memory@90000000"), -1);
	assert_int_equal(dt_addr_cells(&dt, dt_root(&dt)), 2);
	assert_int_equal(dt_size_cells(&dt, dt_root(&dt)), 2);
	assert_int_equal(dt_reg(&dt, node, "reg", 2, 2, 0, &a, &sz), 0);
	assert_int_equal(a, 0x80000000ULL);
	assert_int_equal(sz, 0x4000000ULL);
	assert_int_equal(dt_reg(&dt, node, "reg", 2, 2, 1, &a, &sz), -1);
	assert_int_equal(dt_reg(&dt, node, "reg", 3, 2, 0, &a, &sz), -1);

	node = dt_path(&dt, "/cpus");
	assert_int_equal(dt_prop_uint(&dt, node, "timebase-frequency", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(dt_addr_cells(&dt, node), 1);
	assert_int_equal(dt_size_cells(&dt, node), 0);
	n = 0;
	for (cpu = dt_first_child(&dt, node); cpu >= 0;
	    cpu = dt_next_sibling(&dt, cpu), n++) {
		assert_true(dt_prop_has_str(&dt, cpu, "device_type", "cpu"));
		assert_int_equal(dt_reg(&dt, cpu, "reg", 1, 0, 0, &a, &sz), 0);
		assert_int_equal(a, (uint64_t)n);
		s = dt_prop_str(&dt, cpu, "status");
		assert_string_equal(s, n == 2 ? "disabled" : "okay");
	}
	assert_int_equal(n, 3);
	/* "cpus" is not a prefix match for "cpu" children at the root. */
	assert_int_equal(dt_path(&dt, "/cpu"), -1);
	assert_int_equal(dt_path(&dt, "/cpus/cpu@1"), dt_subnode(&dt, node,
	    "cpu@1"));
	assert_int_equal(dt_path(&dt, "/cpus/cpu"), dt_first_child(&dt, node));

	node = dt_path(&dt, "/hypervisor");
	assert_true(dt_prop_has_str(&dt, node, "compatible", "xvm,hypervisor"));
	assert_true(dt_prop_has_str(&dt, node, "compatible", "xen,xen"));
	assert_false(dt_prop_has_str(&dt, node, "compatible", "xvm"));
	assert_int_equal(dt_prop_uint(&dt, node, "wide", &v), 0);
	assert_int_equal(v, 0x123456789abcULL);
	/* Not NUL-terminated within its length: not a string. */
	assert_null(dt_prop_str(&dt, node, "wide"));

	assert_int_equal(dt_memrsv(&dt, 0, &a, &sz), 1);
	assert_int_equal(a, 0x87000000ULL);
	assert_int_equal(sz, 0x2000);
	assert_int_equal(dt_memrsv(&dt, 1, &a, &sz), 0);
	free(b);
}

static void
test_bad_headers(void **state)
{
	uint8_t *b = make_blob();
	uint32_t total = fdt_totalsize(b);
	struct dt dt;
	const char *why = NULL;

	(void)state;
	for (uint32_t len = 0; len < total; len++)
		assert_int_equal(dt_init(&dt, b, len, &why), -1);
	b[0] ^= 1;
	assert_int_equal(dt_init(&dt, b, total, &why), -1);
	assert_string_equal(why, "bad magic");
	b[0] ^= 1;
	fdt_set_size_dt_struct(b, total);
	assert_int_equal(dt_init(&dt, b, total, &why), -1);
	assert_string_equal(why, "structure block out of range");
	free(b);
}

/* Walks everything the kernel walks; the answers do not matter here, only
 * that no read leaves the blob and every walk ends. */
static void
walk_all(const struct dt *dt)
{
	static const char *const paths[] = { "/", "/chosen", "/memory",
	    "/cpus", "/cpus/cpu@1", "/hypervisor", "/reserved-memory" };
	uint64_t a, s, v;
	unsigned i;
	int node, child;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		node = dt_path(dt, paths[i]);
		(void)dt_prop_str(dt, node, "bootargs");
		(void)dt_prop_has_str(dt, node, "compatible", "xvm,hypervisor");
		(void)dt_prop_uint(dt, node, "timebase-frequency", &v);
		(void)dt_reg(dt, node, "reg", dt_addr_cells(dt, node),
		    dt_size_cells(dt, node), 0, &a, &s);
		for (child = dt_first_child(dt, node); child >= 0;
		    child = dt_next_sibling(dt, child)) {
			(void)dt_name(dt, child);
			(void)dt_reg(dt, child, "reg", 2, 2, 0, &a, &s);
		}
	}
	for (i = 0; dt_memrsv(dt, i, &a, &s) == 1; i++)
		;
}

static void
test_flips(void **state)
{
	uint8_t *b = make_blob();
	uint32_t total = fdt_totalsize(b);
	struct dt dt;
	const char *why;
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };

	(void)state;
	for (uint32_t off = 0; off < total; off++) {
		for (unsigned f = 0; f < sizeof(flips); f++) {
			b[off] ^= flips[f];
			if (dt_init(&dt, b, total, &why) == 0)
				walk_all(&dt);
			b[off] ^= flips[f];
		}
	}
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
