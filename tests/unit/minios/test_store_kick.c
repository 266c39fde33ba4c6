/*
 * xenstored's ring transport from the guest's point of view (a regression
 * test: it reproduced the bug fixed in xenstored at 9266023).
 * xenstore-ring.txt: "Whenever the ring structure is updated the event
 * channel must be signalled."  A guest writing a request bigger than the
 * 1 KiB ring fills it, kicks the store and waits for room; a store that
 * consumes the bytes but signals nothing until it has a reply has none
 * until the rest of the request arrives — which the guest sends only when
 * woken.  minios would get out by its 10 ms poll timeout per ring-full; a
 * guest without one (Linux's xenbus) would hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/xenstored/harness.h"
#include "xenstored/ring.h"

static struct xenstore_domain_interface *page;
static uint32_t local;
static int kicks;

static struct xenstore_domain_interface *
t_map(uint32_t domid, uint64_t mfn, uint32_t port, uint32_t *lp, void *arg)
{
	(void)domid; (void)mfn; (void)arg;
	*lp = local = port;
	return page;
}

static void
t_notify(uint32_t l, void *arg)
{
	(void)l; (void)arg;
	kicks++;
}

static void
t_unmap(struct xenstore_domain_interface *in, uint32_t l, void *arg)
{
	(void)in; (void)l; (void)arg;
}

static void
test_kick_after_consuming(void **state)
{
	struct ring_mapper m = { t_map, t_notify, t_unmap, NULL };
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, 2000 };
	char body[2000];
	struct conn *d0;
	int before;

	(void)state;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	h_setup();
	domain_init(&m);
	d0 = h_conn(0, 1, 0);
	assert_string_equal(RQ(d0, XS_INTRODUCE, "7\0" "99\0" "3\0")->data,
	    "OK");
	memset(body, 'b', sizeof(body));
	memcpy(body, "data/big", 9);
	/* The guest fills the ring with the start of its request ... */
	assert_int_equal(ring_write_req(page, &h, sizeof(h)), sizeof(h));
	assert_int_equal(ring_write_req(page, body, sizeof(body)),
	    XENSTORE_RING_SIZE - sizeof(h));
	/* ... kicks the store, and waits for room. */
	before = kicks;
	domain_port_event(local);
	conn_end_turn();
	/* The store took the bytes: the ring is empty. */
	assert_int_equal(page->req_cons, page->req_prod);
	/* It must say so, or the guest waits on. */
	assert_true(kicks > before);
	h_teardown();
	munmap(page, 4096);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kick_after_consuming),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
