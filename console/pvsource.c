/*
 * PV console rings through libxc: finding domains (a scan when the store
 * says one was introduced or released, and every few seconds), naming them
 * from the store, mapping each one's console page
 * (HVM_PARAM_CONSOLE_PFN), binding its event channel, and moving bytes
 * under the rate limit.  Also the hypervisor's own console, to
 * hypervisor.log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <event2/event.h>

#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>
#include <xvm/xenstore.h>

#include "console/consoled.h"
#include "console/ring.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define SCAN_SECS	2
#define MAX_DOMAINS	1024
#define READ_CHUNK	4096

static void	drain(struct console *);

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg);
}

/* Move guest output to the hub, as far as the rate limit allows. */
static void
drain(struct console *con)
{
	struct consoled	*cd = con->cd;
	char		 buf[READ_CHUNK];
	size_t		 allowed, n, lost;
	uint64_t	 wait;
	struct timeval	 tv;

	if (con->intf == NULL)
		return;
	for (;;) {
		allowed = ratelimit_take(&con->rl, sizeof(buf), console_now_ns());
		if (allowed == 0)
			break;
		n = xencons_read_out(con->intf, buf, allowed, &lost);
		/* Unused tokens go back: only what was read counts. */
		con->rl.tokens += allowed - n;
		con->bytes_dropped += lost;
		if (n == 0)
			return;
		console_output(con, buf, n);
		if (con->local_port >= 0)
			xenevtchn_notify(cd->xce, (evtchn_port_t)con->local_port);
	}
	/* Out of tokens with output left: come back when there are some. */
	wait = ratelimit_wait_ns(&con->rl, console_now_ns());
	tv.tv_sec = (time_t)(wait / 1000000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000000 / 1000);
	if (con->retry == NULL)
		con->retry = evtimer_new(cd->base, retry_cb, con);
	evtimer_add(con->retry, &tv);
}

int
pvsource_attach(struct console *con)
{
	struct consoled	*cd = con->cd;
	uint64_t	 pfn = 0, port = 0;
	void		*page;
	int		 local;

	if (xc_hvm_param_get(cd->xch, con->domid, HVM_PARAM_CONSOLE_PFN,
	    &pfn) == -1 || xc_hvm_param_get(cd->xch, con->domid,
	    HVM_PARAM_CONSOLE_EVTCHN, &port) == -1 || pfn == 0)
		return -1;	/* not built yet, or no PV console */
	page = xc_map_foreign_range(cd->xch, con->domid, 4096,
	    PROT_READ | PROT_WRITE, (unsigned long)pfn);
	if (page == NULL) {
		log_warn("%s: mapping the console page of domain %u", __func__,
		    con->domid);
		return -1;
	}
	local = xenevtchn_bind_interdomain(cd->xce, con->domid,
	    (evtchn_port_t)port);
	if (local < 0) {
		log_warn("%s: binding the console port of domain %u",
		    __func__, con->domid);
		munmap(page, 4096);
		return -1;
	}
	con->intf = page;
	con->remote_port = (uint32_t)port;
	con->local_port = local;
	drain(con);
	return 0;
}

void
pvsource_detach(struct console *con)
{
	struct consoled	*cd = con->cd;

	if (con->intf != NULL) {
		drain(con);	/* the last words of a dying guest */
		munmap((void *)(uintptr_t)con->intf, 4096);
	}
	if (con->local_port >= 0 && cd->xce != NULL)
		xenevtchn_unbind(cd->xce, (evtchn_port_t)con->local_port);
	con->intf = NULL;
	con->local_port = -1;
}

/*
 * Has the guest shown that it runs a PV console driver: written output to
 * the ring, or consumed input from it?  A stock Linux never touches the
 * page (it is reserved in its device tree) and reads the UART or SBI.
 */
int
pvsource_in_use(const struct console *con)
{
	return con->intf != NULL &&
	    (con->intf->out_prod != 0 || con->intf->in_cons != 0);
}

