/* xvm-dm: one domain's device model (DESIGN.md §4a, docs/virtio.md); main is wiring. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <event2/event.h>

#include <xvm/xc_virtio.h>

#include "dm/dm.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

struct opts {
	int64_t	 domid;
	int64_t	 control;
};

static int
set_domain(void *ctx, const char *arg, char **cause)
{
	struct opts	*o = ctx;

	if (str_to_i64(arg, 1, DOMID_FIRST_RESERVED - 1, &o->domid) == -1) {
		xasprintf(cause, "--domain: '%s' is not a domain id", arg);
		return -1;
	}
	return 0;
}

static int
set_control(void *ctx, const char *arg, char **cause)
{
	struct opts	*o = ctx;

	if (str_to_i64(arg, 3, 1 << 20, &o->control) == -1) {
		xasprintf(cause, "--control: '%s' is not a descriptor", arg);
		return -1;
	}
	return 0;
}

static const struct daemon_option options[] = {
	{ "domain", 'D', "DOMID", "the domain whose devices to serve",
	    set_domain },
	{ "control", 'c', "FD", "xvmd's SOCK_SEQPACKET descriptor",
	    set_control },
	{ NULL, 0, NULL, NULL, NULL },
};

/* xvmd supervises us: never fork, log to var/log/xvm/xvm-dm.log. */
static const struct daemon_spec spec = {
	.name = "xvm-dm",
	.verbose = 1,
	.flags = DAEMON_STAYS,
	.options = options,
};

static void
on_term(void *arg)
{
	struct dm	*dm = arg;

	event_base_loopbreak(dm->base);
}

/* A port of our handle fired: the guest did something with a slot. */
static void
evtchn_read(evutil_socket_t s, short what, void *arg)
{
	struct dm	*dm = arg;
	int		 port;

	(void)s; (void)what;
	if ((port = xenevtchn_pending(dm->xce)) == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		fatal("event channel handle");
	}
	if (xenevtchn_unmask(dm->xce, (unsigned)port) == -1)
		log_warn("unmask port %d", port);
	dm_dev_port(dm, (uint32_t)port);
}

static void
attach(struct dm *dm)
{
	if ((dm->xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		fatal("privcmd");
	if ((dm->xce = xenevtchn_open(NULL, 0)) == NULL)
		fatal("event channels");
	if ((dm->regs = xc_virtio_map(dm->xch, dm->domid)) == NULL)
		fatal("domain %u: virtio registers", dm->domid);
	dm->mem.base = xc_virtio_map_ram(dm->xch, dm->domid, &dm->mem.size);
	if (dm->mem.base == NULL)
		fatal("domain %u: guest memory", dm->domid);
	dm->mem.gpa0 = DM_RAM_BASE;
}

int
main(int argc, char **argv)
{
	struct opts	 o = { -1, -1 };
	struct daemon	 d;
	struct dm	 dm;
	struct event	*ev;

	daemon_setup(&d, &spec, argc, argv, &o);
	if (o.domid == -1 || o.control == -1)
		fatalx("--domain and --control are needed (xvmd starts xvm-dm)");
	memset(&dm, 0, sizeof(dm));
	dm.domid = (uint32_t)o.domid;
	dm.base = daemon_loop(&d, on_term, NULL, &dm);
	attach(&dm);
	ev = event_new(dm.base, xenevtchn_fd(dm.xce), EV_READ | EV_PERSIST,
	    evtchn_read, &dm);
	if (ev == NULL || event_add(ev, NULL) == -1)
		fatalx("event channel: event");
	dm.ctl = dm_ctl_new(&dm, (int)o.control);
	daemon_serving(&d);
	log_info("serving domain %u", dm.domid);
	event_base_dispatch(dm.base);
	log_info("domain %u: done", dm.domid);
	dm_ctl_free(dm.ctl);
	dm.ctl = NULL;
	dm_vnc_free(&dm);
	dm_dev_free_all(&dm);
	event_free(ev);
	munmap(dm.mem.base, dm.mem.size);
	munmap((void *)(uintptr_t)dm.regs, PRIVCMD_VIRTIO_REGS_SIZE);
	xenevtchn_close(dm.xce);
	xc_interface_close(dm.xch);
	daemon_finish(&d);
	return 0;
}
