/*
 * The head of an HTTP/1.x request, parsed strictly (RFC 9112): the request
 * line, the header fields, and what the transport needs of them -- the
 * body's length, keep-alive, 100-continue.  Anything ambiguous is refused
 * rather than guessed at: two Content-Length headers that differ (one
 * request read two ways is how requests are smuggled), a Transfer-Encoding,
 * a header without a colon, whitespace before a colon, control bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/str.h"
#include "xvmd/http_parse.h"

static const char *const methods[] = {
	[HTTP_GET] = "GET",
	[HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT",
	[HTTP_DELETE] = "DELETE",
	[HTTP_HEAD] = "HEAD",
	[HTTP_OPTIONS] = "OPTIONS",
	[HTTP_PATCH] = "PATCH",
	[HTTP_TRACE] = "TRACE",
	[HTTP_CONNECT] = "CONNECT",
};

const char *
http_method_name(enum http_method m)
{
	return (size_t)m < sizeof(methods) / sizeof(methods[0]) &&
	    methods[m] != NULL ? methods[m] : "?";
}

void
http_head_clear(struct http_head *h)
{
	size_t	 i;

	free(h->target);
	for (i = 0; i < h->nheaders; i++) {
		free(h->headers[i].name);
		free(h->headers[i].value);
	}
	memset(h, 0, sizeof(*h));
}

const char *
http_head_get(const struct http_head *h, const char *name)
{
	size_t	 i;

	for (i = 0; i < h->nheaders; i++)
		if (strcasecmp(h->headers[i].name, name) == 0)
			return h->headers[i].value;
	return NULL;
}

/* RFC 9110 token characters (a method, a header name). */
static int
tchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) !=
	    NULL);
}

/* The next line of [*p, end): without its CRLF or LF; NULL at the end. */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char	*s = *p, *nl;

	if (s >= end)
		return NULL;
	if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
		nl = end;
	*len = (size_t)(nl - s);
	if (*len > 0 && s[*len - 1] == '\r')
		(*len)--;
	*p = nl < end ? nl + 1 : end;
	return s;
}

static int
fail(char **cause, int status, const char *fmt, const char *arg)
{
	if (arg != NULL)
		cause_printf(cause, fmt, arg);
	else
		cause_printf(cause, "%s", fmt);
	return status;
}

static int
request_line(const char *s, size_t len, struct http_head *h, char **cause)
{
	const char	*sp1, *sp2, *end = s + len;
	char		 name[16];
	size_t		 i, n;

	if ((sp1 = memchr(s, ' ', len)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1))) == NULL ||
	    sp1 == s || sp2 == sp1 + 1)
		return fail(cause, 400, "malformed HTTP request line (expected "
		    "'METHOD TARGET HTTP/1.1')", NULL);
	n = (size_t)(end - sp2 - 1);
	if (n < 5 || memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return fail(cause, 400, "malformed HTTP request line (expected "
		    "'METHOD TARGET HTTP/1.1')", NULL);
	n = (size_t)(sp1 - s);
	for (i = 0; i < n; i++)
		if (!tchar((unsigned char)s[i]))
			return fail(cause, 400, "malformed HTTP request line "
			    "(expected 'METHOD TARGET HTTP/1.1')", NULL);
	if (n >= sizeof(name))
		return fail(cause, 501, "HTTP method not implemented", NULL);
	memcpy(name, s, n);
	name[n] = '\0';
	for (i = 1; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i], name) == 0)
			h->method = (enum http_method)i;
	if (h->method == 0)
		return fail(cause, 501, "HTTP method '%s' is not implemented",
		    name);
	for (i = (size_t)(sp1 + 1 - s); i < (size_t)(sp2 - s); i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return fail(cause, 400, "malformed HTTP request "
			    "target", NULL);
	n = (size_t)(end - sp2 - 1);
	if (n != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return fail(cause, 505, "HTTP version not supported (1.0 and "
		    "1.1 are)", NULL);
	h->minor = sp2[8] - '0';
	h->keep_alive = h->minor == 1;
	if ((h->target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1))) == NULL)
		return fail(cause, 500, "out of memory", NULL);
	return 0;
}

