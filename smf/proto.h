/*
 * svc.startd's control protocol (docs/smf.md): a request is a header and
 * a payload of NUL-terminated string arguments; the reply is a header
 * whose type is the status (0 or an errno value) and a text payload.
 */
#ifndef XVM_SMF_PROTO_H
#define XVM_SMF_PROTO_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define CTL_MAX_PAYLOAD	4096
#define CTL_MAX_ARGS	8

enum ctl_type {
	CTL_PING = 1,		/* () -> "pid" */
	CTL_ENABLE,		/* (pattern, flags "rt") */
	CTL_DISABLE,		/* (pattern, flags "t") */
	CTL_RESTART,		/* (pattern) */
	CTL_REFRESH,		/* (pattern) */
	CTL_CLEAR,		/* (pattern) */
	CTL_MARK,		/* (pattern, state, flags "It") */
	CTL_RELOAD,		/* () re-read the repository (after import) */
	CTL_NTYPES
};

/* Wire header, host byte order (a local socket). */
struct ctl_hdr {
	uint32_t	 type;		/* request type, or reply status */
	uint32_t	 len;		/* payload bytes that follow */
};

/* A decoded request; argv points into the decoded buffer (borrowed). */
struct ctl_req {
	uint32_t	 type;
	int		 argc;
	const char	*argv[CTL_MAX_ARGS];
};

/*
 * What each request carries: the one table svc.startd checks requests
 * against and svcadm takes its verbs and option letters from.
 */
struct ctl_type_info {
	const char	*name;		/* "enable", also svcadm's verb */
	int		 min_args;
	int		 max_args;
	int		 flags_arg;	/* index of the flags argument, or -1 */
	const char	*flags;		/* the letters it may hold (svcadm's
					   options; 's' stays in svcadm) */
};

/* The type's row, or NULL for a type out of range (borrowed). */
const struct ctl_type_info *ctl_type_info(uint32_t type);

/* "enable", ... or NULL for a type out of range. */
const char	*ctl_type_name(uint32_t type);

/*
 * Decode a request payload (len bytes after the header).  Checks only the
 * framing: size, NUL termination, argument count.  Returns 0 or -1 with
 * errno EBADMSG and *cause (caller frees).
 */
int		 ctl_decode(uint32_t type, const uint8_t *payload, size_t len,
		    struct ctl_req *req, char **cause);

/* Append a request (header and payload) to b; -1 with E2BIG if too long. */
int		 ctl_encode(struct buf *b, uint32_t type, int argc,
		    const char *const *argv);

/*
 * Client side: connect to the socket, send one request and wait for the
 * reply.  Returns the status (0 or an errno value) with *msg (caller frees,
 * may be "") set, or -1 with errno when the daemon cannot be reached.
 */
int		 ctl_call(const char *sockpath, uint32_t type, int argc,
		    const char *const *argv, char **msg);

#endif
