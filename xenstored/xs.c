/* libxenstore: the connection, the reader thread and watches (requests: xs_ops.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <xvm/xenstore.h>
#include <xvm/xs_wire.h>

#include "xenstored/xs_internal.h"

/*
 * Requests are sent and answered one at a time (req_mtx).  Until a watch
 * is set the caller's thread reads its own reply; from then on a reader
 * thread owns the socket, hands replies over through 'reply' and queues
 * watch events, writing one byte per queued event to a pipe whose read
 * end is xs_fileno().  No allocation here may exit: failures are ENOMEM.
 */
struct xs_msg {
	struct xs_msg		*next;
	struct xsd_sockmsg	 hdr;
	char			*body;		/* hdr.len bytes + NUL */
};

struct xs_handle {
	int			 fd;
	pthread_mutex_t		 req_mtx;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	pthread_t		 reader;
	int			 reader_on;
	int			 dead;		/* errno once the socket failed */
	struct xs_msg		*reply;
	struct xs_msg		*ev_head, *ev_tail;
	int			 pipe[2];
	uint32_t		 req_id;
};

XEN_ERRNO_IS_HOST_ERRNO;	/* XS_ERROR names our errno values */

/* The errno an XS_ERROR reply names; EINVAL for a name we do not know. */
static int
err_from_name(const char *s)
{
	int	 err = xsd_errnum(s);

	return err != 0 ? err : EINVAL;
}

static void
msg_free(struct xs_msg *m)
{
	if (m != NULL) {
		free(m->body);
		free(m);
	}
}

