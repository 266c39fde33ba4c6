/* Fuzz target: the mini-OS's device tree reader (guest/minios/fdt.c), which
 * must stay inside any blob it is handed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest/minios/fdt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
walk(const struct dt *dt, int node, int depth)
{
	uint64_t a, s, v;
	int child;

	(void)dt_name(dt, node);
	(void)dt_prop_str(dt, node, "bootargs");
	(void)dt_prop_has_str(dt, node, "compatible", "xvm,hypervisor");
	(void)dt_prop_uint(dt, node, "timebase-frequency", &v);
	(void)dt_reg(dt, node, "reg", dt_addr_cells(dt, node),
	    dt_size_cells(dt, node), 0, &a, &s);
	if (depth > 8)
		return;
	for (child = dt_first_child(dt, node); child >= 0;
	    child = dt_next_sibling(dt, child))
		walk(dt, child, depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *why;
	struct dt dt;
	uint64_t a, s;
	unsigned i;
	uint8_t *copy;

	/* An exact-size copy, so a sanitizer sees any read past the end. */
	copy = malloc(len ? len : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, len);
	if (dt_init(&dt, copy, len, &why) == 0) {
		walk(&dt, dt_root(&dt), 0);
		(void)dt_path(&dt, "/cpus/cpu@0");
		for (i = 0; i < 64 && dt_memrsv(&dt, i, &a, &s) == 1; i++)
			;
	}
	free(copy);
	return 0;
}
