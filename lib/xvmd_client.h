/* xvmd's HTTP/JSON API from a client: one call, the reply, the error shape (docs/api.md). */
#ifndef XVM_LIB_XVMD_CLIENT_H
#define XVM_LIB_XVMD_CLIENT_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

/*
 * One request to xvmd on <root>/run/xvm/xvmd.sock: METHOD URI with an
 * optional JSON body, waiting up to timeout_ms (0 = forever).
 *
 * Returns 0 on a 2xx answer, with *reply the parsed document (owned by the
 * caller: json_free; reply may be NULL when the body is not wanted).
 * Returns -1 with *cause (owned by the caller) otherwise, *status telling
 * which: -1 when xvmd was not reached or its answer was not HTTP (the
 * socket is missing, refused, closed early, the time ran out); the HTTP
 * status when xvmd refused, *cause then being the message of its error
 * object ({"error": {"message": ...}}); a 2xx status when the body of a
 * success was not JSON.  status may be NULL.
 */
int	 xvmd_call(const char *method, const char *uri, const char *body,
	    size_t bodylen, int timeout_ms, int *status, yajl_val *reply,
	    char **cause);

/*
 * base + name + suffix with the name percent-encoded (RFC 3986: all but
 * letters, digits and -._~), so a domain called "a/b?c" is one path
 * segment: xvmd_uri("/domains/", name, "/start").  Owned by the caller;
 * NULL with ENOMEM.
 */
char	*xvmd_uri(const char *base, const char *name, const char *suffix);

#endif
