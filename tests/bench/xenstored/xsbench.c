/* Load generator for a xenstore daemon: throughput of each request kind and watch latency. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xs_wire.h>

#include "lib/str.h"

/*
 * Speaks the wire protocol directly (no client library) so that both
 * daemons are measured through the same code.  Every figure is an
 * average over a timed run after a warm-up; latencies are per event.
 *
 *   xsbench SOCKET [SECONDS [PID]]  the throughput and latency table; with
 *                                   the daemon's PID also its CPU time per
 *                                   operation (from /proc/PID/schedstat)
 *   xsbench SOCKET populate D N     D domains x N nodes, for memory
 *   xsbench SOCKET setup            the nodes READ and DIRECTORY use
 *   xsbench SOCKET count OP N       N requests of one kind (read, write,
 *                                   dir, tx10; write8: N rounds of 8
 *                                   clients writing at once), untimed and
 *                                   nothing else: for profiling the daemon
 *                                   (callgrind, strace) after a setup
 */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
xconnect(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		fprintf(stderr, "xsbench: socket path too long\n");
		exit(1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "xsbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void
full(int fd, const void *p, size_t n)
{
	ssize_t	 k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k <= 0) {
			fprintf(stderr, "xsbench: connection lost\n");
			exit(1);
		}
		p = (const char *)p + k;
		n -= (size_t)k;
	}
}

static void
sendm(int fd, uint32_t type, uint32_t tx, const void *p, size_t len)
{
	char			 b[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg	 h = { type, 1, tx, (uint32_t)len };

	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), p, len);
	full(fd, b, sizeof(h) + len);
}

/*
 * Replies are read through a buffer per connection: one read(2) takes
 * whatever the daemon wrote (header and payload, or several messages), as
 * a careful client does, so that the client's own system calls weigh as
 * little as possible in the figures.
 */
#define RBUF_CAP	(64 * 1024)
#define MAX_FD		1024

struct rbuf {
	char	 b[RBUF_CAP];
	size_t	 off, len;
};

static struct rbuf	*rbufs[MAX_FD];

