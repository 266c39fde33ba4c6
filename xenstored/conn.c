/* Connections: buffering, framing, per-turn flush, over a transport ops table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include <xvm/xs_wire.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/db.h"
#include "xenstored/domain.h"
#include "xenstored/quota.h"
#include "xenstored/transaction.h"
#include "xenstored/watch.h"
#include "xenstored/wire.h"

/*
 * Replies are not written when a request is answered but at the end of
 * the event-loop turn, after the turn's database commit: a client never
 * sees OK for a write that a crash could still lose.  Every connection
 * with output queued in a turn sits on the dirty list until then.
 *
 * Should the commit fail, the turn's replies that told of the tree after
 * its first change may describe what is not in the database: each
 * connection remembers where its output stood at its first message after
 * that change (undo_at), so conn_fail_turn() can rewrite them.
 */
struct conn_list		 conns = TAILQ_HEAD_INITIALIZER(conns);
size_t				 conn_out_max = CONN_OUT_MAX;
static TAILQ_HEAD(, conn)	 dirty = TAILQ_HEAD_INITIALIZER(dirty);
static struct event		*turn_ev;
static void			(*turn_hook)(void *);
static void			*turn_arg;
static uint64_t			 turn_no = 1;

static void
turn_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	conn_end_turn();
}

/*
 * The end of a turn is an event of the I/O priority activated by the
 * first request of the turn: libevent appends it behind every callback
 * already made active by the same poll, so it still runs after all of
 * them, but in the same pass.  (lib/evloop.h's deferred work runs at a
 * lower priority, which costs one more epoll_wait per request: measured
 * 4 syscalls per request instead of 3.)
 */
void
conn_init(struct event_base *base)
{
	if (base == NULL)
		return;
	if ((turn_ev = event_new(base, -1, 0, turn_cb, NULL)) == NULL ||
	    event_priority_set(turn_ev, 1) == -1)
		fatalx("%s: cannot create the end-of-turn event", __func__);
}

void
conn_set_turn_hook(void (*fn)(void *), void *arg)
{
	turn_hook = fn;
	turn_arg = arg;
}

void
conn_kick_turn(void)
{
	if (turn_ev != NULL && !event_pending(turn_ev, EV_TIMEOUT, NULL))
		event_active(turn_ev, EV_TIMEOUT, 0);
}

static void
mark_dirty(struct conn *c)
{
	if (!c->dirty) {
		c->dirty = 1;
		TAILQ_INSERT_TAIL(&dirty, c, dirty_entry);
	}
	conn_kick_turn();
}

struct conn *
conn_new(const struct conn_ops *ops, void *tp, uint32_t domid, int privileged,
    int readonly, const char *desc)
{
	static uint64_t	 nconns;
	struct conn	*c;

	c = xcalloc(1, sizeof(*c));
	c->seq = ++nconns;
	c->ops = ops;
	c->tp = tp;
	c->who.domid = domid;
	c->who.privileged = privileged;
	c->who.readonly = readonly;
	snprintf(c->home, sizeof(c->home), "/local/domain/%u", domid);
	snprintf(c->desc, sizeof(c->desc), "%s", desc);
	buf_init(&c->in, 0);
	buf_init(&c->out, 0);
	TAILQ_INIT(&c->watches);
	TAILQ_INIT(&c->txns);
	c->next_txid = 1;
	c->reading = 1;		/* the transport starts out reading */
	TAILQ_INSERT_TAIL(&conns, c, entry);
	log_debug("%s: %s", __func__, c->desc);
	return c;
}

void
conn_send(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
    const void *payload, size_t len)
{
	struct xsd_sockmsg	 h;

	if (c->dead)
		return;
	if (c->undo_turn != turn_no && db_in_txn()) {
		c->undo_turn = turn_no;
		c->undo_at = buf_len(&c->out);
	}
	h.type = type;
	h.req_id = req_id;
	h.tx_id = tx_id;
	h.len = (uint32_t)len;
	buf_add(&c->out, &h, sizeof(h));
	buf_add(&c->out, payload, len);
	if (buf_error(&c->out) != 0 || buf_len(&c->out) > conn_out_max) {
		conn_close(c, "output queue overflow (peer not reading)");
		return;
	}
	mark_dirty(c);
}

static void
set_reading(struct conn *c, int on)
{
	if (c->reading != on && c->ops->want_read != NULL)
		c->ops->want_read(c, on);
	c->reading = on;
}

void
conn_close(struct conn *c, const char *why)
{
	if (c->dead)
		return;
	log_debug("%s: %s: %s", __func__, c->desc, why);
	c->dead = 1;
	set_reading(c, 0);
	c->ops->want_write(c, 0);
	/*
	 * Watches and transactions stay allocated until conn_free(): a close
	 * can happen in the middle of firing watches or committing (a queue
	 * overflowing), and those loops still hold pointers to them.  A dead
	 * connection's watches match nothing and its sends are dropped.
	 */
	domain_conn_gone(c);
	mark_dirty(c);
}

