/* xvmd's HTTP/1.1 server: connections, request framing, replies (the API's transport). */
#ifndef XVM_XVMD_HTTP_H
#define XVM_XVMD_HTTP_H

#include <stddef.h>

#include "xvmd/http_parse.h"

struct event_base;
struct http_server;
struct http_req;

/*
 * A complete request (head and body) for the application, which answers
 * it with exactly one http_reply(), now or later.  on_error formats a
 * refusal of the transport's own (a malformed request, headers or body
 * over the limit, an unknown method): it answers with http_reply() too.
 */
struct http_handlers {
	void	(*on_request)(struct http_req *, void *arg);
	void	(*on_error)(struct http_req *, int status, const char *message,
		    void *arg);
	void	*arg;
};

/*
 * Serve the listening socket 'fd' (taken over): one request at a time
 * per connection (later ones wait in its buffer), bodies of at most
 * max_body bytes, connections idle for idle_secs closed.  Daemon code:
 * fatal on allocation failure.
 */
struct http_server *http_server_new(struct event_base *, int fd,
	    size_t max_body, int idle_secs, const struct http_handlers *);
void	 http_server_free(struct http_server *);	/* NULL is fine */

/*
 * The request's head (NULL for on_error's requests, which have none),
 * body (NUL-terminated, *len without the NUL), and connection's socket
 * (-1 once the client has gone).  All borrowed until the reply.
 */
const struct http_head *http_req_head(const struct http_req *);
const char *http_req_body(const struct http_req *, size_t *len);
int	 http_req_fd(const struct http_req *);

/*
 * Answer: status, a JSON body; the connection closes after it when
 * 'close' is set (or the client asked, or the request was refused by the
 * transport).  Frees the request; a client that has gone meanwhile is
 * only forgotten.
 */
void	 http_reply(struct http_req *, int status, const char *json,
	    size_t len, int close);

#endif
