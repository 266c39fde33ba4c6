/* The transport floor: a xenstore "daemon" with no store, to show what the socket round trip costs. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xvm/xs_wire.h>

#include "lib/str.h"

/*
 * xsnull SOCKET
 *
 * Answers the requests xsbench sends with fixed replies and keeps no tree:
 * READ gives a constant, DIRECTORY ten names, WRITE says OK and sends a
 * WATCH_EVENT to every watch on a path component prefix of the path, WATCH
 * says OK and sends the initial event; everything else says OK.  Its I/O has
 * the shape of any single-threaded xenstored: epoll_wait, one read per ready
 * client, every complete request answered, then one write per client with
 * output.  What it costs per request is what the kernel and the scheduler
 * cost on this machine before a daemon does any work of its own, so no
 * xenstored here can beat its figures: run.sh shows them as a column.
 */
#define MAXC	256
#define INCAP	(64 * 1024)

struct cl {
	int		 fd;
	char		 in[INCAP];
	size_t		 inlen;
	char		*out;
	size_t		 outlen, outcap;
	int		 dirty;
	char		 wpath[256], wtok[64];	/* one watch per client */
	int		 watching;
};

static struct cl	*cls[MAXC];
static int		 dirty[MAXC], ndirty;

static void
queue(struct cl *c, uint32_t type, uint32_t req, uint32_t tx, const void *p,
    size_t len)
{
	struct xsd_sockmsg	 h = { type, req, tx, (uint32_t)len };

	if (c->outlen + sizeof(h) + len > c->outcap) {
		c->outcap = (c->outlen + sizeof(h) + len) * 2;
		if ((c->out = realloc(c->out, c->outcap)) == NULL) {
			perror("xsnull");
			exit(1);
		}
	}
	memcpy(c->out + c->outlen, &h, sizeof(h));
	memcpy(c->out + c->outlen + sizeof(h), p, len);
	c->outlen += sizeof(h) + len;
	if (!c->dirty) {
		c->dirty = 1;
		dirty[ndirty++] = c->fd;
	}
}

static void
event(struct cl *w, const char *path)
{
	char	 b[512];
	size_t	 pl = strlen(path) + 1, tl = strlen(w->wtok) + 1;

	if (pl + tl > sizeof(b))
		return;
	memcpy(b, path, pl);
	memcpy(b + pl, w->wtok, tl);
	queue(w, XS_WATCH_EVENT, 0, 0, b, pl + tl);
}

static void
fire(const char *path)
{
	size_t	 l;
	int	 i;

	for (i = 0; i < MAXC; i++) {
		if (cls[i] == NULL || !cls[i]->watching)
			continue;
		l = strlen(cls[i]->wpath);
		if (strncmp(path, cls[i]->wpath, l) == 0 &&
		    (path[l] == '/' || path[l] == '\0'))
			event(cls[i], path);
	}
}

static void
answer(struct cl *c, const struct xsd_sockmsg *h, const char *p)
{
	static const char dir[] = "child0\0child1\0child2\0child3\0child4\0"
	    "child5\0child6\0child7\0child8\0child9";
	const char	*tok;

	switch (h->type) {
	case XS_READ:
		queue(c, h->type, h->req_id, h->tx_id, "value-of-r", 10);
		return;
	case XS_DIRECTORY:
		queue(c, h->type, h->req_id, h->tx_id, dir, sizeof(dir));
		return;
	case XS_TRANSACTION_START:
		queue(c, h->type, h->req_id, h->tx_id, "1", 2);
		return;
	case XS_WATCH:
		tok = memchr(p, '\0', h->len);
		if (tok == NULL || strlcpy(c->wpath, p, sizeof(c->wpath)) >=
		    sizeof(c->wpath) || strlcpy(c->wtok, tok + 1,
		    sizeof(c->wtok)) >= sizeof(c->wtok))
			break;
		c->watching = 1;
		queue(c, h->type, h->req_id, h->tx_id, "OK", 3);
		event(c, c->wpath);
		return;
	case XS_WRITE:
		if (memchr(p, '\0', h->len) != NULL)
			fire(p);
		break;
	default:
		break;
	}
	queue(c, h->type, h->req_id, h->tx_id, "OK", 3);
}

static void
drop(int ep, struct cl *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	cls[c->fd] = NULL;
	free(c->out);
	free(c);
}

static void
readable(int ep, struct cl *c)
{
	struct xsd_sockmsg	 h;
	ssize_t			 n;
	size_t			 off = 0;

	n = read(c->fd, c->in + c->inlen, INCAP - c->inlen);
	if (n <= 0) {
		if (n == 0 || errno != EINTR)
			drop(ep, c);
		return;
	}
	c->inlen += (size_t)n;
	while (c->inlen - off >= sizeof(h)) {
		memcpy(&h, c->in + off, sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			drop(ep, c);
			return;
		}
		if (c->inlen - off < sizeof(h) + h.len)
			break;
		answer(c, &h, c->in + off + sizeof(h));
		off += sizeof(h) + h.len;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct epoll_event	 ev, evs[64];
	struct cl		*c;
	int			 lfd, ep, fd, n, i;
	ssize_t			 k;
	size_t			 off;

	if (argc != 2) {
		fprintf(stderr, "usage: xsnull SOCKET\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, argv[1], sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		fprintf(stderr, "xsnull: socket path too long\n");
		return 1;
	}
	unlink(argv[1]);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, 128) == -1 || (ep = epoll_create1(0)) == -1) {
		perror("xsnull");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		if ((n = epoll_wait(ep, evs, 64, -1)) == -1 && errno != EINTR) {
			perror("xsnull: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				fd = accept(lfd, NULL, NULL);
				if (fd < 0 || fd >= MAXC) {
					if (fd >= 0)
						close(fd);
					continue;
				}
				cls[fd] = calloc(1, sizeof(**cls));
				if (cls[fd] == NULL) {
					close(fd);
					continue;
				}
				cls[fd]->fd = fd;
				ev.events = EPOLLIN;
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			} else if (cls[fd] != NULL)
				readable(ep, cls[fd]);
		}
		/* The end of the turn: one write per client with output. */
		for (i = 0; i < ndirty; i++) {
			if ((c = cls[dirty[i]]) == NULL)
				continue;
			c->dirty = 0;
			/* Client sockets block: a benchmark client reads. */
			for (off = 0; off < c->outlen; off += (size_t)k)
				if ((k = write(c->fd, c->out + off,
				    c->outlen - off)) <= 0)
					break;
			c->outlen = 0;
		}
		ndirty = 0;
	}
}