size_t
pvsource_input(struct console *con, const char *p, size_t len)
{
	size_t	 n;

	if (con->intf == NULL)
		return 0;
	n = xencons_write_in(con->intf, p, len);
	if (n > 0 && con->local_port >= 0)
		xenevtchn_notify(con->cd->xce, (evtchn_port_t)con->local_port);
	return n;
}

void
pvsource_kick(struct console *con)
{
	drain(con);
}

/* The hypervisor's messages since last time, to hypervisor.log. */
static void
hvlog_poll(struct consoled *cd)
{
	char		 buf[16384];
	unsigned int	 n = sizeof(buf);
	uint32_t	 index = (uint32_t)cd->hvlog_pos;

	if (cd->hvlog.fd == -1)
		return;
	while (xc_readconsolering(cd->xch, buf, &n, 0, 1, &index) == 0 &&
	    n > 0) {
		if (logfile_write(&cd->hvlog, buf, n) == -1) {
			log_warn("%s: hypervisor.log", __func__);
			break;
		}
		cd->hvlog_pos = index;
		n = sizeof(buf);
	}
}

/*
 * The toolstack's name for a domain (/local/domain/<id>/name): 1, or 0
 * and domain-<id> while it has none (yet: xvmd writes it just after the
 * domain is created).
 */
static int
store_name(struct consoled *cd, uint32_t domid, char *name, size_t size)
{
	char		 path[64], *v = NULL;
	unsigned int	 len;

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	if (cd->xs != NULL)
		v = xs_read(cd->xs, XBT_NULL, path, &len);
	if (v != NULL && len > 0 && len < size && strchr(v, '/') == NULL) {
		snprintf(name, size, "%s", v);
		free(v);
		return 1;
	}
	snprintf(name, size, "domain-%u", domid);
	free(v);
	return 0;
}

/* Tell the toolstack where the pty is, as xenconsoled does. */
static void
publish_tty(struct consoled *cd, struct console *con)
{
	char	 path[64];

	if (cd->xs == NULL || con->pty == -1)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/console/tty",
	    con->domid);
	if (!xs_write(cd->xs, XBT_NULL, path, con->ptyname,
	    (unsigned int)strlen(con->ptyname)))
		log_debug("%s: %s: %s", __func__, path, strerror(errno));
}

void
pvsource_scan(struct consoled *cd)
{
	xc_domaininfo_t	*info;
	struct console	*con, *next;
	char		 name[64];
	int		 n, i, named;

	info = xcalloc(MAX_DOMAINS, sizeof(*info));
	n = xc_domain_getinfolist(cd->xch, 1, MAX_DOMAINS, info);
	if (n < 0) {
		log_warn("%s: listing domains", __func__);
		free(info);
		return;
	}
	TAILQ_FOREACH(con, &cd->consoles, entry)
		con->seen = 0;
	for (i = 0; i < n; i++) {
		if (info[i].domain == 0 || (info[i].flags & XEN_DOMINF_dying))
			continue;
		TAILQ_FOREACH(con, &cd->consoles, entry)
			if (con->domid == info[i].domain)
				break;
		if (con == NULL) {
			named = store_name(cd, info[i].domain, name,
			    sizeof(name));
			con = console_new(cd, info[i].domain, name);
			con->named = named;
			publish_tty(cd, con);
		} else if (store_name(cd, info[i].domain, name,
		    sizeof(name)) && (!con->named ||
		    strcmp(con->name, name) != 0)) {
			/* Named at last, or renamed (xm rename). */
			console_rename(con, name);
			publish_tty(cd, con);
		}
		con->seen = 1;
		if (con->intf == NULL)
			(void)pvsource_attach(con);
	}
	TAILQ_FOREACH_SAFE(con, &cd->consoles, entry, next)
		if (!con->seen)
			console_free(con);
	free(info);
	hvlog_poll(cd);
}

