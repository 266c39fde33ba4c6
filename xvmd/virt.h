/*
 * xvmd's libvirt front-end: libvirt's remote RPC protocol (program
 * 0x20008086, XDR) on run/libvirt/virtxend-sock and virtxend-sock-ro, so
 * that unmodified virsh, virt-install, virt-manager and libvirt-python
 * manage the host (docs/libvirt.md).  It decodes calls and answers them
 * through the same domain operations as the HTTP API (domops.h).
 *
 * virt_server.c: sockets, connections, framing, the dispatch prologue,
 *	replies, errors, deferred replies;
 * virt_conn.c: connection-level procedures (open, version, host, events);
 * virt_dom.c, virt_domctl.c: domain procedures;
 * virt_xml.c, virt_xmlout.c: domain XML <-> xm config;
 * virt_pool.c: storage pools (directories) and volumes;
 * virt_stream.c: OPEN_CONSOLE streams through xvm-consoled;
 * virt_event.c: lifecycle events;
 * virt_migrate.c: migration (v3 with params) and the job procedures.
 */
#ifndef XVM_XVMD_VIRT_H
#define XVM_XVMD_VIRT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/queue.h"
#include "xvmd/virt_xdr.h"

struct bufferevent;
struct evloop_listener;
struct vm;
struct xvmd;

#define VIRT_PROGRAM		0x20008086u
#define VIRT_PROTOCOL_VERSION	1
#define VIRT_KEEPALIVE_PROGRAM	0x6b656570u
#define VIRT_MESSAGE_MAX	(32u * 1024 * 1024)	/* whole message */
#define VIRT_HEADER_LEN		28			/* length + header */

enum virt_type { VT_CALL, VT_REPLY, VT_MESSAGE, VT_STREAM };
enum virt_status { VS_OK, VS_ERROR, VS_CONTINUE };

/* libvirt's error codes and domains (virterror.h) that we send. */
enum {
	VIR_ERR_INTERNAL_ERROR = 1,
	VIR_ERR_NO_SUPPORT = 3,
	VIR_ERR_INVALID_ARG = 8,
	VIR_ERR_OPERATION_FAILED = 9,
	VIR_ERR_XML_ERROR = 27,
	VIR_ERR_DOM_EXIST = 28,
	VIR_ERR_OPERATION_DENIED = 29,
	VIR_ERR_RPC = 39,
	VIR_ERR_NO_DOMAIN = 42,
	VIR_ERR_NO_STORAGE_POOL = 49,
	VIR_ERR_NO_STORAGE_VOL = 50,
	VIR_ERR_OPERATION_INVALID = 55,
	VIR_ERR_CONFIG_UNSUPPORTED = 67,
	VIR_ERR_ARGUMENT_UNSUPPORTED = 74,
	VIR_ERR_AUTH_FAILED = 45,
};
enum {
	VIR_FROM_XEN = 1,
	VIR_FROM_RPC = 7,
	VIR_FROM_STORAGE = 18,
};

/* virDomainState */
enum {
	VIR_DOMAIN_NOSTATE, VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED,
	VIR_DOMAIN_PAUSED, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTOFF,
	VIR_DOMAIN_CRASHED,
};

struct virt_stream;
struct virt_later;

/* One client connection. */
struct virt_conn {
	TAILQ_ENTRY(virt_conn)	 entry;
	struct virt_server	*vs;
	struct bufferevent	*bev;
	int			 readonly;	/* the -ro socket, or opened RO */
	int			 opened;	/* CONNECT_OPEN done */
	int			 closing;	/* drop after the output drains */
	/* Lifecycle event callbacks: id > 0; legacy = no callbackID. */
	struct virt_cb {
		int32_t		 id;
		int		 legacy;
		int		 has_dom;
		uint8_t		 uuid[16];
	}			*cbs;
	size_t			 ncbs;
	LIST_HEAD(, virt_stream) streams;
	LIST_HEAD(, virt_later)	 laters;
};
TAILQ_HEAD(virt_connq, virt_conn);

