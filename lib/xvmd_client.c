/* xvmd's HTTP/JSON API from a client: one call, the reply, the error shape (docs/api.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/httpc.h"
#include "lib/json.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xvmd_client.h"

int
xvmd_call(const char *method, const char *uri, const char *body,
    size_t bodylen, int timeout_ms, int *status, yajl_val *reply,
    char **cause)
{
	struct buf	 out = BUF_INITIALIZER;
	const char	*msg;
	yajl_val	 doc = NULL;
	char		*sock, *why = NULL;
	int		 st, rc = -1;

	if (reply != NULL)
		*reply = NULL;
	if (status != NULL)
		*status = -1;
	if ((sock = xvm_path(XVM_XVMD_SOCK)) == NULL)
		return cause_printf(cause, "%s: %s", XVM_XVMD_SOCK,
		    strerror(errno));
	st = httpc_request(sock, method, uri, body, body != NULL ? bodylen : 0,
	    timeout_ms, &out, cause);
	free(sock);
	if (st == -1)
		goto out;
	if (status != NULL)
		*status = st;
	doc = json_parse(buf_data(&out), buf_len(&out), HTTPC_MAX_REPLY, &why);
	if (st / 100 != 2) {
		if ((msg = json_get_str(json_get(doc, "error"),
		    "message")) != NULL)
			cause_printf(cause, "%s", msg);
		else
			cause_printf(cause, "xvmd answered %d without an error "
			    "message", st);
		goto out;
	}
	if (doc == NULL) {
		cause_printf(cause, "xvmd sent a malformed reply: %s",
		    why != NULL ? why : "no document");
		goto out;
	}
	if (reply != NULL) {
		*reply = doc;
		doc = NULL;
	}
	rc = 0;
out:
	json_free(doc);
	free(why);
	buf_free(&out);
	return rc;
}

char *
xvmd_uri(const char *base, const char *name, const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		 nb = strlen(base), nn = strlen(name);
	size_t		 ns = strlen(suffix), i;
	unsigned char	 c;
	char		*uri, *p;

	if ((uri = malloc(nb + 3 * nn + ns + 1)) == NULL)
		return NULL;
	memcpy(uri, base, nb);
	p = uri + nb;
	for (i = 0; i < nn; i++) {
		c = (unsigned char)name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			*p++ = (char)c;
		else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	memcpy(p, suffix, ns + 1);
	return uri;
}
