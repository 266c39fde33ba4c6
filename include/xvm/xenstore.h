/* libxenstore: the client API of the store, with Xen's function names. */
#ifndef XVM_XENSTORE_H
#define XVM_XENSTORE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Every call returns a result or false/NULL with errno set: the errno
 * named by the daemon's error reply (ENOENT, EACCES, EAGAIN, ...), or a
 * local one (ECONNRESET when the daemon went away, ENOMEM).  The library
 * never exits and never prints.  Results are owned by the caller and
 * freed with one free() (arrays of strings included).
 *
 * A handle may be used from several threads; requests are serialized.
 * Once a watch is set, a reader thread queues events for
 * xs_read_watch(), and xs_fileno() becomes readable while any wait, and
 * for good once the connection is lost (xs_check_watch then fails with
 * its errno: the caller closes the handle and opens another).
 */
struct xs_handle;
typedef uint32_t xs_transaction_t;

#define XBT_NULL		((xs_transaction_t)0)

#define XS_OPEN_READONLY	(1UL << 0)	/* use socket_ro */
#define XS_OPEN_SOCKETONLY	(1UL << 1)	/* accepted; always a socket */

enum xs_perm_type {
	XS_PERM_NONE = 0,
	XS_PERM_READ = 1,
	XS_PERM_WRITE = 2,
	XS_PERM_ENOENT_OK = 4,
	XS_PERM_OWNER = 8
};

struct xs_permissions {
	unsigned int		id;
	enum xs_perm_type	perms;
};

/* Which string of xs_read_watch()'s result is what. */
#define XS_WATCH_PATH		0
#define XS_WATCH_TOKEN		1

/*
 * Connect to the daemon: $XENSTORED_PATH if set, else
 * $XVM_ROOT/run/xenstored/socket (socket_ro with XS_OPEN_READONLY), else
 * /run/xenstored/socket.  xs_open_path() names the socket itself.
 */
struct xs_handle *xs_open(unsigned long flags);
struct xs_handle *xs_open_path(const char *path, unsigned long flags);
void	 xs_close(struct xs_handle *);		/* NULL is fine */

/* Value of 'path' plus a NUL not counted in *len (len may be NULL). */
void	*xs_read(struct xs_handle *, xs_transaction_t, const char *path,
	    unsigned int *len);
bool	 xs_write(struct xs_handle *, xs_transaction_t, const char *path,
	    const void *data, unsigned int len);
bool	 xs_mkdir(struct xs_handle *, xs_transaction_t, const char *path);
bool	 xs_rm(struct xs_handle *, xs_transaction_t, const char *path);

/* Child names; one allocation holding the array and the strings. */
char	**xs_directory(struct xs_handle *, xs_transaction_t,
	    const char *path, unsigned int *num);

struct xs_permissions *xs_get_permissions(struct xs_handle *,
	    xs_transaction_t, const char *path, unsigned int *num);
bool	 xs_set_permissions(struct xs_handle *, xs_transaction_t,
	    const char *path, struct xs_permissions *perms, unsigned int num);

bool	 xs_watch(struct xs_handle *, const char *path, const char *token);
bool	 xs_unwatch(struct xs_handle *, const char *path, const char *token);
/* Readable while events wait; -1 with errno on failure. */
int	 xs_fileno(struct xs_handle *);
/*
 * The next event, blocking until one arrives: an array whose
 * [XS_WATCH_PATH] and [XS_WATCH_TOKEN] are set; *num = 2.
 */
char	**xs_read_watch(struct xs_handle *, unsigned int *num);
/* The same without blocking: NULL with EAGAIN when none waits. */
char	**xs_check_watch(struct xs_handle *);

xs_transaction_t xs_transaction_start(struct xs_handle *);
/* abort: discard.  Fails with EAGAIN when a commit conflicted: retry. */
bool	 xs_transaction_end(struct xs_handle *, xs_transaction_t, bool abort);

bool	 xs_introduce_domain(struct xs_handle *, unsigned int domid,
	    unsigned long mfn, unsigned int eventchn);
bool	 xs_release_domain(struct xs_handle *, unsigned int domid);
bool	 xs_resume_domain(struct xs_handle *, unsigned int domid);
bool	 xs_set_target(struct xs_handle *, unsigned int domid,
	    unsigned int target);
char	*xs_get_domain_path(struct xs_handle *, unsigned int domid);
bool	 xs_is_domain_introduced(struct xs_handle *, unsigned int domid);

/* CONTROL: the reply text (NUL-terminated), or NULL with errno. */
char	*xs_control_command(struct xs_handle *, const char *cmd,
	    const void *data, unsigned int len);

#endif
