/*
 * guest/minios/xenbus.c over a real xenstore_domain_interface page in
 * memory.  The store end is played by this file: each time the client
 * waits, the store takes what is in the request ring, answers it from a
 * small table of nodes, and releases its output into the response ring
 * at most `chunk` bytes at a time, so replies arrive split the way a
 * slow store would send them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guest/minios/xenbus.h"

#define NODES	32
#define OUTQ	(64 * 1024)

static struct store {
	struct xenstore_domain_interface page;
	struct ring	req, rsp;
	char		inbuf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	size_t		inlen;
	char		outq[OUTQ];
	size_t		outlen;
	size_t		chunk;		/* bytes released per wait */
	char		key[NODES][XB_PATH_MAX];
	char		val[NODES][XENSTORE_PAYLOAD_MAX + 1];
	char		wpath[4][XB_PATH_MAX], wtoken[4][XB_TOKEN_MAX];
	unsigned	nwatch;
	int		eagain;		/* fail the next transaction end */
	int		stale;		/* send a stale reply first */
	int		dead;		/* never answer; wait gives up */
	unsigned	waits, notifies, reconnects;
	int		strict;		/* write more only when kicked */
	unsigned	seen;		/* notifies when it last wrote */
	uint32_t	last_tx;
} *st;

static struct xenbus xb;

static void
emit(uint32_t type, uint32_t req_id, uint32_t tx, const void *p, size_t len)
{
	struct xsd_sockmsg h = { type, req_id, tx, (uint32_t)len };

	assert_true(st->outlen + sizeof(h) + len <= OUTQ);
	memcpy(st->outq + st->outlen, &h, sizeof(h));
	memcpy(st->outq + st->outlen + sizeof(h), p, len);
	st->outlen += sizeof(h) + len;
}

static void
reply_str(const struct xsd_sockmsg *h, uint32_t type, const char *s)
{
	emit(type, h->req_id, h->tx_id, s, strlen(s) + 1);
}

static int
find(const char *key)
{
	for (int i = 0; i < NODES; i++)
		if (st->key[i][0] != '\0' && strcmp(st->key[i], key) == 0)
			return i;
	return -1;
}

static void
fire(const char *path)
{
	char ev[XB_PATH_MAX + XB_TOKEN_MAX];
	size_t pl, tl;

	for (unsigned i = 0; i < st->nwatch; i++) {
		if (strncmp(path, st->wpath[i], strlen(st->wpath[i])) != 0)
			continue;
		pl = strlen(path) + 1;
		tl = strlen(st->wtoken[i]) + 1;
		memcpy(ev, path, pl);
		memcpy(ev + pl, st->wtoken[i], tl);
		emit(XS_WATCH_EVENT, 0, 0, ev, pl + tl);
	}
}

static void
handle(const struct xsd_sockmsg *h, char *body)
{
	char list[512];
	size_t n = 0, plen;
	int i;

	body[h->len] = '\0';
	if (st->stale) {
		st->stale = 0;
		reply_str(h, h->type, "stale");
		((struct xsd_sockmsg *)(void *)(st->outq + st->outlen -
		    sizeof(struct xsd_sockmsg) - 6))->req_id = h->req_id + 1000;
	}
	switch (h->type) {
	case XS_READ:
		i = find(body);
		if (i < 0)
			reply_str(h, XS_ERROR, "ENOENT");
		else	/* a value is sent without its NUL */
			emit(XS_READ, h->req_id, h->tx_id, st->val[i],
			    strlen(st->val[i]));
		break;
	case XS_WRITE:
		plen = strlen(body) + 1;
		i = find(body);
		for (int j = 0; i < 0 && j < NODES; j++)
			if (st->key[j][0] == '\0')
				i = j;
		assert_true(i >= 0);
		snprintf(st->key[i], XB_PATH_MAX, "%s", body);
		memcpy(st->val[i], body + plen, h->len - plen);
		st->val[i][h->len - plen] = '\0';
		/* The event goes out before the reply, to test sorting. */
		fire(body);
		reply_str(h, XS_WRITE, "OK");
		break;
	case XS_DIRECTORY:
		plen = strlen(body);
		for (i = 0; i < NODES; i++)
			if (strncmp(st->key[i], body, plen) == 0 &&
			    st->key[i][plen] == '/') {
				size_t l = strlen(st->key[i] + plen + 1) + 1;

				memcpy(list + n, st->key[i] + plen + 1, l);
				n += l;
			}
		if (n == 0 && find(body) < 0)
			reply_str(h, XS_ERROR, "ENOENT");
		else
			emit(XS_DIRECTORY, h->req_id, h->tx_id, list, n);
		break;
	case XS_WATCH:
		snprintf(st->wpath[st->nwatch], XB_PATH_MAX, "%s", body);
		snprintf(st->wtoken[st->nwatch], XB_TOKEN_MAX, "%s",
		    body + strlen(body) + 1);
		st->nwatch++;
		reply_str(h, XS_WATCH, "OK");
		fire(body);	/* the initial event, as xenstored sends */
		break;
	case XS_TRANSACTION_START:
		st->last_tx = 41 + h->req_id;
		snprintf(list, sizeof(list), "%u", st->last_tx);
		reply_str(h, XS_TRANSACTION_START, list);
		break;
	case XS_TRANSACTION_END:
		assert_int_equal(h->tx_id, st->last_tx);
		if (st->eagain) {
			st->eagain = 0;
			reply_str(h, XS_ERROR, "EAGAIN");
		} else {
			reply_str(h, XS_TRANSACTION_END, "OK");
		}
		break;
	default:
		reply_str(h, XS_ERROR, "ENOSYS");
		break;
	}
}

