/*
 * DOMAIN_OPEN_CONSOLE: a libvirt stream joined to the domain's console
 * through xvm-consoled's attach socket (docs/console.md), so that
 * `virsh console` works as `xm console` does.
 *
 * The call's reply comes once xvm-consoled has said OK; then guest output
 * goes to the client as STREAM messages (same procedure and serial,
 * status CONTINUE) and the client's STREAM data goes to the guest.  The
 * client ends it with a STREAM status OK (finish) or ERROR (abort: virsh's
 * Ctrl-]); xvm-consoled's closing ends it from our side with status OK.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "xvmd/vm.h"
#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"
#include "xvmd/xvmd.h"

#define ATTACH_TIMEOUT_MS	5000
#define CHUNK			(64 * 1024)	/* stream data per message */

struct virt_stream {
	LIST_ENTRY(virt_stream)	 entry;
	struct virt_conn	*conn;
	struct bufferevent	*bev;		/* to xvm-consoled */
	uint32_t		 proc;
	uint32_t		 serial;
};

static void
stream_free(struct virt_stream *s)
{
	LIST_REMOVE(s, entry);
	bufferevent_free(s->bev);
	free(s);
}

/* Guest output: to the client, in chunks. */
static void
console_read(struct bufferevent *bev, void *arg)
{
	struct virt_stream	*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct buf		 b = BUF_INITIALIZER;
	size_t			 n;

	while ((n = evbuffer_get_length(in)) > 0) {
		if (n > CHUNK)
			n = CHUNK;
		buf_reset(&b);
		if (buf_space(&b, n) == NULL)
			fatalx("%s: out of memory", __func__);
		evbuffer_remove(in, buf_space(&b, n), n);
		buf_commit(&b, n);
		/* Stream data is raw bytes after the header, not XDR. */
		virt_send(s->conn, VIRT_PROGRAM, s->proc, VT_STREAM,
		    s->serial, VS_CONTINUE, &b);
	}
	buf_free(&b);
}

/* xvm-consoled closed (the domain went away): end of stream. */
static void
console_event(struct bufferevent *bev, short what, void *arg)
{
	struct virt_stream	*s = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		console_read(s->bev, s);
		virt_send(s->conn, VIRT_PROGRAM, s->proc, VT_STREAM,
		    s->serial, VS_OK, NULL);
		stream_free(s);
	}
}

/* One line from xvm-consoled, waiting at most the timeout. */
static int
read_reply(int fd, char *line, size_t size)
{
	struct pollfd	 p = { .fd = fd, .events = POLLIN };
	size_t		 n = 0;
	ssize_t		 r;

	while (n + 1 < size) {
		if (poll(&p, 1, ATTACH_TIMEOUT_MS) != 1)
			return -1;
		if ((r = read(fd, line + n, 1)) != 1)
			return -1;
		if (line[n] == '\n') {
			line[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

int
vp_open_console(struct virt_call *c)
{
	struct virt_stream	*s;
	char			*dev = NULL, *path, line[512];
	uint32_t		 flags;
	int			 fd;

	if (xdr_get_optstr(c->in, 256, &dev) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1) {
		free(dev);
		return virt_bad_args(c);
	}
	if (dev != NULL && strcmp(dev, "console0") != 0 &&
	    strcmp(dev, "serial0") != 0) {
		virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: "
		    "cannot find character device %s (xVM domains have one "
		    "console)", dev);
		free(dev);
		return -1;
	}
	free(dev);
	if (c->vm->domid < 0)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: domain is not running");
	if ((path = xvm_path(XVM_CONSOLED_SOCK)) == NULL)
		return virt_error(c, VIR_ERR_INTERNAL_ERROR, "internal "
		    "error: the console socket's path is too long");
	fd = sock_connect_unix(path);
	free(path);
	if (fd == -1)
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "operation "
		    "failed: cannot reach the console daemon: %s (is "
		    "xvm-consoled running?)", strerror(errno));
	if (dprintf(fd, "ATTACH %d\n", c->vm->domid) < 0 ||
	    read_reply(fd, line, sizeof(line)) == -1) {
		close(fd);
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "operation "
		    "failed: the console daemon did not answer");
	}
	if (strncmp(line, "OK ", 3) != 0) {
		close(fd);
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "operation "
		    "failed: console of %s: %s", c->vm->name,
		    strncmp(line, "ERR ", 4) == 0 ? line + 4 : line);
	}
	if (fd_set_nonblock(fd) == -1) {
		close(fd);
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "operation "
		    "failed: %s", strerror(errno));
	}
	s = xcalloc(1, sizeof(*s));
	s->conn = c->conn;
	s->proc = c->proc;
	s->serial = c->serial;
	if ((s->bev = bufferevent_socket_new(c->xd->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("%s: out of memory", __func__);
	LIST_INSERT_HEAD(&c->conn->streams, s, entry);
	/* The reply goes first: start reading on the next loop turn. */
	bufferevent_setcb(s->bev, console_read, NULL, console_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	log_info("%s: console of %s opened for a libvirt client", __func__,
	    c->vm->name);
	return 0;
}

void
virt_stream_input(struct virt_conn *conn, uint32_t proc, uint32_t serial,
    enum virt_status status, const uint8_t *data, size_t len)
{
	struct virt_stream	*s;

	log_debug("%s: procedure %u serial %u status %d, %zu bytes",
	    __func__, proc, serial, status, len);
	LIST_FOREACH(s, &conn->streams, entry)
		if (s->proc == proc && s->serial == serial)
			break;
	if (s == NULL) {
		/* Data racing our end of the stream: drop it. */
		log_debug("%s: no stream %u/%u", __func__, proc, serial);
		return;
	}
	switch (status) {
	case VS_CONTINUE:
		if (len > 0)
			bufferevent_write(s->bev, data, len);
		break;
	case VS_OK:		/* finish: acknowledged with an empty OK */
		virt_send(conn, VIRT_PROGRAM, proc, VT_STREAM, serial, VS_OK,
		    NULL);
		stream_free(s);
		break;
	case VS_ERROR:		/* abort (virsh console's Ctrl-]) */
		virt_send(conn, VIRT_PROGRAM, proc, VT_STREAM, serial, VS_OK,
		    NULL);
		stream_free(s);
		break;
	}
}

void
virt_stream_close_all(struct virt_conn *conn)
{
	struct virt_stream	*s;

	while ((s = LIST_FIRST(&conn->streams)) != NULL)
		stream_free(s);
}
