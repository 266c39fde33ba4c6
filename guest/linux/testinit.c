/*
 * The glibc test init (guest/linux/README.md): a static lp64d program run as
 * /init of an initramfs, whose output must be the same on our core and on
 * QEMU.  It mounts a tmpfs, forks children that write files there, reads them
 * back, computes in double precision (a series, a small linear solve, libm),
 * reads the clocks (glibc's clock_gettime and gettimeofday run the vDSO, whose
 * `rdtime` is a user-mode counter read: a SIGILL when the firmware left
 * scounteren.TM clear), and checks the results, then prints INIT-DONE and
 * powers the machine off.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD	4
#define N	8

static int failures;

static void
check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

/* A child's work: sum 1/k^2 for its share of k, written to its own file. */
static int
child(int id)
{
	char	 path[64], buf[64];
	double	 s = 0;
	int	 k, fd, n;

	for (k = id + 1; k <= 40000; k += NCHILD)
		s += 1.0 / ((double)k * (double)k);
	snprintf(path, sizeof(path), "/tmp/part%d", id);
	n = snprintf(buf, sizeof(buf), "%.17g\n", s);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, buf, (size_t)n) != n || close(fd) == -1)
		return 1;
	return 0;
}

static double
read_part(int id)
{
	char	 path[64];
	double	 v = NAN;
	FILE	*fp;

	snprintf(path, sizeof(path), "/tmp/part%d", id);
	if ((fp = fopen(path, "r")) == NULL)
		return NAN;
	if (fscanf(fp, "%lf", &v) != 1)
		v = NAN;
	fclose(fp);
	return v;
}

/* Gaussian elimination with partial pivoting on a Hilbert-like system. */
static double
solve(void)
{
	double	a[N][N + 1], x[N], t, err = 0;
	int	i, j, k, p;

	for (i = 0; i < N; i++) {
		for (j = 0; j < N; j++)
			a[i][j] = 1.0 / (i + j + 1) + (i == j ? 1.0 : 0.0);
		a[i][N] = 0;
		for (j = 0; j < N; j++)
			a[i][N] += a[i][j] * (j + 1);	/* x = 1..N */
	}
	for (k = 0; k < N; k++) {
		for (p = k, i = k + 1; i < N; i++)
			if (fabs(a[i][k]) > fabs(a[p][k]))
				p = i;
		for (j = 0; j <= N; j++) {
			t = a[k][j];
			a[k][j] = a[p][j];
			a[p][j] = t;
		}
		for (i = k + 1; i < N; i++) {
			t = a[i][k] / a[k][k];
			for (j = k; j <= N; j++)
				a[i][j] = fma(-t, a[k][j], a[i][j]);
		}
	}
	for (i = N - 1; i >= 0; i--) {
		t = a[i][N];
		for (j = i + 1; j < N; j++)
			t -= a[i][j] * x[j];
		x[i] = t / a[i][i];
	}
	for (i = 0; i < N; i++)
		err = fmax(err, fabs(x[i] - (i + 1)));
	return err;
}

static double
secs(const struct timespec *t)
{
	return (double)t->tv_sec + t->tv_nsec / 1e9;
}

/* The clocks as user mode reads them: monotonic, and a sleep advances them. */
static void
clocks(void)
{
	struct timespec	 m0, m1, r0, ten = { 0, 10000000 };
	struct timeval	 tv;
	int		 ok;

	ok = clock_gettime(CLOCK_MONOTONIC, &m0) == 0 &&
	    clock_gettime(CLOCK_REALTIME, &r0) == 0 &&
	    gettimeofday(&tv, NULL) == 0 && nanosleep(&ten, NULL) == 0 &&
	    clock_gettime(CLOCK_MONOTONIC, &m1) == 0;
	check(ok, "clock_gettime, gettimeofday and nanosleep succeed");
	check(ok && secs(&m1) - secs(&m0) >= 0.01 && secs(&m1) - secs(&m0) < 60,
	    "a 10 ms nanosleep advances CLOCK_MONOTONIC by 10 ms to 60 s");
	check(ok && tv.tv_sec >= r0.tv_sec && tv.tv_sec - r0.tv_sec < 60,
	    "gettimeofday agrees with CLOCK_REALTIME");
}

int
main(void)
{
	pid_t	 pid[NCHILD];
	double	 sum = 0, e;
	int	 i, st, ok = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("INIT-START pid %d\n", (int)getpid());
	if (mount("tmpfs", "/tmp", "tmpfs", 0, "size=1m") == -1 &&
	    (mkdir("/tmp", 0755) == -1 ||
	    mount("tmpfs", "/tmp", "tmpfs", 0, "size=1m") == -1))
		printf("mount /tmp: %s\n", strerror(errno));
	for (i = 0; i < NCHILD; i++) {
		if ((pid[i] = fork()) == 0)
			_exit(child(i));
		if (pid[i] == -1)
			ok = 0;
	}
	for (i = 0; i < NCHILD; i++)
		if (pid[i] > 0 && (waitpid(pid[i], &st, 0) != pid[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0))
			ok = 0;
	check(ok, "4 children forked, wrote /tmp/part0..3, exited 0");
	for (i = 0; i < NCHILD; i++)
		sum += read_part(i);
	printf("sum 1/k^2, k <= 40000: %.15f\n", sum);
	check(fabs(sum - M_PI * M_PI / 6) < 3e-5, "the series is near pi^2/6");
	printf("sqrt(2) %.17g exp(1) %.17g sin(1) %.17g\n", sqrt(2.0),
	    exp(1.0), sin(1.0));
	printf("1/3 as float %.9g, as double %.17g\n", (double)(1.0f / 3.0f),
	    1.0 / 3.0);
	e = solve();
	printf("linear solve 8x8: max error %.3e\n", e);
	check(e < 1e-12, "the 8x8 solve is accurate to 1e-12");
	check(unlink("/tmp/part0") == 0, "unlink in tmpfs");
	clocks();
	printf("INIT-DONE %s\n", failures == 0 ? "PASS" : "FAIL");
	sync();
	reboot(RB_POWER_OFF);
	printf("reboot: %s\n", strerror(errno));
	for (;;)
		pause();
}