/* A whole request (or an oversized header to refuse) is buffered. */
static int
has_request(struct conn *c)
{
	struct xsd_sockmsg	 h;

	if (buf_len(&c->in) < sizeof(h))
		return 0;
	memcpy(&h, buf_data(&c->in), sizeof(h));
	return h.len > XENSTORE_PAYLOAD_MAX ||
	    buf_len(&c->in) >= sizeof(h) + h.len;
}

static int
can_take_more(struct conn *c, uint32_t served)
{
	if (c->dead || buf_len(&c->out) > CONN_OUT_HIGH)
		return 0;
	/* Unprivileged peers get 'outstanding' requests answered per turn. */
	if (!c->who.privileged && served >= quota_get(Q_OUTSTANDING))
		return 0;
	return 1;
}

/*
 * Rings: every request's reply is queued when it is answered, so its end
 * in the output stream is known; once the output has gone that far, the
 * request's input may be given back (ops->release).
 */
static void
push_mark(struct conn *c)
{
	struct conn_mark	*m;

	if (c->marks_head > 0 && c->marks_head == c->nmarks)
		c->marks_head = c->nmarks = 0;
	if (c->nmarks == c->marks_cap) {
		if (c->marks_head > 0) {
			memmove(c->marks, c->marks + c->marks_head,
			    (c->nmarks - c->marks_head) * sizeof(*c->marks));
			c->nmarks -= c->marks_head;
			c->marks_head = 0;
		} else {
			c->marks_cap = c->marks_cap ? c->marks_cap * 2 : 16;
			c->marks = xreallocarray(c->marks, c->marks_cap,
			    sizeof(*c->marks));
		}
	}
	m = &c->marks[c->nmarks++];
	m->out_end = c->out_sent + buf_len(&c->out);
	m->in_end = c->in_done;
}

static void
release_input(struct conn *c)
{
	while (c->marks_head < c->nmarks &&
	    c->marks[c->marks_head].out_end <= c->out_sent)
		c->in_acked = c->marks[c->marks_head++].in_end;
	c->ops->release(c, c->in_acked, c->in_read);
}

void
conn_reset_streams(struct conn *c)
{
	buf_reset(&c->in);
	buf_reset(&c->out);
	c->in_read = c->in_done = c->in_acked = c->out_sent = 0;
	c->nmarks = c->marks_head = 0;
	c->undo_turn = 0;
}

/* Decode and answer every complete request buffered, within limits. */
static void
process_input(struct conn *c)
{
	struct xsd_sockmsg	 h;
	uint32_t		 served = 0;

	while (can_take_more(c, served) && buf_len(&c->in) >= sizeof(h)) {
		memcpy(&h, buf_data(&c->in), sizeof(h));
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			log_warnx("%s: %s: payload of %u bytes (limit %u), "
			    "closing", __func__, c->desc, h.len,
			    XENSTORE_PAYLOAD_MAX);
			conn_close(c, "oversized payload");
			return;
		}
		if (buf_len(&c->in) < sizeof(h) + h.len)
			break;
		wire_dispatch(c, &h, (const char *)buf_data(&c->in) + sizeof(h));
		buf_consume(&c->in, sizeof(h) + h.len);
		c->nreqs++;
		served++;
		c->in_done += sizeof(h) + h.len;
		if (c->ops->release != NULL)
			push_mark(c);
	}
	if (buf_len(&c->in) == 0)
		buf_reset(&c->in);
}

void
conn_readable(struct conn *c)
{
	ssize_t		 n;
	void		*p;
	int		 eof = 0;

	if (c->dead)
		return;
	/* Leave data in the transport while earlier input is pending. */
	if (buf_len(&c->in) < CONN_IN_CHUNK) {
		if ((p = buf_space(&c->in, CONN_IN_CHUNK)) == NULL) {
			conn_close(c, "out of memory");
			return;
		}
		n = c->ops->read(c, p, CONN_IN_CHUNK, &eof);
		if (n < 0) {
			conn_close(c, strerror(errno));
			return;
		}
		buf_commit(&c->in, (size_t)n);
		c->in_read += (uint64_t)n;
	}
	process_input(c);
	if (c->ops->release != NULL && !c->dead)
		release_input(c);
	if (eof && !c->dead)
		conn_close(c, "end of file");
	/* A request held back gets an end-of-turn pass (conn_end_turn). */
	if (has_request(c))
		mark_dirty(c);
	/* Until then the transport must not keep reporting input. */
	if (!c->dead && (buf_len(&c->in) >= CONN_IN_CHUNK ||
	    !can_take_more(c, 0)))
		set_reading(c, 0);
}

static void
flush_one(struct conn *c)
{
	ssize_t		 n;
	size_t		 before = buf_len(&c->out);

	while (buf_len(&c->out) > 0) {
		n = c->ops->write(c, buf_data(&c->out), buf_len(&c->out));
		if (n < 0) {
			conn_close(c, strerror(errno));
			return;
		}
		if (n == 0)
			break;
		buf_consume(&c->out, (size_t)n);
		c->out_sent += (uint64_t)n;
		if (c->undo_turn == turn_no)
			c->undo_at = c->undo_at > (size_t)n ?
			    c->undo_at - (size_t)n : 0;
	}
	if (buf_len(&c->out) == 0)
		buf_reset(&c->out);
	if (c->ops->release != NULL && !c->dead)
		release_input(c);
	if (before != buf_len(&c->out) && c->ops->kick != NULL)
		c->ops->kick(c);
	c->ops->want_write(c, buf_len(&c->out) > 0);
}

