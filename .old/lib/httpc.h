/* A small blocking HTTP/1.1 client over a Unix socket, for tools talking to xvmd. */
#ifndef XVM_LIB_HTTPC_H
#define XVM_LIB_HTTPC_H

#include <stddef.h>

struct buf;

#define HTTPC_MAX_REPLY	(16 * 1024 * 1024)

/*
 * Send one request ("GET", "/domains", optional JSON body) to the server
 * on the Unix socket 'path' and wait up to timeout_ms (0 = forever) for
 * the whole reply.  On success returns the HTTP status and appends the
 * reply body to 'reply'.  On failure returns -1 with *cause (owned by the
 * caller): the socket is missing or refused, the peer closed early, the
 * reply is malformed or too large, or the time ran out.
 */
int	 httpc_request(const char *path, const char *method, const char *uri,
	    const char *body, size_t bodylen, int timeout_ms, struct buf *reply,
	    char **cause);

#endif
