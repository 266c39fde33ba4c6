/* Unit tests for xenstored/ring.c: the ring protocol on a memfd page, and a guest end to end. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "xenstored/ring.h"
#include "xenstored/watch.h"

static struct xenstore_domain_interface *
map_page(int *fdp)
{
	int	 fd = memfd_create("xs-ring", MFD_CLOEXEC);
	void	*p;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	if (fdp != NULL)
		*fdp = fd;
	else
		close(fd);
	return p;
}

#define NMSG	3000

/* The guest: sends NMSG messages of 1..700 bytes, reads each echo back. */
static void *
guest_thread(void *arg)
{
	struct xenstore_domain_interface	*in = arg;
	uint8_t			 msg[700], got[700];
	size_t			 len, off;
	ssize_t			 n;
	int			 i, bad = 0;

	for (i = 0; i < NMSG && !bad; i++) {
		len = (size_t)(i * 37 % 700) + 1;
		memset(msg, i & 0xff, len);
		msg[0] = (uint8_t)len;
		for (off = 0; off < len; off += (size_t)n)
			if ((n = ring_write_req(in, msg + off, len - off)) < 0)
				bad = 1;
		for (off = 0; off < len && !bad; off += (size_t)n)
			if ((n = ring_read_rsp(in, got + off, len - off)) < 0)
				bad = 1;
		if (memcmp(msg, got, len) != 0)
			bad = 1;
	}
	return bad ? (void *)1 : NULL;
}

static void
test_two_threads(void **state)
{
	struct xenstore_domain_interface	*in = map_page(NULL);
	struct xenstore_domain_interface	*srv;
	pthread_t		 th;
	uint8_t			 buf[1024];
	size_t			 total = 0, want = 0, off;
	ssize_t			 n, w;
	void			*res;
	int			 i;

	(void)state;
	/* The server side maps the same page a second time, as the daemon would. */
	srv = in;
	ring_server_init(srv);
	for (i = 0; i < NMSG; i++)
		want += (size_t)(i * 37 % 700) + 1;
	assert_int_equal(pthread_create(&th, NULL, guest_thread, in), 0);
	while (total < want) {
		n = ring_read_req(srv, buf, sizeof(buf));
		assert_true(n >= 0);
		for (off = 0; off < (size_t)n; off += (size_t)w) {
			w = ring_write_rsp(srv, buf + off, (size_t)n - off);
			assert_true(w >= 0);
		}
		total += (size_t)n;
	}
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	/* Indexes ran far past the ring size: wraparound exercised. */
	assert_true(in->req_prod > 100 * XENSTORE_RING_SIZE);
	munmap(in, 4096);
}

static void
test_bad_indexes(void **state)
{
	struct xenstore_domain_interface	*in = map_page(NULL);
	char			 b[16];

	(void)state;
	in->req_prod = in->req_cons + XENSTORE_RING_SIZE + 1;
	assert_int_equal(ring_read_req(in, b, sizeof(b)), -1);
	in->req_prod = 0xfffffff0u;		/* wraps: 32 bytes queued */
	in->req_cons = 0xffffffd0u;
	assert_int_equal(ring_read_req(in, b, sizeof(b)), 16);
	in->rsp_cons = 5;
	in->rsp_prod = 2;			/* consumer ahead of producer */
	assert_int_equal(ring_write_rsp(in, "x", 1), -1);
	in->connection = XENSTORE_RECONNECT;
	assert_true(ring_wants_reset(in));
	ring_reset(in);
	assert_false(ring_wants_reset(in));
	assert_int_equal(in->req_prod, 0);
	munmap(in, 4096);
}

/* A mapper over memfd pages: what libxc will provide for real guests. */
static struct xenstore_domain_interface	*guest_page;
static int			 unmapped, notified;
static uint32_t			 last_local;

static struct xenstore_domain_interface *
t_map(uint32_t domid, uint64_t mfn, uint32_t port, uint32_t *local,
    void *arg)
{
	(void)mfn; (void)arg;
	*local = last_local = domid * 100 + port;
	return guest_page;
}

static void
t_notify(uint32_t local, void *arg)
{
	(void)local; (void)arg;
	notified++;
}

static void
t_unmap(struct xenstore_domain_interface *in, uint32_t local, void *arg)
{
	(void)in; (void)local; (void)arg;
	unmapped++;
}

static struct conn *
find_conn(uint32_t domid)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &conns, entry)
		if (c->who.domid == domid && !c->dead)
			return c;
	return NULL;
}

/* Guest side: one request through the ring, one reply back. */
static void
guest_rq(struct conn *gc, uint32_t type, const char *p, size_t len,
    struct reply *r)
{
	struct xsd_sockmsg	 h = { type, 9, 0, (uint32_t)len };

