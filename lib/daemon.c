/* The daemon skeleton: options, root, log, going to the background once ready. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"

#define MAX_OPTIONS	16	/* a daemon's own, besides the common five */
#define LONG_ONLY	256	/* getopt values of long-only options */

static int	 ready_fd = -1;

/* The options every daemon takes (their getopt values are their letters). */
static const struct daemon_option common[] = {
	{ "root", 'r', "DIR", "run/, var/ and etc/ under DIR "
	    "(default $XVM_ROOT, else /)", NULL },
	{ "foreground", 'F', NULL, "stay in the foreground, log to stderr "
	    "too", NULL },
	{ "daemon", 'd', NULL, "go to the background once serving (the "
	    "default)", NULL },
	{ "verbose", 'v', NULL, "more logging (again: debug)", NULL },
	{ "help", 'h', NULL, "this help", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

static size_t
count(const struct daemon_option *o)
{
	size_t	 n = 0;

	while (o != NULL && (o[n].name != NULL || o[n].letter != 0))
		n++;
	return n;
}

/* "  -l, --limit N   help", "      --durable   help", "  -n NCPUS   help" */
static void
usage_line(FILE *f, const struct daemon_option *o, const char *help)
{
	char	 left[64], shrt[5] = "    ";

	if (o->letter) {
		shrt[0] = '-';
		shrt[1] = (char)o->letter;
		shrt[2] = o->name ? ',' : '\0';
	}
	snprintf(left, sizeof(left), "%s%s%s%s%s", shrt, o->name ? "--" : "",
	    o->name ? o->name : "", o->arg ? " " : "", o->arg ? o->arg : "");
	fprintf(f, "  %-24s %s\n", left, help);
}

static void
usage(const struct daemon_spec *s, FILE *f)
{
	const struct daemon_option *o;
	size_t	 i, n = count(s->options);

	fprintf(f, "usage: %s [-dFv] [-r DIR]", s->name);
	for (i = 0; i < n; i++) {
		o = &s->options[i];
		if (o->letter)
			fprintf(f, " [-%c%s%s]", o->letter, o->arg ? " " : "",
			    o->arg ? o->arg : "");
		else
			fprintf(f, " [--%s%s%s]", o->name, o->arg ? " " : "",
			    o->arg ? o->arg : "");
	}
	fputc('\n', f);
	for (i = 0; i < count(common); i++)
		usage_line(f, &common[i], common[i].letter == 'F' &&
		    (s->flags & DAEMON_STAYS) ? "log to stderr too" :
		    common[i].letter == 'd' && (s->flags & DAEMON_STAYS) ?
		    "accepted; the program stays in the foreground" :
		    common[i].help);
	for (i = 0; i < n; i++)
		usage_line(f, &s->options[i], s->options[i].help);
}

static __attribute__((noreturn)) void
bad_usage(const struct daemon_spec *s, const char *fmt, const char *what)
{
	fprintf(stderr, "%s: ", s->name);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	usage(s, stderr);
	exit(1);
}

/* getopt_long's tables from the common options and the daemon's. */
static void
getopt_tables(const struct daemon_spec *s, struct option *lo,
    char *shortopts, size_t size)
{
	const struct daemon_option *o;
	size_t	 i, n = 0, k = 0, len = 0, own = count(s->options);

	if (own > MAX_OPTIONS)
		fatalx("%s: %zu options, more than %d", __func__, own,
		    MAX_OPTIONS);
	shortopts[len++] = ':';		/* a missing argument is ':' */
	for (i = 0; i < count(common) + own; i++) {
		o = i < count(common) ? &common[i] : &s->options[i -
		    count(common)];
		if (o->letter && len + 3 < size) {
			shortopts[len++] = (char)o->letter;
			if (o->arg)
				shortopts[len++] = ':';
		}
		if (o->name) {
			lo[n].name = o->name;
			lo[n].has_arg = o->arg ? required_argument :
			    no_argument;
			lo[n].flag = NULL;
			lo[n].val = o->letter ? o->letter : LONG_ONLY + (int)k;
			n++;
		}
		if (!o->letter)
			k++;
	}
	shortopts[len] = '\0';
	memset(&lo[n], 0, sizeof(lo[n]));
}

/* The daemon's option getopt returned as ch, or NULL. */
static const struct daemon_option *
own_option(const struct daemon_spec *s, int ch)
{
	size_t	 i, k = 0;

	for (i = 0; i < count(s->options); i++) {
		if (s->options[i].letter == 0) {
			if (ch == LONG_ONLY + (int)k++)
				return &s->options[i];
		} else if (s->options[i].letter == ch)
			return &s->options[i];
	}
	return NULL;
}

static void
parse(struct daemon *d, int argc, char **argv, void *ctx)
{
	const struct daemon_spec	*s = d->spec;
	const struct daemon_option	*o;
	struct option			 lo[MAX_OPTIONS + 8];
	char				 shortopts[2 * (MAX_OPTIONS + 8)];
	char				*cause = NULL, opt[3] = "-?";
	int				 ch;

	getopt_tables(s, lo, shortopts, sizeof(shortopts));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (ch) {
		case 'r':
			d->root = optarg;
			continue;
		case 'F':
			d->foreground = 1;
			continue;
		case 'd':
			continue;
		case 'v':
			d->verbose++;
			continue;
		case 'h':
			usage(s, stdout);
			exit(0);
		case ':':
			bad_usage(s, "%s needs an argument", argv[optind - 1]);
		case '?':
			opt[1] = (char)optopt;
			bad_usage(s, "%s: unknown option", optopt ? opt :
			    argv[optind - 1]);
		default:
			break;
		}
		if ((o = own_option(s, ch)) == NULL)
			fatalx("%s: getopt gave %d", __func__, ch);
		if (o->set(ctx, optarg, &cause) == -1) {
			fprintf(stderr, "%s: %s\n", s->name, cause);
			exit(1);
		}
	}
	if (optind != argc)
		bad_usage(s, "%s: unexpected argument", argv[optind]);
}

/*
 * Fork.  The parent waits for the child's word (daemon_serving) and exits
 * 0, or exits 1 when the child dies first.  Returns in the child.
 */
static void
background(void)
{
	int	 p[2], fd, status;
	pid_t	 pid;
	char	 c;
	ssize_t	 n;

	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1)
		fatal("%s: fork", __func__);
	if (pid == 0) {
		close(p[0]);
		ready_fd = p[1];
		setsid();
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		return;
	}
	close(p[1]);
	do {
		n = read(p[0], &c, 1);
	} while (n == -1 && errno == EINTR);
	if (n == 1)
		_exit(0);
	/* The child died before it was ready: reap it and fail. */
	waitpid(pid, &status, 0);
	_exit(1);
}