static void
evtchn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct consoled	*cd = arg;
	struct console	*con;
	int		 port;

	(void)fd;
	(void)what;
	/*
	 * One port per call: xenevtchn_pending() blocks when nothing is
	 * pending, and the fd stays readable while more are.
	 */
	if ((port = xenevtchn_pending(cd->xce)) < 0) {
		log_warn("%s: xenevtchn_pending", __func__);
		return;
	}
	TAILQ_FOREACH(con, &cd->consoles, entry)
		if (con->local_port == port)
			break;
	if (con != NULL)
		drain(con);
	xenevtchn_unmask(cd->xce, (evtchn_port_t)port);
}

static void	xs_cb(evutil_socket_t, short, void *);

/* Connect to the store and watch domains come and go; 0 or -1. */
static int
store_connect(struct consoled *cd)
{
	if ((cd->xs = xs_open(0)) == NULL)
		return -1;
	if (!xs_watch(cd->xs, "@introduceDomain", "consoled") ||
	    !xs_watch(cd->xs, "@releaseDomain", "consoled")) {
		xs_close(cd->xs);
		cd->xs = NULL;
		return -1;
	}
	cd->xs_ev = event_new(cd->base, xs_fileno(cd->xs),
	    EV_READ | EV_PERSIST, xs_cb, cd);
	event_add(cd->xs_ev, NULL);
	return 0;
}

static void
xs_cb(evutil_socket_t fd, short what, void *arg)
{
	struct consoled	*cd = arg;
	char		**ev;

	(void)fd;
	(void)what;
	while ((ev = xs_check_watch(cd->xs)) != NULL)
		free(ev);
	if (errno != EAGAIN) {
		/* The store went away: the scan reconnects. */
		log_warnx("%s: the store connection is lost", __func__);
		event_free(cd->xs_ev);
		cd->xs_ev = NULL;
		xs_close(cd->xs);
		cd->xs = NULL;
	}
	pvsource_scan(cd);
}

static void
scan_cb(evutil_socket_t fd, short what, void *arg)
{
	struct consoled	*cd = arg;

	(void)fd;
	(void)what;
	if (cd->xs == NULL && store_connect(cd) == 0)
		log_info("%s: connected to the store", __func__);
	pvsource_scan(cd);
}

int
pvsource_open(struct consoled *cd, char **cause)
{
	struct timeval	 tv = { SCAN_SECS, 0 };

	if ((cd->xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		xasprintf(cause, "cannot reach the hypervisor: %s",
		    strerror(errno));
		return -1;
	}
	if ((cd->xce = xenevtchn_open(NULL, 0)) == NULL) {
		xasprintf(cause, "cannot open event channels: %s",
		    strerror(errno));
		return -1;
	}
	/*
	 * VIRQ_DOM_EXC is the store's (one dom0 client may bind it):
	 * consoles follow its @introduceDomain and @releaseDomain, and a scan.
	 */
	if (store_connect(cd) == -1)
		log_info("%s: no store (%s): consoles are found by scanning "
		    "and named domain-<id> until it comes", __func__,
		    strerror(errno));
	cd->xce_ev = event_new(cd->base, xenevtchn_fd(cd->xce),
	    EV_READ | EV_PERSIST, evtchn_cb, cd);
	cd->scan_ev = event_new(cd->base, -1, EV_PERSIST, scan_cb, cd);
	if (cd->xce_ev == NULL || cd->scan_ev == NULL ||
	    event_add(cd->xce_ev, NULL) == -1 ||
	    event_add(cd->scan_ev, &tv) == -1)
		fatalx("%s: cannot watch the event channel", __func__);
	pvsource_scan(cd);
	return 0;
}

void
pvsource_close(struct consoled *cd)
{
	if (cd->xce_ev != NULL)
		event_free(cd->xce_ev);
	if (cd->scan_ev != NULL)
		event_free(cd->scan_ev);
	if (cd->xs_ev != NULL)
		event_free(cd->xs_ev);
	xs_close(cd->xs);
	cd->xs = NULL;
	xenevtchn_close(cd->xce);
	xc_interface_close(cd->xch);
	cd->xce = cd->xch = NULL;
}
