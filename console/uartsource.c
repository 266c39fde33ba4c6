/*
 * The emulated consoles (UART, SBI console, HTIF) of domains through
 * libxc: the hypervisor keeps what each guest wrote in a ring and tells
 * one watcher handle which domains wrote (xc_console_watch); this reads
 * them under the same rate limit as the PV rings and writes input back.
 * A domain has one console here whichever way it talks: a PV guest's
 * early (SBI) output and its PV ring go to the same log, pty and clients.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include <xvm/xenctrl.h>

#include "console/consoled.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

#define INPUT_CHUNK	4096

/*
 * The feed's read: what the guest wrote to its emulated console.  What is
 * left waits in the hypervisor's ring (64 KiB; beyond that the oldest
 * bytes are lost and counted as dropped), so a flooding guest costs the
 * others nothing.
 */
static ssize_t
uart_read(struct console *con, char *buf, size_t max, uint64_t *lost)
{
	struct consoled	*cd = con->cd;
	unsigned int	 len = (unsigned int)max;
	uint64_t	 skipped;

	if (cd->xcw == NULL)
		return 0;
	if (xc_console_watch_read(cd->xcw, con->domid, buf, &len,
	    &con->uart_pos, &skipped) == -1) {
		if (errno != ESRCH)
			log_warn("%s: domain %u", __func__, con->domid);
		return -1;		/* gone: the scan closes it */
	}
	*lost += skipped;
	return (ssize_t)len;
}

static struct console *
find(struct consoled *cd, uint32_t domid)
{
	struct console	*con;

	TAILQ_FOREACH(con, &cd->consoles, entry)
		if (con->domid == domid)
			return con;
	return NULL;
}

static void
watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct consoled	*cd = arg;
	struct console	*con;
	uint32_t	 domid;
	int		 r;

	(void)fd;
	(void)what;
	while ((r = xc_console_watch_next(cd->xcw, &domid)) == 1) {
		/* A domain that printed before the scan found it: scan now. */
		if ((con = find(cd, domid)) == NULL) {
			pvsource_scan(cd);
			con = find(cd, domid);
		}
		if (con != NULL)
			console_feed_drain(&con->uart);
	}
	if (r == -1) {
		if (hvconn_gone(errno))
			hvconn_lost(cd, "the console watch", errno);
		else {
			log_warn("%s: the hypervisor's console watch failed",
			    __func__);
			event_del(cd->xcw_ev);
		}
	}
}

void
uartsource_attach(struct console *con)
{
	con->uart_pos = 0;	/* from the guest's first byte */
	con->uart = (struct console_feed){ .con = con, .read = uart_read,
	    .retry = con->uart.retry };
	console_feed_drain(&con->uart);
}

void
uartsource_detach(struct console *con)
{
	console_feed_stop(&con->uart);
}

size_t
uartsource_input(struct console *con, const char *p, size_t len)
{
	int	n;

	if (con->cd->xcw == NULL)
		return 0;
	if (len > INPUT_CHUNK)
		len = INPUT_CHUNK;
	n = xc_console_watch_write(con->cd->xcw, con->domid, p,
	    (unsigned int)len);
	return n < 0 ? 0 : (size_t)n;
}

int
uartsource_open(struct consoled *cd, char **cause)
{
	if ((cd->xcw = xc_console_watch_open()) == NULL) {
		xasprintf(cause, "cannot watch the domains' consoles: %s",
		    strerror(errno));
		return -1;
	}
	cd->xcw_ev = event_new(cd->base, xc_console_watch_fd(cd->xcw),
	    EV_READ | EV_PERSIST, watch_cb, cd);
	if (cd->xcw_ev == NULL || event_add(cd->xcw_ev, NULL) == -1)
		fatalx("%s: cannot watch the console watch", __func__);
	return 0;
}

void
uartsource_close(struct consoled *cd)
{
	if (cd->xcw_ev != NULL)
		event_free(cd->xcw_ev);
	cd->xcw_ev = NULL;
	if (cd->xcw != NULL)
		xc_console_watch_close(cd->xcw);
	cd->xcw = NULL;
}
