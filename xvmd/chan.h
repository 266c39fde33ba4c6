/* The relocation channel: a TCP connection, TLS (mutual, verified) unless plaintext was configured. */
#ifndef XVM_XVMD_CHAN_H
#define XVM_XVMD_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct xc_sr_io;

/* This host's TLS identity and the CA its peers' certificates must chain to. */
struct chan_tls {
	const char	*key;		/* PEM private key */
	const char	*cert;		/* PEM certificate (chain) */
	const char	*ca;		/* PEM CA certificate(s) */
};

struct chan;

/*
 * Connect to host:port within timeout_s seconds, then (tls != NULL) a
 * TLS handshake: the peer's certificate must chain to tls->ca and name
 * 'host' (DNS name or IP address); ours goes to it.  Every later read and
 * write waits at most timeout_s (then ETIMEDOUT).  NULL with *cause
 * (owned by the caller) on failure.
 */
struct chan *chan_connect(const char *host, uint16_t port,
	    const struct chan_tls *tls, int timeout_s, char **cause);

/*
 * Take over an accepted socket 'fd' (peer is its "address:port" for
 * messages) and, with tls, do the server's handshake: the client must
 * show a certificate that chains to tls->ca.  A plaintext client on a
 * TLS port (or the reverse) is refused: with TLS expected, a client
 * whose first bytes are not a TLS handshake gets a plaintext REFUSE
 * message saying so.  NULL with *cause; fd stays the caller's then.
 */
struct chan *chan_accept(int fd, const char *peer, const struct chan_tls *tls,
	    int timeout_s, char **cause);

/*
 * After a last message to a peer that may still be sending: end our side
 * and drop what it sends for up to ms, so that it reads the message
 * rather than a reset.
 */
void	 chan_linger(struct chan *, int ms);

/* Every later read and write waits at most timeout_s seconds. */
void	 chan_set_timeout(struct chan *, int timeout_s);

/* Shut the connection down (wakes a thread blocked on it); thread-safe. */
void	 chan_shutdown(struct chan *);
void	 chan_close(struct chan *);		/* NULL is fine */

/* "address:port" of the peer (borrowed). */
const char *chan_peer(const struct chan *);

/* libxc's stream hooks over the channel (borrowed, valid while it is). */
const struct xc_sr_io *chan_io(struct chan *);

/* Bytes moved through the channel so far (both ways). */
uint64_t chan_bytes(const struct chan *);

/*
 * Messages: type u32, length u32 (little-endian), then the body (a JSON
 * object, or empty).  docs/migration.md lists them.
 */
enum chan_msg {
	MSG_HELLO = 1,		/* source: the domain, before its stream */
	MSG_ACCEPT = 2,		/* destination: send it */
	MSG_REFUSE = 3,		/* either: {"code", "message"}; the end */
	MSG_READY = 4,		/* destination: restored, paused, checked */
	MSG_COMMIT = 5,		/* source: stopped here; run it there */
	MSG_RUNNING = 6,	/* destination: it runs */
	MSG_RESOLVE = 7,	/* source, new connection: what became of id? */
	MSG_RESOLVED = 8,	/* destination: {"state": committed|aborted} */
};

#define CHAN_MAX_MSG	(1024 * 1024)

/* Send one message (body may be NULL).  0 or -1 with *cause. */
int	 chan_send(struct chan *, uint32_t type, const char *body,
	    char **cause);

/*
 * Receive one message: *type and *body (NUL-terminated, malloc'd, may
 * be ""; caller frees).  0 or -1 with *cause (the peer closed, a
 * timeout, a message too large).
 */
int	 chan_recv(struct chan *, uint32_t *type, char **body, char **cause);

#endif
