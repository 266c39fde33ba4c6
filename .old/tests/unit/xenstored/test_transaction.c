/* Unit tests for xenstored/transaction.c: isolation, Xen's conflict rule, events at commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "harness.h"
#include "xenstored/quota.h"

static uint32_t
start(struct conn *c)
{
	struct reply	*r = RQ(c, XS_TRANSACTION_START, "\0");

	assert_int_equal(r->type, XS_TRANSACTION_START);
	return (uint32_t)strtoul(r->data, NULL, 10);
}

static const char *
end(struct conn *c, uint32_t tx, int commit)
{
	return h_rq(c, XS_TRANSACTION_END, commit ? "T" : "F", 2, tx)->data;
}

static void
test_isolation(void **state)
{
	struct conn	*a, *b;
	uint32_t	 t;

	(void)state;
	h_setup();
	a = h_conn(0, 1, 0);
	b = h_conn(0, 1, 0);
	RQ(a, XS_WRITE, "/x\0old");
	t = start(a);
	assert_int_equal(t, 1);
	assert_int_equal(start(b), 1);		/* ids are per connection */
	RQT(a, XS_WRITE, "/x\0new", t);
	RQT(a, XS_WRITE, "/y/z\0made", t);
	assert_string_equal(RQT(a, XS_READ, "/x\0", t)->data, "new");
	assert_string_equal(RQ(b, XS_READ, "/x\0")->data, "old");
	assert_string_equal(RQ(b, XS_READ, "/y/z\0")->data, "ENOENT");
	assert_memory_equal(RQT(a, XS_DIRECTORY, "/y\0", t)->data, "z\0", 2);
	assert_string_equal(RQT(a, XS_TRANSACTION_START, "\0", t)->data,
	    "EBUSY");
	assert_string_equal(end(a, t, 1), "OK");
	assert_string_equal(RQ(b, XS_READ, "/y/z\0")->data, "made");
	assert_string_equal(end(a, t, 1), "ENOENT");	/* gone */
	/* Abort discards. */
	t = start(a);
	RQT(a, XS_RM, "/y\0", t);
	assert_string_equal(RQT(a, XS_READ, "/y/z\0", t)->data, "ENOENT");
	assert_string_equal(end(a, t, 0), "OK");
	assert_string_equal(RQ(b, XS_READ, "/y/z\0")->data, "made");
	/* Committed removal of a subtree. */
	t = start(a);
	RQT(a, XS_RM, "/y\0", t);
	assert_string_equal(end(a, t, 1), "OK");
	assert_string_equal(RQ(b, XS_READ, "/y\0")->data, "ENOENT");
	h_teardown();
}

/* Each case: what the transaction does, what another client does, result. */
struct ccase {
	const char	*name;
	const char	*tx_req;	/* "R path" read, "W path" write, "D path" dir */
	const char	*other;		/* path the other client writes ("-x": rm) */
	const char	*want;
};

static const struct ccase conflicts[] = {
	{ "read then outside write", "R /k", "/k", "EAGAIN" },
	{ "write then outside write", "W /k", "/k", "EAGAIN" },
	{ "unrelated write", "W /k", "/other/leaf", "OK" },
	{ "read, outside child value", "R /k", "/k/child", "EAGAIN" },
	{ "dir, outside child value", "D /k", "/k/c0", "OK" },
	{ "dir, outside new child", "D /k", "/k/new", "EAGAIN" },
	{ "new child, outside new child", "W /k/n1", "/k/n2", "EAGAIN" },
	{ "read missing, outside creates", "R /k/nope", "/k/nope", "EAGAIN" },
	{ "read, outside rm", "R /k/c0", "-/k/c0", "EAGAIN" },
	{ "sibling subtree write", "W /k/c0/a", "/k2/x", "OK" },
};

static void
test_conflicts(void **state)
{
	struct conn	*a, *b;
	struct reply	*r;
	char		 req[64];
	size_t		 i;
	uint32_t	 t;
	int		 n;

	(void)state;
	for (i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
		const struct ccase *c = &conflicts[i];

		h_setup();
		a = h_conn(0, 1, 0);
		b = h_conn(0, 1, 0);
		RQ(a, XS_WRITE, "/k\0v");
		RQ(a, XS_WRITE, "/k/c0\0v");
		RQ(a, XS_WRITE, "/k2\0v");
		RQ(a, XS_WRITE, "/other\0v");
		t = start(a);
		n = snprintf(req, sizeof(req), "%s", c->tx_req + 2) + 1;
		if (c->tx_req[0] == 'R')
			h_rq(a, XS_READ, req, (size_t)n, t);
		else if (c->tx_req[0] == 'D')
			h_rq(a, XS_DIRECTORY, req, (size_t)n, t);
		else
			h_rq(a, XS_WRITE, req, (size_t)n + 1, t);
		if (c->other[0] == '-') {
			n = snprintf(req, sizeof(req), "%s", c->other + 1) + 1;
			r = h_rq(b, XS_RM, req, (size_t)n, 0);
		} else {
			n = snprintf(req, sizeof(req), "%s%cx", c->other, 0);
			r = h_rq(b, XS_WRITE, req, (size_t)n, 0);
		}
		assert_int_not_equal(r->type, XS_ERROR);
		r = h_rq(a, XS_TRANSACTION_END, "T", 2, t);
		if (strcmp(r->data, c->want) != 0)
			fail_msg("%s: got %s, want %s", c->name, r->data,
			    c->want);
		h_teardown();
	}
}

