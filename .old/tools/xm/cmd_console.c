/* xm console: attach to a domain's console through xvm-consoled; Ctrl-] detaches. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lib/sock.h"
#include "tools/xm/xm.h"

int	 xm_console_attach(const char *dom);

static int	 escape_char = 0x1d;	/* Ctrl-] */

/* Read the daemon's one-line answer, byte by byte (the rest is console). */
static int
read_line(int fd, char *line, size_t size)
{
	size_t	 n = 0;
	char	 c;

	while (n + 1 < size) {
		if (fd_read_all(fd, &c, 1) == -1)
			return -1;
		if (c == '\n')
			break;
		line[n++] = c;
	}
	line[n] = '\0';
	return 0;
}

/* Relay until the escape character, EOF on either side, or an error. */
static int
relay(int sock)
{
	struct pollfd	 pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sock, .events = POLLIN },
	};
	char		 buf[4096], *esc;
	ssize_t		 n;

	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(sock, buf, sizeof(buf))) <= 0)
				return 1;	/* the domain went away */
			if (fd_write_all(STDOUT_FILENO, buf, (size_t)n) == -1)
				return -1;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(STDIN_FILENO, buf, sizeof(buf))) <= 0)
				return 0;
			if ((esc = memchr(buf, escape_char, (size_t)n)) != NULL)
				n = esc - buf;
			if (n > 0 && fd_write_all(sock, buf, (size_t)n) == -1)
				return -1;
			if (esc != NULL)
				return 0;
		}
	}
}

int
xm_console_attach(const char *dom)
{
	struct termios	 saved, raw;
	char		*path, line[512];
	int		 sock, tty, rc;

	if ((path = xvm_path(XVM_CONSOLED_SOCK)) == NULL)
		return xm_error("socket path too long");
	sock = sock_connect_unix(path);
	if (sock == -1) {
		rc = xm_error("cannot reach the console daemon at %s: %s (is "
		    "xvm-consoled running?)", path, strerror(errno));
		free(path);
		return rc;
	}
	free(path);
	if (dprintf(sock, "ATTACH %s\n", dom) < 0 ||
	    read_line(sock, line, sizeof(line)) == -1) {
		close(sock);
		return xm_error("the console daemon closed the connection");
	}
	if (strncmp(line, "OK ", 3) != 0) {
		close(sock);
		return xm_error("%s", strncmp(line, "ERR ", 4) == 0 ? line + 4 :
		    line);
	}
	tty = isatty(STDIN_FILENO);
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else
		tty = 0;
	rc = relay(sock);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fputc('\n', stdout);
	}
	close(sock);
	if (rc == -1)
		return xm_error("console of '%s': %s", dom, strerror(errno));
	return 0;
}

static int
exec_console(int argc, char **argv)
{
	int	 ch;

	while ((ch = getopt(argc, argv, "+e:")) != -1) {
		/* -e c: the escape as a letter (Ctrl-letter) or ^X. */
		const char *e = optarg;

		if (e[0] == '^' && e[1] != '\0' && e[2] == '\0')
			e++;
		if (e[0] == '\0' || e[1] != '\0')
			return xm_error("xm console: -e takes one character, "
			    "such as ']' or '^]'");
		escape_char = e[0] & 0x1f;
	}
	return xm_console_attach(argv[optind]);
}

const struct cmd_entry cmd_console_entry = {
	.name = "console",
	.args = "[-e <escape>] <Domain>",
	.help = "Attach to a domain's console (Ctrl-] detaches).",
	.opts = "e:",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_console,
};
