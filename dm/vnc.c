/*
 * The domain's graphical console: its framebuffer served over VNC (RFB,
 * RFC 6143) with libvncserver, in the domain's device model
 * (docs/vnc.md).  Where things run:
 *
 * - libvncserver runs in its own threads (rfbRunEventLoop in the
 *   background: a listener, and an input and an output thread per
 *   client), so a slow or hostile client never stalls the domain's disk
 *   and network data path in the model's event loop.
 * - A damage thread compares the guest's video memory (mapped read-only
 *   through foreign mapping) with the copy the clients are served from,
 *   16 rows at a time, every VNC_POLL_MS while a client is connected;
 *   it copies and marks modified only the 64x16 tiles that changed, so
 *   an unchanged screen costs a compare and no copy, and with no client
 *   it sleeps.
 * - Key and pointer events from clients become virtio-input events in a
 *   pipe to the model's event loop, which owns the devices (input.c).
 *
 * Authentication: VNC authentication (DES challenge) with the password
 * xvmd hands over; without one the server is unauthenticated, which xvmd
 * allows only on a loopback address -- checked here once more.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <rfb/rfb.h>

#include <xvm/fb.h>
#include <xvm/xenctrl.h>

#include "dm/dm.h"
#include "dm/input.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

#define VNC_POLL_MS	30
#define TILE_W		64
#define TILE_H		16
#define VNC_PORT_SPAN	100	/* vncunused: ports tried from the first */

/* One message of the pipe to the event loop. */
struct vnc_msg {
	uint8_t			tablet;
	uint8_t			n;
	struct input_event	ev[6];
};

struct dm_vnc {
	struct dm		*dm;
	rfbScreenInfoPtr	 screen;
	const uint32_t		*fb;		/* the guest's, read-only */
	size_t			 fb_bytes;
	uint32_t		*shadow;	/* what clients are sent */
	int			 width, height;
	int			 port;
	char			 addr[64];
	char			*passwd[2];
	int			 pipe[2];
	struct event		*pipe_ev;
	pthread_t		 damage;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 clients;	/* under lock */
	int			 stop;		/* under lock */
	int			 buttons;	/* the last pointer mask */
	atomic_uint_fast64_t	 polls, tiles, keys, pointer, auth_fail,
				 dropped;
};

/* libvncserver's chatter (encodings, statistics) at debug level. */
static void
vnc_log(const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("vnc: %s", buf);
}

/* Its errors as warnings. */
static void
vnc_err(const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_warnx("vnc: %s", buf);
}

/* Any thread: hand events to the event loop (never blocks). */
static void
post(struct dm_vnc *v, int tablet, const struct input_event *ev, unsigned n)
{
	struct vnc_msg	m;

	memset(&m, 0, sizeof(m));
	m.tablet = (uint8_t)tablet;
	m.n = (uint8_t)n;
	memcpy(m.ev, ev, n * sizeof(*ev));
	if (write(v->pipe[1], &m, sizeof(m)) != (ssize_t)sizeof(m))
		atomic_fetch_add(&v->dropped, 1);
}

static struct input_event
ev(uint16_t type, uint16_t code, uint32_t value)
{
	return (struct input_event){ type, code, value };
}

/* A client's input thread: a key went down or up. */
static void
on_key(rfbBool down, rfbKeySym keysym, rfbClientPtr cl)
{
	struct dm_vnc		*v = cl->screen->screenData;
	struct input_event	 e[2];
	unsigned		 code = input_keysym_code((uint32_t)keysym);

	if (code == 0)
		return;
	atomic_fetch_add(&v->keys, 1);
	e[0] = ev(EV_KEY, (uint16_t)code, down ? 1 : 0);
	e[1] = ev(EV_SYN, SYN_REPORT, 0);
	post(v, 0, e, 2);
}

/* A client's input thread: the pointer moved or a button changed. */
static void
on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	static const uint16_t	 btn[3] = { BTN_LEFT, BTN_MIDDLE, BTN_RIGHT };
	struct dm_vnc		*v = cl->screen->screenData;
	struct input_event	 e[6];
	unsigned		 n = 0, i;
	int			 old;

	x = x < 0 ? 0 : x >= v->width ? v->width - 1 : x;
	y = y < 0 ? 0 : y >= v->height ? v->height - 1 : y;
	e[n++] = ev(EV_ABS, ABS_X, (uint32_t)((uint64_t)x * INPUT_ABS_MAX /
	    (uint64_t)(v->width - 1)));
	e[n++] = ev(EV_ABS, ABS_Y, (uint32_t)((uint64_t)y * INPUT_ABS_MAX /
	    (uint64_t)(v->height - 1)));
	pthread_mutex_lock(&v->lock);
	old = v->buttons;
	v->buttons = mask;
	pthread_mutex_unlock(&v->lock);
	for (i = 0; i < 3; i++)
		if (((old ^ mask) >> i) & 1)
			e[n++] = ev(EV_KEY, btn[i], (mask >> i) & 1);
	/* Buttons 4 and 5 are the wheel: a press is a notch. */
	if ((mask & 8) && !(old & 8))
		e[n++] = ev(EV_REL, REL_WHEEL, 1);
	else if ((mask & 16) && !(old & 16))
		e[n++] = ev(EV_REL, REL_WHEEL, (uint32_t)-1);
	e[n++] = ev(EV_SYN, SYN_REPORT, 0);
	atomic_fetch_add(&v->pointer, 1);
	post(v, 1, e, n);
	rfbDefaultPtrAddEvent(mask, x, y, cl);
}