static void
test_events_on_commit_only(void **state)
{
	struct conn	*a, *w;
	struct reply	 ev;
	uint32_t	 t;

	(void)state;
	h_setup();
	a = h_conn(0, 1, 0);
	w = h_conn(0, 1, 0);
	RQ(w, XS_WATCH, "/e\0tok\0");
	buf_reset(&w->out);
	t = start(a);
	RQT(a, XS_WRITE, "/e/1\0x", t);
	RQT(a, XS_WRITE, "/e/2\0x", t);
	assert_int_equal(h_pop(w, &ev), -1);		/* nothing yet */
	assert_string_equal(end(a, t, 0), "OK");
	assert_int_equal(h_pop(w, &ev), -1);		/* none on abort */
	t = start(a);
	RQT(a, XS_WRITE, "/e/1\0x", t);
	RQT(a, XS_WRITE, "/e/2\0x", t);
	assert_int_equal(h_pop(w, &ev), -1);
	assert_string_equal(end(a, t, 1), "OK");
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "/e/1\0tok\0", 9);
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "/e/2\0tok\0", 9);
	assert_int_equal(h_pop(w, &ev), -1);
	/* A failed commit fires nothing either. */
	t = start(a);
	RQT(a, XS_READ, "/e/1\0", t);
	RQT(a, XS_WRITE, "/e/3\0x", t);
	RQ(a, XS_WRITE, "/e/1\0y");
	buf_reset(&w->out);
	assert_string_equal(end(a, t, 1), "EAGAIN");
	assert_int_equal(h_pop(w, &ev), -1);
	h_teardown();
}

static void
test_trans_nodes_quota(void **state)
{
	struct conn	*d0, *g;
	struct reply	*r;
	char		 req[32];
	uint32_t	 t;
	int		 i, n;

	(void)state;
	h_setup();
	d0 = h_conn(0, 1, 0);
	g = h_conn(5, 0, 0);
	RQ(d0, XS_MKDIR, "/local/domain/5\0");
	RQ(d0, XS_SET_PERMS, "/local/domain/5\0b5\0");
	quota_set(Q_TRANS_NODES, 8);
	t = start(g);
	for (i = 0; i < 20; i++) {
		n = snprintf(req, sizeof(req), "q%d", i) + 1;
		r = h_rq(g, XS_READ, req, (size_t)n, t);
		if (strcmp(r->data, "ENOSPC") == 0)
			break;
	}
	assert_true(i < 10);
	quota_defaults();
	h_teardown();
}

/* A connection closed (output overflow) while its own commit fires
 * watches: the commit finishes, nothing is used after it is freed. */
static void
test_close_during_commit(void **state)
{
	struct conn	*a, *b;
	char		 req[32];
	uint32_t	 t;
	int		 i, n;

	(void)state;
	h_setup();
	conn_out_max = 2048;
	a = h_conn(0, 1, 0);
	b = h_conn(0, 1, 0);
	RQ(a, XS_WATCH, "/\0mine\0");
	RQ(a, XS_WATCH, "/o\0again\0");
	RQ(b, XS_WATCH, "/o\0theirs\0");
	t = start(a);
	for (i = 0; i < 200; i++) {
		n = snprintf(req, sizeof(req), "/o/n%d%cv", i, 0);
		h_rq(a, XS_WRITE, req, (size_t)n, t);
	}
	buf_reset(&a->out);
	buf_reset(&b->out);
	h_rq(a, XS_TRANSACTION_END, "T", 2, t);	/* a overflows and closes */
	assert_true(a->dead);
	assert_true(b->dead);			/* so does b: 200 events */
	conn_end_turn();			/* both freed here */
	conn_out_max = CONN_OUT_MAX;
	b = h_conn(0, 1, 0);
	assert_string_equal(RQ(b, XS_READ, "/o/n199\0")->data, "v");
	h_teardown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_events_on_commit_only),
		cmocka_unit_test(test_trans_nodes_quota),
		cmocka_unit_test(test_close_during_commit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
