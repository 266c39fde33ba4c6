/* Unit tests for lib/buf.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"

static void
test_append_and_cstr(void **state)
{
	struct buf	 b = BUF_INITIALIZER;

	(void)state;
	assert_string_equal(buf_cstr(&b), "");
	buf_add_str(&b, "hello");
	buf_add_byte(&b, ' ');
	buf_printf(&b, "%s %d", "world", 42);
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(buf_len(&b), strlen("hello world 42"));
	assert_string_equal(buf_cstr(&b), "hello world 42");
	buf_free(&b);
	buf_free(&b);	/* idempotent */
}

static void
test_consume_and_compact(void **state)
{
	struct buf	 b;
	char		 big[1000];
	size_t		 i;

	(void)state;
	buf_init(&b, 0);
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 100; i++) {
		buf_add(&b, big, sizeof(big));
		buf_consume(&b, sizeof(big) - 1);
	}
	/* 100 bytes remain; capacity stays bounded by compaction. */
	assert_int_equal(buf_len(&b), 100);
	assert_true(b.cap <= 4096);
	buf_consume(&b, 1000);
	assert_int_equal(buf_len(&b), 0);
	buf_free(&b);
}

static void
test_limit_is_sticky(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 8);
	buf_add_str(&b, "12345678");
	assert_int_equal(buf_error(&b), 0);
	buf_add_str(&b, "9");
	assert_int_equal(buf_error(&b), EMSGSIZE);
	/* Content kept, later appends ignored. */
	buf_add_str(&b, "");
	buf_printf(&b, "%d", 1);
	assert_int_equal(buf_len(&b), 8);
	assert_null(buf_space(&b, 1));
	assert_null(buf_cstr(&b));
	buf_reset(&b);
	assert_int_equal(buf_error(&b), 0);
	buf_add_str(&b, "ok");
	assert_string_equal(buf_cstr(&b), "ok");
	buf_free(&b);
}

static void
test_space_commit_release(void **state)
{
	struct buf	 b = BUF_INITIALIZER;
	char		*p, *out;
	size_t		 len;

	(void)state;
	p = buf_space(&b, 16);
	assert_non_null(p);
	memcpy(p, "abcdef", 6);
	buf_commit(&b, 6);
	buf_consume(&b, 2);
	out = buf_release(&b, &len);
	assert_int_equal(len, 4);
	assert_string_equal(out, "cdef");
	free(out);
	assert_int_equal(buf_len(&b), 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_cstr),
		cmocka_unit_test(test_consume_and_compact),
		cmocka_unit_test(test_limit_is_sticky),
		cmocka_unit_test(test_space_commit_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
