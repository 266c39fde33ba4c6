/*
 * The virtio-mmio transport end to end, with this program as the device
 * model (docs/virtio.md): xvm-hypervisor in a private root, the PV guest
 * pv-virtio.elf as the driver.  The model maps the register file and the
 * guest's RAM, plugs an entropy device in a slot, answers the guest's
 * requests with a known pattern through dm/virtq.c and notifies; the guest
 * prints what it got.  Then the rules: a second model cannot take a live
 * slot, a bad device is refused, a model that goes leaves its slot with
 * DEVICE_NEEDS_RESET, and a new model resumes it.
 *
 * argv: xvm-hypervisor, pv-virtio.elf.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>
#include <xvm/xc_virtio.h>

#include "dm/virtq.h"
#include "hvtest.h"

#define SLOT	3

static const char	*bin, *elf;
static struct hvd	 hvd;
static xc_interface	*xch;

static int
setup(void **state)
{
	(void)state;
	if (hvd_start(&hvd, bin, 2) == -1)
		return -1;
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xc_interface_close(xch);
	hvd_stop(&hvd);
	return 0;
}

static const struct xc_virtio_dev rng_dev = {
	.device_id = VIRTIO_ID_RNG,
	.nqueues = 1,
	.queue_max = 64,
	.features = 1ULL << VIRTIO_F_VERSION_1,
};

/* Serve queue 0 until the guest's request is answered (or 60 s pass). */
static int
serve(xenevtchn_handle *xce, int port, uint32_t domid,
    const struct privcmd_virtio_slot *regs)
{
	struct privcmd_virtio_slot	 s;
	struct virtq_req		*r = calloc(1, sizeof(*r));
	struct virtq			 q;
	struct dm_mem			 mem;
	struct pollfd			 pfd;
	const char			*why = NULL;
	uint8_t				 pattern[48];
	uint64_t			 end = mono_ns() + 60000000000ull;
	int				 p, done = 0, i;

	assert_non_null(r);
	for (i = 0; i < 48; i++)
		pattern[i] = (uint8_t)i;
	mem.base = xc_virtio_map_ram(xch, domid, &mem.size);
	assert_non_null(mem.base);
	mem.gpa0 = 0x80000000ull;
	memset(&q, 0, sizeof(q));
	pfd.fd = xenevtchn_fd(xce);
	pfd.events = POLLIN;
	while (!done && mono_ns() < end) {
		if (poll(&pfd, 1, 200) == 1) {
			p = xenevtchn_pending(xce);
			assert_int_equal(p, port);
			assert_int_equal(xenevtchn_unmask(xce, (unsigned)p), 0);
		}
		xc_virtio_read_slot(regs, SLOT, &s);
		if (!(s.status & VIRTIO_STATUS_DRIVER_OK) || !s.queue[0].ready)
			continue;
		if (q.num == 0)
			assert_int_equal(virtq_setup(&q, &mem, &s.queue[0],
			    s.driver_features, &why), 0);
		while (virtq_pop(&q, &mem, r, &why) == 1) {
			assert_int_equal(r->nout, 0);
			assert_int_equal(r->in_len, 48);
			virtq_push(&q, r->head, (uint32_t)iov_from_buf(r->iov,
			    r->nin, 0, pattern, sizeof(pattern)));
			if (virtq_should_interrupt(&q))
				assert_int_equal(xenevtchn_notify(xce,
				    (unsigned)port), 0);
			done = 1;
		}
		assert_false(q.broken);
	}
	munmap(mem.base, mem.size);
	free(r);
	return done;
}