void
daemon_setup(struct daemon *d, const struct daemon_spec *s, int argc,
    char **argv, void *ctx)
{
	char	 rel[128], *path;

	memset(d, 0, sizeof(*d));
	d->spec = s;
	d->verbose = s->verbose;
	parse(d, argc, argv, ctx);
	log_init(s->name, 1, d->verbose);
	if (xvm_paths_init(d->root) == -1)
		fatal("root %s", d->root ? d->root : getenv("XVM_ROOT"));
	if (s->log_file == NULL)
		snprintf(rel, sizeof(rel), "%s/%s.log", XVM_LOG_DIR, s->name);
	else
		snprintf(rel, sizeof(rel), "%s", s->log_file);
	if ((path = xvm_path(rel)) == NULL || log_open_file(path) == -1)
		fatal("log file %s", path ? path : rel);
	free(path);
	if (!d->foreground && !(s->flags & DAEMON_STAYS))
		background();
}

struct event_base *
daemon_loop(struct daemon *d, void (*on_term)(void *),
    void (*on_hup)(void *), void *arg)
{
	d->base = evloop_new();
	d->signals = evloop_signals(d->base, on_term, on_hup, arg);
	return d->base;
}

static void
write_pidfile(const char *rel)
{
	char	 path[4096], line[32];
	int	 fd, n;

	if (xvm_path_buf(path, sizeof(path), rel) == -1)
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", path);
		return;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (write(fd, line, (size_t)n) != n)
		log_warn("%s", path);
	close(fd);
}

void
daemon_serving(struct daemon *d)
{
	int	 fd;

	if (d->spec->pid_file != NULL)
		write_pidfile(d->spec->pid_file);
	log_init(d->spec->name, d->foreground, d->verbose);
	if (ready_fd == -1)
		return;
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	(void)write(ready_fd, "r", 1);
	close(ready_fd);
	ready_fd = -1;
}

void
daemon_finish(struct daemon *d)
{
	char	 path[4096];

	if (d->spec->pid_file != NULL &&
	    xvm_path_buf(path, sizeof(path), d->spec->pid_file) == 0)
		unlink(path);
	evloop_signals_free(d->signals);
	if (d->base != NULL)
		event_base_free(d->base);
	d->signals = NULL;
	d->base = NULL;
}
