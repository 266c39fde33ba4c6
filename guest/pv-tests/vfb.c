/*
 * PV test guest for the graphical console (docs/vnc.md): it draws into
 * the framebuffer at XVM_FB_BASE and types with the virtio-input keyboard.
 *
 * It paints the screen -- rows 0-99 black, then a red, a green, a blue
 * and a white band of 125 rows each -- and finds its two virtio-input
 * devices by asking their names through the config select scheme
 * (virtio 1.1, 5.8.4), checking the answers arrive at once: the keyboard
 * must report KEY_A in its EV_KEY bits, the tablet ABS_X 0..32767.  It
 * prints "vfb: keyboard ready" and "vfb: tablet ready", then serves the
 * keyboard's event queue (8 buffers), waking every 10 ms: each key press
 * prints "vfb: key N" and paints the next 100x100 block of the top strip
 * in a colour of its own (key code c: 0x00RRGGBB with R = c, G = 255 - c,
 * B = 0x80), so a VNC client sees each key arrive.  It runs until
 * destroyed; any failure prints "vfb: FAIL <what>" and crashes.
 */
#include <xvm/fb.h>
#include <xvm/virtio.h>

#include "pv.h"

#define W	XVM_FB_DEF_WIDTH
#define H	XVM_FB_DEF_HEIGHT
#define QN	8

/* virtio-input config (5.8.4) */
#define CFG_SELECT	0
#define CFG_SUBSEL	1
#define CFG_SIZE	2
#define CFG_DATA	8
#define SEL_ID_NAME	0x01
#define SEL_EV_BITS	0x11
#define SEL_ABS_INFO	0x12
#define EV_KEY		1
#define KEY_A		30

struct ev {
	uint16_t type, code;
	uint32_t value;
};

static struct shared_info sh __attribute__((aligned(4096)));
static struct virtq_desc desc[QN] __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx, ring[QN], used_event;
} avail __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx;
	struct virtq_used_elem ring[QN];
	uint16_t avail_event;
} used __attribute__((aligned(4096)));
static struct ev events[QN] __attribute__((aligned(64)));
static volatile uint32_t *const fb = (volatile uint32_t *)XVM_FB_BASE;
static unsigned long base;
static uint16_t last_used;
static unsigned nkeys;

int	guest_main(unsigned long, unsigned long);

static uint32_t rd(unsigned off) { return *(volatile uint32_t *)(base + off); }
static void wr(unsigned off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }
static uint8_t rd8(unsigned off) { return *(volatile uint8_t *)(base + VIRTIO_MMIO_CONFIG + off); }
static void wr8(unsigned off, uint8_t v) { *(volatile uint8_t *)(base + VIRTIO_MMIO_CONFIG + off) = v; }

static void
say(const char *a, const char *b)
{
	static char line[160];
	unsigned i = 0;

	while (*a && i < sizeof(line) - 1)
		line[i++] = *a++;
	while (b != NULL && *b && i < sizeof(line) - 1)
		line[i++] = *b++;
	line[i] = 0;
	pv_print(line);
}

static void
fail(const char *what)
{
	say("vfb: FAIL ", what);
	pv_shutdown(SHUTDOWN_crash);
}

static void
fill(unsigned x0, unsigned y0, unsigned w, unsigned h, uint32_t rgb)
{
	unsigned x, y;

	for (y = y0; y < y0 + h && y < H; y++)
		for (x = x0; x < x0 + w && x < W; x++)
			fb[y * W + x] = rgb;
}

/* Select, subsel: the answer's size (the transport answers at once). */
static unsigned
cfg_select(uint8_t sel, uint8_t sub)
{
	wr8(CFG_SELECT, sel);
	wr8(CFG_SUBSEL, sub);
	return rd8(CFG_SIZE);
}

/* The device's name into out (NUL-terminated). */
static void
name_of(char *out, unsigned max)
{
	unsigned n = cfg_select(SEL_ID_NAME, 0), i;

	if (n >= max)
		n = max - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)rd8(CFG_DATA + i);
	out[n] = 0;
}