/* The guest drives the device; our answers reach it with an interrupt. */
static void
test_serve(void **state)
{
	const struct privcmd_virtio_slot *regs;
	struct privcmd_virtio_slot	  s;
	xenevtchn_handle		 *xce, *other;
	uint32_t			  domid;
	int				  port;

	(void)state;
	domid = guest_create(xch, elf, 1, 64 * 1024);
	assert_int_not_equal(domid, 0);
	assert_int_equal(xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_PFN,
	    SLOT), 0);
	regs = xc_virtio_map(xch, domid);
	assert_non_null(regs);
	xce = xenevtchn_open(NULL, 0);
	assert_non_null(xce);
	port = xc_virtio_plug(xce, domid, SLOT, &rng_dev, 0);
	assert_true(port > 0);
	xc_virtio_read_slot(regs, SLOT, &s);
	assert_int_equal(s.device_id, VIRTIO_ID_RNG);
	assert_int_equal(s.queue[0].num_max, 64);

	/* The slot is taken while its model lives. */
	other = xenevtchn_open(NULL, 0);
	assert_non_null(other);
	assert_int_equal(xc_virtio_plug(other, domid, SLOT, &rng_dev, 0), -1);
	assert_int_equal(errno, EBUSY);
	xenevtchn_close(other);

	assert_int_equal(xc_domain_unpause(xch, domid), 0);
	assert_true(serve(xce, port, domid, regs));
	assert_true(console_wait(xch, "virtio-rng: "
	    "000102030405060708090a0b0c0d0e0f", 60000));
	assert_true(console_wait(xch, "virtio: done slot 03", 60000));

	/* What the driver set is in the register file for any model. */
	xc_virtio_read_slot(regs, SLOT, &s);
	assert_true(s.status & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(s.driver_features, 1ULL << VIRTIO_F_VERSION_1);
	assert_int_equal(s.queue[0].num, 8);

	/* The model goes: its device stays, needing a reset. */
	xenevtchn_close(xce);
	sleep_ms(200);
	xc_virtio_read_slot(regs, SLOT, &s);
	assert_int_equal(s.device_id, VIRTIO_ID_RNG);
	assert_true(s.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(s.interrupt_status & VIRTIO_MMIO_INT_CONFIG);

	/* A new model resumes it with the driver's state kept. */
	xce = xenevtchn_open(NULL, 0);
	assert_non_null(xce);
	assert_true(xc_virtio_plug(xce, domid, SLOT, &rng_dev, 1) > 0);
	xc_virtio_read_slot(regs, SLOT, &s);
	assert_false(s.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(s.status & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(s.queue[0].num, 8);

	/* Unplugged, the slot reads DeviceID 0 again. */
	assert_int_equal(xc_virtio_unplug(xce, domid, SLOT), 0);
	xc_virtio_read_slot(regs, SLOT, &s);
	assert_int_equal(s.device_id, 0);
	xenevtchn_close(xce);
	munmap((void *)(uintptr_t)regs, PRIVCMD_VIRTIO_REGS_SIZE);
	xc_domain_destroy(xch, domid);
}

/* Bad plugs change nothing and say why with errno. */
static void
test_refused(void **state)
{
	struct xc_virtio_dev	 d;
	xenevtchn_handle	*xce;
	uint32_t		 domid;

	(void)state;
	domid = guest_create(xch, elf, 1, 16 * 1024);
	assert_int_not_equal(domid, 0);
	xce = xenevtchn_open(NULL, 0);
	assert_non_null(xce);
	d = rng_dev;
	d.features = 0;				/* no VERSION_1 */
	assert_int_equal(xc_virtio_plug(xce, domid, 0, &d, 0), -1);
	assert_int_equal(errno, EINVAL);
	d = rng_dev;
	d.queue_max = 48;			/* not a power of 2 */
	assert_int_equal(xc_virtio_plug(xce, domid, 0, &d, 0), -1);
	assert_int_equal(errno, EINVAL);
	d = rng_dev;
	assert_int_equal(xc_virtio_plug(xce, domid, VIRTIO_MMIO_SLOTS, &d, 0),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(xc_virtio_plug(xce, domid, 0, &d, 1), -1);
	assert_int_equal(errno, ENODEV);	/* nothing to resume */
	assert_int_equal(xc_virtio_plug(xce, 0, 0, &d, 0), -1);	/* dom0 */
	assert_int_equal(xc_virtio_plug(xce, 4242, 0, &d, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(xc_virtio_unplug(xce, domid, 0), -1);
	assert_int_equal(errno, EPERM);
	/* virtio-input's select table: whole records, a big enough config */
	{
		static const uint8_t cfg[136];
		static const uint8_t good[] = { 1, 0, 3, 'k', 'b', 'd' };
		static const uint8_t cut[] = { 1, 0, 9, 'k', 'b', 'd' };
		struct xc_virtio_dev in = {
			.device_id = VIRTIO_ID_INPUT, .nqueues = 2,
			.queue_max = 64, .features = 1ULL << VIRTIO_F_VERSION_1,
			.config = cfg, .config_len = sizeof(cfg),
			.select = cut, .select_len = sizeof(cut),
		};
		const struct privcmd_virtio_slot *regs = xc_virtio_map(xch,
		    domid);
		struct privcmd_virtio_slot	  s;

		assert_non_null(regs);
		assert_int_equal(xc_virtio_plug(xce, domid, 1, &in, 0), -1);
		assert_int_equal(errno, EINVAL);
		in.select = good;
		in.config_len = 100;
		assert_int_equal(xc_virtio_plug(xce, domid, 1, &in, 0), -1);
		assert_int_equal(errno, EINVAL);
		in.config_len = sizeof(cfg);
		assert_true(xc_virtio_plug(xce, domid, 1, &in, 0) > 0);
		/* select 0 (unset) has no answer: size 0 */
		xc_virtio_read_slot(regs, 1, &s);
		assert_int_equal(s.config[2], 0);
		assert_int_equal(xc_virtio_unplug(xce, domid, 1), 0);
		munmap((void *)(uintptr_t)regs, PRIVCMD_VIRTIO_REGS_SIZE);
	}
	/* config past the end of a device's config space */
	assert_true(xc_virtio_plug(xce, domid, 0, &d, 0) > 0);
	assert_int_equal(xc_virtio_config(xce, domid, 0, 0, "x", 1, 1), -1);
	assert_int_equal(errno, EINVAL);
	xenevtchn_close(xce);
	xc_domain_destroy(xch, domid);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve),
		cmocka_unit_test(test_refused),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s xvm-hypervisor pv-virtio.elf\n",
		    argv[0]);
		return 2;
	}
	bin = argv[1];
	elf = argv[2];
	return cmocka_run_group_tests(tests, setup, teardown);
}
