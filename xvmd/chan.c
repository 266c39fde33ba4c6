/*
 * The relocation channel: one TCP connection between two xvmds, with
 * TLS (OpenSSL) by default.  Both ends show a certificate and check the
 * other's against the CA they were given -- xend never checked anything
 * -- and the client checks the name (or address) it dialled too.  The
 * connection is blocking with a timeout on every read and write: it is
 * used from a job's thread only, and a peer that stalls must not hold a
 * migration (and the domain it paused) forever.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <xvm/xc_sr.h>
#include "lib/xmalloc.h"
#include "xvmd/chan.h"

#define TLS_RECORD_FIRST	0x16	/* a TLS handshake record starts so */

struct chan {
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	char		 peer[320];
	struct xc_sr_io	 io;
	uint64_t	 bytes;
	char		 tls_error[160];	/* the last one (an alert, say) */
};

static int
failf(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
failf(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)xvasprintf(cause, fmt, ap);
	va_end(ap);
	return -1;
}

/* OpenSSL's last error, as one short string (its queue emptied). */
static const char *
ssl_error(char *buf, size_t size)
{
	unsigned long	 e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		snprintf(buf, size, "%s", errno ? strerror(errno) :
		    "connection closed");
	else
		ERR_error_string_n(last, buf, size);
	return buf;
}

static void
set_timeouts(int fd, int timeout_s)
{
	struct timeval	 tv = { timeout_s, 0 };
	int		 one = 1;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* COMMIT and RUNNING are small and on the downtime's path. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static SSL_CTX *
make_ctx(const struct chan_tls *tls, int server, char **cause)
{
	SSL_CTX	*ctx;
	char	 err[256];

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(server ? TLS_server_method() :
	    TLS_client_method())) == NULL) {
		failf(cause, "TLS: %s", ssl_error(err, sizeof(err)));
		return NULL;
	}
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* A cut connection is an end like any other: our framing and the
	 * stream's digest catch a truncation. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_use_certificate_chain_file(ctx, tls->cert) != 1) {
		failf(cause, "cannot load this host's relocation certificate "
		    "%s: %s", tls->cert, ssl_error(err, sizeof(err)));
		goto bad;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, tls->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		failf(cause, "cannot load this host's relocation key %s: %s",
		    tls->key, ssl_error(err, sizeof(err)));
		goto bad;
	}
	if (SSL_CTX_load_verify_locations(ctx, tls->ca, NULL) != 1) {
		failf(cause, "cannot load the relocation CA %s: %s", tls->ca,
		    ssl_error(err, sizeof(err)));
		goto bad;
	}
	if (server) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(tls->ca);

		if (names != NULL)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
bad:
	SSL_CTX_free(ctx);
	return NULL;
}

/* An SSL_read/SSL_write failed: keep OpenSSL's reason, set errno. */
static void
tls_failed(struct chan *c, int e)
{
	int	 saved = errno;

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		errno = ETIMEDOUT;	/* the socket's timeout ran out */
	else if (e == SSL_ERROR_SSL || ERR_peek_error() != 0) {
		ssl_error(c->tls_error, sizeof(c->tls_error));
		errno = ECONNRESET;
	} else
		errno = e == SSL_ERROR_SYSCALL && saved != 0 ? saved :
		    ECONNRESET;
	ERR_clear_error();
}

static ssize_t
raw_read(struct chan *c, void *buf, size_t len)
{
	ssize_t	 n;
	int	 r, e;

	if (c->ssl == NULL) {
		while ((n = read(c->fd, buf, len)) == -1 && errno == EINTR)
			;
	} else {
		if (len > INT32_MAX)
			len = INT32_MAX;
		errno = 0;
		r = SSL_read(c->ssl, buf, (int)len);
		if (r > 0)
			n = r;
		else if ((e = SSL_get_error(c->ssl, r)) == SSL_ERROR_ZERO_RETURN)
			n = 0;
		else {
			tls_failed(c, e);
			n = -1;
		}
	}
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		errno = ETIMEDOUT;
	if (n > 0)
		c->bytes += (uint64_t)n;
	return n;
}

static ssize_t
raw_write(struct chan *c, const void *buf, size_t len)
{
	ssize_t	 n;
	int	 r;

	if (c->ssl == NULL) {
		while ((n = send(c->fd, buf, len, MSG_NOSIGNAL)) == -1 &&
		    errno == EINTR)
			;
	} else {
		if (len > INT32_MAX)
			len = INT32_MAX;
		errno = 0;
		r = SSL_write(c->ssl, buf, (int)len);
		if (r > 0)
			n = r;
		else {
			tls_failed(c, SSL_get_error(c->ssl, r));
			n = -1;
		}
	}
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		errno = ETIMEDOUT;
	if (n > 0)
		c->bytes += (uint64_t)n;
	return n;
}