/* One call being served. */
struct virt_call {
	struct virt_conn	*conn;
	struct xvmd		*xd;
	uint32_t		 proc;
	uint32_t		 serial;
	struct xdr_in		*in;		/* the arguments */
	struct buf		*out;		/* the reply body */
	/* With P_DOM: the domain of the first argument. */
	struct vm		*vm;		/* NULL for Domain-0 */
	int			 dom0;
	/* An error: code != 0. */
	int			 code;
	int			 domain;
	char			*message;
	int			 later;		/* answered by virt_later_* */
};

/* Per-procedure flags of the dispatch table. */
enum {
	P_OPEN = 0x1,		/* allowed before CONNECT_OPEN */
	P_DOM = 0x2,		/* first argument is a remote_nonnull_domain */
	P_WRITE = 0x4,		/* refused on a read-only connection */
	P_NOT_DOM0 = 0x8,	/* refused for Domain-0 */
};

typedef int (*virt_fn)(struct virt_call *);

struct virt_proc {
	const char	*name;
	virt_fn		 fn;
	int		 flags;
};

/* The hypervisor's view of a vm (1 if it runs), and libvirt's state. */
struct xc_domaininfo;
int	 virt_vm_info(struct xvmd *, const struct vm *, struct xc_domaininfo *);
int	 virt_state(const struct xc_domaininfo *, int running);

struct virt_server {
	struct xvmd		*xd;
	struct evloop_listener	*rw, *ro;
	char			*rw_path, *ro_path;
	struct virt_connq	 conns;
	int32_t			 next_cb;	/* callback ids */
	struct virt_snap	*snap;		/* virt_event.c */
	size_t			 nsnap;
	int			 snap_valid;
};

/*
 * Start serving on the two sockets (created 0600 and 0666); -1 with errno.
 * virt_stop closes every connection and the sockets.
 */
int	 virt_start(struct xvmd *, const char *rw_path, const char *ro_path);
void	 virt_stop(struct xvmd *);

/* Set the call's error (code, from) with a printf message. */
int	 virt_error(struct virt_call *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The error for a domops errno value and its cause (consumed). */
int	 virt_errno(struct virt_call *, int err, char *cause);
/* A malformed argument list. */
int	 virt_bad_args(struct virt_call *);

/* Send one message (header + body) on conn; the body may be NULL. */
void	 virt_send(struct virt_conn *, uint32_t prog, uint32_t proc,
	    enum virt_type, uint32_t serial, enum virt_status,
	    const struct buf *body);
/* A remote_error body. */
void	 virt_put_error(struct buf *, int code, int domain, const char *msg);

/* Domains on the wire: remote_nonnull_domain of a vm (NULL = Domain-0). */
void	 virt_put_dom(struct buf *, struct xvmd *, const struct vm *);
/* Read one and find it: 0, or -1 with the call's error set. */
int	 virt_get_dom(struct virt_call *, struct vm **, int *dom0);

/*
 * A reply that comes later (SAVE waits for the guest): virt_later_new()
 * in a handler (which sets call->later and returns 0); then exactly one
 * virt_later_done() — which drops it quietly when the client has gone.
 */
struct virt_later *virt_later_new(struct virt_call *);
void	 virt_later_done(void *later, int err, const char *message,
	    const char *json);
/* The same with a reply body on success (NULL: none). */
void	 virt_later_reply(void *later, int err, const char *message,
	    const struct buf *body);
/* The handler's virt_later_new() was not used after all. */
void	 virt_later_cancel(struct virt_call *);

/* Procedure tables of the other files (NULL-terminated by name). */
const struct virt_proc *virt_proc_find(uint32_t proc);

/* virt_event.c: compare states with the last look, send events. */
void	 virt_event_check(struct xvmd *);
void	 virt_event_free(struct virt_server *);

/* virt_stream.c: a STREAM message for conn; closing a conn's streams. */
void	 virt_stream_input(struct virt_conn *, uint32_t proc, uint32_t serial,
	    enum virt_status, const uint8_t *, size_t);
void	 virt_stream_close_all(struct virt_conn *);

#endif
