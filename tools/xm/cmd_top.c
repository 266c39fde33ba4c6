/*
 * xm top: xentop.  Batch mode (-b, or when standard output is not a
 * terminal) prints xentop's column header and a row per domain every
 * delay; interactively the screen is redrawn under xentop's summary lines
 * until 'q'.  CPU(%) is the domain's CPU time over the wall time between
 * two samples (0 in the first).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "tools/xm/xm.h"

static const struct option top_longopts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "delay", required_argument, NULL, 'd' },
	{ "iterations", required_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

/* The previous sample's CPU time of each domain, by domain ID. */
struct prev {
	int64_t		 domid;
	double		 cpu;
};

static struct termios	saved_tio;
static int		tio_saved;

static void
restore_tty(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_saved = 0;
}

static void
on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "total_memory" and friends of GET /host's pairs, in MiB. */
static int64_t
host_value(yajl_val host, const char *key)
{
	yajl_val	 info = json_get(host, "info");
	size_t		 i;

	for (i = 0; info != NULL && YAJL_IS_ARRAY(info) &&
	    i < info->u.array.len; i++) {
		yajl_val p = info->u.array.values[i];

		if (YAJL_IS_ARRAY(p) && p->u.array.len == 2 &&
		    YAJL_IS_STRING(p->u.array.values[0]) &&
		    strcmp(p->u.array.values[0]->u.string, key) == 0 &&
		    YAJL_IS_INTEGER(p->u.array.values[1]))
			return YAJL_GET_INTEGER(p->u.array.values[1]);
	}
	return 0;
}

/* xentop's three summary lines (interactive mode only). */
static void
summary(FILE *fp, yajl_val host, const yajl_val *doms, size_t n)
{
	static const char *const keys[6] = { "running", "blocked", "paused",
	    "crashed", "dying", "shutdown" };
	int64_t		 total = host_value(host, "total_memory") * 1024;
	int64_t		 freek = host_value(host, "free_memory") * 1024;
	time_t		 t = time(NULL);
	char		 hms[16];
	size_t		 i, k, cnt[6] = { 0 };
	int		 b;

	for (i = 0; i < n; i++)
		for (k = 0; k < 6; k++)
			if (json_get_bool(json_get(doms[i], "state"), keys[k],
			    &b) == 0 && b)
				cnt[k]++;
	strftime(hms, sizeof(hms), "%H:%M:%S", localtime(&t));
	fprintf(fp, "xentop - %s   xVM for Linux\n", hms);
	fprintf(fp, "%zu domains: %zu running, %zu blocked, %zu paused, "
	    "%zu crashed, %zu dying, %zu shutdown\n", n, cnt[0], cnt[1],
	    cnt[2], cnt[3], cnt[4], cnt[5]);
	fprintf(fp, "Mem: %lldk total, %lldk used, %lldk free    CPUs: %lld @ "
	    "%lldMHz\n", (long long)total, (long long)(total - freek),
	    (long long)freek, (long long)host_value(host, "nr_cpus"),
	    (long long)host_value(host, "cpu_mhz"));
}

/* One sample: fetch, print, remember CPU times.  0 or 1. */
static int
sample(int batch, struct prev **prev, size_t *nprev, double *last)
{
	struct xm_domains xd;
	yajl_val	 host = NULL;
	struct prev	*cur;
	double		 t = now_s(), dt = t - *last, cpu, pct;
	int64_t		 domid;
	size_t		 i, j;

	if (xm_domains_get(&xd, 0, NULL, "?long=1") != 0 ||
	    xm_call("GET", "/host", NULL, &host) != 0) {
		xm_domains_free(&xd);
		return 1;
	}
	if (!batch) {
		fputs("\033[H\033[2J", stdout);
		summary(stdout, host, xd.doms, xd.n);
		fputs("\033[7m", stdout);
	}
	top_header(stdout);
	if (!batch)
		fputs("\033[0m", stdout);
	cur = xcalloc(xd.n + 1, sizeof(*cur));
	for (i = 0; i < xd.n; i++) {
		yajl_val v = json_get(xd.doms[i], "cpu_time");

		cpu = v != NULL && YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : 0;
		domid = -1;
		(void)json_get_i64(xd.doms[i], "domid", &domid);
		pct = 0;
		for (j = 0; j < *nprev && *last > 0 && dt > 0; j++)
			if ((*prev)[j].domid == domid && domid >= 0 &&
			    cpu >= (*prev)[j].cpu)
				pct = 100.0 * (cpu - (*prev)[j].cpu) / dt;
		cur[i].domid = domid;
		cur[i].cpu = cpu;
		top_row(stdout, xd.doms[i], pct,
		    host_value(host, "total_memory") * 1024);
	}
	fflush(stdout);
	free(*prev);
	*prev = cur;
	*nprev = xd.n;
	*last = t;
	json_free(host);
	xm_domains_free(&xd);
	return 0;
}

/* Wait 'delay' seconds; 1 if the user typed q (interactive mode). */
static int
pause_for(double delay, int batch)
{
	struct pollfd	 pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char		 c;

	if (batch) {
		struct timespec ts = { (time_t)delay,
		    (long)((delay - (double)(time_t)delay) * 1e9) };

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		return 0;
	}
	if (poll(&pfd, 1, (int)(delay * 1000)) == 1 &&
	    read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
		return 1;
	return 0;
}

static int
exec_top(int argc, char **argv)
{
	struct termios	 tio;
	struct prev	*prev = NULL;
	size_t		 nprev = 0;
	double		 delay = 3, last = 0;
	long long	 iters = 0, done;
	const char	*err = NULL;
	int		 ch, batch = !isatty(STDOUT_FILENO), rc = 0;

	while ((ch = getopt_long(argc, argv, "+bd:i:", top_longopts, NULL)) !=
	    -1) {
		if (ch == 'b')
			batch = 1;
		else if (ch == 'd') {
			delay = (double)strtonum(optarg, 1, 3600, &err);
			if (err != NULL)
				return xm_error("delay '%s' is not a number of "
				    "seconds from 1 to 3600", optarg);
		} else if (ch == 'i') {
			iters = strtonum(optarg, 1, 1000000, &err);
			if (err != NULL)
				return xm_error("iterations '%s' is not a "
				    "number from 1 to 1000000", optarg);
		}
	}
	if (!batch && isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		tio = saved_tio;
		tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		tio_saved = tcsetattr(STDIN_FILENO, TCSANOW, &tio) == 0;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	for (done = 0; iters == 0 || done < iters; done++) {
		if (done > 0 && pause_for(delay, batch))
			break;
		if ((rc = sample(batch, &prev, &nprev, &last)) != 0)
			break;
	}
	restore_tty();
	free(prev);
	return rc;
}

const struct cmd_entry cmd_top_entry = {
	.name = "top",
	.args = "[-b] [-d SECONDS] [-i ITERATIONS]",
	.help = "Monitor the domains as xentop does (-b: batch mode, the "
	    "columns only).",
	.opts = "bd:i:",
	.longopts = top_longopts,
	.min_args = 0,
	.max_args = 0,
	.exec = exec_top,
};
