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
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/domcons.h"

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
	/* Clear drops what was read, not what did not fit (xm dmesg -c). */
	hv_console_write(c, "ghijk", 5);
	n = hv_console_read(c, out, 2, &idx, 0, 1);
	assert_int_equal(n, 2);
	n = hv_console_read(c, out, 100, &idx, 1, 1);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "ijk", 3);
	assert_int_equal(hv_console_read(c, out, 100, &idx, 0, 0), 0);
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

/* A domain's emulated console ring, and its watchers' pipes. */
static void
test_domcons(void **state)
{
	struct hv_config	 cfg = { 1, NULL, NULL };
	static const uint8_t	 uuid[16];
	struct domcons_watch	*w;
	struct hv		*hv;
	struct domain		*a, *b;
	uint64_t		 start, end;
	uint32_t		 id[4];
	char			*out, *cause = NULL;
	size_t			 n, i;
	int			 fd;

	(void)state;
	hv = hv_new(&cfg, &cause);
	assert_non_null(hv);
	a = domain_create(hv, 0, uuid, 1, 1 << 20, &cause);
	b = domain_create(hv, 0, uuid, 1, 1 << 20, &cause);
	assert_non_null(a);
	assert_non_null(b);
	out = malloc(DOMCONS_RING_SIZE + 16);
	w = domcons_watch_new(hv, &fd);
	assert_non_null(w);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	/* Nothing yet: an empty read, no ring. */
	assert_int_equal(domcons_read(a, 0, out, 10, &start, &end), 0);
	assert_int_equal(end, 0);
	domcons_output(a, "hello", 5);
	domcons_output(a, " world", 6);
	domcons_output(b, "B", 1);
	/* Each domain told once, in order. */
	assert_int_equal(read(fd, id, sizeof(id)), 8);
	assert_int_equal(id[0], a->domid);
	assert_int_equal(id[1], b->domid);
	n = domcons_read(a, 0, out, 100, &start, &end);
	assert_int_equal(n, 11);
	assert_memory_equal(out, "hello world", 11);
	assert_int_equal(end, 11);
	n = domcons_read(a, 6, out, 3, &start, &end);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "wor", 3);
	assert_int_equal(start, 6);
	n = domcons_read(a, 99, out, 3, &start, &end);	/* past the end */
	assert_int_equal(n, 0);
	assert_int_equal(start, 11);
	/* Not re-armed: more output from a says nothing. */
	domcons_output(a, "!", 1);
	assert_int_equal(read(fd, id, sizeof(id)), -1);
	domcons_rearm(hv, w, a->domid);
	domcons_output(a, "?", 1);
	assert_int_equal(read(fd, id, sizeof(id)), 4);
	assert_int_equal(id[0], a->domid);
	/* The ring grows with output (1 KiB first): no byte is lost or moved. */
	for (i = 0; i < 5000; i++)
		out[i] = (char)(i % 251);
	for (i = 0; i < 5000; i += 7)
		domcons_output(b, out + i, i + 7 > 5000 ? 5000 - i : 7);
	memset(out, 0, 5000);
	n = domcons_read(b, 1, out, 6000, &start, &end);
	assert_int_equal(n, 5000);
	assert_int_equal(start, 1);
	assert_int_equal(end, 5001);
	for (i = 0; i < 5000; i++)
		assert_int_equal((unsigned char)out[i], i % 251);
	/* Overrun: the oldest bytes go; a stale pos starts at the oldest. */
	for (i = 0; i < DOMCONS_RING_SIZE + 100; i++)
		domcons_output(b, i % 2 ? "1" : "0", 1);
	n = domcons_read(b, 0, out, DOMCONS_RING_SIZE + 16, &start, &end);
	assert_int_equal(n, DOMCONS_RING_SIZE);
	assert_int_equal(end, DOMCONS_RING_SIZE + 5101);
	assert_int_equal(start, 5101);
	assert_int_equal(out[0], '0');		/* byte 5101 = i 100: even */
	assert_int_equal(out[n - 1], '1');
	/* One write bigger than the ring keeps its tail. */
	memset(out, 'z', DOMCONS_RING_SIZE + 16);
	out[DOMCONS_RING_SIZE + 15] = 'E';
	domcons_output(b, out, DOMCONS_RING_SIZE + 16);
	n = domcons_read(b, 0, out, DOMCONS_RING_SIZE, &start, &end);
	assert_int_equal(n, DOMCONS_RING_SIZE);
	assert_int_equal(out[n - 1], 'E');
	/* Destroyed: told once more (b was not re-armed: not told). */
	domcons_rearm(hv, w, a->domid);
	assert_int_equal(domain_destroy(a), 0);
	assert_int_equal(read(fd, id, sizeof(id)), 4);
	assert_int_equal(id[0], a->domid);
	domcons_watch_free(hv, w);
	close(fd);
	free(out);
	domain_put(a);
	domain_destroy(b);
	domain_put(b);
	hv_free(hv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_domcons),
		cmocka_unit_test(test_echo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