static rfbBool
on_password(rfbClientPtr cl, const char *response, int len)
{
	struct dm_vnc	*v = cl->screen->screenData;

	if (rfbCheckPasswordByList(cl, response, len))
		return TRUE;
	atomic_fetch_add(&v->auth_fail, 1);
	log_warnx("vnc: domain %u: wrong password from %s", v->dm->domid,
	    cl->host != NULL ? cl->host : "?");
	return FALSE;
}

static void
on_gone(rfbClientPtr cl)
{
	struct dm_vnc	*v = cl->screen->screenData;

	pthread_mutex_lock(&v->lock);
	v->clients--;
	pthread_mutex_unlock(&v->lock);
	log_info("vnc: domain %u: client %s left", v->dm->domid,
	    cl->host != NULL ? cl->host : "?");
}

static enum rfbNewClientAction
on_client(rfbClientPtr cl)
{
	struct dm_vnc	*v = cl->screen->screenData;

	cl->clientGoneHook = on_gone;
	pthread_mutex_lock(&v->lock);
	v->clients++;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
	log_info("vnc: domain %u: client %s", v->dm->domid,
	    cl->host != NULL ? cl->host : "?");
	return RFB_CLIENT_ACCEPT;
}

/*
 * Compare the guest's screen with the served copy a band of TILE_H rows
 * at a time; in a band that differs, copy and mark only the tiles that
 * do.  Returns the count of tiles sent.
 */
static unsigned
scan(struct dm_vnc *v)
{
	size_t		 row = (size_t)v->width, off;
	unsigned	 n = 0;
	int		 x, y, y1, r, w;

	for (y = 0; y < v->height; y += TILE_H) {
		y1 = y + TILE_H < v->height ? y + TILE_H : v->height;
		off = (size_t)y * row;
		if (memcmp(v->fb + off, v->shadow + off,
		    (size_t)(y1 - y) * row * 4) == 0)
			continue;
		for (x = 0; x < v->width; x += TILE_W) {
			w = x + TILE_W < v->width ? TILE_W : v->width - x;
			for (r = y; r < y1; r++)
				if (memcmp(v->fb + (size_t)r * row + (size_t)x,
				    v->shadow + (size_t)r * row + (size_t)x,
				    (size_t)w * 4) != 0)
					break;
			if (r == y1)
				continue;
			for (r = y; r < y1; r++)
				memcpy(v->shadow + (size_t)r * row + (size_t)x,
				    v->fb + (size_t)r * row + (size_t)x,
				    (size_t)w * 4);
			rfbMarkRectAsModified(v->screen, x, y, x + w, y1);
			n++;
		}
	}
	return n;
}

static void *
damage_loop(void *arg)
{
	struct dm_vnc	*v = arg;
	struct timespec	 ts;

	pthread_mutex_lock(&v->lock);
	while (!v->stop) {
		if (v->clients == 0) {
			pthread_cond_wait(&v->cond, &v->lock);
			continue;
		}
		pthread_mutex_unlock(&v->lock);
		atomic_fetch_add(&v->polls, 1);
		atomic_fetch_add(&v->tiles, scan(v));
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += VNC_POLL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&v->lock);
		if (!v->stop)
			pthread_cond_timedwait(&v->cond, &v->lock, &ts);
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* The event loop: hand client input to the keyboard or the tablet. */
static void
pipe_read(evutil_socket_t fd, short what, void *arg)
{
	struct dm_vnc	*v = arg;
	struct vnc_msg	 m;
	struct dm_dev	*dev;
	unsigned	 i;

	(void)what;
	while (read(fd, &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		if (m.n > 6)
			continue;
		for (i = 0; i < PRIVCMD_VIRTIO_SLOTS; i++) {
			dev = v->dm->dev[i];
			if (dev != NULL && dev->ops == &dm_input_ops &&
			    dm_input_is_tablet(dev) == m.tablet) {
				dm_input_send(dev, m.ev, m.n);
				break;
			}
		}
	}
}

static int
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr);
	return 0;
}

