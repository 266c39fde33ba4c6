/*
 * xvm-consoled serves a guest with no PV console -- only the emulated
 * UART -- as it serves PV ones: its output reaches the log file, an
 * attached client gets the scrollback then live output, input typed into
 * the attach socket or the pty comes back echoed, LIST shows it, and the
 * rate limit holds.  argv: xvm-hypervisor xvm-consoled uartguest.elf.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "hvtest.h"

static struct {
	const char	*hv, *consoled, *guest;
	struct hvd	 hvd;
	pid_t		 cpid;
	xc_interface	*xch;
	uint32_t	 domid;
	char		 log[256];
} T;

static int
setup(void **state)
{
	char		sock[160];
	struct stat	st;
	int		i;

	(void)state;
	if (hvd_start(&T.hvd, T.hv, 2) == -1)
		return -1;
	if ((T.cpid = fork()) == -1)
		return -1;
	if (T.cpid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* 1 KiB/s per guest: the rate-limit case can see it. */
		execl(T.consoled, T.consoled, "-F", "--root", T.hvd.root,
		    "-l", "1", (char *)NULL);
		_exit(127);
	}
	snprintf(sock, sizeof(sock), "%s/run/xvm/consoled.sock", T.hvd.root);
	for (i = 0; i < 1000 && stat(sock, &st) == -1; i++)
		sleep_ms(10);
	if ((T.xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return -1;
	if ((T.domid = guest_create(T.xch, T.guest, 1, 65536)) == 0 ||
	    xc_domain_unpause(T.xch, T.domid) == -1)
		return -1;
	snprintf(T.log, sizeof(T.log), "%s/var/log/xvm/console/"
	    "guest-domain-%u.log", T.hvd.root, T.domid);
	return 0;
}

static int
teardown(void **state)
{
	int	status;

	(void)state;
	xc_interface_close(T.xch);
	if (T.cpid > 0) {
		kill(T.cpid, SIGTERM);
		waitpid(T.cpid, &status, 0);
	}
	hvd_stop(&T.hvd);
	return 0;
}

/* The log file's size, or 0 (read into buf if not NULL). */
static size_t
slurp(const char *path, char *buf, size_t size)
{
	FILE	*f;
	size_t	 n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

static int
log_has(const char *text, unsigned ms)
{
	static char	buf[65536];
	uint64_t	end = mono_ns() + (uint64_t)ms * 1000000;

	do {
		slurp(T.log, buf, sizeof(buf));
		if (strstr(buf, text) != NULL)
			return 1;
		sleep_ms(20);
	} while (mono_ns() < end);
	return 0;
}

static int
dial(void)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "%s/run/xvm/consoled.sock", T.hvd.root);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* Read from fd until the text shows (or ms pass); 1 if it did. */
static int
read_until(int fd, char *buf, size_t size, const char *text, unsigned ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	uint64_t	end = mono_ns() + (uint64_t)ms * 1000000;
	size_t		have = 0;
	ssize_t		n;

	buf[0] = '\0';
	while (strstr(buf, text) == NULL && mono_ns() < end &&
	    have < size - 1) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		if ((n = read(fd, buf + have, size - 1 - have)) <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
	}
	return strstr(buf, text) != NULL;
}

static void
test_log(void **state)
{
	(void)state;
	assert_true(log_has("uart guest: ready", 10000));
}

static void
test_attach(void **state)
{
	char	buf[4096], want[64];
	int	fd;

	(void)state;
	assert_true(log_has("uart guest: ready", 10000));
	fd = dial();
	snprintf(want, sizeof(want), "ATTACH %u\n", T.domid);
	assert_int_equal(write(fd, want, strlen(want)), (ssize_t)strlen(want));
	snprintf(want, sizeof(want), "OK domain-%u %u /dev/pts/", T.domid,
	    T.domid);
	assert_true(read_until(fd, buf, sizeof(buf), "uart guest: ready",
	    5000));
	assert_true(strncmp(buf, want, strlen(want)) == 0);	/* scrollback */
	assert_int_equal(write(fd, "typed in\r", 9), 9);
	assert_true(read_until(fd, buf, sizeof(buf), "typed in\r", 5000));
	assert_true(log_has("ready\r\ntyped in\r", 5000));
	close(fd);
}

static void
test_pty_and_list(void **state)
{
	char	buf[4096], *pty, *nl;
	int	fd, pfd;

	(void)state;
	fd = dial();
	assert_int_equal(write(fd, "LIST\n", 5), 5);
	assert_true(read_until(fd, buf, sizeof(buf), "/dev/pts/", 5000));
	close(fd);
	assert_non_null(strstr(buf, "domain-"));
	pty = strstr(buf, "/dev/pts/");
	nl = strchr(pty, ' ');
	assert_non_null(nl);
	*nl = '\0';
	pfd = open(pty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(pfd >= 0);
	assert_int_equal(write(pfd, "via pty\r", 8), 8);
	assert_true(log_has("via pty", 5000));
	close(pfd);
}

/* 3000 bytes through a 1 KiB/s limit: not all at once, all in the end. */
static void
test_rate_limit(void **state)
{
	static char	flood[3000], buf[65536];
	char		cmd[64];
	size_t		before, mid, after;
	uint64_t	t0;
	int		fd;

	(void)state;
	assert_true(log_has("via pty", 5000));
	sleep_ms(1500);			/* let the bucket fill */
	before = slurp(T.log, buf, sizeof(buf));
	memset(flood, 'x', sizeof(flood));
	fd = dial();
	snprintf(cmd, sizeof(cmd), "ATTACH %u\n", T.domid);
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	assert_int_equal(write(fd, flood, sizeof(flood)),
	    (ssize_t)sizeof(flood));
	t0 = mono_ns();
	sleep_ms(500);
	mid = slurp(T.log, buf, sizeof(buf)) - before;
	do {
		sleep_ms(100);
		after = slurp(T.log, buf, sizeof(buf)) - before;
	} while (after < sizeof(flood) && mono_ns() - t0 < 10000000000ull);
	printf("# 3000 bytes at 1 KiB/s: %zu after 0.5 s, all after %.1f s\n",
	    mid, (mono_ns() - t0) / 1e9);
	assert_true(mid < 2100);		/* one second's burst */
	assert_int_equal(after, sizeof(flood));
	assert_true(mono_ns() - t0 > 1500000000ull);
	close(fd);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_pty_and_list),
		cmocka_unit_test(test_rate_limit),
	};

	if (argc != 4) {
		fprintf(stderr, "usage: test_uart_console xvm-hypervisor "
		    "xvm-consoled uartguest.elf\n");
		return 2;
	}
	T.hv = argv[1];
	T.consoled = argv[2];
	T.guest = argv[3];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
