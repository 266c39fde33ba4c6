/* Unix-domain sockets: listening with stale-socket detection, peer credentials, fd passing. */
#ifndef XVM_LIB_SOCK_H
#define XVM_LIB_SOCK_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Listen on 'path' with permissions 'mode' (e.g. 0600).  A socket file
 * left by a dead daemon is removed; a live one gives EADDRINUSE.  Parent
 * directories are created (0755).  The fd is non-blocking and close-on-exec.
 * Returns the fd or -1 with errno.
 */
int	 sock_listen_unix(const char *path, mode_t mode, int backlog);

/* Connect (blocking, close-on-exec).  Returns the fd or -1 with errno. */
int	 sock_connect_unix(const char *path);

/* Credentials of the peer (SO_PEERCRED).  Returns 0 or -1 with errno. */
int	 sock_peercred(int fd, uid_t *uid, gid_t *gid, pid_t *pid);

/*
 * Nonzero when the peer is root or runs as our own uid: the rule for
 * privileged control sockets (root in production; the same user in tests).
 */
int	 sock_peer_trusted(int fd);

int	 fd_set_nonblock(int fd);
int	 fd_set_cloexec(int fd);

/* Write all of buf, retrying on EINTR/EAGAIN (poll).  0 or -1 with errno. */
int	 fd_write_all(int fd, const void *buf, size_t len);

/* Read exactly len bytes; -1 with errno (EPIPE at end of file). */
int	 fd_read_all(int fd, void *buf, size_t len);

#define SOCK_MAX_FDS	16

/*
 * Send buf plus up to SOCK_MAX_FDS descriptors (SCM_RIGHTS) in one
 * message.  Returns bytes sent or -1 with errno.
 */
ssize_t	 sock_send_fds(int fd, const void *buf, size_t len,
	    const int *fds, int nfds);

/*
 * Receive into buf; descriptors arrive in fds (close-on-exec) and their
 * count in *nfds (in: capacity, out: received).  If the sender passed
 * more than fit, every received descriptor is closed and the call fails
 * with EBADMSG.  Returns bytes read (0 at end of file) or -1 with errno.
 */
ssize_t	 sock_recv_fds(int fd, void *buf, size_t len, int *fds, int *nfds);

#endif
