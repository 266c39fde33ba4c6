/* xvmd's control socket: the HTTP server on run/xvm/xvmd.sock. */
#include <errno.h>
#include <unistd.h>

#include <event2/http.h>

#include "lib/log.h"
#include "lib/sock.h"
#include "xvmd/api.h"
#include "xvmd/control.h"
#include "xvmd/xvmd.h"

/* Requests idle longer than this are dropped (slow or stuck clients). */
#define CONTROL_TIMEOUT_SECS	300

int
control_listen(struct xvmd *xd, const char *path)
{
	int	 fd, saved;

	if ((fd = sock_listen_unix(path, 0600, 64)) == -1)
		return -1;
	if ((xd->http = evhttp_new(xd->base)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	/* Every method reaches the dispatcher, which answers in JSON. */
	evhttp_set_allowed_methods(xd->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT);
	evhttp_set_max_body_size(xd->http, API_MAX_BODY);
	evhttp_set_max_headers_size(xd->http, 16 * 1024);
	evhttp_set_timeout(xd->http, CONTROL_TIMEOUT_SECS);
	evhttp_set_gencb(xd->http, api_dispatch, xd);
	if (evhttp_accept_socket(xd->http, fd) == -1) {
		saved = errno;
		close(fd);
		evhttp_free(xd->http);
		xd->http = NULL;
		errno = saved;
		return -1;
	}
	log_info("%s: serving the API on %s", __func__, path);
	return 0;
}

void
control_close(struct xvmd *xd)
{
	if (xd->http != NULL)
		evhttp_free(xd->http);
	xd->http = NULL;
}
