/*
 * A console's output and input, whatever its source: every byte a guest
 * prints goes to the scrollback, the log, the pty and each attached client;
 * input from any client or the pty goes to the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "console/consoled.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

#define FEED_CHUNK	4096

static void
pty_read(evutil_socket_t fd, short what, void *arg)
{
	struct console	*con = arg;
	char		 buf[1024];
	ssize_t		 n;

	(void)what;
	if ((n = read(fd, buf, sizeof(buf))) > 0)
		console_input(con, buf, (size_t)n);
}

/*
 * A pty whose slave anyone with the right permissions may open.  Raw, as
 * xenconsoled makes it: with the line discipline's default echo, what we
 * write would come back from the master as input, and a guest that echoes
 * its input (a shell on a UART) would loop forever.  We hold the slave
 * open, or the pty's settings would be reset at its last close.
 */
static void
open_pty(struct console *con)
{
	const char	*name;
	struct termios	 t;

	con->pty = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (con->pty == -1 || grantpt(con->pty) == -1 ||
	    unlockpt(con->pty) == -1 || (name = ptsname(con->pty)) == NULL ||
	    (con->pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    tcgetattr(con->pty_slave, &t) == -1 ||
	    (cfmakeraw(&t), tcsetattr(con->pty_slave, TCSANOW, &t)) == -1) {
		log_warn("%s: pty for %s", __func__, con->name);
		if (con->pty != -1)
			close(con->pty);
		if (con->pty_slave != -1)
			close(con->pty_slave);
		con->pty = con->pty_slave = -1;
		return;
	}
	strlcpy(con->ptyname, name, sizeof(con->ptyname));
	con->pty_ev = event_new(con->cd->base, con->pty, EV_READ | EV_PERSIST,
	    pty_read, con);
	event_add(con->pty_ev, NULL);
}

uint64_t
console_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

struct console *
console_new(struct consoled *cd, uint32_t domid, const char *name)
{
	struct console	*con;
	char		 path[PATH_MAX];

	con = xcalloc(1, sizeof(*con));
	con->cd = cd;
	con->domid = domid;
	con->local_port = -1;
	con->pty = con->pty_slave = -1;
	strlcpy(con->name, name, sizeof(con->name));
	con->sb = xcalloc(1, sizeof(*con->sb));
	TAILQ_INIT(&con->clients);
	ratelimit_init(&con->rl, cd->rate, console_now_ns());
	snprintf(path, sizeof(path), "%s/guest-%s.log", cd->logdir, name);
	if (logfile_open(&con->log, path, 0) == -1)
		log_warn("%s: %s", __func__, path);
	open_pty(con);
	TAILQ_INSERT_TAIL(&cd->consoles, con, entry);
	log_info("%s: console of %s (domain %u) on %s", __func__, name, domid,
	    con->pty != -1 ? con->ptyname : "no pty");
	uartsource_attach(con);
	return con;
}

/* Copy file 'from' to the end of log, then remove it. */
static void
append_file(struct logfile *log, const char *from)
{
	char	 buf[4096];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		(void)logfile_write(log, buf, (size_t)n);
	close(fd);
	unlink(from);
}

void
console_rename(struct console *con, const char *name)
{
	char	 from[PATH_MAX], path[PATH_MAX];

	log_info("%s: domain %u is %s", __func__, con->domid, name);
	/* What it wrote before it had a name goes with the log. */
	logfile_close(&con->log);
	snprintf(from, sizeof(from), "%s/guest-%s.log", con->cd->logdir,
	    con->name);
	snprintf(path, sizeof(path), "%s/guest-%s.log", con->cd->logdir, name);
	if (access(path, F_OK) == -1) {
		if (rename(from, path) == -1)
			log_warn("%s: %s", __func__, from);
	}
	strlcpy(con->name, name, sizeof(con->name));
	con->named = 1;
	if (logfile_open(&con->log, path, 0) == -1)
		log_warn("%s: %s", __func__, path);
	else if (access(from, F_OK) == 0)
		append_file(&con->log, from);
}

void
console_free(struct console *con)
{
	if (con == NULL)
		return;
	attach_detach_all(con);
	pvsource_detach(con);
	uartsource_detach(con);
	TAILQ_REMOVE(&con->cd->consoles, con, entry);
	if (con->pty_ev != NULL)
		event_free(con->pty_ev);
	if (con->pty != -1)
		close(con->pty);
	if (con->pty_slave != -1)
		close(con->pty_slave);
	console_feed_stop(&con->pv);
	logfile_close(&con->log);
	log_info("%s: console of %s (domain %u) closed", __func__, con->name,
	    con->domid);
	free(con->sb);
	free(con);
}

struct console *
console_find(struct consoled *cd, const char *key)
{
	struct console	*con;
	uint64_t	 id;
	int		 numeric;

	numeric = str_to_u64(key, 0, UINT32_MAX, &id) == 0;
	TAILQ_FOREACH(con, &cd->consoles, entry) {
		if (strcmp(con->name, key) == 0 ||
		    (numeric && con->domid == id))
			return con;
	}
	return NULL;
}

void
console_output(struct console *con, const char *p, size_t len)
{
	struct client	*cl, *next;

	con->bytes_out += len;
	scrollback_add(con->sb, p, len);
	if (con->log.fd != -1 && logfile_write(&con->log, p, len) == -1)
		log_warn("%s: log of %s", __func__, con->name);
	/* Nobody may be reading the pty: drop what does not fit. */
	if (con->pty != -1)
		(void)write(con->pty, p, len);
	TAILQ_FOREACH_SAFE(cl, &con->clients, entry, next) {
		if (evbuffer_get_length(bufferevent_get_output(cl->bev)) +
		    len > CLIENT_MAX_QUEUED) {
			log_info("%s: client of %s too slow, disconnected",
			    __func__, con->name);
			TAILQ_REMOVE(&con->clients, cl, entry);
			bufferevent_free(cl->bev);
			free(cl);
			continue;
		}
		bufferevent_write(cl->bev, p, len);
	}
}

void
console_input(struct console *con, const char *p, size_t len)
{
	/*
	 * To the console the guest reads: its PV ring once it uses one, else
	 * the emulated console (the UART and SBI getchar share one queue), as
	 * a stock Linux on ttyS0 or hvc0 reads.
	 */
	size_t	 n = pvsource_in_use(con) ? pvsource_input(con, p, len) :
	    uartsource_input(con, p, len);

	if (n < len)
		log_debug("%s: %s: %zu input bytes dropped (ring full)",
		    __func__, con->name, len - n);
}

static void
feed_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	console_feed_drain(arg);
}

