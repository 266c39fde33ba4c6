/* Unit tests for lib/sock.c. */
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/sock.h"

static char	 dir[256];

static int
setup(void **state)
{
	char	 tmpl[] = "/tmp/xvm-sock-XXXXXX";

	(void)state;
	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s", tmpl);
	return 0;
}

static void
test_listen_mode_and_stale(void **state)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 lfd, lfd2, cfd;

	(void)state;
	snprintf(path, sizeof(path), "%s/run/sub/sock", dir);
	lfd = sock_listen_unix(path, 0600, 8);
	assert_true(lfd >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(fcntl(lfd, F_GETFL) & O_NONBLOCK);

	/* A live socket is not stolen. */
	assert_int_equal(sock_listen_unix(path, 0600, 8), -1);
	assert_int_equal(errno, EADDRINUSE);

	cfd = sock_connect_unix(path);
	assert_true(cfd >= 0);
	assert_true(sock_peer_trusted(cfd));
	close(cfd);

	/* A dead daemon's socket file is cleared. */
	close(lfd);
	lfd2 = sock_listen_unix(path, 0666, 8);
	assert_true(lfd2 >= 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666);
	close(lfd2);

	/* Something that is not a socket is never unlinked. */
	snprintf(path, sizeof(path), "%s/plainfile", dir);
	fclose(fopen(path, "w"));
	assert_int_equal(sock_listen_unix(path, 0600, 8), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(stat(path, &st), 0);
}

static void
test_peercred(void **state)
{
	int	 sv[2];
	uid_t	 uid;
	pid_t	 pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(sock_peercred(sv[0], &uid, NULL, &pid), 0);
	assert_int_equal(uid, geteuid());
	assert_int_equal(pid, getpid());
	close(sv[0]);
	close(sv[1]);
}

static void
test_fd_passing(void **state)
{
	int	 sv[2], pfd[2], fds[4], nfds, many[SOCK_MAX_FDS], i;
	char	 buf[16];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(sock_send_fds(sv[0], "hi", 2, &pfd[1], 1), 2);
	nfds = 4;
	assert_int_equal(sock_recv_fds(sv[1], buf, sizeof(buf), fds, &nfds), 2);
	assert_int_equal(nfds, 1);
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	/* The received fd is the pipe's write end. */
	assert_int_equal(write(fds[0], "z", 1), 1);
	assert_int_equal(read(pfd[0], buf, 1), 1);
	assert_int_equal(buf[0], 'z');
	close(fds[0]);

	/* More descriptors than the receiver has room for: EBADMSG. */
	for (i = 0; i < 3; i++)
		many[i] = pfd[0];
	assert_int_equal(sock_send_fds(sv[0], "x", 1, many, 3), 1);
	nfds = 2;
	assert_int_equal(sock_recv_fds(sv[1], buf, sizeof(buf), fds, &nfds),
	    -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(nfds, 0);

	/* Plain data, no fds. */
	assert_int_equal(sock_send_fds(sv[0], "y", 1, NULL, 0), 1);
	nfds = 4;
	assert_int_equal(sock_recv_fds(sv[1], buf, sizeof(buf), fds, &nfds), 1);
	assert_int_equal(nfds, 0);
	assert_int_equal(sock_send_fds(sv[0], "y", 1, many, SOCK_MAX_FDS + 1),
	    -1);
	assert_int_equal(errno, EINVAL);

	close(pfd[0]);
	close(pfd[1]);
	close(sv[0]);
	close(sv[1]);
}

static void
test_read_write_all(void **state)
{
	int	 sv[2];
	char	 out[3];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fd_write_all(sv[0], "abc", 3), 0);
	assert_int_equal(fd_read_all(sv[1], out, 3), 0);
	assert_memory_equal(out, "abc", 3);
	close(sv[0]);
	assert_int_equal(fd_read_all(sv[1], out, 1), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_mode_and_stale),
		cmocka_unit_test(test_peercred),
		cmocka_unit_test(test_fd_passing),
		cmocka_unit_test(test_read_write_all),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
