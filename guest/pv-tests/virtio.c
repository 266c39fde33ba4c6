/*
 * PV test guest: a small virtio-mmio driver (virtio 1.1, 3.1 and 4.2)
 * for the device in slot HVM_PARAM_STORE_PFN (default 0), polling: it
 * resets the device, negotiates VERSION_1 only, sets queue 0 up with 8
 * entries, sets DRIVER_OK and then, by device ID:
 *
 *   rng (4): three 16-byte buffers; prints "virtio-rng: <hex of 16>".
 *   blk (2): reads sector 0 and prints "virtio-blk: read <text>" (the
 *     text the host put there), writes sector 1 with "written by the
 *     guest", flushes, reads it back and compares; prints
 *     "virtio-blk: wrote" or, on a read-only disk (VIRTIO_BLK_F_RO), that
 *     the write was refused: "virtio-blk: ro refused".
 *
 * Each request waits for the used ring and for InterruptStatus bit 0,
 * acknowledges it, and checks the length the device reports.  Ends with
 * "virtio: done slot NN" and powers off; any failure prints "virtio: FAIL <what>"
 * and crashes the domain.  The test (tests/integration/dm) reads the
 * hypervisor console.
 */
#include <xvm/virtio.h>
#include <xvm/virtio_blk.h>

#include "pv.h"

#define QN	8

static struct virtq_desc desc[QN] __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx, ring[QN], used_event;
} avail __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx;
	struct virtq_used_elem ring[QN];
	uint16_t avail_event;
} used __attribute__((aligned(4096)));
static uint8_t buf[3][4096] __attribute__((aligned(4096)));
static unsigned long base;
static uint16_t last_used;

int	guest_main(unsigned long, unsigned long);

static uint32_t
rd(unsigned off)
{
	return *(volatile uint32_t *)(base + off);
}

