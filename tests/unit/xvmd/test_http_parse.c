/* Unit tests for xvmd/http_parse.c: request heads, accepted and refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xvmd/http_parse.h"

static void
test_good(void **state)
{
	static const char	*head = "POST /domains?x=1 HTTP/1.1\r\n"
				    "Host: localhost\r\n"
				    "content-length:  12 \r\n"
				    "Content-Length: 12\r\n"
				    "Expect: 100-continue\r\n"
				    "Connection: close\r\n\r\n";
	struct http_head	 h;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(http_parse_head(head, strlen(head), 100, &h, &cause),
	    0);
	assert_null(cause);
	assert_int_equal(h.method, HTTP_POST);
	assert_string_equal(h.target, "/domains?x=1");
	assert_int_equal(h.minor, 1);
	assert_int_equal(h.content_length, 12);
	assert_true(h.expect_continue);
	assert_false(h.keep_alive);
	assert_string_equal(http_head_get(&h, "HOST"), "localhost");
	http_head_clear(&h);
	/* HTTP/1.0, bare LFs, a leading empty line: no keep-alive. */
	assert_int_equal(http_parse_head("\nGET / HTTP/1.0\n\n", 17, 100, &h,
	    &cause), 0);
	assert_int_equal(h.method, HTTP_GET);
	assert_int_equal(h.content_length, -1);
	assert_false(h.keep_alive);
	http_head_clear(&h);
}

static const struct {
	const char	*head;
	int		 status;
	const char	*cause;
} bad[] = {
	{ "NOT HTTP AT ALL\r\n\r\n", 400, "malformed HTTP request line (expected 'METHOD TARGET HTTP/1.1')" },
	{ "FROB / HTTP/1.1\r\n\r\n", 501, "HTTP method 'FROB' is not implemented" },
	{ "GET / HTTP/2.0\r\n\r\n", 505, "HTTP version not supported (1.0 and 1.1 are)" },
	{ "GET / SPDY/3\r\n\r\n", 400, "malformed HTTP request line (expected 'METHOD TARGET HTTP/1.1')" },
	{ "GET /a b HTTP/1.1\r\n\r\n", 400, "malformed HTTP request line (expected 'METHOD TARGET HTTP/1.1')" },
	{ "PUT / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "conflicting Content-Length headers" },
	{ "PUT / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", 400, "Content-Length '5, 5' is not a number" },
	{ "PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "Content-Length '-1' is not a number" },
	{ "PUT / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413, "request body of 101 bytes is over the limit of 100" },
	{ "PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, "Content-Length '99999999999999999999' is not a number" },
	{ "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "Transfer-Encoding 'chunked' is not supported: send the body with a Content-Length" },
	{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "malformed HTTP header name" },
	{ "GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400, "malformed HTTP header (no 'Name:')" },
	{ "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400, "folded HTTP header lines are not accepted" },
	{ "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 400, "control byte in an HTTP header" },
	{ "GET / HTTP/1.1\r\nExpect: magic\r\n\r\n", 417, "Expect 'magic' cannot be met" },
	{ "GET / HTTP/1.1\r\nA: b\r\n", 400, "the HTTP request head does not end with an empty line" },
	{ "\r\n\r\n", 400, "empty HTTP request" },
};

static void
test_bad(void **state)
{
	struct http_head	 h;
	char			*cause;
	size_t			 i;
	int			 st;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		st = http_parse_head(bad[i].head, strlen(bad[i].head), 100, &h,
		    &cause);
		if (st != bad[i].status || cause == NULL ||
		    strcmp(cause, bad[i].cause) != 0)
			fail_msg("case %zu: %d \"%s\", want %d \"%s\"", i, st,
			    cause ? cause : "(null)", bad[i].status,
			    bad[i].cause);
		free(cause);
	}
}

static void
test_too_many_headers(void **state)
{
	char			 head[4096];
	struct http_head	 h;
	char			*cause = NULL;
	size_t			 n = 0;
	int			 i;

	(void)state;
	n += (size_t)snprintf(head, sizeof(head), "GET / HTTP/1.1\r\n");
	for (i = 0; i <= HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(head + n, sizeof(head) - n,
		    "X-%d: y\r\n", i);
	n += (size_t)snprintf(head + n, sizeof(head) - n, "\r\n");
	assert_int_equal(http_parse_head(head, n, 100, &h, &cause), 431);
	assert_string_equal(cause, "more than 64 HTTP headers");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_many_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
