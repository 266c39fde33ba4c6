/* Unit tests for xenstored/wire.c and ops.c: a table of requests and Xen's replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "harness.h"
#include "xenstored/quota.h"

#define OK_	"OK\0"
#define E(x)	#x "\0"

/* Who sends: dom0 socket, read-only socket, or guest domain 5. */
enum who { D0, RO, G5 };

struct wcase {
	enum who	 who;
	uint32_t	 type;
	const char	*req;
	size_t		 reqlen;
	uint32_t	 rtype;
	const char	*rep;
	size_t		 replen;
};

#define C(w, t, req, rt, rep) \
	{ w, t, req, sizeof(req) - 1, rt, rep, sizeof(rep) - 1 }
#define ERR(w, t, req, e)	C(w, t, req, XS_ERROR, E(e))

static const struct wcase cases[] = {
	C(D0, XS_READ, "/\0", XS_READ, ""),
	C(D0, XS_DIRECTORY, "/\0", XS_DIRECTORY, "tool\0"),
	C(D0, XS_GET_PERMS, "/\0", XS_GET_PERMS, "n0\0"),
	C(D0, XS_WRITE, "/a/b\0hello", XS_WRITE, OK_),
	C(D0, XS_READ, "/a/b\0", XS_READ, "hello"),
	C(D0, XS_WRITE, "/a/bin\0x\0y", XS_WRITE, OK_),
	C(D0, XS_READ, "/a/bin\0", XS_READ, "x\0y"),
	C(D0, XS_MKDIR, "/a/b\0", XS_MKDIR, OK_),
	C(D0, XS_READ, "/a/b\0", XS_READ, "hello"),
	C(D0, XS_DIRECTORY, "/a\0", XS_DIRECTORY, "b\0bin\0"),
	ERR(D0, XS_READ, "/a/c\0", ENOENT),
	ERR(D0, XS_READ, "/a//c\0", EINVAL),
	ERR(D0, XS_READ, "/a/c/\0", EINVAL),
	ERR(D0, XS_READ, "/a/b", EINVAL),	/* no NUL */
	ERR(D0, XS_READ, "", EINVAL),
	ERR(D0, XS_WRITE, "@x\0v", EINVAL),
	C(D0, XS_WRITE, "rel/x\0v", XS_WRITE, OK_),
	C(D0, XS_READ, "/local/domain/0/rel/x\0", XS_READ, "v"),
	ERR(D0, XS_RM, "/zz/yy\0", ENOENT),
	C(D0, XS_RM, "/a/zz\0", XS_RM, OK_),
	ERR(D0, XS_RM, "/\0", EINVAL),
	ERR(D0, 99, "", ENOSYS),
	ERR(D0, 20, "", ENOSYS),
	ERR(D0, XS_WATCH_EVENT, "", ENOSYS),
	C(D0, XS_SET_PERMS, "/a/b\0n0\0r5\0b7\0", XS_SET_PERMS, OK_),
	C(D0, XS_GET_PERMS, "/a/b\0", XS_GET_PERMS, "n0\0r5\0b7\0"),
	ERR(D0, XS_SET_PERMS, "/a/b\0x5\0", EINVAL),
	ERR(D0, XS_SET_PERMS, "/a/b\0", EINVAL),
	C(D0, XS_GET_DOMAIN_PATH, "7\0", XS_GET_DOMAIN_PATH, "/local/domain/7\0"),
	C(D0, XS_IS_DOMAIN_INTRODUCED, "0\0", XS_IS_DOMAIN_INTRODUCED, "T\0"),
	C(D0, XS_IS_DOMAIN_INTRODUCED, "7\0", XS_IS_DOMAIN_INTRODUCED, "F\0"),
	ERR(D0, XS_RELEASE, "0\0", EINVAL),
	ERR(D0, XS_RELEASE, "7\0", ENOENT),
	ERR(D0, XS_RESUME, "7\0", ENOENT),
	ERR(D0, XS_SET_TARGET, "7\0" "8\0", ENOENT),
	ERR(D0, XS_INTRODUCE, "7\0" "123\0" "4\0", ENOSYS),	/* no libxc yet */
	ERR(D0, XS_INTRODUCE, "0\0" "123\0" "4\0", EINVAL),
	ERR(D0, XS_CONTROL, "bogus\0", EINVAL),
	ERR(D0, XS_CONTROL, "", EINVAL),
	C(D0, XS_CONTROL, "check\0", XS_CONTROL, "OK\0"),
	/* Xen 4.17's help text, less live-update (not offered). */
	C(D0, XS_CONTROL, "help\0", XS_CONTROL, "check\t\nlog\ton|off\n"
	    "logfile\t<file>\nmemreport\t[<file>]\nprint\t<string>\n"
	    "quota\t[set <name> <val>|<domid>]\n"
	    "quota-soft\t[set <name> <val>]\nhelp\t\n\0"),
	ERR(D0, XS_CONTROL, "quota-soft\0set\0memory\0" "5\0", EINVAL),
	ERR(D0, XS_CONTROL, "logfile\0", EINVAL),
	ERR(D0, XS_CONTROL, "memreport\0/nonexistent-dir/f\0", ENOENT),
	ERR(D0, XS_WATCH, "/a\0tok\0" "1\0", EINVAL),	/* no depth in 4.17 */
	ERR(D0, XS_UNWATCH, "/a\0tok\0" "1\0", EINVAL),
	C(D0, XS_RESET_WATCHES, "", XS_RESET_WATCHES, OK_),
	ERR(D0, XS_UNWATCH, "/nope\0tok\0", ENOENT),
	ERR(D0, XS_DIRECTORY_PART, "/a\0x\0", EINVAL),
	/* The read-only socket refuses every write. */
	C(RO, XS_READ, "/a/b\0", XS_READ, "hello"),
	ERR(RO, XS_WRITE, "/a/b\0x", EROFS),
	ERR(RO, XS_MKDIR, "/a/q\0", EROFS),
	ERR(RO, XS_RM, "/a/b\0", EROFS),
	ERR(RO, XS_SET_PERMS, "/a/b\0n0\0", EROFS),
	ERR(RO, XS_RELEASE, "3\0", EROFS),
	ERR(RO, XS_CONTROL, "check\0", EROFS),
	/* Guests: privileged operations, permissions, EACCES over ENOENT. */
	ERR(G5, XS_CONTROL, "help\0", EACCES),
	ERR(G5, XS_INTRODUCE, "7\0" "1\0" "1\0", EACCES),
	ERR(G5, XS_RELEASE, "7\0", EACCES),
	C(G5, XS_READ, "/a/b\0", XS_READ, "hello"),	/* r5 */
	ERR(G5, XS_WRITE, "/a/b\0x", EACCES),
	C(G5, XS_GET_PERMS, "/a/b\0", XS_GET_PERMS, "n0\0r5\0b7\0"),
	ERR(G5, XS_READ, "/a/nope\0", EACCES),		/* /a is n0 */
	ERR(G5, XS_READ, "/tool/xenstored\0", EACCES),
	ERR(G5, XS_WRITE, "/g5\0x", EACCES),		/* / is n0 */
	ERR(G5, XS_DIRECTORY, "/\0", EACCES),
	C(D0, XS_MKDIR, "/local/domain/5\0", XS_MKDIR, OK_),
	C(D0, XS_SET_PERMS, "/local/domain/5\0n5\0", XS_SET_PERMS, OK_),
	C(G5, XS_WRITE, "data/x\0v", XS_WRITE, OK_),	/* relative */
	C(G5, XS_READ, "/local/domain/5/data/x\0", XS_READ, "v"),
	C(G5, XS_GET_PERMS, "data/x\0", XS_GET_PERMS, "n5\0"),
	ERR(G5, XS_READ, "data/nope\0", ENOENT),
	ERR(G5, XS_SET_PERMS, "data/x\0n0\0", EPERM),	/* give away */
	C(G5, XS_SET_PERMS, "data/x\0n5\0r0\0", XS_SET_PERMS, OK_),
	ERR(G5, XS_SET_PERMS, "data/x\0n5\0r1\0r2\0r3\0r4\0r6\0", ENOSPC),
	C(D0, XS_WRITE, "/local/domain/5/dom0\0v", XS_WRITE, OK_),
	C(D0, XS_GET_PERMS, "/local/domain/5/dom0\0", XS_GET_PERMS, "n5\0"),
};

