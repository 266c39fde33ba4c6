/* Unit tests for lib/httpc.c against a forked server on a real Unix socket. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/httpc.h"
#include "lib/sock.h"

static char	 sockpath[128], reqpath[128];

/* Serve one connection with 'reply' (NULL: close at once), keep request. */
static pid_t
serve_once(const char *reply, int hang)
{
	char	 req[8192];
	pid_t	 pid;
	int	 lfd, cfd;
	ssize_t	 n;
	FILE	*f;

	lfd = sock_listen_unix(sockpath, 0600, 4);
	assert_true(lfd >= 0);
	if ((pid = fork()) != 0) {
		close(lfd);
		return pid;
	}
	while ((cfd = accept(lfd, NULL, NULL)) == -1)
		;
	/* Read the request head (and any body that arrived with it). */
	n = read(cfd, req, sizeof(req) - 1);
	if (n > 0 && (f = fopen(reqpath, "w")) != NULL) {
		fwrite(req, 1, (size_t)n, f);
		fclose(f);
	}
	if (hang)
		sleep(5);
	if (reply != NULL)
		fd_write_all(cfd, reply, strlen(reply));
	close(cfd);
	_exit(0);
}

static int
request(const char *reply, struct buf *out, char **cause, int timeout,
    int hang)
{
	pid_t	 pid = serve_once(reply, hang);
	int	 status, rc;

	rc = httpc_request(sockpath, "POST", "/x?y=1", "{\"a\":1}", 7, timeout,
	    out, cause);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(sockpath, sizeof(sockpath), "/tmp/xvm-httpc-%ld.sock",
	    (long)getpid());
	snprintf(reqpath, sizeof(reqpath), "/tmp/xvm-httpc-%ld.req",
	    (long)getpid());
	return 0;
}

static void
test_content_length(void **state)
{
	struct buf	 out = BUF_INITIALIZER;
	char		*cause = NULL, req[512];
	FILE		*f;
	size_t		 n;

	(void)state;
	assert_int_equal(request("HTTP/1.1 201 Created\r\nContent-Length: 5\r\n"
	    "Content-Type: application/json\r\n\r\nhello", &out, &cause, 5000,
	    0), 201);
	assert_null(cause);
	assert_string_equal(buf_cstr(&out), "hello");
	f = fopen(reqpath, "r");
	n = fread(req, 1, sizeof(req) - 1, f);
	req[n] = '\0';
	fclose(f);
	assert_non_null(strstr(req, "POST /x?y=1 HTTP/1.1\r\n"));
	assert_non_null(strstr(req, "Content-Length: 7\r\n"));
	assert_non_null(strstr(req, "\r\n\r\n{\"a\":1}"));
	buf_free(&out);
}

static void
test_chunked_and_eof(void **state)
{
	struct buf	 out = BUF_INITIALIZER;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(request("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", &out, &cause,
	    5000, 0), 200);
	assert_string_equal(buf_cstr(&out), "abcde");
	buf_reset(&out);
	assert_int_equal(request("HTTP/1.0 404 Not Found\r\n\r\nto eof", &out,
	    &cause, 5000, 0), 404);
	assert_string_equal(buf_cstr(&out), "to eof");
	buf_free(&out);
}

static const struct {
	const char	*reply;
	const char	*error;
} bad[] = {
	{ NULL, "the server closed the connection without replying" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
	    "truncated reply body" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "truncated reply headers" },
	{ "SMTP ready\r\n\r\n", "malformed status line" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    "malformed chunked reply" },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nab\r\n",
	    "truncated chunked reply" },
};

static void
test_bad_replies(void **state)
{
	struct buf	 out = BUF_INITIALIZER;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		assert_int_equal(request(bad[i].reply, &out, &cause, 5000, 0),
		    -1);
		if (cause == NULL || strcmp(cause, bad[i].error) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i,
			    cause ? cause : "(null)", bad[i].error);
		free(cause);
		buf_reset(&out);
	}
	buf_free(&out);
}

static void
test_timeout_and_no_server(void **state)
{
	struct buf	 out = BUF_INITIALIZER;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(request("HTTP/1.1 200 OK\r\n\r\n", &out, &cause, 200,
	    1), -1);
	assert_string_equal(cause, "timed out waiting for the reply");
	free(cause);
	unlink(sockpath);
	unlink(reqpath);
	assert_int_equal(httpc_request(sockpath, "GET", "/", NULL, 0, 1000,
	    &out, &cause), -1);
	assert_non_null(strstr(cause, "is the daemon running?"));
	free(cause);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_chunked_and_eof),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_timeout_and_no_server),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, NULL);
}