static void
wr(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void
fail(const char *what)
{
	static char line[96] = "virtio: FAIL ";
	unsigned i = 13;

	while (*what && i < sizeof(line) - 1)
		line[i++] = *what++;
	line[i] = 0;
	pv_print(line);
	pv_shutdown(SHUTDOWN_crash);
}

static void
hex(char *out, const uint8_t *p, unsigned n)
{
	static const char d[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = 0;
}

static void
say(const char *a, const char *b)
{
	static char line[160];
	unsigned i = 0;

	while (*a && i < sizeof(line) - 1)
		line[i++] = *a++;
	while (*b && i < sizeof(line) - 1)
		line[i++] = *b++;
	line[i] = 0;
	pv_print(line);
}

static void
setup(unsigned slot)
{
	uint32_t f1;

	base = VIRTIO_MMIO_SLOT_ADDR(slot);
	if (rd(VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    rd(VIRTIO_MMIO_VERSION) != 2)
		fail("no virtio-mmio v2 there");
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f1 = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	if (!(f1 & 1))
		fail("no VERSION_1");
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		fail("FEATURES_OK refused");
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	if (rd(VIRTIO_MMIO_QUEUE_NUM_MAX) < QN)
		fail("queue too small");
	wr(VIRTIO_MMIO_QUEUE_NUM, QN);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(unsigned long)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(unsigned long)&avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(unsigned long)&used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	if (rd(VIRTIO_MMIO_QUEUE_READY) != 1)
		fail("QueueReady refused");
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
	    VIRTIO_STATUS_DRIVER_OK);
}

/* The time CSR (10 MHz, docs/guest-abi.md). */
static unsigned long
now(void)
{
	unsigned long t;

	__asm__ volatile(".option arch, +zicsr\n rdtime %0" : "=r"(t));
	return t;
}

/* Post the chain desc[0..n-1], notify, wait; the used length. */
static uint32_t
request(unsigned n)
{
	unsigned long start;
	uint32_t len;
	unsigned i;

	for (i = 0; i < n; i++)
		desc[i].next = (uint16_t)(i + 1);
	desc[n - 1].flags &= (uint16_t)~VIRTQ_DESC_F_NEXT;
	avail.ring[avail.idx % QN] = 0;
	__atomic_store_n(&avail.idx, (uint16_t)(avail.idx + 1),
	    __ATOMIC_SEQ_CST);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	/* The interrupt says the device used buffers (2.6.14). */
	start = now();
	while (!(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING)) {
		if (now() - start > 60ul * 10000000ul)	/* 60 s at 10 MHz */
			fail("no used-buffer interrupt");
		if (rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
			fail("device needs reset");
		hcall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
	}
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	if (rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING)
		fail("interrupt not acknowledged");
	if (__atomic_load_n(&used.idx, __ATOMIC_SEQ_CST) == last_used)
		fail("an interrupt with no used buffer");
	if (used.ring[last_used % QN].id != 0)
		fail("used id");
	len = used.ring[last_used % QN].len;
	last_used++;
	return len;
}

static void
put(unsigned i, void *p, uint32_t len, int write)
{
	desc[i].addr = (unsigned long)p;
	desc[i].len = len;
	desc[i].flags = (uint16_t)(VIRTQ_DESC_F_NEXT |
	    (write ? VIRTQ_DESC_F_WRITE : 0));
}

static void
rng(void)
{
	static char line[40];

	put(0, buf[0], 16, 1);
	put(1, buf[1], 16, 1);
	put(2, buf[2], 16, 1);
	if (request(3) != 48)
		fail("rng length");
	hex(line, buf[0], 16);
	say("virtio-rng: ", line);
}

/* One blk request on sector s; the status byte. */
static uint8_t
blk(uint32_t type, uint64_t s, uint8_t *data, uint32_t len)
{
	static struct virtio_blk_req_hdr hdr;
	static uint8_t status;
	unsigned n = 0;

	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = s;
	status = 0xff;
	put(n++, &hdr, sizeof(hdr), 0);
	if (len > 0)
		put(n++, data, len, type == VIRTIO_BLK_T_IN);
	put(n++, &status, 1, 1);
	(void)request(n);
	return status;
}

static void
blkdev(void)
{
	static const char msg[] = "written by the guest";
	uint32_t f0;
	unsigned i;
	int ro;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f0 = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	ro = (f0 >> VIRTIO_BLK_F_RO) & 1;
	if (rd(VIRTIO_MMIO_CONFIG) < 2)
		fail("disk smaller than 2 sectors");
	if (blk(VIRTIO_BLK_T_IN, 0, buf[0], 512) != VIRTIO_BLK_S_OK)
		fail("read sector 0");
	buf[0][63] = 0;
	say("virtio-blk: read ", (char *)buf[0]);
	for (i = 0; i < 512; i++)
		buf[1][i] = i < sizeof(msg) ? (uint8_t)msg[i] : (uint8_t)i;
	if (ro) {
		if (blk(VIRTIO_BLK_T_OUT, 1, buf[1], 512) != VIRTIO_BLK_S_IOERR)
			fail("a read-only disk took a write");
		pv_print("virtio-blk: ro refused");
		return;
	}
	if (blk(VIRTIO_BLK_T_OUT, 1, buf[1], 512) != VIRTIO_BLK_S_OK)
		fail("write sector 1");
	if (blk(VIRTIO_BLK_T_FLUSH, 0, 0, 0) != VIRTIO_BLK_S_OK)
		fail("flush");
	if (blk(VIRTIO_BLK_T_IN, 1, buf[2], 512) != VIRTIO_BLK_S_OK)
		fail("read sector 1");
	for (i = 0; i < 512; i++)
		if (buf[2][i] != buf[1][i])
			fail("sector 1 reads back different");
	pv_print("virtio-blk: wrote");
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	static char line[4];
	uint64_t slot;

	(void)hartid;
	(void)fdt;
	if (pv_get_param(HVM_PARAM_STORE_PFN, &slot) != 0 ||
	    slot >= VIRTIO_MMIO_SLOTS)
		slot = 0;
	setup((unsigned)slot);
	switch (rd(VIRTIO_MMIO_DEVICE_ID)) {
	case VIRTIO_ID_RNG:
		rng();
		break;
	case VIRTIO_ID_BLOCK:
		blkdev();
		break;
	default:
		fail("unknown device");
	}
	line[0] = (char)('0' + slot / 10);
	line[1] = (char)('0' + slot % 10);
	line[2] = 0;
	say("virtio: done slot ", line);
	pv_shutdown(SHUTDOWN_poweroff);
}
