/* The --root / XVM_ROOT resolver: where run/, var/ and etc/ live. */
#ifndef XVM_LIB_PATHS_H
#define XVM_LIB_PATHS_H

#include <sys/types.h>

/* Well-known locations, relative to the root (DESIGN.md §2, §10). */
#define XVM_RUN_DIR		"run/xvm"
#define XVM_PRIVCMD_SOCK	"run/xvm/privcmd"
#define XVM_XVMD_SOCK		"run/xvm/xvmd.sock"
#define XVM_CONSOLED_SOCK	"run/xvm/consoled.sock"
#define XVM_VIRT_SOCK		"run/libvirt/virtxend-sock"	/* libvirt */
#define XVM_VIRT_SOCK_RO	"run/libvirt/virtxend-sock-ro"
#define XVM_XENSTORED_DIR	"run/xenstored"
#define XVM_XENSTORED_SOCK	"run/xenstored/socket"
#define XVM_XENSTORED_SOCK_RO	"run/xenstored/socket_ro"
#define XVM_LIB_DIR		"var/lib/xvm"
#define XVM_LOG_DIR		"var/log/xvm"
#define XVM_ETC_DIR		"etc/xvm"
#define XVM_SVC_LOG_DIR		"var/svc/log"
#define XVM_SVC_DIR		"etc/svc"

/*
 * Choose the root: 'root' (from --root) if not NULL, else $XVM_ROOT if set
 * and not empty, else none (the system paths /run, /var/lib/xvm, ...).  A
 * relative root is made absolute against the current directory.  The root
 * directory itself is created if missing.  A root in force is exported as
 * $XVM_ROOT (absolute), so that libxenstore, which finds the store's
 * socket by $XVM_ROOT, and child programs use it too.  Returns 0 or -1
 * with errno.
 */
int	 xvm_paths_init(const char *root);

/* The root in force, or "" for the system paths (borrowed). */
const char *xvm_root(void);

/*
 * "<root>/<rel>" (or "/<rel>" without a root), owned by the caller; NULL
 * with ENOMEM or ENAMETOOLONG.  rel must not start with '/'.
 */
char	*xvm_path(const char *rel);

/* The same into a caller's buffer; -1 with ENAMETOOLONG if it won't fit. */
int	 xvm_path_buf(char *buf, size_t size, const char *rel);

/* mkdir -p: create path and its missing parents with 'mode'. */
int	 xvm_mkdirs(const char *path, mode_t mode);

#endif
