/* Unit tests for lib/json.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"

static void
test_parse_and_get(void **state)
{
	const char	*doc = "{\"name\":\"x1\",\"memory\":64,\"paused\":true,"
			    "\"vcpus\":\"2\"}";
	yajl_val	 v;
	char		*cause;
	int64_t		 n;
	int		 b;

	(void)state;
	v = json_parse(doc, strlen(doc), 0, &cause);
	assert_non_null(v);
	assert_null(cause);
	assert_string_equal(json_get_str(v, "name"), "x1");
	assert_null(json_get_str(v, "memory"));
	assert_int_equal(json_get_i64(v, "memory", &n), 0);
	assert_int_equal(n, 64);
	assert_int_equal(json_get_i64(v, "vcpus", &n), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(json_get_i64(v, "absent", &n), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(json_get_bool(v, "paused", &b), 0);
	assert_true(b);
	json_free(v);
	json_free(NULL);
}

static void
test_parse_errors(void **state)
{
	static const char *bad[] = { "{", "{\"a\":}", "[1,2", "nul" };
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(json_parse(bad[i], strlen(bad[i]), 0, &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, "invalid JSON"));
		assert_null(strchr(cause, '\n'));
		free(cause);
	}
	assert_null(json_parse("{\"a\":1}", 7, 4, &cause));
	assert_non_null(strstr(cause, "exceeds"));
	free(cause);
	assert_null(json_parse("{}\0{}", 5, 0, &cause));
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
}

static void
test_writer_roundtrip(void **state)
{
	struct json_w	*w;
	const char	*out;
	char		*copy;
	size_t		 len;
	yajl_val	 v;
	char		*cause;

	(void)state;
	assert_non_null(w = json_w_new(0));
	json_w_obj_open(w);
	json_w_kstr(w, "name", "quote\"and\\slash");
	json_w_ki64(w, "id", -3);
	json_w_kbool(w, "up", 1);
	json_w_key(w, "big");
	json_w_u64(w, UINT64_MAX);
	json_w_key(w, "list");
	json_w_arr_open(w);
	json_w_str(w, NULL);
	json_w_i64(w, 7);
	json_w_arr_close(w);
	json_w_obj_close(w);
	out = json_w_finish(w, &len);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	v = json_parse(out, len, 0, &cause);
	assert_non_null(v);
	assert_string_equal(json_get_str(v, "name"), "quote\"and\\slash");
	assert_non_null(strstr(out, "18446744073709551615"));
	copy = json_w_strdup(w);
	assert_non_null(copy);
	assert_string_equal(copy, out);		/* and its own memory */
	free(copy);
	json_free(v);
	json_w_free(w);
}

static void
test_writer_misuse_fails(void **state)
{
	struct json_w	*w;

	(void)state;
	assert_non_null(w = json_w_new(0));
	json_w_obj_open(w);
	json_w_i64(w, 1);		/* a value where a key is due */
	json_w_obj_close(w);
	assert_null(json_w_finish(w, NULL));
	assert_null(json_w_strdup(w));
	json_w_free(w);
	json_w_free(NULL);
}

/*
 * Text that is not UTF-8 is written with U+FFFD in place of each bad byte:
 * one bad value (a guest's, a file's) must not fail a whole listing.
 */
static void
test_writer_not_utf8(void **state)
{
	struct json_w	*w = json_w_new(0);
	const char	*text;

	(void)state;
	json_w_arr_open(w);
	json_w_str(w, "ok\x81k\xc3");
	json_w_str(w, "caf\xc3\xa9");
	json_w_arr_close(w);
	assert_non_null(text = json_w_finish(w, NULL));
	assert_string_equal(text, "[\"ok\xef\xbf\xbdk\xef\xbf\xbd\","
	    "\"caf\xc3\xa9\"]");
	json_w_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_get),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_writer_roundtrip),
		cmocka_unit_test(test_writer_misuse_fails),
		cmocka_unit_test(test_writer_not_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
