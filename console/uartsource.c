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

#define READ_CHUNK	4096

static void	drain(struct console *);

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg);
}

/*
 * Guest output to the hub while the rate limit allows.  What is left
 * waits in the hypervisor's ring (64 KiB; beyond that the oldest bytes
 * are lost and counted as dropped), so a flooding guest costs the others
 * nothing.
 */
static void
drain(struct console *con)
{
	struct consoled	*cd = con->cd;
	char		 buf[READ_CHUNK];
	unsigned int	 len;
	size_t		 allowed;
	uint64_t	 lost, wait;
	struct timeval	 tv;

	if (cd->xcw == NULL)
		return;
	for (;;) {
		allowed = ratelimit_take(&con->rl, sizeof(buf), console_now_ns());
		if (allowed == 0)
			break;
		len = (unsigned int)allowed;
		if (xc_console_watch_read(cd->xcw, con->domid, buf, &len,
		    &con->uart_pos, &lost) == -1) {
			con->rl.tokens += allowed;
			if (errno != ESRCH)
				log_warn("%s: domain %u", __func__, con->domid);
			return;		/* gone: the scan closes it */
		}
		con->rl.tokens += allowed - len;
		con->bytes_dropped += lost;
		if (len == 0)
			return;
		console_output(con, buf, len);
	}
	wait = ratelimit_wait_ns(&con->rl, console_now_ns());
	tv.tv_sec = (time_t)(wait / 1000000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000000 / 1000);
	if (con->uart_retry == NULL)
		con->uart_retry = evtimer_new(cd->base, retry_cb, con);
	evtimer_add(con->uart_retry, &tv);
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
			drain(con);
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
	drain(con);
}

void
uartsource_detach(struct console *con)
{
	if (con->uart_retry != NULL)
		event_free(con->uart_retry);
	con->uart_retry = NULL;
}

size_t
uartsource_input(struct console *con, const char *p, size_t len)
{
	int	n;

	if (con->cd->xcw == NULL)
		return 0;
	if (len > READ_CHUNK)
		len = READ_CHUNK;
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
