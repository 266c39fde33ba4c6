/* Unit tests for xvmd/cfgfile.c: the xm config syntax and its errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "xvmd/cfgfile.h"

static struct cfg_file *
parse(const char *text, char **cause)
{
	return cfg_parse("t.cfg", text, strlen(text), cause);
}

static void
test_values(void **state)
{
	const char *text =
	    "# comment\n"
	    "a = 'single'  # trailing comment\n"
	    "b=\"dq \\\"esc\\\" \\n\\\\\"\n"
	    "c = -42; d = 0x10\n"
	    "e = [ 'x',\n"
	    "      'y', ]\n"
	    "f = []\n"
	    "g = True\n"
	    "h = [1, [2, 'z']]\n"
	    "i = \\\n"
	    "  7\n";
	struct cfg_file		*cf;
	const struct cfg_entry	*e;
	char			*cause;

	(void)state;
	cf = parse(text, &cause);
	if (cf == NULL)
		fail_msg("%s", cause);
	assert_int_equal(cf->nentries, 9);
	assert_string_equal(cfg_find(cf, "a")->value.s, "single");
	assert_int_equal(cfg_find(cf, "a")->line, 2);
	assert_string_equal(cfg_find(cf, "b")->value.s, "dq \"esc\" \n\\");
	assert_int_equal(cfg_find(cf, "c")->value.i, -42);
	assert_int_equal(cfg_find(cf, "d")->value.i, 16);
	assert_int_equal(cfg_find(cf, "d")->line, 4);
	e = cfg_find(cf, "e");
	assert_int_equal(e->value.type, CFG_LIST);
	assert_int_equal(e->value.nitems, 2);
	assert_string_equal(e->value.items[1].s, "y");
	assert_int_equal(e->value.items[1].line, 6);
	assert_int_equal(cfg_find(cf, "f")->value.nitems, 0);
	assert_int_equal(cfg_find(cf, "g")->value.i, 1);
	e = cfg_find(cf, "h");
	assert_int_equal(e->value.items[1].type, CFG_LIST);
	assert_string_equal(e->value.items[1].items[1].s, "z");
	assert_int_equal(cfg_find(cf, "i")->value.i, 7);
	assert_int_equal(cfg_find(cf, "i")->line, 10);
	assert_null(cfg_find(cf, "zz"));
	cfg_free(cf);
	cfg_free(NULL);
}

static const struct {
	const char	*text;
	const char	*error;
} bad[] = {
	{ "a = 'open\n", "t.cfg:1: unterminated string" },
	{ "\n\na = \"x\" \"y\"\n", "t.cfg:3: unexpected '\"' after the value of 'a'" },
	{ "a = [1, 2\n", "t.cfg:1: unterminated list" },
	{ "a = [1 2]\n", "t.cfg:1: expected ',' or ']' in list, found '2'" },
	{ "a = \n", "t.cfg:1: expected a value, found end of line" },
	{ "a = ", "t.cfg:1: expected a value, found end of file" },
	{ "a 'x'\n", "t.cfg:1: expected '=' after 'a', found '''" },
	{ "= 1\n", "t.cfg:1: expected a setting name, found '='" },
	{ "a = yes\n", "t.cfg:1: unquoted word 'yes' (strings need quotes)" },
	{ "a = 12ab\n", "t.cfg:1: invalid number '12ab'" },
	{ "a = 99999999999999999999\n",
	    "t.cfg:1: integer 99999999999999999999 out of range" },
	{ "a = 1\nb = 2\na = 3\n", "t.cfg:3: 'a' is set twice (first at line 1)" },
	{ "a = '\\q'\n", "t.cfg:1: unknown escape '\\q' in string" },
	{ "a = '''x'''\n", "t.cfg:1: triple-quoted strings are not supported" },
	{ "a = [[[[[1]]]]]\n", "t.cfg:1: lists nested deeper than 4" },
	{ "a = \x01\n", "t.cfg:1: expected a value, found byte 0x01" },
	{ "a = None\n", "t.cfg:1: unquoted word 'None' (strings need quotes)" },
};

static void
test_errors(void **state)
{
	char	*cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		assert_null(parse(bad[i].text, &cause));
		assert_non_null(cause);
		if (strcmp(cause, bad[i].error) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, cause,
			    bad[i].error);
		free(cause);
	}
}

static void
test_limits(void **state)
{
	struct buf	 b = BUF_INITIALIZER;
	char		*big, *cause;
	size_t		 n = CFG_MAX_STRING + 16, i;

	(void)state;
	if ((big = malloc(n + 16)) == NULL) {
		fail_msg("out of memory");
		return;
	}
	memcpy(big, "a = '", 5);
	memset(big + 5, 'x', n);
	memcpy(big + 5 + n, "'\n", 3);
	assert_null(parse(big, &cause));
	assert_string_equal(cause, "t.cfg:1: string longer than 4096 bytes");
	free(cause);
	free(big);

	buf_add_str(&b, "a = [");
	for (i = 0; i <= CFG_MAX_LIST; i++)
		buf_add_str(&b, "1,");
	buf_add_str(&b, "]\n");
	assert_null(parse(buf_cstr(&b), &cause));
	assert_string_equal(cause, "t.cfg:1: list longer than 256 items");
	free(cause);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
