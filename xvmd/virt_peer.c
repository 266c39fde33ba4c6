/*
 * Where a libvirt migration goes: the relocation server named by a
 * migration URI, or by the destination's libvirt URI -- for a local
 * socket by asking that daemon (a small blocking libvirt client: two
 * calls, bounded by a timeout).
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/virt.h"
#include "xvmd/virt_migrate.h"
#include "xvmd/virt_xdr.h"

#define PEER_TIMEOUT_S	10
#define PEER_REPLY_MAX	(1024 * 1024)

/* "HOST[:PORT]" or "[V6]:PORT" up to the first '/', '?' or the end. */
static int
split_authority(const char *s, struct virt_target *t, char **cause)
{
	size_t		 n = strcspn(s, "/?");
	const char	*end = s + n, *colon = NULL, *h = s, *he;
	uint64_t	 port;
	char		 num[8];

	if (*s == '[') {
		h = s + 1;
		if ((he = memchr(h, ']', n)) == NULL)
			return cause_printf(cause, "'%.*s': no ']'", (int)n,
			    s);
		if (he + 1 < end && he[1] == ':')
			colon = he + 1;
	} else {
		colon = memchr(s, ':', n);
		he = colon ? colon : end;
	}
	/* user@host: the user is not ours to use */
	if (*s != '[') {
		const char *at = memchr(s, '@', (size_t)(he - s));

		if (at != NULL)
			h = at + 1;
	}
	if (he == h || (size_t)(he - h) >= sizeof(t->host))
		return cause_printf(cause, "no host (or too long) in '%.*s'",
		    (int)n, s);
	memcpy(t->host, h, (size_t)(he - h));
	t->host[he - h] = '\0';
	t->port = 0;
	if (colon != NULL) {
		if ((size_t)(end - colon - 1) >= sizeof(num))
			return cause_printf(cause, "port in '%.*s' is not a "
			    "number from 1 to 65535", (int)n, s);
		memcpy(num, colon + 1, (size_t)(end - colon - 1));
		num[end - colon - 1] = '\0';
		if (str_to_u64(num, 1, 65535, &port) == -1)
			return cause_printf(cause, "port in '%.*s' is not a "
			    "number from 1 to 65535", (int)n, s);
		t->port = (uint16_t)port;
	}
	return 0;
}

/* migrate_uri: tcp://HOST[:PORT] or tls://HOST[:PORT]. */
static int
parse_uri(const char *uri, struct virt_target *t, char **cause)
{
	if (strncmp(uri, "tcp://", 6) == 0)
		t->tls = 0;
	else if (strncmp(uri, "tls://", 6) == 0)
		t->tls = 1;
	else
		return cause_printf(cause, "migration URI '%s' is not "
		    "tcp://HOST[:PORT] or tls://HOST[:PORT]", uri);
	if (split_authority(uri + 6, t, cause) == -1) {
		char *why = *cause;

		cause_printf(cause, "migration URI '%s': %s", uri, why);
		free(why);
		return -1;
	}
	return 0;
}

