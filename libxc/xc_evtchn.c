/* libxc: event-channel handles, each a privcmd connection plus a pollable fd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xenevtchn.h>

#include "libxc/xc_private.h"

xenevtchn_handle *
xenevtchn_open(void *logger, unsigned open_flags)
{
	xenevtchn_handle	*xce;
	int			 nfds = 1, saved;

	if (logger != NULL || open_flags != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((xce = calloc(1, sizeof(*xce))) == NULL)
		return NULL;
	xce->fd = -1;
	if (xc_conn_open(&xce->conn) == -1)
		goto fail;
	if (xc_call(&xce->conn, PRIVCMD_OP_EVTCHN_OPEN, NULL, 0, NULL, 0, NULL,
	    0, NULL, &xce->fd, &nfds) == -1)
		goto fail;
	if (nfds != 1) {
		errno = EPROTO;
		goto fail;
	}
	return xce;
fail:
	saved = errno;
	xc_conn_close(&xce->conn);
	free(xce);
	errno = saved;
	return NULL;
}

int
xenevtchn_close(xenevtchn_handle *xce)
{
	if (xce == NULL)
		return 0;
	/* Closing the connection unbinds every port of the handle. */
	xc_conn_close(&xce->conn);
	if (xce->fd != -1)
		close(xce->fd);
	free(xce);
	return 0;
}

int
xenevtchn_fd(xenevtchn_handle *xce)
{
	if (xce == NULL) {
		errno = EBADF;
		return -1;
	}
	return xce->fd;
}

static int
port_call(xenevtchn_handle *xce, uint32_t op, const void *req, size_t len)
{
	struct privcmd_evtchn_port	p;

	if (xce == NULL) {
		errno = EBADF;
		return -1;
	}
	if (xc_call(&xce->conn, op, req, len, NULL, 0, &p, sizeof(p), NULL,
	    NULL, NULL) == -1)
		return -1;
	return (int)p.port;
}

int
xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	struct privcmd_evtchn_port	p = { port, 0 };

	return port_call(xce, PRIVCMD_OP_EVTCHN_NOTIFY, &p, sizeof(p)) == -1 ?
	    -1 : 0;
}

xenevtchn_port_or_error_t
xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
	struct privcmd_evtchn_bind_unbound	b = { domid, 0 };

	return port_call(xce, PRIVCMD_OP_EVTCHN_BIND_UNBOUND, &b, sizeof(b));
}

xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
    evtchn_port_t remote_port)
{
	struct privcmd_evtchn_bind_interdomain	b = { domid, remote_port };

	return port_call(xce, PRIVCMD_OP_EVTCHN_BIND_INTERDOMAIN, &b,
	    sizeof(b));
}

xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
	struct privcmd_evtchn_bind_virq	b = { virq, 0 };

	return port_call(xce, PRIVCMD_OP_EVTCHN_BIND_VIRQ, &b, sizeof(b));
}

int
xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	struct privcmd_evtchn_port	p = { port, 0 };

	return port_call(xce, PRIVCMD_OP_EVTCHN_UNBIND, &p, sizeof(p)) == -1 ?
	    -1 : 0;
}

xenevtchn_port_or_error_t
xenevtchn_pending(xenevtchn_handle *xce)
{
	uint32_t	port;
	ssize_t		n;

	if (xce == NULL) {
		errno = EBADF;
		return -1;
	}
	do
		n = read(xce->fd, &port, sizeof(port));
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n != sizeof(port)) {
		errno = n == 0 ? EPIPE : EPROTO;
		return -1;
	}
	return (int)port;
}

int
xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	struct privcmd_evtchn_port	p = { port, 0 };

	return port_call(xce, PRIVCMD_OP_EVTCHN_UNMASK, &p, sizeof(p)) == -1 ?
	    -1 : 0;
}
