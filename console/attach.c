/* xvm-consoled's socket: ATTACH, LIST and PING lines, then raw console bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "console/consoled.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"

#define LINE_MAX_LEN	256

static void	client_read(struct bufferevent *, void *);

static void
client_free(struct client *cl)
{
	if (cl->con != NULL)
		TAILQ_REMOVE(&cl->con->clients, cl, entry);
	else
		TAILQ_REMOVE(&cl->cd->pending, cl, entry);
	bufferevent_free(cl->bev);
	free(cl);
}

/* Send one reply line; fatal ones close the connection once flushed. */
static void
reply(struct client *cl, int close_after, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
close_when_flushed(struct bufferevent *bev, void *arg)
{
	(void)bev;
	client_free(arg);
}

static void
reply(struct client *cl, int close_after, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(bufferevent_get_output(cl->bev), fmt, ap);
	va_end(ap);
	evbuffer_add(bufferevent_get_output(cl->bev), "\n", 1);
	if (close_after) {
		bufferevent_disable(cl->bev, EV_READ);
		bufferevent_setcb(cl->bev, NULL, close_when_flushed, NULL, cl);
	}
}

static void
do_attach(struct client *cl, const char *arg)
{
	struct console	*con;
	char		*sb;
	size_t		 n;

	if (*arg == '\0') {
		reply(cl, 1, "ERR ATTACH needs a domain name or ID");
		return;
	}
	/* Names change (xm rename): look at the store's before looking. */
	pvsource_scan(cl->cd);
	if ((con = console_find(cl->cd, arg)) == NULL) {
		reply(cl, 1, "ERR domain '%s' has no console here (is it "
		    "running?)", arg);
		return;
	}
	TAILQ_REMOVE(&cl->cd->pending, cl, entry);
	cl->con = con;
	TAILQ_INSERT_TAIL(&con->clients, cl, entry);
	reply(cl, 0, "OK %s %u %s", con->name, con->domid,
	    con->pty != -1 ? con->ptyname : "-");
	sb = xmalloc(SCROLLBACK_SIZE);
	n = scrollback_get(con->sb, sb);
	bufferevent_write(cl->bev, sb, n);
	free(sb);
}

static void
do_list(struct client *cl)
{
	struct console	*con;
	size_t		 n = 0;

	TAILQ_FOREACH(con, &cl->cd->consoles, entry)
		n++;
	reply(cl, 0, "OK %zu", n);
	TAILQ_FOREACH(con, &cl->cd->consoles, entry)
		reply(cl, 0, "%s %u %s %llu %llu", con->name, con->domid,
		    con->pty != -1 ? con->ptyname : "-",
		    (unsigned long long)con->bytes_out,
		    (unsigned long long)con->bytes_dropped);
	bufferevent_disable(cl->bev, EV_READ);
	bufferevent_setcb(cl->bev, NULL, close_when_flushed, NULL, cl);
}

/* Before ATTACH: one command line.  After: raw input to the guest. */
static void
client_read(struct bufferevent *bev, void *arg)
{
	struct client	*cl = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line, buf[4096];
	size_t		 len, n;

	if (cl->con != NULL) {
		while ((n = evbuffer_remove(in, buf, sizeof(buf))) > 0 &&
		    n != (size_t)-1)
			console_input(cl->con, buf, n);
		return;
	}
	line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
	if (line == NULL) {
		if (evbuffer_get_length(in) > LINE_MAX_LEN)
			reply(cl, 1, "ERR request line longer than %d bytes",
			    LINE_MAX_LEN);
		return;
	}
	if (len > LINE_MAX_LEN || strlen(line) != len)
		reply(cl, 1, "ERR malformed request line");
	else if (strncmp(line, "ATTACH ", 7) == 0)
		do_attach(cl, line + 7);
	else if (strcmp(line, "LIST") == 0)
		do_list(cl);
	else if (strcmp(line, "PING") == 0)
		reply(cl, 1, "OK pong");
	else
		reply(cl, 1, "ERR unknown request (expected ATTACH <domain>, "
		    "LIST or PING)");
	free(line);
	/* Input typed right after ATTACH may already be buffered. */
	if (cl->con != NULL && evbuffer_get_length(in) > 0)
		client_read(bev, cl);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_free(arg);
}

static void
on_accept(int fd, void *arg)
{
	struct consoled	*cd = arg;
	struct client	*cl;

	if (!sock_peer_trusted(fd)) {
		log_warnx("%s: refused an untrusted peer", __func__);
		close(fd);
		return;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->cd = cd;
	cl->bev = bufferevent_socket_new(cd->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (cl->bev == NULL)
		fatalx("%s: bufferevent_socket_new", __func__);
	TAILQ_INSERT_TAIL(&cd->pending, cl, entry);
	bufferevent_setcb(cl->bev, client_read, NULL, client_event, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
}

int
attach_listen(struct consoled *cd, const char *path)
{
	int	 fd;

	if ((fd = sock_listen_unix(path, 0600, 64)) == -1)
		return -1;
	cd->listener = evloop_listener_new(cd->base, fd, on_accept, cd);
	return 0;
}

void
attach_close(struct consoled *cd)
{
	struct client	*cl;

	while ((cl = TAILQ_FIRST(&cd->pending)) != NULL)
		client_free(cl);
	evloop_listener_free(cd->listener);
	cd->listener = NULL;
}

void
attach_detach_all(struct console *con)
{
	struct client	*cl;

	/* The domain is gone: clients see the connection close. */
	while ((cl = TAILQ_FIRST(&con->clients)) != NULL)
		client_free(cl);
}
