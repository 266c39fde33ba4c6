/* xm migrate: a domain to another host's xvmd, live or not, with progress on a terminal. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "tools/xm/xm.h"

#define POLL_MS		100

static const struct option longopts[] = {
	{ "live", no_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "ssl", no_argument, NULL, 's' },
	{ "downtime", required_argument, NULL, 'D' },
	{ NULL, 0, NULL, 0 },
};

/* Ctrl-C (or SIGTERM) while it runs asks xvmd to cancel it, once. */
static volatile sig_atomic_t	 interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
catch_interrupts(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
}

/* DELETE /migrations/:id; a refusal (committing, ended) is printed. */
static void
cancel(const char *uri, int tty)
{
	yajl_val	 doc;

	if (tty)
		printf("\r\033[K");
	if (xm_call("DELETE", uri, NULL, &doc) == 0)
		json_free(doc);
}

static int64_t
num(yajl_val m, const char *key)
{
	int64_t	 v = 0;

	(void)json_get_i64(m, key, &v);
	return v;
}

/* One progress line, written over the last one. */
static void
progress(yajl_val m)
{
	const char	*state = json_get_str(m, "state");

	printf("\r\033[K%s: %s", json_get_str(m, "domain"), state ? state :
	    "?");
	if (num(m, "pages_sent") > 0)
		printf(", round %lld, %lld pages sent (%.1f MiB on the wire), "
		    "%lld dirty (%lld pages/s), link %.0f MiB/s",
		    (long long)num(m, "round"), (long long)num(m, "pages_sent"),
		    (double)num(m, "bytes") / (1 << 20),
		    (long long)num(m, "dirty_pages"),
		    (long long)num(m, "dirty_pages_per_s"),
		    (double)num(m, "link_bytes_per_s") / (1 << 20));
	fflush(stdout);
}

static void
nap(void)
{
	struct timespec	 ts = { 0, POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* Follow migration 'id' until it ends; 0 done, 1 failed (printed). */
static int
follow(const char *id, int tty)
{
	yajl_val	 doc, m, err;
	const char	*state, *msg;
	char		*uri;
	int		 rc = -1;

	xasprintf(&uri, "/migrations/%s", id);
	while (rc == -1) {
		if (interrupted == 1) {
			interrupted = 2;
			cancel(uri, tty);
		}
		if (xm_call("GET", uri, NULL, &doc) != 0) {
			rc = 1;
			break;
		}
		m = json_get(doc, "migration");
		state = json_get_str(m, "state");
		if (tty)
			progress(m);
		if (state != NULL && strcmp(state, "done") == 0) {
			if (tty)
				printf("\r\033[KMigrated %s to %s in %.2f s: "
				    "%lld rounds, %lld pages (%lld in the last "
				    "copy), downtime %.1f ms\n",
				    json_get_str(m, "domain"),
				    json_get_str(m, "host"),
				    (double)num(m, "total_ms") / 1e3,
				    (long long)num(m, "round") + 1,
				    (long long)num(m, "pages_sent"),
				    (long long)num(m, "last_copy_pages"),
				    (double)num(m, "downtime_us") / 1e3);
			rc = 0;
		} else if (state != NULL && strcmp(state, "failed") == 0) {
			if (tty)
				printf("\r\033[K");
			err = json_get(m, "error");
			msg = err ? json_get_str(err, "message") : NULL;
			xm_error("%s", msg ? msg : "the migration failed");
			rc = 1;
		}
		json_free(doc);
		if (rc == -1)
			nap();
	}
	free(uri);
	return rc;
}

static int
exec_migrate(int argc, char **argv)
{
	struct json_w	*w;
	yajl_val	 doc;
	uint64_t	 port = 0, downtime = 0;
	const char	*id;
	char		*uri, *idc;
	int		 ch, live = 0, ssl = 0, rc;

	while ((ch = getopt_long(argc, argv, "+lp:s", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			live = 1;
			break;
		case 'p':
			if (str_to_u64(optarg, 1, 65535, &port) == -1)
				return xm_error("xm migrate: port '%s' is not "
				    "a number from 1 to 65535", optarg);
			break;
		case 's':
			ssl = 1;
			break;
		case 'D':
			if (str_to_u64(optarg, 1, 60000, &downtime) == -1)
				return xm_error("xm migrate: downtime '%s' is "
				    "not a number of ms from 1 to 60000",
				    optarg);
			break;
		default:
			return 1;
		}
	}
	argv += optind;
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "host", argv[1]);
	json_w_kbool(w, "live", live);
	if (ssl)
		json_w_kbool(w, "ssl", 1);	/* else the host's default */
	if (port != 0)
		json_w_ki64(w, "port", (int64_t)port);
	if (downtime != 0)
		json_w_ki64(w, "max_downtime_ms", (int64_t)downtime);
	json_w_kbool(w, "wait", 0);
	json_w_obj_close(w);
	catch_interrupts();		/* from here: a cancel once it has an id */
	uri = xm_dom_uri(argv[0], "/migrate");
	rc = xm_call("POST", uri, w, &doc);
	free(uri);
	json_w_free(w);
	if (rc != 0)
		return 1;
	id = json_get_str(json_get(doc, "migration"), "id");
	idc = id ? xstrdup(id) : NULL;
	json_free(doc);
	if (idc == NULL)
		return xm_error("xvmd did not name the migration");
	rc = follow(idc, isatty(STDOUT_FILENO));
	free(idc);
	return rc;
}

const struct cmd_entry cmd_migrate_entry = {
	.name = "migrate",
	.args = "[-l|--live] [-p|--port PORT] [-s|--ssl] [--downtime MS] "
	    "<Domain> <Host>",
	.help = "Migrate a domain to another machine.",
	.opts = "lp:s",
	.longopts = longopts,
	.min_args = 2,
	.max_args = 2,
	.exec = exec_migrate,
};
