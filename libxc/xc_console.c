/* libxc: the domains' emulated consoles (UART, SBI console): read output, write input, watch. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>

#include "libxc/xc_private.h"

struct xc_console_watch {
	struct xc_conn	conn;
	int		fd;		/* read end: u32 domids */
};

static int
console_read(struct xc_conn *conn, uint32_t domid, char *buf,
    unsigned int *len, uint64_t *pos, uint64_t *lost)
{
	struct privcmd_console_read		 rq;
	struct privcmd_console_read_reply	*rep;
	size_t					 got, size;
	int					 saved;

	if (buf == NULL || len == NULL || pos == NULL || *len >
	    PRIVCMD_MAX_PAYLOAD - sizeof(*rep)) {
		errno = EINVAL;
		return -1;
	}
	size = sizeof(*rep) + *len;
	if ((rep = malloc(size)) == NULL)
		return -1;
	memset(&rq, 0, sizeof(rq));
	rq.domid = domid;
	rq.max = *len;
	rq.pos = *pos;
	if (xc_call(conn, PRIVCMD_OP_CONSOLE_READ, &rq, sizeof(rq), NULL, 0,
	    rep, size, &got, NULL, NULL) == -1)
		goto fail;
	if (got < sizeof(*rep) || rep->len > *len ||
	    got != sizeof(*rep) + rep->len || rep->start < *pos) {
		errno = EPROTO;
		goto fail;
	}
	memcpy(buf, rep + 1, rep->len);
	if (lost != NULL)
		*lost = rep->start - *pos;
	*pos = rep->start + rep->len;
	*len = rep->len;
	free(rep);
	return 0;
fail:
	saved = errno;
	free(rep);
	errno = saved;
	return -1;
}

static int
console_write(struct xc_conn *conn, uint32_t domid, const char *buf,
    unsigned int len)
{
	struct privcmd_console_write		w = { domid, len };
	struct privcmd_console_write_reply	rep;

	if ((buf == NULL && len > 0) ||
	    len > PRIVCMD_MAX_PAYLOAD - sizeof(w)) {
		errno = EINVAL;
		return -1;
	}
	if (xc_call(conn, PRIVCMD_OP_CONSOLE_WRITE, &w, sizeof(w), buf, len,
	    &rep, sizeof(rep), NULL, NULL, NULL) == -1)
		return -1;
	return (int)rep.written;
}

int
xc_domain_console_read(xc_interface *xch, uint32_t domid, char *buf,
    unsigned int *len, uint64_t *pos, uint64_t *lost)
{
	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	return console_read(&xch->conn, domid, buf, len, pos, lost);
}

int
xc_domain_console_write(xc_interface *xch, uint32_t domid, const char *buf,
    unsigned int len)
{
	if (xch == NULL) {
		errno = EBADF;
		return -1;
	}
	return console_write(&xch->conn, domid, buf, len);
}

xc_console_watch *
xc_console_watch_open(void)
{
	xc_console_watch	*w;
	int			 nfds = 1, saved;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->fd = -1;
	if (xc_conn_open(&w->conn) == -1)
		goto fail;
	if (xc_call(&w->conn, PRIVCMD_OP_CONSOLE_WATCH, NULL, 0, NULL, 0, NULL,
	    0, NULL, &w->fd, &nfds) == -1)
		goto fail;
	if (nfds != 1 || fcntl(w->fd, F_SETFL, O_NONBLOCK) == -1) {
		errno = EPROTO;
		goto fail;
	}
	return w;
fail:
	saved = errno;
	if (w->fd != -1)
		close(w->fd);
	xc_conn_close(&w->conn);
	free(w);
	errno = saved;
	return NULL;
}

void
xc_console_watch_close(xc_console_watch *w)
{
	if (w == NULL)
		return;
	xc_conn_close(&w->conn);
	if (w->fd != -1)
		close(w->fd);
	free(w);
}

int
xc_console_watch_fd(xc_console_watch *w)
{
	if (w == NULL) {
		errno = EBADF;
		return -1;
	}
	return w->fd;
}

int
xc_console_watch_next(xc_console_watch *w, uint32_t *domid)
{
	ssize_t	n;

	if (w == NULL || domid == NULL) {
		errno = EBADF;
		return -1;
	}
	/* The daemon writes whole u32s and a pipe keeps them whole. */
	while ((n = read(w->fd, domid, sizeof(*domid))) == -1 &&
	    errno == EINTR)
		;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n == -1)
		return -1;
	if (n != sizeof(*domid)) {
		errno = n == 0 ? ECONNRESET : EPROTO;
		return -1;
	}
	return 1;
}

int
xc_console_watch_read(xc_console_watch *w, uint32_t domid, char *buf,
    unsigned int *len, uint64_t *pos, uint64_t *lost)
{
	if (w == NULL) {
		errno = EBADF;
		return -1;
	}
	return console_read(&w->conn, domid, buf, len, pos, lost);
}

int
xc_console_watch_write(xc_console_watch *w, uint32_t domid, const char *buf,
    unsigned int len)
{
	if (w == NULL) {
		errno = EBADF;
		return -1;
	}
	return console_write(&w->conn, domid, buf, len);
}
