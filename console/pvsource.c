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
#include "xenstored/xsclient.h"

#define SCAN_SECS	2
#define MAX_DOMAINS	1024

/* The feed's read: what the guest wrote to its ring. */
static ssize_t
ring_read(struct console *con, char *buf, size_t max, uint64_t *lost)
{
	size_t	 n, skipped;

	if (con->intf == NULL)
		return 0;
	n = xencons_read_out(con->intf, buf, max, &skipped);
	*lost += skipped;
	return (ssize_t)n;
}

/* Room in the ring again: tell the guest. */
static void
ring_consumed(struct console *con)
{
	if (con->local_port >= 0)
		xenevtchn_notify(con->cd->xce, (evtchn_port_t)con->local_port);
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
	con->pv = (struct console_feed){ .con = con, .read = ring_read,
	    .consumed = ring_consumed, .retry = con->pv.retry };
	console_feed_drain(&con->pv);
	return 0;
}

void
pvsource_detach(struct console *con)
{
	struct consoled	*cd = con->cd;

	if (con->intf != NULL) {
		/* The last words of a dying guest. */
		console_feed_drain(&con->pv);
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
	console_feed_drain(&con->pv);
}

/* The hypervisor's messages since last time, to hypervisor.log. */
static void
hvlog_poll(struct consoled *cd)
{
	char		 buf[16384];
	unsigned int	 n = sizeof(buf);
	uint32_t	 index = (uint32_t)cd->hvlog_pos;

	if (cd->hvlog.fd == -1 || cd->xch == NULL)
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
	if (xsclient_up(cd->xsc))
		v = xs_read(xsclient_handle(cd->xsc), XBT_NULL, path, &len);
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

	if (!xsclient_up(cd->xsc) || con->pty == -1)
		return;
	snprintf(path, sizeof(path), "/local/domain/%u/console/tty",
	    con->domid);
	if (!xs_write(xsclient_handle(cd->xsc), XBT_NULL, path, con->ptyname,
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

	if (cd->xch == NULL)
		return;			/* the hypervisor is away */
	info = xcalloc(MAX_DOMAINS, sizeof(*info));
	n = xc_domain_getinfolist(cd->xch, 1, MAX_DOMAINS, info);
	if (n < 0) {
		if (hvconn_gone(errno))
			hvconn_lost(cd, "listing domains", errno);
		else
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
		if (hvconn_gone(errno))
			hvconn_lost(cd, "event channels", errno);
		else
			log_warn("%s: xenevtchn_pending", __func__);
		return;
	}
	TAILQ_FOREACH(con, &cd->consoles, entry)
		if (con->local_port == port)
			break;
	if (con != NULL)
		console_feed_drain(&con->pv);
	xenevtchn_unmask(cd->xce, (evtchn_port_t)port);
}

/*
 * The store is (again) there: names and ttys may have changed or been lost
 * while it was away (a restarted store), so every console is looked at and
 * its tty published again.
 */
static void
store_connected(struct xsclient *c, void *arg, int again)
{
	struct consoled	*cd = arg;
	struct console	*con;

	(void)again;
	cd->xsc = c;		/* the first time, before xsclient_new returns */
	pvsource_scan(cd);
	TAILQ_FOREACH(con, &cd->consoles, entry)
		publish_tty(cd, con);
}

/* @introduceDomain, @releaseDomain: consoles come and go. */
static void
store_event(struct xsclient *c, void *arg, const char *path,
    const char *token)
{
	(void)c;
	(void)path;
	(void)token;
	pvsource_scan(arg);
}

static const struct xsclient_ops store_ops = {
	.connected = store_connected,
	.event = store_event,
};

static void
scan_cb(evutil_socket_t fd, short what, void *arg)
{
	struct consoled	*cd = arg;

	(void)fd;
	(void)what;
	pvsource_scan(cd);
}

/* libxc and event channels (hvconn.c calls it, at start and again). */
int
pvsource_open_hv(struct consoled *cd, char **cause)
{
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
	cd->xce_ev = event_new(cd->base, xenevtchn_fd(cd->xce),
	    EV_READ | EV_PERSIST, evtchn_cb, cd);
	if (cd->xce_ev == NULL || event_add(cd->xce_ev, NULL) == -1)
		fatalx("%s: cannot watch the event channel", __func__);
	return 0;
}

void
pvsource_close_hv(struct consoled *cd)
{
	if (cd->xce_ev != NULL)
		event_free(cd->xce_ev);
	cd->xce_ev = NULL;
	if (cd->xce != NULL)
		xenevtchn_close(cd->xce);
	if (cd->xch != NULL)
		xc_interface_close(cd->xch);
	cd->xce = cd->xch = NULL;
}

/*
 * The store and the scan (after hvconn_open).  VIRQ_DOM_EXC is the
 * store's (one dom0 client may bind it): consoles follow its
 * @introduceDomain and @releaseDomain, and a scan every few seconds.
 */
int
pvsource_open(struct consoled *cd, char **cause)
{
	struct timeval	 tv = { SCAN_SECS, 0 };

	(void)cause;
	cd->scan_ev = event_new(cd->base, -1, EV_PERSIST, scan_cb, cd);
	if (cd->scan_ev == NULL || event_add(cd->scan_ev, &tv) == -1)
		fatalx("%s: cannot start the scan", __func__);
	/* The first connection scans (store_connected), as each later one. */
	cd->xsc = xsclient_new(cd->base, "xvm-consoled", &store_ops, cd);
	(void)xsclient_watch(cd->xsc, "@introduceDomain", "consoled");
	(void)xsclient_watch(cd->xsc, "@releaseDomain", "consoled");
	if (!xsclient_up(cd->xsc)) {
		log_info("%s: no store yet: consoles are found by scanning "
		    "and named domain-<id> until it comes", __func__);
		pvsource_scan(cd);
	}
	return 0;
}

void
pvsource_close(struct consoled *cd)
{
	if (cd->scan_ev != NULL)
		event_free(cd->scan_ev);
	cd->scan_ev = NULL;
	xsclient_free(cd->xsc);
	cd->xsc = NULL;
}
