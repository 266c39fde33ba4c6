/* The libxc guest tests' shared fixture: one daemon, its client, the guest ELFs, cmocka helpers. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "guestlib.h"

struct guestlib	T;

int
guestlib_args(int argc, char **argv, const char *prog)
{
	int	i;

	if (argc != 2 + G_NR) {
		fprintf(stderr, "usage: %s xvm-hypervisor pvecho.elf spin.elf "
		    "fault.elf random.elf timer.elf smp.elf clockguest.elf "
		    "uartguest.elf isa-smp.elf\n", prog);
		return 2;
	}
	T.bin = argv[1];
	for (i = 0; i < G_NR; i++)
		T.elf[i] = argv[2 + i];
	return 0;
}

int
guestlib_setup(void **state)
{
	(void)state;
	if (hvd_start(&T.hvd, T.bin, 2) == -1) {
		hvd_stop(&T.hvd);
		return -1;
	}
	if ((T.xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		hvd_stop(&T.hvd);
		return -1;
	}
	return 0;
}

int
guestlib_teardown(void **state)
{
	(void)state;
	xc_interface_close(T.xch);
	hvd_stop(&T.hvd);
	return 0;
}

/* After each test: whatever a failed test left behind goes. */
int
guestlib_cleanup(void **state)
{
	xc_domaininfo_t	info[64];
	int		n, i;

	(void)state;
	n = xc_domain_getinfolist(T.xch, 1, 64, info);
	for (i = 0; i < n; i++)
		xc_domain_destroy(T.xch, info[i].domain);
	return 0;
}

uint32_t
start(enum guest_elf g, uint64_t param1)
{
	uint32_t	id = guest_create(T.xch, T.elf[g], 1, 65536);

	assert_int_not_equal(id, 0);
	if (param1)
		assert_int_equal(xc_hvm_param_set(T.xch, id, HVM_PARAM_STORE_PFN,
		    param1), 0);
	return id;
}

uint64_t
cpu_of(uint32_t id)
{
	xc_domaininfo_t	i;

	assert_int_equal(guest_info(T.xch, id, &i), 0);
	return i.cpu_time;
}

int
wait_flag(uint32_t id, uint32_t flag, unsigned ms)
{
	xc_domaininfo_t	i;
	uint64_t	end = mono_ns() + (uint64_t)ms * 1000000;

	do {
		if (guest_info(T.xch, id, &i) == 0 && (i.flags & flag))
			return (int)i.flags;
		sleep_ms(10);
	} while (mono_ns() < end);
	return 0;
}

xenevtchn_handle *
echo_channel(uint32_t id, int *port)
{
	xenevtchn_handle	*xce;
	int			 gport;

	gport = xc_evtchn_alloc_unbound(T.xch, id, 0);
	assert_true(gport > 0);
	assert_int_equal(xc_hvm_param_set(T.xch, id, HVM_PARAM_CONSOLE_EVTCHN,
	    (uint64_t)gport), 0);
	xce = xenevtchn_open(NULL, 0);
	assert_non_null(xce);
	*port = xenevtchn_bind_interdomain(xce, id, (uint32_t)gport);
	assert_true(*port > 0);
	assert_int_equal(xenevtchn_pending(xce), *port);	/* the bind */
	assert_int_equal(xenevtchn_unmask(xce, (uint32_t)*port), 0);
	return xce;
}

double
echo_rounds(xenevtchn_handle *xce, int port, int n)
{
	struct pollfd	pfd = { xenevtchn_fd(xce), POLLIN, 0 };
	uint64_t	t0 = mono_ns();
	int		i;

	for (i = 0; i < n; i++) {
		assert_int_equal(xenevtchn_notify(xce, (uint32_t)port), 0);
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		assert_int_equal(xenevtchn_pending(xce), port);
		assert_int_equal(xenevtchn_unmask(xce, (uint32_t)port), 0);
	}
	return (double)(mono_ns() - t0) / n / 1000.0;
}