/*
 * Listen on addr at port, or with 'unused' on the first free port of
 * port .. port + VNC_PORT_SPAN - 1.  The socket, or -1 with *cause.
 */
static int
listen_on(const char *addr, int port, int unused, int need_auth_ok,
    int *got, int *family, char **cause)
{
	struct addrinfo	 hints, *ai = NULL;
	int		 fd = -1, p, one = 1, rc, last = port;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(addr, "0", &hints, &ai)) != 0) {
		xasprintf(cause, "vnc: listen address '%s': %s", addr,
		    gai_strerror(rc));
		return -1;
	}
	if (!need_auth_ok && !is_loopback(ai->ai_addr)) {
		xasprintf(cause, "vnc: no password set: an unauthenticated "
		    "VNC server listens only on a loopback address, not %s",
		    addr);
		freeaddrinfo(ai);
		return -1;
	}
	if (unused)
		last = port + VNC_PORT_SPAN - 1;
	for (p = port; p <= last && p <= 65535; p++) {
		if (ai->ai_family == AF_INET)
			((struct sockaddr_in *)(void *)ai->ai_addr)->sin_port =
			    htons((uint16_t)p);
		else
			((struct sockaddr_in6 *)(void *)ai->ai_addr)->
			    sin6_port = htons((uint16_t)p);
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1)
			break;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 8) == 0) {
			*got = p;
			*family = ai->ai_family;
			freeaddrinfo(ai);
			return fd;
		}
		rc = errno;
		close(fd);
		fd = -1;
		errno = rc;
		if (errno != EADDRINUSE)
			break;
	}
	xasprintf(cause, "vnc: cannot listen on %s port %d%s: %s", addr, port,
	    unused ? " or the 99 after it" : "", strerror(errno));
	freeaddrinfo(ai);
	return -1;
}

/* The request's settings, checked. */
static int
settings(yajl_val req, int64_t *w, int64_t *h, int64_t *port, int *unused,
    const char **listen, const char **pw, char **cause)
{
	*w = XVM_FB_DEF_WIDTH;
	*h = XVM_FB_DEF_HEIGHT;
	*unused = 0;
	(void)json_get_i64(req, "width", w);
	(void)json_get_i64(req, "height", h);
	(void)json_get_bool(req, "unused", unused);
	if (*w < XVM_FB_MIN_SIDE || *w > XVM_FB_MAX_SIDE ||
	    *h < XVM_FB_MIN_SIDE || *h > XVM_FB_MAX_SIDE) {
		xasprintf(cause, "vnc: a screen of %lldx%lld: each side must "
		    "be %d to %d", (long long)*w, (long long)*h,
		    XVM_FB_MIN_SIDE, XVM_FB_MAX_SIDE);
		return -1;
	}
	if (json_get_i64(req, "port", port) == -1 || *port < 1 ||
	    *port > 65535) {
		xasprintf(cause, "vnc: a port 1..65535 is needed");
		return -1;
	}
	if ((*listen = json_get_str(req, "listen")) == NULL)
		*listen = "127.0.0.1";
	if ((*pw = json_get_str(req, "password")) != NULL && **pw == '\0')
		*pw = NULL;
	return 0;
}

