/* Unit tests for lib/xmalloc.c: results, and a clean death on overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "lib/xmalloc.h"

static void
test_results(void **state)
{
	char	*s, *t;
	int	*v;

	(void)state;
	s = xstrdup("abc");
	assert_string_equal(s, "abc");
	t = xstrndup("abcdef", 2);
	assert_string_equal(t, "ab");
	free(t);
	assert_int_equal(xasprintf(&t, "%s-%d", s, 5), 5);
	assert_string_equal(t, "abc-5");
	free(t);
	free(s);
	v = xcalloc(4, sizeof(*v));
	v = xrecallocarray(v, 4, 8, sizeof(*v));
	for (int i = 0; i < 8; i++)
		assert_int_equal(v[i], 0);
	free(v);
	t = xmemdup("xy", 2);
	assert_memory_equal(t, "xy", 2);
	free(t);
}

static void
dies(void (*fn)(void))
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == 0) {
		log_init("t", 0, 0);
		close(STDERR_FILENO);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
}

static void overflow_calloc(void) { free(xcalloc(SIZE_MAX / 2, 4)); }
static void overflow_array(void) { free(xreallocarray(NULL, SIZE_MAX / 2, 4)); }
static void zero_malloc(void) { free(xmalloc(0)); }

static void
test_overflow_is_fatal(void **state)
{
	(void)state;
	dies(overflow_calloc);
	dies(overflow_array);
	dies(zero_malloc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_overflow_is_fatal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
