/*
 * The hypervisor under xvm-consoled: its handles (libxc, event channels,
 * the console watch) are opened at start; when it goes away (kill -9, a
 * restart) every console is closed with it, and the handles are opened
 * again every second until a hypervisor answers, then its domains are
 * scanned.  Nothing spins on a dead socket meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "console/consoled.h"
#include "lib/log.h"

#define RETRY_SECS	1

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct consoled	*cd = arg;
	struct timeval	 tv = { RETRY_SECS, 0 };
	char		*cause = NULL;

	(void)fd;
	(void)what;
	if (hvconn_open(cd, &cause) == -1) {
		free(cause);
		evtimer_add(cd->hv_retry, &tv);
		return;
	}
	log_info("the hypervisor is back: looking for its domains");
	pvsource_scan(cd);
}

int
hvconn_open(struct consoled *cd, char **cause)
{
	if (pvsource_open_hv(cd, cause) == -1 ||
	    uartsource_open(cd, cause) == -1) {
		pvsource_close_hv(cd);
		uartsource_close(cd);
		return -1;
	}
	cd->hvlog_pos = 0;		/* a new hypervisor counts from 0 */
	return 0;
}

void
hvconn_close(struct consoled *cd)
{
	if (cd->hv_retry != NULL)
		event_free(cd->hv_retry);
	cd->hv_retry = NULL;
	pvsource_close_hv(cd);
	uartsource_close(cd);
}

int
hvconn_gone(int err)
{
	return err == EPIPE || err == ECONNRESET || err == ENOTCONN ||
	    err == ESHUTDOWN || err == EBADF;
}

void
hvconn_lost(struct consoled *cd, const char *what, int err)
{
	struct console	*con;
	struct timeval	 tv = { RETRY_SECS, 0 };

	if (cd->xch == NULL)
		return;			/* already on it */
	log_warnx("the hypervisor is gone (%s: %s): closing its consoles, "
	    "trying again every %d s", what, strerror(err), RETRY_SECS);
	while ((con = TAILQ_FIRST(&cd->consoles)) != NULL)
		console_free(con);
	pvsource_close_hv(cd);
	uartsource_close(cd);
	if (cd->hv_retry == NULL &&
	    (cd->hv_retry = evtimer_new(cd->base, retry_cb, cd)) == NULL)
		fatalx("%s: evtimer_new", __func__);
	evtimer_add(cd->hv_retry, &tv);
}