static void
notify(void *arg)
{
	(void)arg;
	st->notifies++;
}

static int
wait_store(void *arg)
{
	struct xsd_sockmsg h;
	long n;
	size_t give;
	int fresh = 0;

	(void)arg;
	if (st->dead || ++st->waits > 100000)
		return -1;
	if (st->page.connection == XENSTORE_RECONNECT) {
		/* xenstore-ring.txt: forget the session, reset, reconnect. */
		st->page.req_cons = st->page.req_prod = 0;
		st->page.rsp_cons = st->page.rsp_prod = 0;
		st->inlen = st->outlen = 0;
		st->nwatch = 0;
		st->page.error = XENSTORE_ERROR_NONE;
		st->page.connection = XENSTORE_CONNECTED;
		st->reconnects++;
		return 0;
	}
	if (st->page.error != XENSTORE_ERROR_NONE)
		return 0;	/* a store that gave up serves nothing */
	n = ring_get(&st->req, st->inbuf + st->inlen,
	    sizeof(st->inbuf) - st->inlen);
	assert_true(n >= 0);
	st->inlen += (size_t)n;
	while (st->inlen >= sizeof(h)) {
		memcpy(&h, st->inbuf, sizeof(h));
		if (st->inlen < sizeof(h) + h.len)
			break;
		fresh = 1;
		handle(&h, st->inbuf + sizeof(h));
		memmove(st->inbuf, st->inbuf + sizeof(h) + h.len,
		    st->inlen - sizeof(h) - h.len);
		st->inlen -= sizeof(h) + h.len;
	}
	/* A strict store, like xenstored, writes when it has something new
	 * or the client said it made room, never by polling the ring. */
	if (st->strict && !fresh && st->notifies == st->seen)
		return 0;
	st->seen = st->notifies;
	give = st->outlen < st->chunk ? st->outlen : st->chunk;
	n = ring_put(&st->rsp, st->outq, give);
	assert_true(n >= 0);
	memmove(st->outq, st->outq + n, st->outlen - (size_t)n);
	st->outlen -= (size_t)n;
	return 0;
}

static const struct xenbus_ops ops = { notify, wait_store };

