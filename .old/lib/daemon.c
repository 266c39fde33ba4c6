/* Going to the background only once ready, as SMF's contract model expects of a start method. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"

static int	 ready_fd = -1;

void
daemon_init(const char *name, const char *root, int verbose)
{
	char	 rel[128], *path;

	log_init(name, 1, verbose);
	if (xvm_paths_init(root) == -1)
		fatal("root %s", root ? root : getenv("XVM_ROOT"));
	snprintf(rel, sizeof(rel), "%s/%s.log", XVM_LOG_DIR, name);
	if ((path = xvm_path(rel)) == NULL || log_open_file(path) == -1)
		fatal("log file %s", path ? path : rel);
	free(path);
}

int
daemon_start(void)
{
	int	 p[2], fd, status;
	pid_t	 pid;
	char	 c;
	ssize_t	 n;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	switch ((pid = fork())) {
	case -1:
		close(p[0]);
		close(p[1]);
		return -1;
	case 0:
		close(p[0]);
		ready_fd = p[1];
		setsid();
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		return 0;
	default:
		close(p[1]);
		do {
			n = read(p[0], &c, 1);
		} while (n == -1 && errno == EINTR);
		if (n == 1)
			_exit(0);
		/* The child died before it was ready: reap it and fail. */
		waitpid(pid, &status, 0);
		_exit(1);
	}
}

void
daemon_ready(void)
{
	int	 fd;

	if (ready_fd == -1)
		return;
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	(void)write(ready_fd, "r", 1);
	close(ready_fd);
	ready_fd = -1;
}
