/*
 * dm/virtq.c: split virtqueues seen from the device, over a fake guest RAM.
 * Good chains become iovecs in order; every rule a hostile driver can
 * break (virtio 1.1, 2.6) breaks the queue with its reason and gives
 * nothing more; interrupt suppression follows EVENT_IDX and NO_INTERRUPT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>

#include "dm/virtq.h"

#define BASE	0x80000000ULL
#define RAM	(64 * 1024)
#define QN	8
#define DESC	0x0000
#define AVAIL	0x1000
#define USED	0x2000

static uint8_t			 ram[RAM] __attribute__((aligned(16)));
static struct dm_mem		 mem = { ram, BASE, RAM };
static struct virtq		 q;
static struct virtq_req		 r;

static struct virtq_desc *
desc(unsigned i)
{
	return (struct virtq_desc *)(void *)(ram + DESC) + i;
}

static struct virtq_avail *
avail(void)
{
	return (struct virtq_avail *)(void *)(ram + AVAIL);
}

static struct virtq_used *
used(void)
{
	return (struct virtq_used *)(void *)(ram + USED);
}

static void
set(unsigned i, uint64_t off, uint32_t len, uint16_t flags, uint16_t next)
{
	desc(i)->addr = BASE + off;
	desc(i)->len = len;
	desc(i)->flags = flags;
	desc(i)->next = next;
}

/* Offer head as the next available chain. */
static void
offer(uint16_t head)
{
	avail()->ring[avail()->idx % QN] = head;
	avail()->idx++;
}

static int
setup(void **state)
{
	struct privcmd_virtio_queue	qr;
	const char			*why;

	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(&qr, 0, sizeof(qr));
	qr.num = QN;
	qr.desc = BASE + DESC;
	qr.driver = BASE + AVAIL;
	qr.device = BASE + USED;
	assert_int_equal(virtq_setup(&q, &mem, &qr, 1ULL <<
	    VIRTIO_F_INDIRECT_DESC, &why), 0);
	return 0;
}

static void
test_chain(void **state)
{
	const char	*why;

	(void)state;
	set(0, 0x3000, 16, VIRTQ_DESC_F_NEXT, 1);
	set(1, 0x4000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set(2, 0x5000, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 1);
	assert_int_equal(r.head, 0);
	assert_int_equal(r.nout, 1);
	assert_int_equal(r.nin, 2);
	assert_int_equal(r.out_len, 16);
	assert_int_equal(r.in_len, 513);
	assert_ptr_equal(r.iov[1].iov_base, ram + 0x4000);
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 0);
	assert_false(virtq_should_interrupt(&q));	/* nothing used yet */
	virtq_push(&q, 0, 513);
	assert_int_equal(used()->idx, 1);
	assert_int_equal(used()->ring[0].len, 513);
	assert_true(virtq_should_interrupt(&q));
	assert_false(virtq_should_interrupt(&q));	/* nothing new */
}

static void
test_indirect(void **state)
{
	struct virtq_desc	*t = (struct virtq_desc *)(void *)(ram + 0x6000);
	const char		*why;

	(void)state;
	t[0] = (struct virtq_desc){ BASE + 0x3000, 16, VIRTQ_DESC_F_NEXT, 1 };
	t[1] = (struct virtq_desc){ BASE + 0x4000, 64, VIRTQ_DESC_F_WRITE, 0 };
	set(0, 0x6000, 32, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 1);
	assert_int_equal(r.nout + r.nin, 2);
	assert_int_equal(r.in_len, 64);
}