static int
setup(void **state)
{
	(void)state;
	st = calloc(1, sizeof(*st));
	assert_non_null(st);
	st->chunk = 4096;
	st->req = (struct ring){ st->page.req, XENSTORE_RING_SIZE,
	    &st->page.req_cons, &st->page.req_prod };
	st->rsp = (struct ring){ st->page.rsp, XENSTORE_RING_SIZE,
	    &st->page.rsp_cons, &st->page.rsp_prod };
	xenbus_init(&xb, &st->page, &ops, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(st);
	return 0;
}

static void
test_read_write(void **state)
{
	char buf[64], small[4];

	(void)state;
	assert_int_equal(xenbus_read(&xb, 0, "name", buf, sizeof(buf)),
	    XEN_ENOENT);
	assert_int_equal(xenbus_write(&xb, 0, "name", "guest-1"), 0);
	assert_int_equal(xenbus_read(&xb, 0, "name", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "guest-1");
	assert_int_equal(xenbus_read(&xb, 0, "name", small, sizeof(small)),
	    XEN_E2BIG);
	assert_int_equal(xenbus_write(&xb, 0, "empty", ""), 0);
	assert_int_equal(xenbus_read(&xb, 0, "empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(xenbus_mkdir(&xb, 0, "x"), XEN_ENOSYS);
	assert_true(st->notifies > 0);
}

static void
test_split_replies(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(xenbus_write(&xb, 0, "domid", "7"), 0);
	st->chunk = 1;		/* one byte per wait */
	assert_int_equal(xenbus_read(&xb, 0, "domid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "7");
}

static void
test_big_value(void **state)
{
	static char big[3001], back[3100];

	(void)state;
	/* Larger than the 1 KiB ring both ways. */
	memset(big, 'v', sizeof(big) - 1);
	big[1234] = 'X';
	assert_int_equal(xenbus_write(&xb, 0, "data/big", big), 0);
	assert_int_equal(xenbus_read(&xb, 0, "data/big", back, sizeof(back)),
	    0);
	assert_string_equal(back, big);
	{
		static char huge[XENSTORE_PAYLOAD_MAX + 10];

		memset(huge, 'h', sizeof(huge) - 1);
		assert_int_equal(xenbus_write(&xb, 0, "h", huge), XEN_E2BIG);
	}
}

/* A reply bigger than the ring from a store that writes more only when
 * told there is room: the client must kick it as it consumes. */
static void
test_big_reply_kicks(void **state)
{
	static char big[3001], back[3100];

	memset(big, 'k', sizeof(big) - 1);
	assert_int_equal(xenbus_write(&xb, 0, "data/big", big), 0);
	st->strict = 1;
	assert_int_equal(xenbus_read(&xb, 0, "data/big", back, sizeof(back)),
	    0);
	assert_string_equal(back, big);
	(void)state;
}

static void
test_directory(void **state)
{
	char buf[128];
	unsigned n;

	(void)state;
	assert_int_equal(xenbus_write(&xb, 0, "/local/domain/7/name", "a"), 0);
	assert_int_equal(xenbus_write(&xb, 0, "/local/domain/7/domid", "7"), 0);
	assert_int_equal(xenbus_directory(&xb, 0, "/local/domain/7", buf,
	    sizeof(buf), &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(buf, "name");
	assert_string_equal(buf + 5, "domid");
	assert_int_equal(xenbus_directory(&xb, 0, "/nope", buf, sizeof(buf),
	    &n), XEN_ENOENT);
	assert_int_equal(xenbus_directory(&xb, 0, "/local/domain/7", buf, 4,
	    &n), XEN_E2BIG);
}

static void
test_watch(void **state)
{
	struct xb_event ev;
	char buf[16];

	(void)state;
	assert_int_equal(xenbus_watch(&xb, "control/shutdown", "sd"), 0);
	assert_int_equal(xenbus_next_event(&xb, &ev), 0);
	/* The initial event arrives after the reply: poll collects it. */
	assert_int_equal(wait_store(NULL), 0);
	assert_int_equal(xenbus_poll(&xb), 0);
	assert_int_equal(xenbus_next_event(&xb, &ev), 1);
	assert_string_equal(ev.path, "control/shutdown");
	assert_string_equal(ev.token, "sd");
	/* An event that comes before a reply is queued, not taken for it. */
	assert_int_equal(xenbus_write(&xb, 0, "control/shutdown", "poweroff"),
	    0);
	assert_int_equal(xenbus_read(&xb, 0, "control/shutdown", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "poweroff");
	assert_int_equal(xenbus_next_event(&xb, &ev), 1);
	assert_string_equal(ev.path, "control/shutdown");
	assert_int_equal(xenbus_next_event(&xb, &ev), 0);
	/* After a resume, the same watches are set again. */
	st->nwatch = 0;
	assert_int_equal(xenbus_rewatch(&xb), 0);
	assert_int_equal(st->nwatch, 1);
	assert_string_equal(st->wtoken[0], "sd");
	assert_int_equal(xenbus_unwatch(&xb, "control/shutdown", "sd"),
	    XEN_ENOSYS);
	assert_false(xb.watches[0].used);
}

static void
test_event_overflow(void **state)
{
	struct xb_event ev;
	unsigned n = 0;

	(void)state;
	assert_int_equal(xenbus_watch(&xb, "c", "t"), 0);
	for (int i = 0; i < XB_MAX_EVENTS + 4; i++)
		assert_int_equal(xenbus_write(&xb, 0, "c/x", "1"), 0);
	(void)wait_store(NULL);
	assert_int_equal(xenbus_poll(&xb), 0);
	while (xenbus_next_event(&xb, &ev))
		n++;
	assert_int_equal(n, XB_MAX_EVENTS);
	assert_true(xb.ev_dropped >= 4);
}

static void
test_transaction(void **state)
{
	uint32_t tx;

	(void)state;
	assert_int_equal(xenbus_transaction_start(&xb, &tx), 0);
	assert_int_equal(tx, st->last_tx);
	assert_int_equal(xenbus_write(&xb, tx, "a", "1"), 0);
	st->eagain = 1;
	assert_int_equal(xenbus_transaction_end(&xb, tx, 0), XEN_EAGAIN);
	assert_int_equal(xenbus_transaction_start(&xb, &tx), 0);
	assert_int_equal(xenbus_transaction_end(&xb, tx, 1), 0);
}

static void
test_stale_reply(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(xenbus_write(&xb, 0, "k", "v"), 0);
	st->stale = 1;
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "v");
}

static void
test_dead_store(void **state)
{
	char buf[16];

	(void)state;
	st->dead = 1;
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)),
	    XEN_ETIMEDOUT);
}

static void
test_corrupt_indexes(void **state)
{
	char buf[16];

	(void)state;
	st->dead = 1;
	st->page.rsp_prod = st->page.rsp_cons + XENSTORE_RING_SIZE + 1;
	assert_int_equal(xenbus_poll(&xb), XEN_EIO);
	/* Broken for good: no further use of the page. */
	st->page.rsp_prod = st->page.rsp_cons;
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), XEN_EIO);
	assert_int_equal(st->page.req_prod, 0);
}

static void
test_oversized_header(void **state)
{
	struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	char buf[16];

	(void)state;
	assert_int_equal(ring_put(&st->rsp, &h, sizeof(h)), sizeof(h));
	assert_int_equal(xenbus_poll(&xb), XEN_EIO);
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), XEN_EIO);
}

/* A broken ring comes back through the reconnection handshake, with the
 * watches set again by xenbus_rewatch. */
static void
test_reconnect(void **state)
{
	char buf[16];

	(void)state;
	/* A store without the feature: nothing to do. */
	assert_int_equal(xenbus_reconnect(&xb), XEN_ENOSYS);
	assert_int_equal(st->page.connection, XENSTORE_CONNECTED);
	st->page.server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
	    XENSTORE_SERVER_FEATURE_ERROR;
	assert_int_equal(xenbus_watch(&xb, "w", "tok"), 0);
	assert_int_equal(xenbus_write(&xb, 0, "k", "v1"), 0);
	st->page.rsp_prod = st->page.rsp_cons + XENSTORE_RING_SIZE + 1;
	assert_int_equal(xenbus_poll(&xb), XEN_EIO);
	assert_true(xenbus_broken(&xb));
	assert_int_equal(xenbus_reconnect(&xb), 0);
	assert_int_equal(st->reconnects, 1);
	assert_false(xenbus_broken(&xb));
	assert_int_equal(st->page.rsp_prod, 0);
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "v1");
	assert_int_equal(st->nwatch, 0);
	assert_int_equal(xenbus_rewatch(&xb), 0);
	assert_int_equal(st->nwatch, 1);
	assert_string_equal(st->wpath[0], "w");
	/* A reconnection someone else started: waited for, then ours. */
	{
		int reset;

		assert_int_equal(xenbus_await_connected(&xb, &reset), 0);
		assert_false(reset);
		st->page.connection = XENSTORE_RECONNECT;
		assert_int_equal(xenbus_await_connected(&xb, &reset), 0);
		assert_true(reset);
		assert_int_equal(st->reconnects, 2);
		assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), 0);
	}
	/* A store that never answers the handshake. */
	st->dead = 1;
	assert_int_equal(xenbus_reconnect(&xb), XEN_ETIMEDOUT);
}

