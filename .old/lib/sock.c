/* Unix-domain sockets: listening with stale-socket detection, peer credentials, fd passing. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lib/sock.h"
#include "lib/str.h"

static int
fill_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return str_copy(sun->sun_path, path, sizeof(sun->sun_path));
}

int
fd_set_nonblock(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int
fd_set_cloexec(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFD)) == -1)
		return -1;
	return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

int
sock_connect_unix(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, saved;

	if (fill_addr(&sun, path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Remove 'path' if it is a socket nobody listens on; EADDRINUSE if live. */
static int
clear_stale(const char *path)
{
	struct stat	 st;
	int		 fd;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = sock_connect_unix(path)) != -1) {
		close(fd);
		errno = EADDRINUSE;
		return -1;
	}
	if (errno != ECONNREFUSED && errno != ENOENT)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
sock_listen_unix(const char *path, mode_t mode, int backlog)
{
	struct sockaddr_un	 sun;
	char			*dir, *slash;
	int			 fd = -1, saved;
	mode_t			 old;

	if (fill_addr(&sun, path) == -1)
		return -1;
	if ((dir = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (xvm_mkdirs(dir, 0755) == -1) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	if (clear_stale(path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	/* Never let the socket exist, even briefly, with looser permissions. */
	old = umask(~mode & 0777);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(path, mode) == -1 || listen(fd, backlog) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
sock_peercred(int fd, uid_t *uid, gid_t *gid, pid_t *pid)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return -1;
	if (uid != NULL)
		*uid = cr.uid;
	if (gid != NULL)
		*gid = cr.gid;
	if (pid != NULL)
		*pid = cr.pid;
	return 0;
}

int
sock_peer_trusted(int fd)
{
	uid_t	 uid;

	if (sock_peercred(fd, &uid, NULL, NULL) == -1)
		return 0;
	return uid == 0 || uid == geteuid();
}

static int
wait_fd(int fd, short events)
{
	struct pollfd	 pfd = { .fd = fd, .events = events };

	return poll(&pfd, 1, -1) == -1 && errno != EINTR ? -1 : 0;
}

int
fd_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && wait_fd(fd, POLLOUT) == 0)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fd_read_all(int fd, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		if ((n = read(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && wait_fd(fd, POLLIN) == 0)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EPIPE;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t
sock_send_fds(int fd, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * SOCK_MAX_FDS)];
	} cmsgbuf;
	struct iovec	 iov = { .iov_base = (void *)(uintptr_t)buf,
			    .iov_len = len };
	struct msghdr	 msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr	*cmsg;
	ssize_t		 n;

	if (nfds < 0 || nfds > SOCK_MAX_FDS || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (nfds > 0) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * (size_t)nfds);
	}
	do {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
sock_recv_fds(int fd, void *buf, size_t len, int *fds, int *nfds)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * SOCK_MAX_FDS)];
	} cmsgbuf;
	struct iovec	 iov = { .iov_base = buf, .iov_len = len };
	struct msghdr	 msg = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cmsgbuf.buf,
			    .msg_controllen = sizeof(cmsgbuf.buf) };
	struct cmsghdr	*cmsg;
	int		 cap = *nfds, got = 0, extra = 0, i, *p;
	ssize_t		 n;

	*nfds = 0;
	do {
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		p = (int *)(void *)CMSG_DATA(cmsg);
		for (i = 0; i < (int)((cmsg->cmsg_len - CMSG_LEN(0)) /
		    sizeof(int)); i++) {
			if (got < cap)
				fds[got++] = p[i];
			else {
				close(p[i]);
				extra = 1;
			}
		}
	}
	if ((msg.msg_flags & MSG_CTRUNC) || extra) {
		for (i = 0; i < got; i++)
			close(fds[i]);
		errno = EBADMSG;
		return -1;
	}
	*nfds = got;
	return n;
}