static int
content_length(const char *v, size_t max_body, struct http_head *h,
    char **cause)
{
	uint64_t	 n;
	size_t		 i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isdigit((unsigned char)v[i]))
			break;
	if (i == 0 || v[i] != '\0' || i > 19 ||
	    str_to_u64(v, 0, INT64_MAX, &n) == -1)
		return fail(cause, 400, "Content-Length '%s' is not a number",
		    v);
	if (h->content_length >= 0 && (uint64_t)h->content_length != n)
		return fail(cause, 400, "conflicting Content-Length headers",
		    NULL);
	if (n > max_body) {
		cause_printf(cause, "request body of %llu bytes is over the "
		    "limit of %zu", (unsigned long long)n, max_body);
		return 413;
	}
	h->content_length = (int64_t)n;
	return 0;
}

/* One "Name: value" line; what it means to the transport. */
static int
header(const char *s, size_t len, size_t max_body, struct http_head *h,
    char **cause)
{
	const char	*colon, *v, *vend = s + len;
	struct http_header *hd;
	size_t		 i;

	if ((colon = memchr(s, ':', len)) == NULL || colon == s)
		return fail(cause, 400, "malformed HTTP header (no 'Name:')",
		    NULL);
	for (i = 0; i < (size_t)(colon - s); i++)
		if (!tchar((unsigned char)s[i]))
			return fail(cause, 400, "malformed HTTP header name",
			    NULL);
	for (v = colon + 1; v < vend && (*v == ' ' || *v == '\t'); v++)
		;
	while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
		vend--;
	for (i = 0; i < (size_t)(vend - v); i++)
		if (((unsigned char)v[i] < ' ' && v[i] != '\t') || v[i] == 0x7f)
			return fail(cause, 400, "control byte in an HTTP header",
			    NULL);
	if (h->nheaders == HTTP_MAX_HEADERS) {
		cause_printf(cause, "more than %d HTTP headers",
		    HTTP_MAX_HEADERS);
		return 431;
	}
	hd = &h->headers[h->nheaders];
	if ((hd->name = strndup(s, (size_t)(colon - s))) == NULL ||
	    (hd->value = strndup(v, (size_t)(vend - v))) == NULL) {
		free(hd->name);
		hd->name = NULL;
		return fail(cause, 500, "out of memory", NULL);
	}
	h->nheaders++;
	if (strcasecmp(hd->name, "Content-Length") == 0)
		return content_length(hd->value, max_body, h, cause);
	if (strcasecmp(hd->name, "Transfer-Encoding") == 0)
		return fail(cause, 501, "Transfer-Encoding '%s' is not "
		    "supported: send the body with a Content-Length",
		    hd->value);
	if (strcasecmp(hd->name, "Connection") == 0) {
		if (strcasecmp(hd->value, "close") == 0)
			h->keep_alive = 0;
		else if (strcasecmp(hd->value, "keep-alive") == 0)
			h->keep_alive = 1;
	} else if (strcasecmp(hd->name, "Expect") == 0) {
		if (strcasecmp(hd->value, "100-continue") != 0)
			return fail(cause, 417, "Expect '%s' cannot be met",
			    hd->value);
		h->expect_continue = 1;
	}
	return 0;
}

int
http_parse_head(const char *buf, size_t len, size_t max_body,
    struct http_head *h, char **cause)
{
	const char	*p = buf, *end = buf + len, *line;
	size_t		 n;
	int		 status;

	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	*cause = NULL;
	/* RFC 9112 2.2: empty lines before the request line are ignored. */
	while ((line = next_line(&p, end, &n)) != NULL && n == 0)
		;
	if (line == NULL)
		return fail(cause, 400, "empty HTTP request", NULL);
	if (memchr(line, '\0', n) != NULL)
		status = fail(cause, 400, "NUL byte in the HTTP request line",
		    NULL);
	else
		status = request_line(line, n, h, cause);
	while (status == 0 && (line = next_line(&p, end, &n)) != NULL &&
	    n > 0) {
		if (line[0] == ' ' || line[0] == '\t')
			status = fail(cause, 400, "folded HTTP header lines "
			    "are not accepted", NULL);
		else if (memchr(line, '\0', n) != NULL)
			status = fail(cause, 400, "NUL byte in an HTTP header",
			    NULL);
		else
			status = header(line, n, max_body, h, cause);
	}
	if (status == 0 && line == NULL)
		status = fail(cause, 400, "the HTTP request head does not end "
		    "with an empty line", NULL);
	if (status != 0)
		http_head_clear(h);
	return status;
}
