/* Test harness: an in-memory store and connections whose output is captured. */
#ifndef XSD_TEST_HARNESS_H
#define XSD_TEST_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xs_wire.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "xenstored/conn.h"
#include "xenstored/domain.h"
#include "xenstored/store.h"
#include "xenstored/wire.h"

struct reply {
	uint32_t	 type, req_id, tx_id, len;
	char		 data[XENSTORE_PAYLOAD_MAX + 1];
};

static ssize_t
h_read(struct conn *c, void *p, size_t n, int *eof)
{
	(void)c; (void)p; (void)n;
	*eof = 0;
	return 0;
}

static ssize_t
h_write(struct conn *c, const void *p, size_t n)
{
	(void)c; (void)p;
	return (ssize_t)n;
}

static void
h_want(struct conn *c, int on)
{
	(void)c; (void)on;
}

static const struct conn_ops h_ops = {
	.name = "test", .read = h_read, .write = h_write,
	.want_read = h_want, .want_write = h_want,
};

static inline void
h_setup(void)
{
	char	*cause = NULL;

	log_init("test", 1, 0);
	if (store_open(NULL, 0, &cause) == -1)
		abort();
	domain_init(NULL);
	conn_init(NULL);
}

static inline void
h_teardown(void)
{
	conn_shutdown();
	domain_shutdown();
	store_close();
}

static inline struct conn *
h_conn(uint32_t domid, int privileged, int readonly)
{
	return conn_new(&h_ops, NULL, domid, privileged, readonly, "test");
}

/* Pop the first queued message of c into r; 0, or -1 when none. */
static inline int
h_pop(struct conn *c, struct reply *r)
{
	struct xsd_sockmsg	 h;

	if (buf_len(&c->out) < sizeof(h))
		return -1;
	memcpy(&h, buf_data(&c->out), sizeof(h));
	r->type = h.type;
	r->req_id = h.req_id;
	r->tx_id = h.tx_id;
	r->len = h.len;
	memcpy(r->data, (char *)buf_data(&c->out) + sizeof(h), h.len);
	r->data[h.len] = '\0';
	buf_consume(&c->out, sizeof(h) + h.len);
	return 0;
}

/* Send a request; return the reply (watch events stay queued after it). */
static inline struct reply *
h_rq(struct conn *c, uint32_t type, const void *payload, size_t len,
    uint32_t tx)
{
	static struct reply	 r;
	struct xsd_sockmsg	 h = { type, 42, tx, (uint32_t)len };

	buf_reset(&c->out);
	wire_dispatch(c, &h, payload);
	if (h_pop(c, &r) == -1)
		abort();
	return &r;
}

#define RQ(c, type, lit)	h_rq((c), (type), (lit), sizeof(lit) - 1, 0)
#define RQT(c, type, lit, tx)	h_rq((c), (type), (lit), sizeof(lit) - 1, (tx))

#endif