struct xs_handle *
xs_open_path(const char *path, unsigned long flags)
{
	struct xs_handle	*h;
	struct sockaddr_un	 sun;
	int			 saved;

	(void)flags;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->pipe[0] = h->pipe[1] = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	if (connect(h->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		goto fail;
	pthread_mutex_init(&h->req_mtx, NULL);
	pthread_mutex_init(&h->mtx, NULL);
	pthread_cond_init(&h->cond, NULL);
	return h;
fail:
	saved = errno;
	if (h->fd != -1)
		close(h->fd);
	free(h);
	errno = saved;
	return NULL;
}

struct xs_handle *
xs_open(unsigned long flags)
{
	char		 path[PATH_MAX];
	const char	*env, *root;
	int		 n;

	if ((env = getenv("XENSTORED_PATH")) != NULL && *env != '\0')
		return xs_open_path(env, flags);
	root = getenv("XVM_ROOT");
	n = snprintf(path, sizeof(path), "%s/run/xenstored/%s",
	    root != NULL ? root : "",
	    (flags & XS_OPEN_READONLY) ? "socket_ro" : "socket");
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return xs_open_path(path, flags);
}

static int
read_full(int fd, void *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

static struct xs_msg *
read_msg(int fd)
{
	struct xs_msg	*m;
	int		 saved;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (read_full(fd, &m->hdr, sizeof(m->hdr)) == -1)
		goto fail;
	if (m->hdr.len > XENSTORE_PAYLOAD_MAX) {
		errno = EPROTO;
		goto fail;
	}
	if ((m->body = malloc(m->hdr.len + 1)) == NULL ||
	    read_full(fd, m->body, m->hdr.len) == -1)
		goto fail;
	m->body[m->hdr.len] = '\0';
	return m;
fail:
	saved = errno;
	msg_free(m);
	errno = saved;
	return NULL;
}

/* Caller holds h->mtx. */
static void
queue_event(struct xs_handle *h, struct xs_msg *m)
{
	char	 c = 0;

	if (h->ev_tail != NULL)
		h->ev_tail->next = m;
	else
		h->ev_head = m;
	h->ev_tail = m;
	if (h->pipe[1] != -1)
		(void)!write(h->pipe[1], &c, 1);
	pthread_cond_broadcast(&h->cond);
}

static void *
reader_main(void *arg)
{
	struct xs_handle	*h = arg;
	struct xs_msg		*m;

	for (;;) {
		m = read_msg(h->fd);
		pthread_mutex_lock(&h->mtx);
		if (m == NULL) {
			h->dead = errno ? errno : ECONNRESET;
			/* xs_fileno() turns readable: an event loop sees
			 * the end (xs_check_watch then fails with it). */
			if (h->pipe[1] != -1)
				(void)!write(h->pipe[1], "", 1);
			pthread_cond_broadcast(&h->cond);
			pthread_mutex_unlock(&h->mtx);
			return NULL;
		}
		if (m->hdr.type == XS_WATCH_EVENT)
			queue_event(h, m);
		else {
			msg_free(h->reply);
			h->reply = m;
			pthread_cond_broadcast(&h->cond);
		}
		pthread_mutex_unlock(&h->mtx);
	}
}

/* Caller holds req_mtx. */
static int
start_reader(struct xs_handle *h)
{
	int	 err;

	if (h->reader_on)
		return 0;
	if ((err = pthread_create(&h->reader, NULL, reader_main, h)) != 0) {
		errno = err;
		return -1;
	}
	h->reader_on = 1;
	return 0;
}

/*
 * Send one request made of 'n' pieces and wait for its reply.  Returns
 * the reply body (caller frees; NUL-terminated), its length in *lenp, or
 * NULL with errno.
 */
char *
xsi_talk(struct xs_handle *h, xs_transaction_t t, uint32_t type,
    const struct iovec *iov, int n, unsigned int *lenp)
{
	struct xsd_sockmsg	 hdr;
	struct xs_msg		*m = NULL;
	char			 buf[sizeof(hdr) + XENSTORE_PAYLOAD_MAX], *body;
	size_t			 len = 0;
	int			 i, err = 0;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len > XENSTORE_PAYLOAD_MAX) {
		errno = E2BIG;
		return NULL;
	}
	pthread_mutex_lock(&h->req_mtx);
	hdr.type = type;
	hdr.req_id = ++h->req_id;
	hdr.tx_id = t;
	hdr.len = (uint32_t)len;
	memcpy(buf, &hdr, sizeof(hdr));
	for (len = sizeof(hdr), i = 0; i < n; i++) {
		memcpy(buf + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	pthread_mutex_lock(&h->mtx);
	err = h->dead;
	pthread_mutex_unlock(&h->mtx);
	if (err == 0 && send(h->fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		err = errno ? errno : EIO;
	while (err == 0 && m == NULL) {
		if (h->reader_on) {
			pthread_mutex_lock(&h->mtx);
			while (h->reply == NULL && h->dead == 0)
				pthread_cond_wait(&h->cond, &h->mtx);
			m = h->reply;
			h->reply = NULL;
			if (m == NULL)
				err = h->dead;
			pthread_mutex_unlock(&h->mtx);
		} else if ((m = read_msg(h->fd)) == NULL) {
			err = errno ? errno : EIO;
		} else if (m->hdr.type == XS_WATCH_EVENT) {
			pthread_mutex_lock(&h->mtx);
			queue_event(h, m);
			pthread_mutex_unlock(&h->mtx);
			m = NULL;
		}
	}
	pthread_mutex_unlock(&h->req_mtx);
	if (err != 0) {
		errno = err;
		return NULL;
	}
	if (m->hdr.type == XS_ERROR) {
		err = err_from_name(m->body);
		msg_free(m);
		errno = err;
		return NULL;
	}
	if (m->hdr.type != type) {
		msg_free(m);
		errno = EPROTO;
		return NULL;
	}
	body = m->body;
	if (lenp != NULL)
		*lenp = m->hdr.len;
	free(m);
	return body;
}

static bool
watch_op(struct xs_handle *h, uint32_t type, const char *path,
    const char *token)
{
	struct iovec	 iov[2] = {
		{ (void *)(uintptr_t)path, strlen(path) + 1 },
		{ (void *)(uintptr_t)token, strlen(token) + 1 },
	};

	return xsi_talk_bool(xsi_talk(h, XBT_NULL, type, iov, 2, NULL));
}

bool
xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	int	 rc;

	pthread_mutex_lock(&h->req_mtx);
	rc = start_reader(h);
	pthread_mutex_unlock(&h->req_mtx);
	if (rc == -1)
		return false;
	return watch_op(h, XS_WATCH, path, token);
}

bool
xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	return watch_op(h, XS_UNWATCH, path, token);
}

int
xs_fileno(struct xs_handle *h)
{
	struct xs_msg	*m;
	char		 c = 0;
	int		 rc = 0;

	pthread_mutex_lock(&h->req_mtx);
	pthread_mutex_lock(&h->mtx);
	if (h->pipe[0] == -1) {
		if (pipe2(h->pipe, O_CLOEXEC) == -1)
			rc = -1;
		else {
			(void)fcntl(h->pipe[0], F_SETFL, O_NONBLOCK);
			for (m = h->ev_head; m != NULL; m = m->next)
				(void)!write(h->pipe[1], &c, 1);
			if (h->dead)
				(void)!write(h->pipe[1], &c, 1);
		}
	}
	pthread_mutex_unlock(&h->mtx);
	if (rc == 0)
		rc = start_reader(h);
	pthread_mutex_unlock(&h->req_mtx);
	return rc == -1 ? -1 : h->pipe[0];
}

static char **
take_event(struct xs_handle *h, unsigned int *num)
{
	struct xs_msg	*m = h->ev_head;
	char		 c;
	char		**v;
	unsigned int	 n;

	if ((h->ev_head = m->next) == NULL)
		h->ev_tail = NULL;
	if (h->pipe[0] != -1)
		(void)!read(h->pipe[0], &c, 1);
	v = xsi_split(m->body, m->hdr.len, &n);
	free(m);
	if (v != NULL && n < 2) {
		free(v);
		errno = EPROTO;
		return NULL;
	}
	if (v != NULL && num != NULL)
		*num = 2;
	return v;
}

char **
xs_read_watch(struct xs_handle *h, unsigned int *num)
{
	char	**v = NULL;
	int	 rc;

	pthread_mutex_lock(&h->req_mtx);
	rc = start_reader(h);
	pthread_mutex_unlock(&h->req_mtx);
	if (rc == -1)
		return NULL;
	pthread_mutex_lock(&h->mtx);
	while (h->ev_head == NULL && h->dead == 0)
		pthread_cond_wait(&h->cond, &h->mtx);
	if (h->ev_head != NULL)
		v = take_event(h, num);
	else
		errno = h->dead;
	pthread_mutex_unlock(&h->mtx);
	return v;
}

char **
xs_check_watch(struct xs_handle *h)
{
	char	**v = NULL;

	pthread_mutex_lock(&h->mtx);
	if (h->ev_head != NULL)
		v = take_event(h, NULL);
	else
		errno = h->dead ? h->dead : EAGAIN;
	pthread_mutex_unlock(&h->mtx);
	return v;
}

void
xs_close(struct xs_handle *h)
{
	struct xs_msg	*m;

	if (h == NULL)
		return;
	shutdown(h->fd, SHUT_RDWR);
	if (h->reader_on)
		pthread_join(h->reader, NULL);
	close(h->fd);
	while ((m = h->ev_head) != NULL) {
		h->ev_head = m->next;
		msg_free(m);
	}
	msg_free(h->reply);
	if (h->pipe[0] != -1) {
		close(h->pipe[0]);
		close(h->pipe[1]);
	}
	pthread_mutex_destroy(&h->req_mtx);
	pthread_mutex_destroy(&h->mtx);
	pthread_cond_destroy(&h->cond);
	free(h);
}
