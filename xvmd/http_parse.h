/* The head of an HTTP/1.x request, parsed strictly: xvmd's API transport. */
#ifndef XVM_XVMD_HTTP_PARSE_H
#define XVM_XVMD_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEAD	(16 * 1024)	/* request line and headers */
#define HTTP_MAX_HEADERS 64

enum http_method {
	HTTP_GET = 1,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_HEAD,
	HTTP_OPTIONS,
	HTTP_PATCH,
	HTTP_TRACE,
	HTTP_CONNECT,
};

struct http_header {
	char		*name;		/* as sent */
	char		*value;		/* blanks around it removed */
};

struct http_head {
	enum http_method method;
	char		*target;	/* the request-target, as sent */
	int		 minor;		/* HTTP/1.<minor>: 0 or 1 */
	int64_t		 content_length;	/* -1: none */
	int		 keep_alive;	/* the connection stays open */
	int		 expect_continue;	/* Expect: 100-continue */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t		 nheaders;
};

/*
 * Parse a request head: 'len' bytes up to and including the empty line
 * that ends it (CRLF, or a bare LF).  Returns 0 with *h filled (strings
 * owned by h: http_head_clear), or the HTTP status of the refusal with
 * *cause (caller frees) and nothing to clear:
 *
 *	400  malformed request line or header, a header line with no colon,
 *	     a Content-Length that is not a number, or two that differ
 *	413  a Content-Length over max_body
 *	431  more than HTTP_MAX_HEADERS headers (the head's size is the
 *	     caller's to bound, HTTP_MAX_HEAD)
 *	501  a method we do not know, or a Transfer-Encoding (bodies come
 *	     with a Content-Length)
 *	505  an HTTP version other than 1.0 and 1.1
 */
int	 http_parse_head(const char *buf, size_t len, size_t max_body,
	    struct http_head *h, char **cause);
void	 http_head_clear(struct http_head *);

/* A header's value (case-insensitive name), or NULL (borrowed). */
const char *http_head_get(const struct http_head *, const char *name);

/* "GET", ... */
const char *http_method_name(enum http_method);

#endif
