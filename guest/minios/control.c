/*
 * control/ requests through xenbus, as Xen guests honour them:
 *   control/shutdown  "poweroff", "halt", "reboot", "suspend"
 *   control/sysrq     one key, with Linux's meanings where they apply
 *   control/selfcheck any value: run the memory self-check and write the
 *                     result to data/selfcheck (for save/restore and
 *                     migration tests)
 *   memory/target     the balloon's target in KiB (balloon.c)
 *   cpu/N/availability "online", "offline" (cpuhp.c)
 * A request is acknowledged by writing "" back inside a transaction, as
 * Linux does, so two toolstack writes are not both read as one request.
 * Events arrive as an upcall, which only posts REQ_XENBUS; the work runs
 * here, on the boot vCPU, outside interrupt context.
 */
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/balloon.h"
#include "guest/minios/console.h"
#include "guest/minios/control.h"
#include "guest/minios/cpuhp.h"
#include "guest/minios/evtchn.h"
#include "guest/minios/fmt.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/pvcons.h"
#include "guest/minios/smp.h"
#include "guest/minios/timer.h"
#include "guest/minios/xenbus.h"
#include "guest/minios/xscmd.h"

#define XB_TIMEOUT_S	30
#define XB_RECONNECTS	3	/* recoveries from a broken ring, at most */

static struct xenbus xb;
static uint32_t xb_port;
static uint64_t xb_deadline, xb_stalls;
static int xb_up;

static void
xb_notify(void *arg)
{
	(void)arg;
	evtchn_notify(xb_port);
}

static int
xb_wait(void *arg)
{
	uint64_t t0 = rdtime();

	(void)arg;
	if (t0 > xb_deadline)
		return -1;
	(void)hyp_poll(xb_port, 10);
	/* The whole 10 ms without an event: the store did not kick us. */
	if (rdtime() - t0 >= timebase_hz / 100)
		xb_stalls++;
	return 0;
}

uint64_t
control_stalls(void)
{
	return xb_stalls;
}

static const struct xenbus_ops xb_ops = { xb_notify, xb_wait };

/* Every xenbus call goes through here, so each gets the full timeout. */
static struct xenbus *
bus(void)
{
	xb_deadline = rdtime() + XB_TIMEOUT_S * timebase_hz;
	return &xb;
}

struct xenbus *
control_bus(void)
{
	return xb_up ? bus() : NULL;
}

void
control_sleep_ms(unsigned ms)
{
	uint64_t end = rdtime() + ms * timebase_hz / 1000;

	while (rdtime() < end)
		(void)hyp_poll(xb_port, 10);
}

static void
store_event(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	kernel_request(REQ_XENBUS);
}

/* Reads path and writes "" back, atomically; 0 and val, or an error. */
static int
take_request(const char *path, char *val, size_t len)
{
	uint32_t tx;
	int r, tries;

	for (tries = 0; tries < 10; tries++) {
		if ((r = xenbus_transaction_start(bus(), &tx)) != 0)
			return r;
		r = xenbus_read(bus(), tx, path, val, len);
		if (r == 0 && val[0] != '\0')
			r = xenbus_write(bus(), tx, path, "");
		if (r != 0) {
			(void)xenbus_transaction_end(bus(), tx, 1);
			return r;
		}
		r = xenbus_transaction_end(bus(), tx, 0);
		if (r != XEN_EAGAIN)
			return r;
	}
	return XEN_EAGAIN;
}