static const char *
take(int fd, size_t n)
{
	struct rbuf	*r;
	ssize_t		 k;
	const char	*p;

	if (fd < 0 || fd >= MAX_FD) {
		fprintf(stderr, "xsbench: descriptor %d out of range\n", fd);
		exit(1);
	}
	if ((r = rbufs[fd]) == NULL &&
	    (r = rbufs[fd] = calloc(1, sizeof(*r))) == NULL) {
		fprintf(stderr, "xsbench: out of memory\n");
		exit(1);
	}
	if (r->len - r->off < n && r->off > 0) {
		memmove(r->b, r->b + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	while (r->len - r->off < n) {
		if ((k = read(fd, r->b + r->len, RBUF_CAP - r->len)) <= 0) {
			fprintf(stderr, "xsbench: connection lost\n");
			exit(1);
		}
		r->len += (size_t)k;
	}
	p = r->b + r->off;
	r->off += n;
	if (r->off == r->len)
		r->off = r->len = 0;
	return p;
}

/* Read one message; returns its type, payload in buf. */
static uint32_t
recvm(int fd, char *buf, uint32_t *lenp)
{
	struct xsd_sockmsg	 h;

	memcpy(&h, take(fd, sizeof(h)), sizeof(h));
	if (h.len > XENSTORE_PAYLOAD_MAX) {
		fprintf(stderr, "xsbench: bad reply length\n");
		exit(1);
	}
	memcpy(buf, take(fd, h.len), h.len);
	buf[h.len] = '\0';
	if (lenp != NULL)
		*lenp = h.len;
	return h.type;
}

static void
xclose(int fd)
{
	if (fd >= 0 && fd < MAX_FD && rbufs[fd] != NULL)
		rbufs[fd]->off = rbufs[fd]->len = 0;
	close(fd);
}

static uint32_t
rq(int fd, uint32_t type, uint32_t tx, const void *p, size_t len, char *out)
{
	char		 tmp[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t	 t;

	sendm(fd, type, tx, p, len);
	while ((t = recvm(fd, out ? out : tmp, NULL)) == XS_WATCH_EVENT)
		;
	if (t == XS_ERROR) {
		fprintf(stderr, "xsbench: request %u: %s\n", type, out ? out : tmp);
		exit(1);
	}
	return t;
}

#define RQS(fd, type, tx, lit)	rq((fd), (type), (tx), (lit), sizeof(lit), NULL)

static long	 daemon_pid;

/* Nanoseconds the daemon has run on a CPU, or 0 when unknown. */
static double
daemon_cpu(void)
{
	char		 path[64];
	FILE		*f;
	unsigned long long ns = 0;

	if (daemon_pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", daemon_pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return (double)ns;
}

static double	 cpu_per_op;	/* of the last timed() run, in µs */

typedef void (*op_fn)(int fd, long i);

static void
op_read(int fd, long i)
{
	(void)i;
	RQS(fd, XS_READ, 0, "/bench/r");
}

static void
op_write(int fd, long i)
{
	char	 b[64];
	int	 n = snprintf(b, sizeof(b), "/bench/w%c%ld", 0, i);

	rq(fd, XS_WRITE, 0, b, (size_t)n, NULL);
}

static void
op_dir(int fd, long i)
{
	(void)i;
	RQS(fd, XS_DIRECTORY, 0, "/bench/d");
}

static void
op_tx10(int fd, long i)
{
	char		 id[32], b[64];
	uint32_t	 tx;
	int		 k, n;

	rq(fd, XS_TRANSACTION_START, 0, "", 1, id);
	tx = (uint32_t)strtoul(id, NULL, 10);
	for (k = 0; k < 10; k++) {
		n = snprintf(b, sizeof(b), "/bench/t/%d%c%ld", k, 0, i);
		rq(fd, XS_WRITE, tx, b, (size_t)n, NULL);
	}
	sendm(fd, XS_TRANSACTION_END, tx, "T", 2);
	while (recvm(fd, b, NULL) == XS_WATCH_EVENT)
		;
}

/* READ with 16 requests in flight: returns ops/s. */
static double
pipelined(const char *sock, double secs)
{
	int		 fd = xconnect(sock), k;
	long		 done = 0;
	char		 buf[XENSTORE_PAYLOAD_MAX + 1];
	double		 t0, t1;

	for (k = 0; k < 16; k++)
		sendm(fd, XS_READ, 0, "/bench/r", 9);
	t0 = now();
	do {
		for (k = 0; k < 256; k++) {
			recvm(fd, buf, NULL);
			sendm(fd, XS_READ, 0, "/bench/r", 9);
			done++;
		}
		t1 = now();
	} while (t1 - t0 < secs);
	for (k = 0; k < 16; k++)
		recvm(fd, buf, NULL);
	xclose(fd);
	return (double)done / (t1 - t0);
}

static double
timed(const char *sock, op_fn fn, double secs)
{
	int		 fd = xconnect(sock);
	long		 i = 0, k;
	double		 t0, t1, c0;

	for (k = 0; k < 100; k++)
		fn(fd, i++);		/* warm-up */
	c0 = daemon_cpu();
	t0 = now();
	do {
		for (k = 0; k < 64; k++)
			fn(fd, i++);
		t1 = now();
	} while (t1 - t0 < secs);
	cpu_per_op = (daemon_cpu() - c0) / 1e3 / (double)(i - 100);
	xclose(fd);
	return (double)(i - 100) / (t1 - t0);
}

/* WRITE from several clients at once (their writes share commits); secs < 0: -secs rounds. */
static double
parallel_writes(const char *sock, int nclients, double secs)
{
	int		 fds[64], k;
	long		 done = 0;
	char		 b[64], buf[XENSTORE_PAYLOAD_MAX + 1];
	double		 t0, t1;
	int		 n;

	for (k = 0; k < nclients; k++)
		fds[k] = xconnect(sock);
	t0 = now();
	do {
		for (k = 0; k < nclients; k++) {
			n = snprintf(b, sizeof(b), "/bench/p/%d%c%ld", k, 0, done);
			sendm(fds[k], XS_WRITE, 0, b, (size_t)n);
		}
		for (k = 0; k < nclients; k++)
			recvm(fds[k], buf, NULL);
		done += nclients;
		t1 = now();
	} while (secs < 0 ? done < -secs * nclients : t1 - t0 < secs);
	for (k = 0; k < nclients; k++)
		xclose(fds[k]);
	return (double)done / (t1 - t0);
}

static int
cmp_d(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Watch latency: writer's send to the watcher's receipt of the event. */
static void
watch_latency(const char *sock, int n, double *p50, double *p99)
{
	int		 w = xconnect(sock), c = xconnect(sock), i;
	double		*lat = calloc((size_t)n, sizeof(double)), t0;
	char		 buf[XENSTORE_PAYLOAD_MAX + 1], b[64];
	int		 len;

	RQS(w, XS_WATCH, 0, "/bench/wl\0tok");
	recvm(w, buf, NULL);			/* the initial event */
	for (i = 0; i < n; i++) {
		len = snprintf(b, sizeof(b), "/bench/wl/x%c%d", 0, i);
		t0 = now();
		sendm(c, XS_WRITE, 0, b, (size_t)len);
		while (recvm(w, buf, NULL) != XS_WATCH_EVENT)
			;
		lat[i] = now() - t0;
		recvm(c, buf, NULL);		/* the writer's OK */
	}
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	*p50 = lat[n / 2] * 1e6;
	*p99 = lat[n * 99 / 100] * 1e6;
	free(lat);
	xclose(w);
	xclose(c);
}

static void
populate(const char *sock, long doms, long nodes)
{
	int		 fd = xconnect(sock);
	long		 d, k, inflight = 0;
	char		 b[128], buf[XENSTORE_PAYLOAD_MAX + 1];
	int		 n;

	for (d = 1; d <= doms; d++)
		for (k = 0; k < nodes; k++) {
			n = snprintf(b, sizeof(b),
			    "/local/domain/%ld/data/node%ld%cvalue-%ld-%ld", d, k,
			    0, d, k);
			sendm(fd, XS_WRITE, 0, b, (size_t)n);
			if (++inflight >= 32) {
				recvm(fd, buf, NULL);
				inflight--;
			}
		}
	while (inflight-- > 0)
		recvm(fd, buf, NULL);
	xclose(fd);
}

static void
setup(const char *sock)
{
	char	 b[64];
	int	 fd, k, n;

	fd = xconnect(sock);
	RQS(fd, XS_WRITE, 0, "/bench/r\0value-of-r");
	for (k = 0; k < 10; k++) {
		n = snprintf(b, sizeof(b), "/bench/d/child%d%cv", k, 0);
		rq(fd, XS_WRITE, 0, b, (size_t)n, NULL);
	}
	xclose(fd);
}

static int
count(const char *sock, const char *op, long n)
{
	static const struct {
		const char	*name;
		op_fn		 fn;
	} ops[] = {
		{ "read", op_read }, { "write", op_write }, { "dir", op_dir },
		{ "tx10", op_tx10 },
	};
	size_t	 k;
	long	 i;
	int	 fd;

	if (strcmp(op, "write8") == 0) {	/* N rounds of 8 clients */
		parallel_writes(sock, 8, -(double)n);
		return 0;
	}
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (strcmp(op, ops[k].name) == 0)
			break;
	if (k == sizeof(ops) / sizeof(ops[0]) || n <= 0) {
		fprintf(stderr, "xsbench: count: bad operation or number\n");
		return 1;
	}
	fd = xconnect(sock);
	for (i = 0; i < n; i++)
		ops[k].fn(fd, i);
	xclose(fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char	*sock;
	double		 secs = 2, p50, p99;
	int		 fd;

	if (argc < 2) {
		fprintf(stderr, "usage: xsbench SOCKET [SECONDS [PID]] | "
		    "xsbench SOCKET populate DOMAINS NODES |\n"
		    "       xsbench SOCKET setup | xsbench SOCKET count OP N\n");
		return 1;
	}
	sock = argv[1];
	if (argc == 5 && strcmp(argv[2], "populate") == 0) {
		populate(sock, strtol(argv[3], NULL, 10),
		    strtol(argv[4], NULL, 10));
		return 0;
	}
	if (argc == 3 && strcmp(argv[2], "setup") == 0) {
		setup(sock);
		return 0;
	}
	if (argc == 5 && strcmp(argv[2], "count") == 0)
		return count(sock, argv[3], strtol(argv[4], NULL, 10));
	if (argc > 2 && (secs = strtod(argv[2], NULL)) <= 0) {
		fprintf(stderr, "xsbench: bad duration %s\n", argv[2]);
		return 1;
	}
	if (argc > 3)
		daemon_pid = strtol(argv[3], NULL, 10);
	setup(sock);
	printf("read_ops_per_s %.0f\n", timed(sock, op_read, secs));
	if (daemon_pid > 0)
		printf("read_daemon_cpu_us_per_op %.1f\n", cpu_per_op);
	printf("write_ops_per_s %.0f\n", timed(sock, op_write, secs));
	if (daemon_pid > 0)
		printf("write_daemon_cpu_us_per_op %.1f\n", cpu_per_op);
	printf("directory10_ops_per_s %.0f\n", timed(sock, op_dir, secs));
	printf("read_16_in_flight_ops_per_s %.0f\n", pipelined(sock, secs));
	printf("tx10_commits_per_s %.0f\n", timed(sock, op_tx10, secs));
	printf("write_8_clients_ops_per_s %.0f\n", parallel_writes(sock, 8, secs));
	watch_latency(sock, 5000, &p50, &p99);
	printf("watch_latency_p50_us %.1f\n", p50);
	printf("watch_latency_p99_us %.1f\n", p99);
	fd = xconnect(sock);
	RQS(fd, XS_RM, 0, "/bench");
	xclose(fd);
	return 0;
}
