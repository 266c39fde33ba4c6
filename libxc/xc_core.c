/* libxc transport: privcmd connections, requests, replies with descriptors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xenctrl.h>

#include "lib/paths.h"
#include "lib/sock.h"
#include "libxc/xc_private.h"

int
xc_conn_open(struct xc_conn *c)
{
	struct privcmd_hello	h = { PRIVCMD_VERSION, 0 };
	char			path[4096];
	const char		*env;
	int			saved, n;

	c->seq = 0;
	c->fd = -1;
	/*
	 * The root a program set up with xvm_paths_init(); a program that did
	 * not (a plain libxc user) still honours $XVM_ROOT.
	 */
	env = getenv("XVM_ROOT");
	if (xvm_root()[0] == '\0' && env != NULL && env[0] != '\0') {
		n = snprintf(path, sizeof(path), "%s/%s", env, XVM_PRIVCMD_SOCK);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
	} else if (xvm_path_buf(path, sizeof(path), XVM_PRIVCMD_SOCK) == -1)
		return -1;
	if ((c->fd = sock_connect_unix(path)) == -1)
		return -1;
	pthread_mutex_init(&c->lock, NULL);
	if (xc_call(c, PRIVCMD_OP_HELLO, &h, sizeof(h), NULL, 0, &h, sizeof(h),
	    NULL, NULL, NULL) == -1) {
		saved = errno;
		xc_conn_close(c);
		errno = saved;
		return -1;
	}
	return 0;
}

void
xc_conn_close(struct xc_conn *c)
{
	if (c->fd != -1) {
		close(c->fd);
		pthread_mutex_destroy(&c->lock);
	}
	c->fd = -1;
}

static int
send_request(struct xc_conn *c, uint32_t op, const void *req, size_t reqlen,
    const void *extra, size_t extralen)
{
	struct privcmd_hdr	 h;
	struct iovec		 iov[3];
	struct msghdr		 msg;
	ssize_t			 n;
	size_t			 total, done = 0;
	int			 i;

	if (reqlen + extralen > PRIVCMD_MAX_PAYLOAD) {
		errno = EMSGSIZE;
		return -1;
	}
	h.op = op;
	h.len = (uint32_t)(reqlen + extralen);
	h.seq = ++c->seq;
	h.status = 0;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)req;
	iov[1].iov_len = reqlen;
	iov[2].iov_base = (void *)(uintptr_t)extra;
	iov[2].iov_len = extralen;
	total = sizeof(h) + reqlen + extralen;
	while (done < total) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = 3;
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
		/* Advance the iovecs past what went. */
		for (i = 0; i < 3 && n > 0; i++) {
			size_t k = (size_t)n < iov[i].iov_len ?
			    (size_t)n : iov[i].iov_len;

			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= k;
			n -= (ssize_t)k;
		}
	}
	return 0;
}

static void
close_all(int *fds, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

int
xc_call(struct xc_conn *c, uint32_t op, const void *req, size_t reqlen,
    const void *extra, size_t extralen, void *rep, size_t replen,
    size_t *got, int *fds, int *nfds)
{
	struct privcmd_hdr	 h;
	int			 rfds[SOCK_MAX_FDS], rn = SOCK_MAX_FDS;
	size_t			 have = 0, keep;
	ssize_t			 n;
	char			 sink[512];
	int			 rc = -1, err = 0;

	if (c == NULL || c->fd == -1) {
		errno = EBADF;
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	if (send_request(c, op, req, reqlen, extra, extralen) == -1) {
		err = errno;
		goto out;
	}
	/* The descriptors ride on the reply's first byte. */
	n = sock_recv_fds(c->fd, &h, sizeof(h), rfds, &rn);
	if (n <= 0) {
		err = n == 0 ? EPIPE : errno;
		goto out;
	}
	have = (size_t)n;
	if (have < sizeof(h) &&
	    fd_read_all(c->fd, (char *)&h + have, sizeof(h) - have) == -1) {
		err = errno;
		close_all(rfds, rn);
		goto out;
	}
	if (h.seq != c->seq || h.op != op || h.len > PRIVCMD_MAX_PAYLOAD) {
		/* Out of step: the connection is of no further use. */
		close_all(rfds, rn);
		close(c->fd);
		c->fd = -1;
		err = EPROTO;
		goto out;
	}
	keep = h.len < replen ? h.len : replen;
	if (keep > 0 && fd_read_all(c->fd, rep, keep) == -1) {
		err = errno;
		close_all(rfds, rn);
		goto out;
	}
	for (have = keep; have < h.len; have += sizeof(sink) > h.len - have ?
	    h.len - have : sizeof(sink))
		if (fd_read_all(c->fd, sink, sizeof(sink) > h.len - have ?
		    h.len - have : sizeof(sink)) == -1) {
			err = errno;
			close_all(rfds, rn);
			goto out;
		}
	if (got != NULL)
		*got = keep;
	if (h.status != 0 || h.len > replen) {
		err = h.status > 0 ? h.status : h.status < 0 ? EPROTO : EMSGSIZE;
		close_all(rfds, rn);
		if (nfds != NULL)
			*nfds = 0;
		goto out;
	}
	if (nfds != NULL) {
		int i, want = *nfds;

		for (i = 0; i < rn; i++) {
			if (i < want)
				fds[i] = rfds[i];
			else
				close(rfds[i]);
		}
		*nfds = rn < want ? rn : want;
	} else
		close_all(rfds, rn);
	rc = 0;
out:
	pthread_mutex_unlock(&c->lock);
	if (rc == -1)
		errno = err;
	return rc;
}

xc_interface *
xc_interface_open(void *logger, void *dombuild_logger, unsigned open_flags)
{
	xc_interface	*xch;
	int		 saved;

	if (logger != NULL || dombuild_logger != NULL || open_flags != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((xch = calloc(1, sizeof(*xch))) == NULL)
		return NULL;
	if (xc_conn_open(&xch->conn) == -1) {
		saved = errno;
		free(xch);
		errno = saved;
		return NULL;
	}
	return xch;
}

int
xc_interface_close(xc_interface *xch)
{
	if (xch == NULL)
		return 0;
	xc_conn_close(&xch->conn);
	free(xch);
	return 0;
}
