/* Unit tests for lib/paths.c. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/paths.h"

static void
test_system_paths(void **state)
{
	char	*p;

	(void)state;
	unsetenv("XVM_ROOT");
	assert_int_equal(xvm_paths_init(NULL), 0);
	assert_string_equal(xvm_root(), "");
	p = xvm_path(XVM_XENSTORED_SOCK);
	assert_string_equal(p, "/run/xenstored/socket");
	free(p);
}

static void
test_root_option_and_env(void **state)
{
	char	 tmpl[] = "/tmp/xvm-paths-XXXXXX", want[PATH_MAX], buf[PATH_MAX];
	char	 root[PATH_MAX + 8];
	char	*dir, *p;
	struct stat st;

	(void)state;
	if ((dir = mkdtemp(tmpl)) == NULL) {
		fail_msg("mkdtemp failed");
		return;
	}
	snprintf(root, sizeof(root), "%s/a/b//", dir);
	assert_int_equal(xvm_paths_init(root), 0);
	snprintf(want, sizeof(want), "%s/a/b", dir);
	assert_string_equal(xvm_root(), want);
	assert_int_equal(stat(want, &st), 0);	/* created */
	p = xvm_path("/" XVM_PRIVCMD_SOCK);
	snprintf(want, sizeof(want), "%s/a/b/run/xvm/privcmd", dir);
	assert_string_equal(p, want);
	free(p);

	/* XVM_ROOT applies when --root is absent; --root wins over it. */
	setenv("XVM_ROOT", dir, 1);
	assert_int_equal(xvm_paths_init(NULL), 0);
	assert_string_equal(xvm_root(), dir);
	assert_int_equal(xvm_paths_init(root), 0);
	snprintf(want, sizeof(want), "%s/a/b", dir);
	assert_string_equal(xvm_root(), want);
	unsetenv("XVM_ROOT");

	/* Relative roots become absolute, and XVM_ROOT says so to
	 * libxenstore and children (before, only XVM_ROOT reached them). */
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(xvm_paths_init("rel"), 0);
	snprintf(want, sizeof(want), "%s/rel", dir);
	assert_string_equal(xvm_root(), want);
	assert_non_null(getenv("XVM_ROOT"));
	assert_string_equal(getenv("XVM_ROOT"), want);
	unsetenv("XVM_ROOT");

	assert_int_equal(xvm_path_buf(buf, 8, "var/lib/xvm"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(xvm_paths_init(NULL), 0);
}

static void
test_mkdirs(void **state)
{
	char	 tmpl[] = "/tmp/xvm-mkdirs-XXXXXX", path[PATH_MAX];
	char	*dir;
	struct stat st;

	(void)state;
	if ((dir = mkdtemp(tmpl)) == NULL) {
		fail_msg("mkdtemp failed");
		return;
	}
	snprintf(path, sizeof(path), "%s/x/y/z", dir);
	assert_int_equal(xvm_mkdirs(path, 0700), 0);
	assert_int_equal(xvm_mkdirs(path, 0700), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* A file in the way is an error, not silently accepted. */
	snprintf(path, sizeof(path), "%s/x/y/z/f", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/x/y/z/f/g", dir);
	assert_int_equal(xvm_mkdirs(path, 0700), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_paths),
		cmocka_unit_test(test_root_option_and_env),
		cmocka_unit_test(test_mkdirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
