/* Unit tests for lib/file.c: no kind of file makes the opener wait or slip through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/file.h"

static char	 dir[PATH_MAX - 64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_file.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	 cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A FIFO without a writer (or a reader) is refused at once, named. */
static void
test_fifo(void **state)
{
	char	 path[PATH_MAX], *cause = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(file_open_kind(path, O_RDONLY, FILE_KIND_REGULAR,
	    "kernel", &cause), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(cause, "kernel '"));
	assert_non_null(strstr(cause, "' is a FIFO, not a regular file"));
	free(cause);
	cause = NULL;
	assert_int_equal(file_open_kind(path, O_RDWR, FILE_KIND_REGULAR |
	    FILE_KIND_BLOCK, "disk", &cause), -1);
	assert_non_null(strstr(cause, "is a FIFO, not a regular file or a "
	    "block device"));
	free(cause);
}

static void
test_kinds(void **state)
{
	char	 path[PATH_MAX], *cause = NULL;
	int	 fd;

	(void)state;
	assert_int_equal(file_open_kind(dir, O_RDONLY, FILE_KIND_REGULAR,
	    "kernel", &cause), -1);
	assert_non_null(strstr(cause, "is a directory, not a regular file"));
	free(cause);
	cause = NULL;
	assert_int_equal(file_open_kind("/dev/null", O_RDONLY,
	    FILE_KIND_REGULAR | FILE_KIND_BLOCK, "disk", &cause), -1);
	assert_non_null(strstr(cause, "is a character device"));
	free(cause);
	cause = NULL;
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(file_open_kind(path, O_RDONLY, FILE_KIND_REGULAR,
	    "ramdisk", &cause), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(cause, "ramdisk '"));
	assert_non_null(strstr(cause, "No such file or directory"));
	free(cause);
	cause = NULL;
	/* A regular file: opened, and blocking again. */
	snprintf(path, sizeof(path), "%s/reg", dir);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	fd = file_open_kind(path, O_RDONLY, FILE_KIND_REGULAR, "kernel",
	    &cause);
	assert_true(fd >= 0);
	assert_null(cause);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	assert_string_equal(file_kind_name(S_IFSOCK), "a socket");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