/* The store's error field stops the client (EIO), and only when the store
 * says it offers the field. */
static void
test_store_error(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(xenbus_write(&xb, 0, "k", "v"), 0);
	st->page.error = XENSTORE_ERROR_RINGIDX;
	assert_int_equal(xenbus_store_error(&xb), 0);	/* not offered */
	st->page.server_features = XENSTORE_SERVER_FEATURE_ERROR;
	assert_int_equal(xenbus_store_error(&xb), XENSTORE_ERROR_RINGIDX);
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), XEN_EIO);
	assert_true(xenbus_broken(&xb));
	st->page.server_features |= XENSTORE_SERVER_FEATURE_RECONNECTION;
	assert_int_equal(xenbus_reconnect(&xb), 0);
	assert_int_equal(xenbus_store_error(&xb), 0);
	assert_int_equal(xenbus_read(&xb, 0, "k", buf, sizeof(buf)), 0);
}

static void
test_errno_names(void **state)
{
	(void)state;
	assert_string_equal(xenbus_strerror(XEN_EACCES), "EACCES");
	assert_string_equal(xenbus_strerror(XEN_ETIMEDOUT), "ETIMEDOUT");
	assert_string_equal(xenbus_strerror(9999), "E?");
	assert_int_equal(xenbus_errno("EACCES"), XEN_EACCES);
	assert_int_equal(xenbus_errno("EAGAIN"), XEN_EAGAIN);
	assert_int_equal(xenbus_errno("ENOSPC"), XEN_ENOSPC);
	assert_int_equal(xenbus_errno("WHAT"), XEN_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_replies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_reply_kicks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_overflow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_transaction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dead_store, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_indexes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_oversized_header, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_error, setup,
		    teardown),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