void
conn_writable(struct conn *c)
{
	if (c->dead)
		return;
	flush_one(c);
	/* Reading may have stopped on a full output queue. */
	if (c->dead)
		return;
	if (buf_len(&c->out) <= CONN_OUT_HIGH && has_request(c))
		mark_dirty(c);
	if (buf_len(&c->in) < CONN_IN_CHUNK && can_take_more(c, 0))
		set_reading(c, 1);
}

static void
conn_free(struct conn *c)
{
	watch_conn_gone(c);
	txn_conn_gone(c);
	TAILQ_REMOVE(&conns, c, entry);
	if (c->ops->destroy != NULL)
		c->ops->destroy(c);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->marks);
	free(c);
}

void
conn_end_turn(void)
{
	struct conn	*c;
	TAILQ_HEAD(, conn) work = TAILQ_HEAD_INITIALIZER(work);

	if (turn_hook != NULL)
		turn_hook(turn_arg);
	turn_no++;
	TAILQ_CONCAT(&work, &dirty, dirty_entry);
	while ((c = TAILQ_FIRST(&work)) != NULL) {
		TAILQ_REMOVE(&work, c, dirty_entry);
		c->dirty = 0;
		if (c->dead) {
			conn_free(c);
			continue;
		}
		flush_one(c);
		/* Requests held back by a limit get their turn now. */
		if (!c->dead && has_request(c) && can_take_more(c, 0)) {
			process_input(c);
			if (has_request(c) || buf_len(&c->out) > 0)
				mark_dirty(c);
		}
		if (!c->dead && buf_len(&c->in) < CONN_IN_CHUNK &&
		    can_take_more(c, 0))
			set_reading(c, 1);
		if (c->dead && !c->dirty)
			mark_dirty(c);
	}
}

/* Replies whose content came from the tree (or changed it). */
static int
tells_of_tree(uint32_t type)
{
	switch (type) {
	case XS_READ:
	case XS_DIRECTORY:
	case XS_DIRECTORY_PART:
	case XS_GET_PERMS:
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_SET_PERMS:
	case XS_TRANSACTION_END:
		return 1;
	default:
		return 0;
	}
}

/*
 * The turn's commit failed (err: ENOSPC or EIO) and the tree is back to
 * what the database holds.  Every reply queued since the turn's first
 * change that told of the tree becomes that error: a write was not
 * made, a read may have seen it.  Other replies stand (a watch set, a
 * transaction started: memory keeps them), and so do watch events -- a
 * watcher that reads again finds the node as it is, which Xen's
 * protocol allows (an event does not promise a change).
 */
void
conn_fail_turn(int err)
{
	struct xsd_sockmsg	 h, e;
	struct conn		*c;
	struct buf		 nb;
	const char		*name = wire_errname(err), *p;
	size_t			 at, total, mk;

	TAILQ_FOREACH(c, &conns, entry) {
		if (c->dead || c->undo_turn != turn_no)
			continue;
		buf_init(&nb, 0);
		buf_add(&nb, buf_data(&c->out), c->undo_at);
		p = buf_data(&c->out);
		total = buf_len(&c->out);
		mk = c->marks_head;
		for (at = c->undo_at; at + sizeof(h) <= total;
		    at += sizeof(h) + h.len) {
			memcpy(&h, p + at, sizeof(h));
			if (!tells_of_tree(h.type))
				buf_add(&nb, p + at, sizeof(h) + h.len);
			else {
				log_debug("%s: %s: request %u answered %s",
				    __func__, c->desc, h.req_id, name);
				e = h;
				e.type = XS_ERROR;
				e.len = (uint32_t)strlen(name) + 1;
				buf_add(&nb, &e, sizeof(e));
				buf_add(&nb, name, e.len);
			}
			/* A reply's mark (its end) moves with it. */
			for (; mk < c->nmarks && c->marks[mk].out_end <=
			    c->out_sent + at + sizeof(h) + h.len; mk++)
				c->marks[mk].out_end = c->out_sent +
				    buf_len(&nb);
		}
		if (buf_error(&nb) != 0) {
			buf_free(&nb);
			conn_close(c, "out of memory");
			continue;
		}
		buf_free(&c->out);
		c->out = nb;
		c->undo_turn = 0;
	}
}

void
conn_shutdown(void)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&conns)) != NULL) {
		if (!c->dead)
			conn_close(c, "shutdown");
		if (c->dirty) {
			TAILQ_REMOVE(&dirty, c, dirty_entry);
			c->dirty = 0;
		}
		conn_free(c);
	}
	if (turn_ev != NULL)
		event_free(turn_ev);
	turn_ev = NULL;
}
