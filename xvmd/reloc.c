/*
 * The relocation server: xend's settings and listener, with TLS.
 *
 * xend-relocation-server turns it on.  With xend-relocation-ssl-server
 * (on by default here; xend's default was off) it speaks TLS on
 * xend-relocation-ssl-port (8003), both ends showing certificates that
 * chain to xend-relocation-ssl-ca-file; with it off -- the one way to
 * get plaintext -- plain TCP on xend-relocation-port (8002).  Every
 * connection is served in a job (migrate_in.c); the loop only accepts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/migrate.h"
#include "xvmd/reloc.h"
#include "xvmd/xendconf.h"
#include "xvmd/xvmd.h"

/* A setting's path, or the default file under <root>/etc/xvm/relocation. */
static void
conf_path(struct xvmd *xd, enum xendconf_key k, const char *dflt, char *out,
    size_t size)
{
	const char	*v = xendconf_str(&xd->conf, k);
	char		 rel[128];

	if (*v != '\0') {
		strlcpy(out, v, size);
		return;
	}
	snprintf(rel, sizeof(rel), XVM_ETC_DIR "/relocation/%s", dflt);
	if (xvm_path_buf(out, size, rel) == -1)
		strlcpy(out, dflt, size);
}

void
reloc_conf_get(struct xvmd *xd, struct reloc_conf *rc)
{
	memset(rc, 0, sizeof(*rc));
	conf_path(xd, XC_RELOC_KEY, "host.key", rc->key, sizeof(rc->key));
	conf_path(xd, XC_RELOC_CERT, "host.crt", rc->cert, sizeof(rc->cert));
	conf_path(xd, XC_RELOC_CA, "ca.crt", rc->ca, sizeof(rc->ca));
	rc->tls.key = rc->key;
	rc->tls.cert = rc->cert;
	rc->tls.ca = rc->ca;
	rc->ssl_server = xendconf_bool(&xd->conf, XC_RELOC_SSL_SERVER);
	rc->ssl_client = xendconf_bool(&xd->conf, XC_RELOC_SSL);
	rc->port = (uint16_t)xendconf_int(&xd->conf, XC_RELOC_PORT);
	rc->ssl_port = (uint16_t)xendconf_int(&xd->conf, XC_RELOC_SSL_PORT);
	rc->timeout_s = (int)xendconf_int(&xd->conf, XC_RELOC_TIMEOUT);
	rc->suspend_s = (int)xendconf_int(&xd->conf, XC_SHUTDOWN_TIMEOUT);
	rc->downtime_ms = (uint32_t)xendconf_int(&xd->conf, XC_RELOC_DOWNTIME);
	rc->max_iters = (uint32_t)xendconf_int(&xd->conf, XC_RELOC_ITERS);
	strlcpy(rc->hosts_allow, xendconf_str(&xd->conf, XC_RELOC_HOSTS_ALLOW),
	    sizeof(rc->hosts_allow));
}

void
reloc_new_id(char out[33])
{
	uint8_t		 r[16];
	size_t		 i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		fatal("%s: getrandom", __func__);
	for (i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* Does re match s from its first character? */
static int
match_start(const regex_t *re, const char *s)
{
	regmatch_t	 m;

	return s != NULL && *s != '\0' && regexec(re, s, 1, &m, 0) == 0 &&
	    m.rm_so == 0;
}

int
reloc_host_allowed(const char *patterns, const char *addr, const char *name,
    char **cause)
{
	char	*copy, *p, *save = NULL, err[128];
	regex_t	 re;
	int	 rc, allowed = 0, any = 0;

	copy = xstrdup(patterns);
	for (p = strtok_r(copy, " \t", &save); p != NULL && !allowed;
	    p = strtok_r(NULL, " \t", &save)) {
		any = 1;
		if ((rc = regcomp(&re, p, REG_EXTENDED)) != 0) {
			regerror(rc, &re, err, sizeof(err));
			xasprintf(cause, "xend-relocation-hosts-allow: '%s': %s",
			    p, err);
			free(copy);
			return -1;
		}
		allowed = match_start(&re, addr) || match_start(&re, name);
		regfree(&re);
	}
	free(copy);
	return any ? allowed : 1;
}

static void
accept_cb(int fd, void *arg)
{
	struct xvmd		*xd = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[NI_MAXHOST], serv[NI_MAXSERV], peer[300];

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		log_warn("%s: a relocation peer with no address", __func__);
		close(fd);
		return;
	}
	/* "::ffff:10.0.0.1" from a dual-stack socket is 10.0.0.1. */
	strlcpy(peer, strncmp(host, "::ffff:", 7) == 0 &&
	    strchr(host + 7, '.') != NULL ? host + 7 : host, sizeof(peer));
	migrate_in_accept(xd, fd, peer);
}

/* A listening TCP socket on address (all when "") and port. */
static int
listen_tcp(const char *address, uint16_t port, char **cause)
{
	struct addrinfo	 hints, *res, *ai;
	char		 service[8];
	int		 fd = -1, one = 1, zero = 0, rc, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = *address ? AF_UNSPEC : AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(*address ? address : NULL, service, &hints, &res);
	if (rc != 0 && !*address) {
		hints.ai_family = AF_INET;	/* a host without IPv6 */
		rc = getaddrinfo(NULL, service, &hints, &res);
	}
	if (rc != 0) {
		xasprintf(cause, "xend-relocation-address '%s': %s", address,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (ai->ai_family == AF_INET6 && !*address)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			    sizeof(zero));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 16) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		xasprintf(cause, "cannot listen on %s port %u: %s",
		    *address ? address : "all addresses", port, strerror(err));
	return fd;
}

void
reloc_init(struct xvmd *xd)
{
	struct reloc	*r = xcalloc(1, sizeof(*r));
	struct reloc_conf rc;
	const char	*address;
	char		*cause = NULL;
	uint16_t	 port;
	int		 fd;

	TAILQ_INIT(&r->out);
	TAILQ_INIT(&r->in);
	xd->reloc = r;
	if (!xendconf_bool(&xd->conf, XC_RELOC_SERVER))
		return;
	reloc_conf_get(xd, &rc);
	address = xendconf_str(&xd->conf, XC_RELOC_ADDRESS);
	port = rc.ssl_server ? rc.ssl_port : rc.port;
	if (reloc_host_allowed(rc.hosts_allow, "", NULL, &cause) == -1 ||
	    (fd = listen_tcp(address, port, &cause)) == -1) {
		log_warnx("%s: no relocation server: %s", __func__, cause);
		free(cause);
		return;
	}
	r->listener = evloop_listener_new(xd->base, fd, accept_cb, xd);
	snprintf(r->listening, sizeof(r->listening), "%s on %s port %u",
	    rc.ssl_server ? "TLS" : "plaintext", *address ? address : "all "
	    "addresses", port);
	if (rc.ssl_server)
		log_info("%s: relocation server: %s (key %s, certificate %s, "
		    "CA %s)", __func__, r->listening, rc.key, rc.cert, rc.ca);
	else
		log_warnx("%s: relocation server: %s -- domains' memory will "
		    "cross the network unencrypted and peers are not "
		    "authenticated (xend-relocation-ssl-server is off)",
		    __func__, r->listening);
}

void
reloc_fini(struct xvmd *xd)
{
	struct reloc	*r = xd->reloc;

	if (r == NULL)
		return;
	evloop_listener_free(r->listener);
	migrate_fini(xd);
	migrate_in_fini(xd);
	free(r);
	xd->reloc = NULL;
}