static int
streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static void
start(void)
{
	unsigned i;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		fail("FEATURES_OK refused");
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QN);
	for (i = 0; i < QN; i++) {
		desc[i].addr = (unsigned long)&events[i];
		desc[i].len = sizeof(struct ev);
		desc[i].flags = VIRTQ_DESC_F_WRITE;
		avail.ring[i] = (uint16_t)i;
	}
	avail.idx = QN;
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(unsigned long)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(unsigned long)&avail);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(unsigned long)&used);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
	    VIRTIO_STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Find the keyboard (set it up) and check the tablet. */
static void
probe(void)
{
	char name[64];
	unsigned slot, n, kbd = 99;
	uint32_t max;

	for (slot = 0; slot < VIRTIO_MMIO_SLOTS; slot++) {
		base = VIRTIO_MMIO_SLOT_ADDR(slot);
		if (rd(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_INPUT)
			continue;
		name_of(name, sizeof(name));
		if (streq(name, "xVM keyboard")) {
			n = cfg_select(SEL_EV_BITS, EV_KEY);
			if (n < KEY_A / 8 + 1 ||
			    !(rd8(CFG_DATA + KEY_A / 8) & (1u << (KEY_A % 8))))
				fail("the keyboard has no KEY_A");
			kbd = slot;
		} else if (streq(name, "xVM tablet")) {
			if (cfg_select(SEL_ABS_INFO, 0) != 20)
				fail("no ABS_X info");
			max = (uint32_t)rd8(CFG_DATA + 4) |
			    (uint32_t)rd8(CFG_DATA + 5) << 8;
			if (max != 32767)
				fail("ABS_X max");
			pv_print("vfb: tablet ready");
		} else
			say("vfb: FAIL an input device named ", name);
	}
	if (kbd == 99)
		fail("no keyboard");
	base = VIRTIO_MMIO_SLOT_ADDR(kbd);
	start();
	pv_print("vfb: keyboard ready");
}

static void
key(uint16_t code)
{
	static char num[8];
	unsigned i = 0, c = code;
	uint32_t rgb;

	num[i++] = (char)('0' + c / 100);
	num[i++] = (char)('0' + c / 10 % 10);
	num[i++] = (char)('0' + c % 10);
	num[i] = 0;
	say("vfb: key ", num);
	rgb = (uint32_t)(c & 0xff) << 16 | (uint32_t)(255 - (c & 0xff)) << 8 |
	    0x80;
	fill((nkeys % 8) * 100, 0, 100, 100, rgb);
	nkeys++;
}

static void
serve(void)
{
	uint16_t id, got = 0;

	while (__atomic_load_n(&used.idx, __ATOMIC_SEQ_CST) != last_used) {
		id = (uint16_t)used.ring[last_used % QN].id;
		if (id >= QN)
			fail("used id");
		if (events[id].type == EV_KEY && events[id].value == 1)
			key(events[id].code);
		last_used++;
		avail.ring[avail.idx % QN] = id;
		__atomic_store_n(&avail.idx, (uint16_t)(avail.idx + 1),
		    __ATOMIC_SEQ_CST);
		got = 1;
	}
	if (rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING)
		wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	if (got)
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
		fail("device needs reset");
}

static uint64_t
now_ns(void)
{
	unsigned long t;

	__asm__ volatile(".option arch, +zicsr\n rdtime %0" : "=r"(t));
	return (uint64_t)t * 100;
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	static struct evtchn_bind_virq bv;

	(void)hartid;
	(void)fdt;
	if (pv_map_shared_info(&sh) != 0)
		fail("shared_info");
	fill(0, 0, W, 100, 0x000000);
	fill(0, 100, W, 125, 0xff0000);
	fill(0, 225, W, 125, 0x00ff00);
	fill(0, 350, W, 125, 0x0000ff);
	fill(0, 475, W, 125, 0xffffff);
	pv_print("vfb: drawn");
	probe();
	bv.virq = VIRQ_TIMER;
	bv.vcpu = 0;
	if (hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
	    (unsigned long)&bv, 0) != 0)
		fail("bind VIRQ_TIMER");
	for (;;) {
		serve();
		hcall(__HYPERVISOR_set_timer_op, now_ns() + 10000000, 0, 0);
		for (;;) {
			pv_ack(&sh);
			if (pv_test_and_clear(&sh, bv.port))
				break;
			hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
		}
	}
}
