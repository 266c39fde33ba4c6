/* Fuzz target: the mini-OS's xenbus reader (guest/minios/xenbus.c) fed an
 * arbitrary byte stream as the store's side of the response ring. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest/minios/xenbus.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t *feed;
static size_t feed_len;
static struct ring rsp;

static void
notify(void *arg)
{
	(void)arg;
}

/* Each wait hands over the next slice of input, as a store would. */
static int
wait_feed(void *arg)
{
	long n;

	(void)arg;
	if (feed_len == 0)
		return -1;
	n = ring_put(&rsp, feed, feed_len > 97 ? 97 : feed_len);
	if (n <= 0)
		return -1;
	feed += n;
	feed_len -= (size_t)n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const struct xenbus_ops ops = { notify, wait_feed };
	struct xenstore_domain_interface *page;
	struct xenbus *xb;
	struct xb_event ev;
	char buf[64];
	unsigned n;
	uint32_t tx;

	page = calloc(1, sizeof(*page));
	xb = malloc(sizeof(*xb));
	if (page == NULL || xb == NULL)
		goto out;
	rsp = (struct ring){ page->rsp, XENSTORE_RING_SIZE, &page->rsp_cons,
	    &page->rsp_prod };
	feed = data;
	feed_len = len;
	xenbus_init(xb, page, &ops, NULL);
	/* The request ring drains into nowhere: keep its consumer caught up. */
	(void)xenbus_read(xb, 0, "domid", buf, sizeof(buf));
	page->req_cons = page->req_prod;
	(void)xenbus_directory(xb, 0, "/local/domain/1", buf, sizeof(buf), &n);
	page->req_cons = page->req_prod;
	(void)xenbus_transaction_start(xb, &tx);
	page->req_cons = page->req_prod;
	(void)xenbus_poll(xb);
	while (xenbus_next_event(xb, &ev))
		;
out:
	free(xb);
	free(page);
	return 0;
}
