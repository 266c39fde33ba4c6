/* Watches: registration, the path index, and firing events to connections. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xs_wire.h>

#include "lib/buf.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/domain.h"
#include "xenstored/quota.h"
#include "xenstored/tree.h"
#include "xenstored/watch.h"

/*
 * Firing.  A write to /a/b/c (MATCH_SUBTREE) must reach watches on
 * /a/b/c, /a/b, /a and /; so instead of scanning every watch (what Xen's
 * daemon does) the index maps a watched path to its watches and an event
 * looks up the path and each of its parents: O(depth), whatever the
 * number of watches.  Deleting /a fires MATCH_SUBTREE for /a and
 * MATCH_EXACT for each node removed below it, so a watch on /a/b/c hears
 * "/a/b/c" when /a goes, as with Xen.
 *
 * Xen's daemon sends the events of one change connection by connection
 * (oldest first), each connection's in the order its watches were set;
 * the matches found through the index are sorted into that order.
 *
 * A watch given relative ("device/vif") is stored absolute
 * (/local/domain/<id>/device/vif) and its events are made relative again.
 */
#define WHASH_SIZE	4096

static struct watch	*whash[WHASH_SIZE];
static uint64_t		 nwatches, wseq;

/* The watches one event reaches, before sorting. */
struct hits {
	struct watch	**w;
	size_t		  n, cap;
};

static uint32_t
whash_of(const char *s, size_t len)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct watch *
find(struct conn *c, const char *path, const char *token)
{
	struct watch	*w;

	TAILQ_FOREACH(w, &c->watches, centry)
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
			return w;
	return NULL;
}

int
watch_add(struct conn *c, const char *path, const char *token, int relative,
    struct watch **out)
{
	struct watch	*w;
	size_t		 len = strlen(path);

	if (find(c, path, token) != NULL)
		return EEXIST;
	if (!c->who.privileged && c->nwatches >= quota_get(Q_WATCHES))
		return E2BIG;
	w = xcalloc(1, sizeof(*w));
	w->conn = c;
	w->path = xstrdup(path);
	w->token = xstrdup(token);
	w->relative = relative;
	w->seq = ++wseq;
	w->hash = whash_of(path, len);
	w->hnext = whash[w->hash % WHASH_SIZE];
	whash[w->hash % WHASH_SIZE] = w;
	TAILQ_INSERT_TAIL(&c->watches, w, centry);
	c->nwatches++;
	nwatches++;
	if (out != NULL)
		*out = w;
	return 0;
}

static void
send_event(struct watch *w, const char *path)
{
	struct buf	 b = BUF_INITIALIZER;
	size_t		 hl = strlen(w->conn->home);

	if (w->relative && strncmp(path, w->conn->home, hl) == 0 &&
	    path[hl] == '/')
		path += hl + 1;
	buf_add(&b, path, strlen(path) + 1);
	buf_add(&b, w->token, strlen(w->token) + 1);
	if (buf_error(&b) == 0)
		conn_send(w->conn, XS_WATCH_EVENT, 0, 0, buf_data(&b),
		    buf_len(&b));
	buf_free(&b);
}

void
watch_initial(struct watch *w)
{
	send_event(w, w->path);
}

static void
unlink_watch(struct watch *w)
{
	struct watch	**pp;

	for (pp = &whash[w->hash % WHASH_SIZE]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == w) {
			*pp = w->hnext;
			break;
		}
	TAILQ_REMOVE(&w->conn->watches, w, centry);
	w->conn->nwatches--;
	nwatches--;
	free(w->path);
	free(w->token);
	free(w);
}

int
watch_remove(struct conn *c, const char *path, const char *token)
{
	struct watch	*w;

	if ((w = find(c, path, token)) == NULL)
		return ENOENT;
	unlink_watch(w);
	return 0;
}

void
watch_conn_gone(struct conn *c)
{
	struct watch	*w;

	while ((w = TAILQ_FIRST(&c->watches)) != NULL)
		unlink_watch(w);
}

static int
may_see(struct conn *c, const struct xs_perm *p, uint32_t n,
    const struct xs_perm *op, uint32_t on)
{
	if (c->who.privileged)
		return 1;
	if (perm_for(&c->who, p, n) & PERM_READ)
		return 1;
	return op != NULL && (perm_for(&c->who, op, on) & PERM_READ);
}

/* Collect the watches registered on exactly path[0..len) that may see it. */
static void
collect(struct hits *hs, const char *wpath, size_t len,
    const struct xs_perm *p, uint32_t n, const struct xs_perm *op, uint32_t on)
{
	struct watch	*w;
	uint32_t	 h = whash_of(wpath, len);

	for (w = whash[h % WHASH_SIZE]; w != NULL; w = w->hnext) {
		if (w->hash != h || strncmp(w->path, wpath, len) != 0 ||
		    w->path[len] != '\0' || w->conn->dead ||
		    !may_see(w->conn, p, n, op, on))
			continue;
		if (hs->n == hs->cap) {
			hs->cap = hs->cap ? hs->cap * 2 : 16;
			hs->w = xreallocarray(hs->w, hs->cap, sizeof(*hs->w));
		}
		hs->w[hs->n++] = w;
	}
}

static int
xen_order(const void *a, const void *b)
{
	const struct watch	*x = *(struct watch *const *)a;
	const struct watch	*y = *(struct watch *const *)b;

	if (x->conn->seq != y->conn->seq)
		return x->conn->seq < y->conn->seq ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
watch_fire(const char *path, enum watch_match m, const struct xs_perm *p,
    uint32_t n, const struct xs_perm *op, uint32_t on)
{
	struct hits	 hs = { NULL, 0, 0 };
	size_t		 len, i;

	if (nwatches == 0)
		return;
	len = strlen(path);
	collect(&hs, path, len, p, n, op, on);
	while (m == MATCH_SUBTREE && len > 1) {
		while (len > 0 && path[len - 1] != '/')
			len--;
		len = (len > 1) ? len - 1 : 1;
		collect(&hs, path, len, p, n, op, on);
	}
	if (hs.n > 1)
		qsort(hs.w, hs.n, sizeof(*hs.w), xen_order);
	for (i = 0; i < hs.n; i++)
		send_event(hs.w[i], path);
	free(hs.w);
}

void
watch_fire_special(const char *name)
{
	struct watch	*w, *next;
	size_t		 len = strlen(name);
	uint32_t	 h = whash_of(name, len);

	for (w = whash[h % WHASH_SIZE]; w != NULL; w = next) {
		next = w->hnext;
		if (w->hash == h && strcmp(w->path, name) == 0 &&
		    !w->conn->dead && w->conn->who.privileged)
			send_event(w, name);
	}
}

uint64_t
watch_count(void)
{
	return nwatches;
}
