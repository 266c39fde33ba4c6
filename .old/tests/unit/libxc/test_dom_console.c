/* Unit tests of the hypervisor console ring: order, wrap, incremental, clear, echo. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hypervisor/xen/console.h"

static void
test_ring(void **state)
{
	struct hv_console	*c;
	char			*out, *cause = NULL;
	uint32_t		 idx = 0;
	size_t			 n, i;

	(void)state;
	c = hv_console_new(NULL, &cause);
	assert_non_null(c);
	out = malloc(HV_CONSOLE_RING_SIZE + 1);
	hv_console_write(c, "abc", 3);
	n = hv_console_read(c, out, 100, &idx, 0, 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "abc", 3);
	assert_int_equal(idx, 3);
	hv_console_write(c, "def", 3);
	n = hv_console_read(c, out, 100, &idx, 1, 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "def", 3);
	/* Small reads advance. */
	idx = 0;
	n = hv_console_read(c, out, 2, &idx, 1, 0);
	assert_int_equal(n, 2);
	n = hv_console_read(c, out, 100, &idx, 1, 0);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "cdef", 4);
	/* Clear empties. */
	n = hv_console_read(c, out, 100, &idx, 0, 1);
	assert_int_equal(n, 6);
	n = hv_console_read(c, out, 100, &idx, 0, 0);
	assert_int_equal(n, 0);
	/* Overflow keeps the newest bytes; a stale index is clamped. */
	for (i = 0; i < HV_CONSOLE_RING_SIZE + 10; i++)
		hv_console_write(c, i % 2 ? "1" : "0", 1);
	idx = 0;
	n = hv_console_read(c, out, HV_CONSOLE_RING_SIZE + 1, &idx, 1, 0);
	assert_int_equal(n, HV_CONSOLE_RING_SIZE);
	assert_int_equal(out[0], '0');	/* byte 6 + 10 = 16: even */
	assert_int_equal(out[n - 1], '1');
	free(out);
	hv_console_free(c);
}

static void
test_echo(void **state)
{
	struct hv_console	*c;
	char			 path[] = "/tmp/xvm-console-XXXXXX", buf[256];
	char			*cause = NULL;
	int			 fd;
	ssize_t			 n;

	(void)state;
	assert_null(hv_console_new("/nonexistent/dir/file", &cause));
	assert_non_null(cause);
	free(cause);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	c = hv_console_new(path, &cause);
	assert_non_null(c);
	hv_console_printf(c, "domain %u created", 7u);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "(XEN) ["));
	assert_non_null(strstr(buf, "domain 7 created\n"));
	hv_console_free(c);
	close(fd);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_echo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