	assert_int_equal(ring_write_req(guest_page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(ring_write_req(guest_page, p, len), (ssize_t)len);
	(void)gc;
	domain_port_event(last_local);	/* the guest's notification */
	conn_end_turn();
	assert_int_equal(ring_read_rsp(guest_page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(ring_read_rsp(guest_page, r->data, h.len), h.len);
	r->type = h.type;
	r->len = h.len;
	r->data[h.len] = '\0';
}

static void
test_guest_end_to_end(void **state)
{
	struct ring_mapper	 m = { t_map, t_notify, t_unmap, NULL };
	struct conn		*d0, *w, *gc;
	struct reply		 r, ev;

	(void)state;
	guest_page = map_page(NULL);
	h_setup();
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	w = h_conn(0, 1, 0);
	RQ(w, XS_WATCH, "@introduceDomain\0I\0");
	RQ(w, XS_WATCH, "@releaseDomain\0R\0");
	buf_reset(&w->out);
	assert_string_equal(RQ(d0, XS_INTRODUCE, "7\0" "99\0" "3\0")->data, "OK");
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "@introduceDomain\0I\0", 19);
	assert_int_equal(guest_page->server_features, 3);
	assert_string_equal(RQ(d0, XS_IS_DOMAIN_INTRODUCED, "7\0")->data, "T");
	RQ(d0, XS_MKDIR, "/local/domain/7\0");
	RQ(d0, XS_SET_PERMS, "/local/domain/7\0n7\0");
	assert_non_null(gc = find_conn(7));
	/* The guest writes relative to its home and owns what it creates. */
	guest_rq(gc, XS_WRITE, "device/vif\0up", 13, &r);
	assert_int_equal(r.type, XS_WRITE);
	assert_true(notified > 0);
	assert_string_equal(RQ(d0, XS_READ, "/local/domain/7/device/vif\0")->data,
	    "up");
	assert_memory_equal(RQ(d0, XS_GET_PERMS,
	    "/local/domain/7/device/vif\0")->data, "n7\0", 3);
	guest_rq(gc, XS_READ, "/tool/xenstored\0", 16, &r);
	assert_string_equal(r.data, "EACCES");
	guest_rq(gc, XS_CONTROL, "help\0", 5, &r);
	assert_string_equal(r.data, "EACCES");
	/* Release: @releaseDomain, the ring connection goes. */
	buf_reset(&w->out);
	assert_string_equal(RQ(d0, XS_RELEASE, "7\0")->data, "OK");
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "@releaseDomain\0R\0", 17);
	conn_end_turn();
	assert_int_equal(unmapped, 1);
	assert_null(find_conn(7));
	assert_string_equal(RQ(d0, XS_IS_DOMAIN_INTRODUCED, "7\0")->data, "F");
	h_teardown();
	munmap(guest_page, 4096);
}

/* VIRQ_DOM_EXC: what the hypervisor says of each domain. */
static enum dom_state	 state7;

static enum dom_state
t_state(uint32_t domid, void *arg)
{
	(void)arg;
	return domid == 7 ? state7 : DOM_RUNNING;
}

static void
test_domain_check(void **state)
{
	struct ring_mapper	 m = { t_map, t_notify, t_unmap, NULL };
	struct conn		*d0, *w;
	struct reply		 ev;

	(void)state;
	guest_page = map_page(NULL);
	unmapped = 0;
	h_setup();
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	w = h_conn(0, 1, 0);
	RQ(d0, XS_INTRODUCE, "7\0" "99\0" "3\0");
	RQ(d0, XS_INTRODUCE, "8\0" "98\0" "4\0");
	RQ(w, XS_WATCH, "@releaseDomain\0R\0");
	buf_reset(&w->out);
	state7 = DOM_RUNNING;
	domain_check(t_state, NULL);
	assert_int_equal(h_pop(w, &ev), -1);	/* nothing happened */
	/* Shut down: one event, the domain stays introduced. */
	state7 = DOM_SHUTDOWN;
	domain_check(t_state, NULL);
	assert_int_equal(h_pop(w, &ev), 0);
	assert_memory_equal(ev.data, "@releaseDomain\0R\0", 17);
	domain_check(t_state, NULL);
	assert_int_equal(h_pop(w, &ev), -1);
	assert_string_equal(RQ(d0, XS_IS_DOMAIN_INTRODUCED, "7\0")->data, "T");
	/* Gone: released, another event; domain 8 is untouched. */
	state7 = DOM_GONE;
	domain_check(t_state, NULL);
	assert_int_equal(h_pop(w, &ev), 0);
	conn_end_turn();
	assert_int_equal(unmapped, 1);
	assert_string_equal(RQ(d0, XS_IS_DOMAIN_INTRODUCED, "7\0")->data, "F");
	assert_string_equal(RQ(d0, XS_IS_DOMAIN_INTRODUCED, "8\0")->data, "T");
	h_teardown();
	munmap(guest_page, 4096);
}

static int	 map_fails;

static struct xenstore_domain_interface *
t_map_maybe(uint32_t domid, uint64_t mfn, uint32_t port, uint32_t *local,
    void *arg)
{
	if (map_fails) {
		errno = ESRCH;
		return NULL;
	}
	return t_map(domid, mfn, port, local, arg);
}

/* A restart: the introduced domain is reconnected from the database and
 * a request it left in the ring meanwhile is answered. */
static void
test_resume_after_restart(void **state)
{
	struct ring_mapper	 m = { t_map_maybe, t_notify, t_unmap, NULL };
	struct xsd_sockmsg	 h = { XS_READ, 5, 0, 16 };
	char			 dir[] = "/tmp/xsd-unit-XXXXXX", db[64], *cause;
	struct conn		*d0, *w;
	struct reply		 r;

	(void)state;
	guest_page = map_page(NULL);
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/store.db", dir);
	log_init("test", 1, 0);
	assert_int_equal(store_open(db, 0, &cause), 0);
	conn_init(NULL);
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	assert_string_equal(RQ(d0, XS_INTRODUCE, "9\0" "1\0" "2\0")->data, "OK");
	conn_end_turn();			/* the commit */
	/* The guest queues a request while the daemon is down. */
	h_teardown();
	assert_int_equal(ring_write_req(guest_page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(ring_write_req(guest_page, "/tool/xenstored\0", 16), 16);
	assert_int_equal(store_open(db, 0, &cause), 0);
	conn_init(NULL);
	domain_init(&m);
	conn_end_turn();
	assert_int_equal(ring_read_rsp(guest_page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(h.type, XS_ERROR);	/* answered: EACCES for a guest */
	assert_int_equal(h.req_id, 5);
	d0 = h_conn(0, 1, 0);
	assert_string_equal(RQ(d0, XS_IS_DOMAIN_INTRODUCED, "9\0")->data, "T");
	/* Restart again, now the domain is gone: forgotten, @releaseDomain. */
	h_teardown();
	map_fails = 1;
	assert_int_equal(store_open(db, 0, &cause), 0);
	conn_init(NULL);
	w = h_conn(0, 1, 0);
	RQ(w, XS_WATCH, "@releaseDomain\0R\0");
	buf_reset(&w->out);
	domain_init(&m);
	assert_int_equal(h_pop(w, &r), 0);
	assert_memory_equal(r.data, "@releaseDomain\0R\0", 17);
	assert_string_equal(RQ(w, XS_IS_DOMAIN_INTRODUCED, "9\0")->data, "F");
	h_teardown();
	map_fails = 0;
	munmap(guest_page, 4096);
	snprintf(db, sizeof(db), "rm -rf %s", dir);
	assert_int_equal(system(db), 0);
}

/*
 * kill -9 after the daemon read a guest's request and before it answered:
 * the next daemon reads it again and answers it (req_cons moves only once
 * the reply is in the ring).  Before, the request was consumed at once and
 * the guest waited for ever.
 */
static void
test_unanswered_request_after_restart(void **state)
{
	struct ring_mapper	 m = { t_map, t_notify, t_unmap, NULL };
	struct xsd_sockmsg	 h = { XS_WRITE, 11, 0, 12 };
	char			 dir[] = "/tmp/xsd-unit-XXXXXX", db[64], *cause;
	struct conn		*d0;
	struct reply		 r;

	(void)state;
	guest_page = map_page(NULL);
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/store.db", dir);
	log_init("test", 1, 0);
	assert_int_equal(store_open(db, 0, &cause), 0);
	conn_init(NULL);
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	assert_string_equal(RQ(d0, XS_INTRODUCE, "9\0" "1\0" "2\0")->data, "OK");
	RQ(d0, XS_MKDIR, "/local/domain/9\0");
	RQ(d0, XS_SET_PERMS, "/local/domain/9\0n9\0");
	conn_end_turn();
	/* The guest's WRITE is read and handled; the daemon dies before the
	 * end of the turn (no commit, no reply). */
	assert_int_equal(ring_write_req(guest_page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(ring_write_req(guest_page, "data/x\0value", 12), 12);
	domain_port_event(last_local);
	assert_int_equal(guest_page->rsp_prod, 0);
	assert_int_equal(guest_page->req_cons, 0);	/* still the guest's */
	h_teardown();
	/* The next daemon answers it, and then the room is given back. */
	assert_int_equal(store_open(db, 0, &cause), 0);
	conn_init(NULL);
	domain_init(&m);
	conn_end_turn();
	assert_int_equal(ring_read_rsp(guest_page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(h.type, XS_WRITE);
	assert_int_equal(h.req_id, 11);
	assert_int_equal(ring_read_rsp(guest_page, r.data, h.len), h.len);
	assert_int_equal(guest_page->req_cons, sizeof(h) + 12);
	d0 = h_conn(0, 1, 0);
	assert_string_equal(RQ(d0, XS_READ, "/local/domain/9/data/x\0")->data,
	    "value");
	h_teardown();
	munmap(guest_page, 4096);
	snprintf(db, sizeof(db), "rm -rf %s", dir);
	assert_int_equal(system(db), 0);
}

/*
 * Impossible indexes stop the ring (error = RINGIDX) but not the domain's
 * connection: a guest that asks to reconnect is served again.  Before,
 * the connection was closed for good.
 */
static void
test_bad_indexes_then_reconnect(void **state)
{
	struct ring_mapper	 m = { t_map, t_notify, t_unmap, NULL };
	struct conn		*d0;
	struct reply		 r;

	(void)state;
	guest_page = map_page(NULL);
	h_setup();
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	RQ(d0, XS_INTRODUCE, "7\0" "99\0" "3\0");
	RQ(d0, XS_MKDIR, "/local/domain/7\0");
	RQ(d0, XS_SET_PERMS, "/local/domain/7\0n7\0");
	guest_page->req_prod = guest_page->req_cons + 5000;
	domain_port_event(last_local);
	conn_end_turn();
	assert_int_equal(guest_page->error, XENSTORE_ERROR_RINGIDX);
	assert_non_null(find_conn(7));
	/* The guest resets: connection = RECONNECT, then an event. */
	guest_page->connection = XENSTORE_RECONNECT;
	domain_port_event(last_local);
	assert_int_equal(guest_page->connection, XENSTORE_CONNECTED);
	assert_int_equal(guest_page->error, XENSTORE_ERROR_NONE);
	guest_rq(find_conn(7), XS_WRITE, "device/vbd\0ok", 14, &r);
	assert_int_equal(r.type, XS_WRITE);
	assert_string_equal(RQ(d0, XS_READ, "/local/domain/7/device/vbd\0")->data,
	    "ok");
	h_teardown();
	munmap(guest_page, 4096);
}

static int
t_exists(uint32_t domid, void *arg)
{
	(void)arg;
	return domid == 5 ? 1 : domid == 6 ? -1 : 0;
}

/*
 * SET_PERMS may not give a node to a domain that does not exist: ENOENT,
 * as Xen 4.17 (which asks the hypervisor of a domain it does not know).
 * One the hypervisor has, or that cannot be checked, is accepted.
 */
static void
test_set_perms_owner_exists(void **state)
{
	struct ring_mapper	 m = { t_map, t_notify, t_unmap, t_exists, NULL };
	struct conn		*d0;

	(void)state;
	guest_page = map_page(NULL);
	h_setup();
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	RQ(d0, XS_MKDIR, "/o\0");
	assert_string_equal(RQ(d0, XS_SET_PERMS, "/o\0n77\0")->data, "ENOENT");
	assert_memory_equal(RQ(d0, XS_GET_PERMS, "/o\0")->data, "n0\0", 3);
	assert_string_equal(RQ(d0, XS_SET_PERMS, "/o\0n5\0")->data, "OK");
	assert_string_equal(RQ(d0, XS_SET_PERMS, "/o\0n6\0")->data, "OK");
	/* The owner unchanged, others may name anyone (as Xen). */
	assert_string_equal(RQ(d0, XS_SET_PERMS, "/o\0n6\0r77\0")->data, "OK");
	RQ(d0, XS_INTRODUCE, "77\0" "99\0" "3\0");
	assert_string_equal(RQ(d0, XS_SET_PERMS, "/o\0n77\0")->data, "OK");
	h_teardown();
	munmap(guest_page, 4096);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_bad_indexes),
		cmocka_unit_test(test_guest_end_to_end),
		cmocka_unit_test(test_resume_after_restart),
		cmocka_unit_test(test_domain_check),
		cmocka_unit_test(test_unanswered_request_after_restart),
		cmocka_unit_test(test_bad_indexes_then_reconnect),
		cmocka_unit_test(test_set_perms_owner_exists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