/* The value of 'socket=' in a URI's query, %XX decoded; NULL if none. */
static char *
socket_param(const char *uri)
{
	const char	*q = strchr(uri, '?'), *p;
	char		*out, *o;
	unsigned int	 x;

	for (p = q; p != NULL; p = strchr(p + 1, '&'))
		if (strncmp(p + 1, "socket=", 7) == 0)
			break;
	if (p == NULL)
		return NULL;
	p += 8;
	out = o = xmalloc(strlen(p) + 1);
	for (; *p != '\0' && *p != '&'; p++) {
		if (*p == '%' && sscanf(p + 1, "%2x", &x) == 1 &&
		    p[1] != '\0' && p[2] != '\0') {
			*o++ = (char)x;
			p += 2;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

int
virt_target(struct xvmd *xd, const char *uri, const char *dconnuri,
    const char *name, struct virt_target *t, char **cause)
{
	const char	*auth;
	char		*sock, *peer_uri;
	int		 rc;

	(void)xd;
	memset(t, 0, sizeof(*t));
	if (uri != NULL)
		return parse_uri(uri, t, cause);
	if (dconnuri == NULL)
		return cause_printf(cause, "no destination: give a migration "
		    "URI (tcp://HOST[:PORT], virsh --migrateuri) or, with "
		    "--p2p, the destination's libvirt URI");
	if ((auth = strstr(dconnuri, "://")) == NULL)
		return cause_printf(cause, "destination URI '%s' is not a "
		    "libvirt URI", dconnuri);
	auth += 3;
	if (*auth != '/' && *auth != '?' && *auth != '\0')
		return split_authority(auth, t, cause);
	/* No host: a local daemon, reached by its socket. */
	if ((sock = socket_param(dconnuri)) == NULL)
		return cause_printf(cause, "destination URI '%s' names no "
		    "host and no socket: migrating to this host itself is "
		    "not done", dconnuri);
	peer_uri = virt_peer_prepare(sock, name, cause);
	free(sock);
	if (peer_uri == NULL)
		return -1;
	rc = parse_uri(peer_uri, t, cause);
	free(peer_uri);
	return rc;
}

/* --- the client side of libvirt's protocol, just enough ------------ */

struct peer {
	int		 fd;
	uint32_t	 serial;
};

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, uint8_t *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = read(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * One call and its reply: the reply's body in *reply (allocated) and 0,
 * or -1 with *cause (the daemon's error message when it refused).
 */
static int
call(struct peer *pc, uint32_t proc, const struct buf *args,
    uint8_t **reply, size_t *rlen, char **cause)
{
	struct buf	 m = BUF_INITIALIZER;
	struct xdr_in	 in;
	uint8_t		 hdr[VIRT_HEADER_LEN], *body = NULL;
	uint32_t	 len, f[6];
	size_t		 blen = args ? buf_len(args) : 0, i;
	int32_t		 code;
	char		*msg = NULL;

	*reply = NULL;
	xdr_put_u32(&m, (uint32_t)(VIRT_HEADER_LEN + blen));
	xdr_put_u32(&m, VIRT_PROGRAM);
	xdr_put_u32(&m, VIRT_PROTOCOL_VERSION);
	xdr_put_u32(&m, proc);
	xdr_put_u32(&m, VT_CALL);
	xdr_put_u32(&m, ++pc->serial);
	xdr_put_u32(&m, VS_OK);
	if (blen > 0)
		buf_add(&m, buf_data(args), blen);
	if (buf_error(&m) || write_all(pc->fd, buf_data(&m),
	    buf_len(&m)) == -1) {
		buf_free(&m);
		return cause_printf(cause, "sending to the destination's "
		    "libvirt socket: %s", strerror(errno));
	}
	buf_free(&m);
	for (;;) {	/* skip keepalive and event messages */
		if (read_all(pc->fd, hdr, sizeof(hdr)) == -1)
			return cause_printf(cause, "reading from the "
			    "destination's libvirt socket: %s",
			    strerror(errno));
		xdr_in_init(&in, hdr, sizeof(hdr));
		(void)xdr_get_u32(&in, &len);
		for (i = 0; i < 6; i++)
			(void)xdr_get_u32(&in, &f[i]);
		if (len < VIRT_HEADER_LEN || len > PEER_REPLY_MAX)
			return cause_printf(cause, "the destination's libvirt "
			    "socket sent a message of %u bytes", len);
		*rlen = len - VIRT_HEADER_LEN;
		body = xmalloc(*rlen + 1);
		if (read_all(pc->fd, body, *rlen) == -1) {
			free(body);
			return cause_printf(cause, "reading from the "
			    "destination's libvirt socket: %s",
			    strerror(errno));
		}
		if (f[0] == VIRT_PROGRAM && f[2] == proc && f[3] == VT_REPLY &&
		    f[4] == pc->serial)
			break;
		free(body);
	}
	if (f[5] != VS_OK) {
		xdr_in_init(&in, body, *rlen);
		if (xdr_get_i32(&in, &code) == -1 || xdr_get_i32(&in,
		    &code) == -1 || xdr_get_optstr(&in, 4096, &msg) == -1 ||
		    msg == NULL)
			cause_printf(cause, "the destination refused (no "
			    "message)");
		else
			cause_printf(cause, "the destination refused: %s",
			    msg);
		free(msg);
		free(body);
		return -1;
	}
	*reply = body;
	return 0;
}

char *
virt_peer_prepare(const char *path, const char *name, char **cause)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { PEER_TIMEOUT_S, 0 };
	struct peer		 pc = { -1, 0 };
	struct buf		 a = BUF_INITIALIZER;
	struct xdr_in		 in;
	const uint8_t		*cookie;
	uint8_t			*r = NULL;
	size_t			 rlen, clen;
	char			*uri = NULL, *why = NULL;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		cause_printf(cause, "socket path '%s' is too long", path);
		return NULL;
	}
	if ((pc.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(pc.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ==
	    -1 || setsockopt(pc.fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) == -1 || connect(pc.fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1) {
		cause_printf(cause, "the destination's libvirt socket %s: %s",
		    path, strerror(errno));
		goto out;
	}
	xdr_put_optstr(&a, "xen:///system");		/* CONNECT_OPEN */
	xdr_put_u32(&a, 0);
	if (call(&pc, 1, &a, &r, &rlen, cause) == -1)
		goto out;
	free(r);
	r = NULL;
	buf_free(&a);
	xdr_put_u32(&a, 1);			/* params: destination_name */
	xdr_put_str(&a, "destination_name");
	xdr_put_i32(&a, 7);			/* VIR_TYPED_PARAM_STRING */
	xdr_put_str(&a, name);
	xdr_put_opaque(&a, NULL, 0);		/* cookie_in */
	xdr_put_u32(&a, 0);			/* flags */
	if (call(&pc, 303, &a, &r, &rlen, cause) == -1)
		goto out;
	xdr_in_init(&in, r, rlen);
	if (xdr_get_opaque(&in, 4u << 20, &cookie, &clen) == -1 ||
	    xdr_get_optstr(&in, 4096, &uri) == -1 || uri == NULL) {
		free(uri);
		uri = NULL;
		cause_printf(cause, "the destination's Prepare3Params answer "
		    "names no URI");
		goto out;
	}
	free(r);
	r = NULL;
	if (call(&pc, 2, NULL, &r, &rlen, &why) == -1)	/* CONNECT_CLOSE */
		free(why);
out:
	if (pc.fd != -1)
		close(pc.fd);
	buf_free(&a);
	free(r);
	return uri;
}