static void
do_shutdown(void)
{
	static const struct {
		const char	*what;
		unsigned	 req;
	} reqs[] = {
		{ "poweroff", REQ_POWEROFF },
		{ "halt", REQ_HALT },
		{ "reboot", REQ_REBOOT },
		{ "suspend", REQ_SUSPEND },
	};
	char val[32];
	size_t i;
	int r;

	r = take_request("control/shutdown", val, sizeof(val));
	if (r == XEN_ENOENT || (r == 0 && val[0] == '\0'))
		return;
	if (r != 0) {
		kprintf("control: reading control/shutdown: error %d", r);
		return;
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (strcmp(val, reqs[i].what) == 0) {
			kprintf("control: shutdown request \"%s\"", val);
			kernel_request(reqs[i].req);
			return;
		}
	kprintf("control: unknown shutdown request \"%s\" ignored", val);
}

static void
sysrq_cpus(void)
{
	unsigned i;

	for (i = 0; i < ncpus; i++)
		kprintf("sysrq: cpu%u hart %lu %s ticks %lu late %lu irqs %lu "
		    "loops %lu", i, (unsigned long)cpus[i].hartid,
		    cpus[i].online ? "online" : "offline",
		    (unsigned long)cpus[i].ticks,
		    (unsigned long)cpus[i].late_ticks,
		    (unsigned long)cpus[i].irqs, (unsigned long)cpus[i].loops);
	kprintf("sysrq: tick %lu, upcalls %lu, console bytes dropped %lu",
	    (unsigned long)timer_ticks(), (unsigned long)evtchn_upcalls(),
	    (unsigned long)pvcons_dropped());
}

void
control_sysrq(char key)
{
	switch (key) {
	case 'b':
		kernel_request(REQ_REBOOT);
		break;
	case 'o':
		kernel_request(REQ_POWEROFF);
		break;
	case 'c':
		panic("sysrq: crash requested");
	case 'm':
		kprintf("sysrq: %lu of %lu pages free",
		    (unsigned long)mm_free_pages(),
		    (unsigned long)mm_total_pages());
		break;
	case 't':
		sysrq_cpus();
		break;
	case 'x':
		kernel_request(REQ_SELFCHECK);
		break;
	default:
		kprintf("sysrq: keys: b reboot, o poweroff, c crash, m memory, "
		    "t vCPUs, x self-check");
		break;
	}
}

static void
do_sysrq(void)
{
	char val[8];
	int r;

	r = take_request("control/sysrq", val, sizeof(val));
	if (r == XEN_ENOENT || (r == 0 && val[0] == '\0'))
		return;
	if (r != 0) {
		kprintf("control: reading control/sysrq: error %d", r);
		return;
	}
	kprintf("sysrq: '%c'", val[0]);
	control_sysrq(val[0]);
}

static void
do_selfcheck(void)
{
	char val[32], line[128];
	int r;

	r = take_request("control/selfcheck", val, sizeof(val));
	if (r == XEN_ENOENT || (r == 0 && val[0] == '\0'))
		return;
	if (r != 0) {
		kprintf("control: reading control/selfcheck: error %d", r);
		return;
	}
	selfcheck_report("xenstore", line, sizeof(line));
	r = xenbus_write(bus(), 0, "data/selfcheck", line);
	if (r != 0)
		kprintf("control: writing data/selfcheck: error %d", r);
}

static const struct {
	const char	*path;
	void		(*fn)(void);
} watches[] = {
	{ "control/shutdown", do_shutdown },
	{ "control/sysrq", do_sysrq },
	{ "control/selfcheck", do_selfcheck },
	{ "memory/target", balloon_event },
	{ "cpu", cpuhp_event },
};

int
control_reconnect(void)
{
	int r;

	if (!xb_up)
		return XEN_ENOENT;
	if ((r = xenbus_reconnect(bus())) != 0)
		return r;
	/* The store forgot our watches (and fires each once when set). */
	return xenbus_rewatch(bus());
}

/* A broken ring is given back to a store that can reset it, a few times. */
static void
recover(int err)
{
	static unsigned tries;
	int r;

	if (tries == XB_RECONNECTS)
		return;
	kprintf("xenbus: ring unusable (%s, store error %u); reconnecting",
	    xenbus_strerror(err), (unsigned)xenbus_store_error(&xb));
	if (++tries == XB_RECONNECTS)
		kprintf("xenbus: last attempt; after it control/ requests are "
		    "no longer seen if it fails");
	r = control_reconnect();
	if (r == 0)
		kprintf("xenbus: reconnected");
	else
		kprintf("xenbus: reconnection failed: %s", xenbus_strerror(r));
}

void
control_poll(void)
{
	struct xb_event ev;
	size_t i;
	int r, known;

	if (!xb_up)
		return;
	if ((r = xenbus_poll(&xb)) != 0)
		recover(r);
	while (xenbus_next_event(&xb, &ev)) {
		for (known = 0, i = 0; i < sizeof(watches) / sizeof(watches[0]);
		    i++)
			if (strcmp(ev.token, watches[i].path) == 0) {
				watches[i].fn();
				known = 1;
			}
		if (!known && strcmp(ev.token, XSCMD_TOKEN) == 0)
			xscmd_event(&ev);
	}
}

void
control_check(void)
{
	char domid[16];
	int r, reset;

	if (!xb_up)
		return;
	if ((r = xenbus_await_connected(bus(), &reset)) != 0) {
		kprintf("xenbus: the ring stays in reconnection: %s",
		    xenbus_strerror(r));
		return;
	}
	if (reset) {
		kprintf("xenbus: the ring was reset; setting the watches again");
		(void)xenbus_rewatch(bus());
	} else if (xenbus_broken(&xb) || xenbus_store_error(&xb) != 0) {
		kprintf("xenbus: the ring is unusable; reconnecting");
		if ((r = control_reconnect()) != 0) {
			kprintf("xenbus: reconnection failed: %s",
			    xenbus_strerror(r));
			return;
		}
	}
	r = xenbus_read(bus(), 0, "domid", domid, sizeof(domid));
	if (r == 0)
		kprintf("xenbus: ok (domain %s)", domid);
	else
		kprintf("xenbus: reading domid: %s", xenbus_strerror(r));
	kernel_request(REQ_XENBUS);	/* events that came in meanwhile */
}

static void
whoami(void)
{
	char domid[16], name[64], home[40], list[512];
	unsigned n, i;
	const char *p;
	int r;

	if ((r = xenbus_read(bus(), 0, "domid", domid, sizeof(domid))) != 0) {
		kprintf("xenbus: reading domid: error %d", r);
		return;
	}
	if (xenbus_read(bus(), 0, "name", name, sizeof(name)) != 0)
		ksnprintf(name, sizeof(name), "(unnamed)");
	kprintf("xenbus: domain %s, name %s", domid, name);
	ksnprintf(home, sizeof(home), "/local/domain/%s", domid);
	r = xenbus_directory(bus(), 0, home, list, sizeof(list), &n);
	if (r != 0) {
		kprintf("xenbus: listing %s: error %d", home, r);
		return;
	}
	for (p = list, i = 0; i < n; i++, p += strlen(p) + 1)
		kprintf("xenbus: %s/%s", home, p);
}

int
control_start(uint64_t pfn, uint32_t port)
{
	uint64_t pa = pfn << PAGE_SHIFT;
	size_t i;
	int r, reset;

	xb_up = 0;
	if (!mm_is_ram(pa, PAGE_SIZE)) {
		kprintf("xenbus: ring page %#lx is not RAM", (unsigned long)pa);
		return -1;
	}
	xb_port = port;
	xenbus_init(&xb, (struct xenstore_domain_interface *)(uintptr_t)pa,
	    &xb_ops, NULL);
	if (evtchn_bind(port, store_event, NULL) != 0)
		return -1;
	kprintf("xenbus: ring at %#lx, event channel %u", (unsigned long)pa,
	    port);
	/* A ring found mid-reconnection is not ours until it is connected. */
	if (__atomic_load_n(&xb.intf->connection, __ATOMIC_ACQUIRE) !=
	    XENSTORE_CONNECTED)
		kprintf("xenbus: the ring is being reconnected; waiting");
	if ((r = xenbus_await_connected(bus(), &reset)) != 0) {
		kprintf("xenbus: the ring stays in reconnection: %s",
		    xenbus_strerror(r));
		return -1;
	}
	whoami();
	for (i = 0; i < sizeof(watches) / sizeof(watches[0]); i++) {
		r = xenbus_watch(bus(), watches[i].path, watches[i].path);
		if (r != 0)
			kprintf("xenbus: watch %s: error %d", watches[i].path, r);
	}
	/* What Linux advertises, so toolstacks know the requests work. */
	(void)xenbus_write(bus(), 0, "control/feature-poweroff", "1");
	(void)xenbus_write(bus(), 0, "control/feature-reboot", "1");
	(void)xenbus_write(bus(), 0, "control/feature-suspend", "1");
	xb_up = 1;
	kernel_request(REQ_XENBUS);	/* the watches' first events */
	return 0;
}
