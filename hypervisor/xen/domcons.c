/* A domain's emulated console (UART, SBI console, HTIF): its output ring in the hypervisor and dom0's watchers. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/domcons.h"

/*
 * What a guest without a PV console prints goes here, not into the
 * hypervisor's own console: as on Xen, where an HVM guest's serial port
 * reaches dom0's console daemon and only the hypervisor's messages (and
 * guests' console_io debug output) are in `xm dmesg`.  xvm-consoled reads
 * the ring through privcmd (CONSOLE_READ), woken by a watcher pipe, and
 * writes input back (CONSOLE_WRITE), which the UART and SBI getchar see.
 */

struct domcons {
	pthread_mutex_t	 lock;
	char		*ring;		/* NULL until the first output */
	size_t		 size;		/* the ring's, a power of two */
	uint64_t	 prod;		/* bytes ever written */
};

/*
 * The ring starts small and doubles up to DOMCONS_RING_SIZE as output
 * comes: most guests print a few boot lines here before their PV console
 * takes over (the mini-OS: about 600 bytes), and a 64 KiB ring for each
 * was half of an idle domain's hypervisor memory (issue 21).  Until it
 * reaches full size nothing has fallen off, so growing keeps every byte
 * at its offset.
 */
#define DOMCONS_RING_MIN	1024u

static void
grow(struct domcons *c, size_t want)
{
	size_t	size = c->size != 0 ? c->size : DOMCONS_RING_MIN;
	char	*r;

	while (size < want && size < DOMCONS_RING_SIZE)
		size *= 2;
	if (size == c->size)
		return;
	r = xmalloc(size);
	if (c->ring != NULL)
		memcpy(r, c->ring, (size_t)c->prod);	/* prod <= c->size */
	free(c->ring);
	c->ring = r;
	c->size = size;
}

#define TOLD_WORDS	((DOMID_MAX + 63) / 64)
/* Room for every domid at once: the pipe never fills (see domcons.h). */
#define WATCH_PIPE_SIZE	(256 * 1024)

struct domcons *
domcons_new(void)
{
	struct domcons	*c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void
domcons_free(struct domcons *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->ring);
	free(c);
}

/* Tell every watcher not yet told (hv->cons_lock held). */
static void
tell(struct hv *hv, uint32_t domid)
{
	struct domcons_watch	*w;
	uint64_t		 bit = 1ull << (domid % 64);

	LIST_FOREACH(w, &hv->cons_watchers, entry) {
		if (w->told[domid / 64] & bit)
			continue;
		if (write(w->fd, &domid, sizeof(domid)) == sizeof(domid))
			w->told[domid / 64] |= bit;
		else
			log_warn("%s: domain %u", __func__, domid);
	}
}

void
domcons_output(struct domain *d, const char *p, size_t len)
{
	struct domcons	*c = d->cons;
	size_t		 off, n;

	if (c == NULL || len == 0)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->size < DOMCONS_RING_SIZE && c->prod + len > c->size)
		grow(c, c->prod + len > DOMCONS_RING_SIZE ? DOMCONS_RING_SIZE :
		    (size_t)(c->prod + len));
	if (len > c->size) {
		c->prod += len - c->size;
		p += len - c->size;
		len = c->size;
	}
	while (len > 0) {
		off = c->prod % c->size;
		n = c->size - off < len ? c->size - off : len;
		memcpy(c->ring + off, p, n);
		c->prod += n;
		p += n;
		len -= n;
	}
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock(&d->hv->cons_lock);
	tell(d->hv, d->domid);
	pthread_mutex_unlock(&d->hv->cons_lock);
}

size_t
domcons_read(struct domain *d, uint64_t pos, char *out, size_t max,
    uint64_t *start, uint64_t *end)
{
	struct domcons	*c = d->cons;
	size_t		 done = 0, off, n;
	uint64_t	 oldest;

	pthread_mutex_lock(&c->lock);
	oldest = c->prod > c->size ? c->prod - c->size : 0;
	if (pos < oldest)
		pos = oldest;
	if (pos > c->prod)
		pos = c->prod;
	*start = pos;
	*end = c->prod;
	while (done < max && pos < c->prod) {
		off = pos % c->size;
		n = c->size - off;
		if (n > c->prod - pos)
			n = c->prod - pos;
		if (n > max - done)
			n = max - done;
		memcpy(out + done, c->ring + off, n);
		done += n;
		pos += n;
	}
	pthread_mutex_unlock(&c->lock);
	return done;
}

struct domcons_watch *
domcons_watch_new(struct hv *hv, int *rfd)
{
	struct domcons_watch	*w;
	int			 p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		return NULL;
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	/* Refused over a user's pipe quota: 64 KiB is 16384 domains. */
	if (fcntl(p[1], F_SETPIPE_SZ, WATCH_PIPE_SIZE) == -1)
		log_debug("%s: F_SETPIPE_SZ: %s", __func__, strerror(errno));
	w = xcalloc(1, sizeof(*w));
	w->fd = p[1];
	w->told = xcalloc(TOLD_WORDS, sizeof(*w->told));
	pthread_mutex_lock(&hv->cons_lock);
	LIST_INSERT_HEAD(&hv->cons_watchers, w, entry);
	pthread_mutex_unlock(&hv->cons_lock);
	*rfd = p[0];
	return w;
}

void
domcons_watch_free(struct hv *hv, struct domcons_watch *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&hv->cons_lock);
	LIST_REMOVE(w, entry);
	pthread_mutex_unlock(&hv->cons_lock);
	close(w->fd);
	free(w->told);
	free(w);
}

void
domcons_rearm(struct hv *hv, struct domcons_watch *w, uint32_t domid)
{
	if (domid >= DOMID_MAX)
		return;
	pthread_mutex_lock(&hv->cons_lock);
	w->told[domid / 64] &= ~(1ull << (domid % 64));
	pthread_mutex_unlock(&hv->cons_lock);
}

void
domcons_gone(struct domain *d)
{
	pthread_mutex_lock(&d->hv->cons_lock);
	tell(d->hv, d->domid);
	pthread_mutex_unlock(&d->hv->cons_lock);
}