int
dm_vnc_start(struct dm *dm, yajl_val req, int *port, char **cause)
{
	struct dm_vnc	*v;
	const char	*listen, *pw;
	int64_t		 w, h, want;
	int		 unused, fd, family, argc = 0;
	void		*fb;

	if (dm->vnc != NULL) {
		xasprintf(cause, "vnc: already serving port %d", dm->vnc->port);
		return -1;
	}
	if (settings(req, &w, &h, &want, &unused, &listen, &pw, cause) == -1)
		return -1;
	fb = xc_map_foreign_range(dm->xch, dm->domid,
	    XVM_FB_BYTES(w, h), PROT_READ, XVM_FB_BASE >> 12);
	if (fb == NULL) {
		xasprintf(cause, "vnc: domain %u has no video memory for "
		    "%lldx%lld: %s", dm->domid, (long long)w, (long long)h,
		    strerror(errno));
		return -1;
	}
	if ((fd = listen_on(listen, (int)want, unused, pw != NULL, port,
	    &family, cause)) == -1) {
		munmap(fb, XVM_FB_BYTES(w, h));
		return -1;
	}
	v = xcalloc(1, sizeof(*v));
	v->dm = dm;
	v->fb = fb;
	v->fb_bytes = XVM_FB_BYTES(w, h);
	v->width = (int)w;
	v->height = (int)h;
	v->port = *port;
	strlcpy(v->addr, listen, sizeof(v->addr));
	v->shadow = xcalloc((size_t)w * (size_t)h, 4);
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	if (pipe2(v->pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("%s: pipe", __func__);
	v->pipe_ev = event_new(dm->base, v->pipe[0], EV_READ | EV_PERSIST,
	    pipe_read, v);
	if (v->pipe_ev == NULL || event_add(v->pipe_ev, NULL) == -1)
		fatalx("%s: event", __func__);

	rfbLog = vnc_log;
	rfbErr = vnc_err;
	rfbMaxClientWait = 5000;	/* a stalled client, in ms */
	v->screen = rfbGetScreen(&argc, NULL, v->width, v->height, 8, 3, 4);
	if (v->screen == NULL)
		fatalx("%s: rfbGetScreen", __func__);
	/* 0x00RRGGBB little-endian words, as the guest draws them. */
	v->screen->serverFormat.redShift = 16;
	v->screen->serverFormat.greenShift = 8;
	v->screen->serverFormat.blueShift = 0;
	v->screen->frameBuffer = (char *)v->shadow;
	v->screen->desktopName = "xVM domain";
	v->screen->screenData = v;
	v->screen->alwaysShared = TRUE;
	v->screen->port = 0;		/* our socket, below */
	v->screen->ipv6port = 0;
	v->screen->httpPort = 0;
	v->screen->kbdAddEvent = on_key;
	v->screen->ptrAddEvent = on_pointer;
	v->screen->newClientHook = on_client;
	if (pw != NULL) {
		v->passwd[0] = xstrdup(pw);
		v->screen->authPasswdData = v->passwd;
		v->screen->passwordCheck = on_password;
	}
	rfbInitServer(v->screen);
	if (family == AF_INET6)
		v->screen->listen6Sock = fd;
	else
		v->screen->listenSock = fd;
	v->screen->maxFd = fd;
	FD_SET(fd, &v->screen->allFds);
	/* The copy starts as the guest's screen is now. */
	memcpy(v->shadow, v->fb, (size_t)w * (size_t)h * 4);
	rfbRunEventLoop(v->screen, -1, TRUE);
	if (pthread_create(&v->damage, NULL, damage_loop, v) != 0)
		fatalx("%s: damage thread", __func__);
	dm->vnc = v;
	log_info("vnc: domain %u: %dx%d on %s port %d, %s", dm->domid,
	    v->width, v->height, listen, v->port, pw != NULL ?
	    "VNC authentication" : "no password (loopback only)");
	return 0;
}

void
dm_vnc_free(struct dm *dm)
{
	struct dm_vnc	*v = dm->vnc;

	if (v == NULL)
		return;
	pthread_mutex_lock(&v->lock);
	v->stop = 1;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
	pthread_join(v->damage, NULL);
	rfbShutdownServer(v->screen, TRUE);
	rfbScreenCleanup(v->screen);
	event_free(v->pipe_ev);
	close(v->pipe[0]);
	close(v->pipe[1]);
	munmap((void *)(uintptr_t)v->fb, v->fb_bytes);
	free(v->shadow);
	if (v->passwd[0] != NULL) {
		explicit_bzero(v->passwd[0], strlen(v->passwd[0]));
		free(v->passwd[0]);
	}
	pthread_cond_destroy(&v->cond);
	pthread_mutex_destroy(&v->lock);
	free(v);
	dm->vnc = NULL;
}

void
dm_vnc_stats(struct dm *dm, struct json_w *w)
{
	struct dm_vnc	*v = dm->vnc;
	int		 clients;

	if (v == NULL)
		return;
	pthread_mutex_lock(&v->lock);
	clients = v->clients;
	pthread_mutex_unlock(&v->lock);
	json_w_key(w, "vnc");
	json_w_obj_open(w);
	json_w_kstr(w, "listen", v->addr);
	json_w_ki64(w, "port", v->port);
	json_w_ki64(w, "width", v->width);
	json_w_ki64(w, "height", v->height);
	json_w_ki64(w, "clients", clients);
	json_w_kbool(w, "password", v->passwd[0] != NULL);
	json_w_key(w, "polls");
	json_w_u64(w, atomic_load(&v->polls));
	json_w_key(w, "tiles");
	json_w_u64(w, atomic_load(&v->tiles));
	json_w_key(w, "keys");
	json_w_u64(w, atomic_load(&v->keys));
	json_w_key(w, "pointer");
	json_w_u64(w, atomic_load(&v->pointer));
	json_w_key(w, "auth_failures");
	json_w_u64(w, atomic_load(&v->auth_fail));
	json_w_key(w, "dropped");
	json_w_u64(w, atomic_load(&v->dropped));
	json_w_obj_close(w);
}
