/* A small blocking HTTP/1.1 client over a Unix socket, for tools talking to xvmd. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/httpc.h"
#include "lib/sock.h"
#include "lib/str.h"

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read until EOF into raw, honouring the deadline (-1 = none). */
static int
read_all(int fd, struct buf *raw, long long deadline, char **cause)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	void		*space;
	ssize_t		 n;
	int		 wait;

	for (;;) {
		wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return cause_printf(cause, "timed out waiting for the reply");
		if (poll(&pfd, 1, wait) == -1) {
			if (errno == EINTR)
				continue;
			return cause_printf(cause, "poll: %s", strerror(errno));
		}
		if (pfd.revents == 0)
			continue;
		if ((space = buf_space(raw, 16384)) == NULL)
			return cause_printf(cause, "reply larger than %d bytes",
			    HTTPC_MAX_REPLY);
		if ((n = read(fd, space, 16384)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return cause_printf(cause, "read: %s", strerror(errno));
		}
		if (n == 0)
			return 0;
		buf_commit(raw, (size_t)n);
	}
}

/* Undo chunked transfer coding from body[0..len) into out. */
static int
dechunk(const char *p, const char *end, struct buf *out, char **cause)
{
	unsigned long	 size;
	char		*e;

	for (;;) {
		errno = 0;
		size = strtoul(p, &e, 16);
		if (e == p || errno != 0 || (e = strstr(e, "\r\n")) == NULL ||
		    e > end)
			return cause_printf(cause, "malformed chunked reply");
		p = e + 2;
		if (size == 0)
			return 0;
		if (size > (unsigned long)(end - p))
			return cause_printf(cause, "truncated chunked reply");
		buf_add(out, p, size);
		p += size;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return cause_printf(cause, "malformed chunked reply");
		p += 2;
	}
}

/* Split the raw reply into status and body. */
static int
parse_reply(struct buf *raw, struct buf *reply, char **cause)
{
	char		*text, *hdr_end, *line, *next, *colon, *end;
	uint64_t	 clen = 0;
	int		 status, have_len = 0, chunked = 0;

	if ((text = buf_cstr(raw)) == NULL)
		return cause_printf(cause, "out of memory");
	end = text + buf_len(raw);
	if (buf_len(raw) == 0)
		return cause_printf(cause, "the server closed the connection without "
		    "replying");
	if ((hdr_end = strstr(text, "\r\n\r\n")) == NULL)
		return cause_printf(cause, "truncated reply headers");
	*hdr_end = '\0';
	if (sscanf(text, "HTTP/1.%*[01] %3d", &status) != 1 || status < 100 ||
	    status > 599)
		return cause_printf(cause, "malformed status line");
	for (line = strstr(text, "\r\n"); line != NULL; line = next) {
		line += 2;
		next = strstr(line, "\r\n");
		if (next != NULL)
			*next = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon++ = '\0';
		while (*colon == ' ')
			colon++;
		if (strcasecmp(line, "Content-Length") == 0) {
			if (str_to_u64(colon, 0, HTTPC_MAX_REPLY, &clen) == -1)
				return cause_printf(cause, "bad Content-Length");
			have_len = 1;
		} else if (strcasecmp(line, "Transfer-Encoding") == 0 &&
		    strcasecmp(colon, "chunked") == 0)
			chunked = 1;
	}
	text = hdr_end + 4;
	if (chunked)
		return dechunk(text, end, reply, cause) == -1 ? -1 : status;
	if (have_len) {
		if ((uint64_t)(end - text) < clen)
			return cause_printf(cause, "truncated reply body");
		buf_add(reply, text, clen);
	} else
		buf_add(reply, text, (size_t)(end - text));
	return status;
}

int
httpc_request(const char *path, const char *method, const char *uri,
    const char *body, size_t bodylen, int timeout_ms, struct buf *reply,
    char **cause)
{
	struct buf	 req = BUF_INITIALIZER, raw;
	long long	 deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	int		 fd, rc = -1;

	*cause = NULL;
	if ((fd = sock_connect_unix(path)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			return cause_printf(cause, "cannot connect to %s: %s (is the "
			    "daemon running?)", path, strerror(errno));
		return cause_printf(cause, "cannot connect to %s: %s", path,
		    strerror(errno));
	}
	buf_init(&raw, HTTPC_MAX_REPLY);
	buf_printf(&req, "%s %s HTTP/1.1\r\nHost: localhost\r\n"
	    "Connection: close\r\n", method, uri);
	if (body != NULL)
		buf_printf(&req, "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n", bodylen);
	buf_add_str(&req, "\r\n");
	if (body != NULL)
		buf_add(&req, body, bodylen);
	if (buf_error(&req)) {
		cause_printf(cause, "out of memory");
		goto out;
	}
	if (fd_write_all(fd, buf_data(&req), buf_len(&req)) == -1) {
		cause_printf(cause, "sending to %s: %s", path, strerror(errno));
		goto out;
	}
	if (read_all(fd, &raw, deadline, cause) == -1)
		goto out;
	rc = parse_reply(&raw, reply, cause);
	if (rc != -1 && buf_error(reply)) {
		free(*cause);
		rc = cause_printf(cause, "reply too large");
	}
out:
	close(fd);
	buf_free(&req);
	buf_free(&raw);
	return rc;
}