static ssize_t
io_read(void *arg, void *buf, size_t len)
{
	return raw_read(arg, buf, len);
}

static ssize_t
io_write(void *arg, const void *buf, size_t len)
{
	return raw_write(arg, buf, len);
}

static struct chan *
chan_new(int fd, const char *peer)
{
	struct chan	*c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->io.read = io_read;
	c->io.write = io_write;
	c->io.arg = c;
	return c;
}

/* A TCP connection to one of host's addresses, within timeout_s. */
static int
dial(const char *host, uint16_t port, int timeout_s, char **cause)
{
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd;
	socklen_t	 len;
	char		 service[8];
	int		 fd = -1, rc, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%u", port);
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0)
		return failf(cause, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			while ((rc = poll(&pfd, 1, timeout_s * 1000)) == -1 &&
			    errno == EINTR)
				;
			len = sizeof(err);
			if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == 0 && err == 0)
				break;
			if (rc == 0)
				err = ETIMEDOUT;
		} else
			err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return failf(cause, "cannot connect to %s port %u: %s", host,
		    port, strerror(err));
	(void)fcntl(fd, F_SETFL, 0);
	set_timeouts(fd, timeout_s);
	return fd;
}

struct chan *
chan_connect(const char *host, uint16_t port, const struct chan_tls *tls,
    int timeout_s, char **cause)
{
	struct chan	*c;
	unsigned char	 addr[16];
	char		 peer[300], err[256];
	long		 v;
	int		 fd;

	if ((fd = dial(host, port, timeout_s, cause)) == -1)
		return NULL;
	snprintf(peer, sizeof(peer), "%s port %u", host, port);
	c = chan_new(fd, peer);
	if (tls == NULL)
		return c;
	if ((c->ctx = make_ctx(tls, 0, cause)) == NULL ||
	    (c->ssl = SSL_new(c->ctx)) == NULL || SSL_set_fd(c->ssl, fd) != 1)
		goto bad;
	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
		    host) != 1)
			goto bad;
	} else {
		/* SSL_set_tlsext_host_name() casts away const (clang's
		 * -Wcast-qual): hand it a copy. */
		char sni[256];

		snprintf(sni, sizeof(sni), "%s", host);
		if (SSL_set1_host(c->ssl, host) != 1 ||
		    SSL_set_tlsext_host_name(c->ssl, sni) != 1)
			goto bad;
	}
	ERR_clear_error();
	if (SSL_connect(c->ssl) != 1) {
		if ((v = SSL_get_verify_result(c->ssl)) != X509_V_OK) {
			ERR_clear_error();
			failf(cause, "%s: its certificate is not trusted: %s",
			    peer, X509_verify_cert_error_string(v));
		} else {
			ssl_error(err, sizeof(err));
			failf(cause, "TLS with %s failed: %s%s", peer, err,
			    strstr(err, "wrong version number") ? " (does it "
			    "serve plaintext relocation?)" : "");
		}
		goto bad;
	}
	return c;
bad:
	if (*cause == NULL)
		failf(cause, "TLS with %s: %s", peer, ssl_error(err,
		    sizeof(err)));
	chan_close(c);
	return NULL;
}

/*
 * Before closing on a peer that may still be sending: stop our side, then
 * read (and drop) what comes for up to ms, so that the close is not a
 * reset that would destroy our last message before the peer reads it.
 */
static void
linger(int fd, int ms)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 sink[4096];

	(void)shutdown(fd, SHUT_WR);
	while (poll(&pfd, 1, ms) == 1 && recv(fd, sink, sizeof(sink),
	    MSG_DONTWAIT) > 0)
		;
}

void
chan_linger(struct chan *c, int ms)
{
	linger(c->fd, ms);
}

/* Tell a plaintext client why it is refused, in its own framing. */
static void
refuse_plaintext(int fd)
{
	static const char	 body[] = "{\"code\":\"EACCES\",\"message\":"
	    "\"this host's relocation server requires TLS "
	    "(xend-relocation-ssl-server); the peer sent plaintext\"}";
	uint32_t		 h[2] = { MSG_REFUSE, sizeof(body) - 1 };

	(void)!send(fd, h, sizeof(h), MSG_NOSIGNAL);
	(void)!send(fd, body, sizeof(body) - 1, MSG_NOSIGNAL);
	linger(fd, 500);
}

