/* Unit tests for lib/log.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"

static char	 logpath[PATH_MAX];

static char *
slurp(const char *path)
{
	static char	 text[8192];
	ssize_t		 n;
	int		 fd;

	text[0] = '\0';
	if ((fd = open(path, O_RDONLY)) == -1)
		return text;
	n = read(fd, text, sizeof(text) - 1);
	text[n < 0 ? 0 : n] = '\0';
	close(fd);
	return text;
}

static int
setup(void **state)
{
	char	 tmpl[] = "/tmp/xvm-log-XXXXXX";

	(void)state;
	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/var/log/xvm/t.log", tmpl);
	return 0;
}

static void
test_file_levels_and_strerror(void **state)
{
	char	*text;

	(void)state;
	log_init("/usr/sbin/testd", 0, 0);
	assert_string_equal(log_procname(), "testd");
	assert_int_equal(log_open_file(logpath), 0);	/* creates dirs */
	log_warnx("%s: plain warning %d", __func__, 1);
	errno = ENOENT;
	log_warn("opening %s", "x");
	assert_int_equal(errno, ENOENT);		/* preserved */
	log_info("hidden at verbose 0");
	log_setverbose(2);
	log_info("shown info");
	log_debug("shown debug");
	text = slurp(logpath);
	assert_non_null(strstr(text, "testd["));
	assert_non_null(strstr(text, "warning: test_file_levels_and_strerror: "
	    "plain warning 1\n"));
	assert_non_null(strstr(text, "opening x: No such file or directory"));
	assert_null(strstr(text, "hidden"));
	assert_non_null(strstr(text, "shown info\n"));
	assert_non_null(strstr(text, "shown debug\n"));
	log_close();
}

static void
test_reopen_after_rotation(void **state)
{
	char	 rotated[PATH_MAX + 8];

	(void)state;
	log_init("testd", 0, 1);
	assert_int_equal(log_open_file(logpath), 0);
	snprintf(rotated, sizeof(rotated), "%s.1", logpath);
	assert_int_equal(rename(logpath, rotated), 0);
	log_info("into the old file");
	assert_int_equal(log_reopen(), 0);
	log_info("into the new file");
	assert_non_null(strstr(slurp(rotated), "into the old file"));
	assert_null(strstr(slurp(logpath), "into the old file"));
	assert_non_null(strstr(slurp(logpath), "into the new file"));
	log_close();
}

static int
xend_like(char *buf, size_t size, enum log_level level, const char *msg)
{
	return snprintf(buf, size, "[%d] %s", (int)level, msg);
}

static void
test_custom_format_and_fatal(void **state)
{
	pid_t	 pid;
	int	 status;

	(void)state;
	log_init("testd", 0, 0);
	assert_int_equal(log_open_file(logpath), 0);
	log_set_format(xend_like);
	log_warnx("formatted");
	assert_non_null(strstr(slurp(logpath), "[1] formatted\n"));

	if ((pid = fork()) == 0) {
		fatalx("dying with %d", 7);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(slurp(logpath), "[0] dying with 7\n"));
	log_set_format(NULL);
	log_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_levels_and_strerror),
		cmocka_unit_test(test_reopen_after_rotation),
		cmocka_unit_test(test_custom_format_and_fatal),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
