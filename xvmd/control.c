/* xvmd's control socket: the HTTP server (http.c) on run/xvm/xvmd.sock. */
#include <errno.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/sock.h"
#include "xvmd/api.h"
#include "xvmd/control.h"
#include "xvmd/http.h"
#include "xvmd/xvmd.h"

/* Connections idle longer than this are dropped (slow or stuck clients). */
#define CONTROL_TIMEOUT_SECS	300

int
control_listen(struct xvmd *xd, const char *path)
{
	const struct http_handlers h = {
		.on_request = api_dispatch,
		.on_error = api_http_error,
		.arg = xd,
	};
	int	 fd;

	if ((fd = sock_listen_unix(path, 0600, 64)) == -1)
		return -1;
	xd->http = http_server_new(xd->base, fd, API_MAX_BODY,
	    CONTROL_TIMEOUT_SECS, &h);
	log_info("%s: serving the API on %s", __func__, path);
	return 0;
}

void
control_close(struct xvmd *xd)
{
	http_server_free(xd->http);
	xd->http = NULL;
}