struct chan *
chan_accept(int fd, const char *peer, const struct chan_tls *tls,
    int timeout_s, char **cause)
{
	struct chan	*c;
	unsigned char	 first;
	char		 err[256];
	ssize_t		 n;
	long		 v;

	(void)fcntl(fd, F_SETFL, 0);
	set_timeouts(fd, timeout_s);
	while ((n = recv(fd, &first, 1, MSG_PEEK)) == -1 && errno == EINTR)
		;
	if (n != 1) {
		failf(cause, "%s closed the connection before saying anything",
		    peer);
		return NULL;
	}
	if (tls != NULL && first != TLS_RECORD_FIRST) {
		refuse_plaintext(fd);
		failf(cause, "refused %s: it sent plaintext, and this host "
		    "requires TLS (xend-relocation-ssl-server)", peer);
		return NULL;
	}
	if (tls == NULL && first == TLS_RECORD_FIRST) {
		failf(cause, "refused %s: it speaks TLS, and this host serves "
		    "plaintext relocation (xend-relocation-ssl-server is off)",
		    peer);
		return NULL;
	}
	c = chan_new(fd, peer);
	if (tls == NULL)
		return c;
	if ((c->ctx = make_ctx(tls, 1, cause)) == NULL)
		goto bad;
	if ((c->ssl = SSL_new(c->ctx)) == NULL || SSL_set_fd(c->ssl, fd) != 1) {
		failf(cause, "TLS: %s", ssl_error(err, sizeof(err)));
		goto bad;
	}
	ERR_clear_error();
	if (SSL_accept(c->ssl) != 1) {
		if ((v = SSL_get_verify_result(c->ssl)) != X509_V_OK) {
			ERR_clear_error();
			failf(cause, "refused %s: its certificate is not "
			    "trusted: %s", peer,
			    X509_verify_cert_error_string(v));
		} else
			failf(cause, "TLS with %s failed: %s", peer,
			    ssl_error(err, sizeof(err)));
		/* TLS 1.3: the client has finished and may be sending its
		 * HELLO; closing on it would reset the alert away. */
		linger(fd, 500);
		goto bad;
	}
	return c;
bad:
	c->fd = -1;		/* the caller's still */
	chan_close(c);
	return NULL;
}

void
chan_set_timeout(struct chan *c, int timeout_s)
{
	set_timeouts(c->fd, timeout_s);
}

void
chan_shutdown(struct chan *c)
{
	if (c != NULL)
		(void)shutdown(c->fd, SHUT_RDWR);
}

void
chan_close(struct chan *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	free(c);
}

const char *
chan_peer(const struct chan *c)
{
	return c->peer;
}

const struct xc_sr_io *
chan_io(struct chan *c)
{
	return &c->io;
}

uint64_t
chan_bytes(const struct chan *c)
{
	return c->bytes;
}

static int
write_all(struct chan *c, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = raw_write(c, p, len)) <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 0, or -1 with errno (EPIPE: the peer closed first). */
static int
read_all(struct chan *c, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		if ((n = raw_read(c, p, len)) <= 0) {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static const char *
io_error(const struct chan *c, char *buf, size_t size)
{
	if (c->tls_error[0] != '\0')
		snprintf(buf, size, "TLS with %s failed: %s%s", c->peer,
		    c->tls_error, strstr(c->tls_error, "alert") != NULL ?
		    " (it does not accept this host's certificate?)" : "");
	else if (errno == ETIMEDOUT)
		snprintf(buf, size, "%s went silent (no answer within the "
		    "relocation timeout)", c->peer);
	else if (errno == EPIPE || errno == ECONNRESET)
		snprintf(buf, size, "%s closed the connection", c->peer);
	else
		snprintf(buf, size, "%s: %s", c->peer, strerror(errno));
	return buf;
}

int
chan_send(struct chan *c, uint32_t type, const char *body, char **cause)
{
	uint32_t	 h[2];
	size_t		 len = body != NULL ? strlen(body) : 0;
	char		 buf[700];

	h[0] = htole32(type);
	h[1] = htole32((uint32_t)len);
	if (write_all(c, h, sizeof(h)) == -1 ||
	    (len > 0 && write_all(c, body, len) == -1))
		return failf(cause, "%s", io_error(c, buf, sizeof(buf)));
	return 0;
}

int
chan_recv(struct chan *c, uint32_t *type, char **body, char **cause)
{
	uint32_t	 h[2], len;
	char		 buf[700], *b;

	*body = NULL;
	if (read_all(c, h, sizeof(h)) == -1)
		return failf(cause, "%s", io_error(c, buf, sizeof(buf)));
	*type = le32toh(h[0]);
	len = le32toh(h[1]);
	if (len > CHAN_MAX_MSG)
		return failf(cause, "%s sent a message of %u bytes (not a "
		    "relocation peer?)", c->peer, len);
	b = xmalloc((size_t)len + 1);
	if (read_all(c, b, len) == -1) {
		free(b);
		return failf(cause, "%s", io_error(c, buf, sizeof(buf)));
	}
	b[len] = '\0';
	*body = b;
	return 0;
}