void
console_feed_drain(struct console_feed *f)
{
	struct console	*con = f->con;
	char		 buf[FEED_CHUNK];
	size_t		 allowed;
	ssize_t		 n;
	uint64_t	 lost, wait;
	struct timeval	 tv;

	if (con == NULL)
		return;			/* never attached */
	for (;;) {
		allowed = ratelimit_take(&con->rl, sizeof(buf),
		    console_now_ns());
		if (allowed == 0)
			break;
		lost = 0;
		n = f->read(con, buf, allowed, &lost);
		/* Unused tokens go back: only what was read counts. */
		con->rl.tokens += allowed - (n > 0 ? (size_t)n : 0);
		con->bytes_dropped += lost;
		if (n <= 0)
			return;		/* empty, or gone */
		console_output(con, buf, (size_t)n);
		if (f->consumed != NULL)
			f->consumed(con);
	}
	/* Out of tokens with output left: come back when there are some. */
	wait = ratelimit_wait_ns(&con->rl, console_now_ns());
	tv.tv_sec = (time_t)(wait / 1000000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000000 / 1000);
	if (f->retry == NULL &&
	    (f->retry = evtimer_new(con->cd->base, feed_retry, f)) == NULL)
		fatalx("%s: out of memory", __func__);
	evtimer_add(f->retry, &tv);
}

void
console_feed_stop(struct console_feed *f)
{
	if (f->retry != NULL)
		event_free(f->retry);
	f->retry = NULL;
}

void
console_reopen_logs(struct consoled *cd)
{
	struct console	*con;

	TAILQ_FOREACH(con, &cd->consoles, entry)
		if (con->log.path != NULL && logfile_reopen(&con->log) == -1)
			log_warn("%s: %s", __func__, con->log.path);
	if (cd->hvlog.path != NULL && logfile_reopen(&cd->hvlog) == -1)
		log_warn("%s: %s", __func__, cd->hvlog.path);
}