static const char *
who_name(enum who w)
{
	return w == D0 ? "dom0" : w == RO ? "socket_ro" : "dom5";
}

static void
test_table(void **state)
{
	struct conn	*c[3];
	struct reply	*r;
	size_t		 i;
	int		 bad = 0;

	(void)state;
	h_setup();
	c[D0] = h_conn(0, 1, 0);
	c[RO] = h_conn(0, 1, 1);
	c[G5] = h_conn(5, 0, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wcase *w = &cases[i];

		r = h_rq(c[w->who], w->type, w->req, w->reqlen, 0);
		if (r->type != w->rtype || r->len != w->replen ||
		    memcmp(r->data, w->rep, w->replen) != 0 || r->req_id != 42) {
			printf("case %zu (%s, type %u, %.*s): got type %u "
			    "\"%.*s\"\n", i, who_name(w->who), w->type,
			    (int)w->reqlen, w->req, r->type, (int)r->len,
			    r->data);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	h_teardown();
}

static void
test_guest_quotas(void **state)
{
	struct conn	*d0, *g;
	struct reply	*r;
	char		 req[64], big[2100];
	int		 i, n;

	(void)state;
	h_setup();
	d0 = h_conn(0, 1, 0);
	g = h_conn(5, 0, 0);
	RQ(d0, XS_MKDIR, "/local/domain/5\0");
	RQ(d0, XS_SET_PERMS, "/local/domain/5\0n5\0");
	quota_set(Q_NODES, 10);
	for (i = 0; i < 20; i++) {
		n = snprintf(req, sizeof(req), "n%d", i) + 1;
		r = h_rq(g, XS_WRITE, req, (size_t)n, 0);
		if (r->type == XS_ERROR)
			break;
	}
	/* /local/domain/5 itself counts: owned by dom5. */
	assert_int_equal(i, 9);
	assert_string_equal(r->data, "ENOSPC");
	/* Node size: value plus header over node-size. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "n0\0", 3);
	r = h_rq(g, XS_WRITE, big, sizeof(big), 0);
	assert_string_equal(r->data, "ENOSPC");
	r = h_rq(g, XS_WRITE, big, 1000, 0);
	assert_int_equal(r->type, XS_WRITE);
	/* Watches: E2BIG past the quota; dom0 has none. */
	quota_set(Q_WATCHES, 3);
	for (i = 0; i < 5; i++) {
		n = snprintf(req, sizeof(req), "n0%cw%d", 0, i) + 1;
		r = h_rq(g, XS_WATCH, req, (size_t)n, 0);
		if (r->type == XS_ERROR)
			break;
	}
	assert_int_equal(i, 3);
	assert_string_equal(r->data, "E2BIG");
	/* Transactions: ENOSPC past the quota. */
	quota_set(Q_TRANSACTIONS, 2);
	RQ(g, XS_TRANSACTION_START, "\0");
	RQ(g, XS_TRANSACTION_START, "\0");
	r = RQ(g, XS_TRANSACTION_START, "\0");
	assert_string_equal(r->data, "ENOSPC");
	for (i = 0; i < 5; i++)
		assert_int_equal(RQ(d0, XS_TRANSACTION_START, "\0")->type,
		    XS_TRANSACTION_START);
	/* Path length below the home counts against path-max. */
	quota_set(Q_PATH_MAX, 10);
	r = RQ(g, XS_WRITE, "abcdefghijk\0v");
	assert_string_equal(r->data, "EINVAL");
	quota_defaults();
	h_teardown();
}

static void
test_watch_events(void **state)
{
	struct conn	*d0, *w, *g;
	struct reply	 ev, *r;

	(void)state;
	h_setup();
	d0 = h_conn(0, 1, 0);
	w = h_conn(0, 1, 0);
	g = h_conn(5, 0, 0);
	RQ(d0, XS_WRITE, "/w/x\0v");
	r = RQ(w, XS_WATCH, "/w\0T\0");
	assert_int_equal(r->type, XS_WATCH);
	assert_int_equal(h_pop(w, &ev), 0);		/* initial event */
	assert_int_equal(ev.type, XS_WATCH_EVENT);
	assert_int_equal(ev.req_id, 0);
	assert_memory_equal(ev.data, "/w\0T\0", 5);
	assert_string_equal(RQ(w, XS_WATCH, "/w\0T\0")->data, "EEXIST");
	RQ(w, XS_WATCH, "/w/x/deep\0D\0");
	h_pop(w, &ev);
	buf_reset(&w->out);
	/* A write fires on the node and its parents' watches. */
	RQ(d0, XS_WRITE, "/w/x/y\0v");
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "/w/x/y\0T\0", 9);
	assert_int_equal(h_pop(w, &ev), -1);
	/* Removing /w: "/w" to T, and D's own path, though it never existed? */
	RQ(d0, XS_WRITE, "/w/x/deep\0v");
	buf_reset(&w->out);
	RQ(d0, XS_RM, "/w\0");
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "/w/x/deep\0D\0", 12);
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "/w\0T\0", 5);
	/* Relative watches give relative paths; guests see what they read. */
	RQ(d0, XS_MKDIR, "/local/domain/5\0");
	RQ(d0, XS_SET_PERMS, "/local/domain/5\0n5\0");
	RQ(g, XS_WATCH, "dev\0rel\0");
	assert_int_equal(h_pop(g, &ev), 0);
	assert_memory_equal(ev.data, "dev\0rel\0", 8);
	RQ(g, XS_WATCH, "/secret\0abs\0");
	buf_reset(&g->out);
	RQ(d0, XS_WRITE, "/local/domain/5/dev/vif\0x");
	assert_int_equal(h_pop(g, &ev), 0);
	assert_memory_equal(ev.data, "dev/vif\0rel\0", 12);
	RQ(d0, XS_WRITE, "/secret/k\0x");		/* n0: not for dom5 */
	assert_int_equal(h_pop(g, &ev), -1);
	/* @introduceDomain / @releaseDomain only to the privileged. */
	RQ(w, XS_WATCH, "@releaseDomain\0R\0");
	RQ(g, XS_WATCH, "@releaseDomain\0R\0");
	assert_int_equal(h_pop(g, &ev), 0);		/* initial: own watch */
	h_teardown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_guest_quotas),
		cmocka_unit_test(test_watch_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
