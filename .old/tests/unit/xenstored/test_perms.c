/* Unit tests for xenstored/perms.c: Xen's permission strings and decision. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "xenstored/perms.h"

static void
test_parse_format(void **state)
{
	struct xs_perm	 p[3], *q;
	struct buf	 b = BUF_INITIALIZER;
	uint32_t	 n;

	(void)state;
	assert_int_equal(perm_parse("n0", &p[0]), 0);
	assert_int_equal(perm_parse("r5", &p[1]), 0);
	assert_int_equal(perm_parse("b65535", &p[2]), 0);
	assert_int_equal(p[2].bits, PERM_READ | PERM_WRITE);
	assert_int_equal(perm_parse("x5", &p[0]), -1);
	assert_int_equal(perm_parse("r", &p[0]), -1);
	assert_int_equal(perm_parse("r65536", &p[0]), -1);
	assert_int_equal(perm_parse("r-1", &p[0]), -1);
	assert_int_equal(perm_parse("w5x", &p[0]), -1);
	perm_parse("n0", &p[0]);
	perm_format(&b, p, 3);
	assert_memory_equal(buf_data(&b), "n0\0r5\0b65535\0", 13);
	buf_reset(&b);
	perm_to_db(&b, p, 3);
	assert_string_equal(buf_cstr(&b), "n0,r5,b65535");
	q = perm_from_db(buf_cstr(&b), &n);
	assert_non_null(q);
	assert_int_equal(n, 3);
	assert_int_equal(q[1].domid, 5);
	free(q);
	assert_null(perm_from_db("n0,,r1", &n));
	buf_free(&b);
}

static void
test_decision(void **state)
{
	/* Owner 3, default read, dom 5 none, dom 6 write. */
	struct xs_perm	 p[3] = { { 3, PERM_READ }, { 5, PERM_NONE },
			    { 6, PERM_WRITE } };
	struct perm_who	 dom0 = { 0, 1, 0, 0, 0 }, ro = { 0, 1, 1, 0, 0 };
	struct perm_who	 d3 = { 3, 0, 0, 0, 0 }, d5 = { 5, 0, 0, 0, 0 };
	struct perm_who	 d6 = { 6, 0, 0, 0, 0 }, d7 = { 7, 0, 0, 0, 0 };
	struct perm_who	 d9t3 = { 9, 0, 0, 1, 3 };

	(void)state;
	assert_int_equal(perm_for(&dom0, p, 3),
	    PERM_READ | PERM_WRITE | PERM_OWNER);
	assert_int_equal(perm_for(&ro, p, 3), PERM_READ | PERM_OWNER);
	assert_int_equal(perm_for(&d3, p, 3),
	    PERM_READ | PERM_WRITE | PERM_OWNER);
	assert_int_equal(perm_for(&d5, p, 3), PERM_NONE);
	assert_int_equal(perm_for(&d6, p, 3), PERM_WRITE);
	assert_int_equal(perm_for(&d7, p, 3), PERM_READ);
	assert_int_equal(perm_for(&d9t3, p, 3),
	    PERM_READ | PERM_WRITE | PERM_OWNER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_decision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