/* One hostile setup per case; the queue breaks with the reason given. */
static void
test_hostile(void **state)
{
	static const char *const reasons[] = {
		"a descriptor chain loops",
		"a buffer outside RAM",
		"a device-readable buffer after a device-writable one",
		"a next index is out of range",
		"an indirect descriptor nested or chained",
		"a chain head is out of range",
		"the avail index ran more than a queue ahead",
		"an indirect table of a bad length",
		"a buffer outside RAM",
	};
	const char	*why = NULL;
	unsigned	 c;

	(void)state;
	for (c = 0; c < sizeof(reasons) / sizeof(reasons[0]); c++) {
		setup(NULL);
		switch (c) {
		case 0:		/* 0 -> 1 -> 0 */
			set(0, 0x3000, 16, VIRTQ_DESC_F_NEXT, 1);
			set(1, 0x3000, 16, VIRTQ_DESC_F_NEXT, 0);
			offer(0);
			break;
		case 1:
			set(0, RAM - 8, 16, 0, 0);	/* runs past the end */
			offer(0);
			break;
		case 2:
			set(0, 0x3000, 16, VIRTQ_DESC_F_WRITE |
			    VIRTQ_DESC_F_NEXT, 1);
			set(1, 0x3000, 16, 0, 0);
			offer(0);
			break;
		case 3:
			set(0, 0x3000, 16, VIRTQ_DESC_F_NEXT, QN);
			offer(0);
			break;
		case 4:		/* an indirect table pointing at itself */
			set(0, 0x6000, 16, VIRTQ_DESC_F_INDIRECT, 0);
			*(struct virtq_desc *)(void *)(ram + 0x6000) =
			    (struct virtq_desc){ BASE + 0x6000, 16,
			    VIRTQ_DESC_F_INDIRECT, 0 };
			offer(0);
			break;
		case 5:
			offer(QN + 3);
			break;
		case 6:
			avail()->idx = QN + 1;
			break;
		case 7:
			set(0, 0x6000, 24, VIRTQ_DESC_F_INDIRECT, 0);
			offer(0);
			break;
		case 8:		/* 4 GiB - 1 bytes */
			set(0, 0x3000, UINT32_MAX, VIRTQ_DESC_F_WRITE, 0);
			offer(0);
			break;
		}
		assert_int_equal(virtq_pop(&q, &mem, &r, &why), -1);
		assert_string_equal(why, reasons[c]);
		assert_true(q.broken);
		/* Broken: nothing more, whatever the driver offers. */
		set(0, 0x3000, 16, 0, 0);
		offer(0);
		assert_int_equal(virtq_pop(&q, &mem, &r, &why), 0);
	}
}

static void
test_event_idx(void **state)
{
	struct privcmd_virtio_queue	 qr;
	const char			*why;
	uint16_t			*used_event;

	(void)state;
	memset(&qr, 0, sizeof(qr));
	qr.num = QN;
	qr.desc = BASE + DESC;
	qr.driver = BASE + AVAIL;
	qr.device = BASE + USED;
	assert_int_equal(virtq_setup(&q, &mem, &qr, 1ULL << VIRTIO_F_EVENT_IDX,
	    &why), 0);
	used_event = &avail()->ring[QN];
	*used_event = 1;	/* interrupt when used passes index 1 */
	set(0, 0x3000, 16, 0, 0);
	offer(0);
	offer(0);
	assert_false(virtq_should_interrupt(&q));	/* nothing used yet */
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 1);
	virtq_push(&q, 0, 0);
	assert_false(virtq_should_interrupt(&q));	/* used 1: not past */
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 1);
	virtq_push(&q, 0, 0);
	assert_true(virtq_should_interrupt(&q));	/* passed 1 */
	*used_event = 10;
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 1);
	virtq_push(&q, 0, 0);
	assert_false(virtq_should_interrupt(&q));	/* not yet at 10 */
	/* Idle: the next index we will take is published as avail_event. */
	assert_int_equal(virtq_enable_notify(&q), 0);
	assert_int_equal(*(uint16_t *)(void *)&used()->ring[QN], 3);
}

static void
test_no_interrupt_flag(void **state)
{
	const char	*why;

	(void)state;
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	set(0, 0x3000, 16, 0, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &r, &why), 1);
	virtq_push(&q, 0, 0);
	assert_false(virtq_should_interrupt(&q));
}

static void
test_iov(void **state)
{
	struct iovec	v[3], part[3];
	char		a[4] = "abcd", b[4] = "efgh", c[4] = "ijkl", out[8];

	(void)state;
	v[0] = (struct iovec){ a, 4 };
	v[1] = (struct iovec){ b, 4 };
	v[2] = (struct iovec){ c, 4 };
	assert_int_equal(iov_size(v, 3), 12);
	assert_int_equal(iov_to_buf(v, 3, 3, out, 6), 6);
	assert_memory_equal(out, "defghi", 6);
	assert_int_equal(iov_from_buf(v, 3, 10, "XYZ", 3), 2);
	assert_memory_equal(c, "ijXY", 4);
	assert_int_equal(iov_slice(v, 3, 2, 5, part, 3), 2);
	assert_int_equal(part[0].iov_len, 2);
	assert_int_equal(part[1].iov_len, 3);
	assert_int_equal(iov_to_buf(v, 3, 20, out, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_chain, setup),
		cmocka_unit_test_setup(test_indirect, setup),
		cmocka_unit_test_setup(test_hostile, setup),
		cmocka_unit_test_setup(test_event_idx, setup),
		cmocka_unit_test_setup(test_no_interrupt_flag, setup),
		cmocka_unit_test_setup(test_iov, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
