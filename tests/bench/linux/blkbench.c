/*
 * blkbench DEVICE MIB SECONDS: disk figures inside a Linux guest, for
 * tests/bench/linux/blk.py (built static for riscv64 and run from a disk of
 * its own).  O_DIRECT, one request at a time (queue depth 1), over the
 * first MIB MiB of DEVICE:
 *   seqwrite, seqread   1 MiB requests over the whole range, MB/s
 *   randwrite, randread 4 KiB requests at random aligned offsets for
 *                       SECONDS each, IOPS
 * Writes end with fdatasync (counted in the time).  One line each:
 * "blkbench NAME VALUE UNIT".  It destroys the data on DEVICE.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BIG	(1u << 20)
#define SMALL	4096u

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
seq(int fd, int write, uint8_t *buf, unsigned mib)
{
	double		t = now();
	unsigned	i;
	ssize_t		n;

	for (i = 0; i < mib; i++) {
		n = write ? pwrite(fd, buf, BIG, (off_t)i * BIG) :
		    pread(fd, buf, BIG, (off_t)i * BIG);
		if (n != (ssize_t)BIG)
			die(write ? "pwrite" : "pread");
	}
	if (write && fdatasync(fd) == -1)
		die("fdatasync");
	printf("blkbench %s %.1f MB/s\n", write ? "seqwrite" : "seqread",
	    (double)mib * BIG / 1e6 / (now() - t));
}

static void
rnd(int fd, int write, uint8_t *buf, unsigned mib, unsigned secs)
{
	uint64_t	 blocks = (uint64_t)mib * BIG / SMALL, n = 0, x = 88172645463325252ULL;
	double		 t = now(), end = t + secs;
	off_t		 off;

	while (now() < end) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = (off_t)(x % blocks) * SMALL;
		if ((write ? pwrite(fd, buf, SMALL, off) :
		    pread(fd, buf, SMALL, off)) != (ssize_t)SMALL)
			die(write ? "pwrite" : "pread");
		n++;
	}
	if (write && fdatasync(fd) == -1)
		die("fdatasync");
	printf("blkbench %s %.0f IOPS\n", write ? "randwrite" : "randread",
	    (double)n / (now() - t));
}

int
main(int argc, char **argv)
{
	uint8_t		*buf;
	unsigned	 mib, secs;
	int		 fd;

	if (argc != 4) {
		fprintf(stderr, "usage: blkbench DEVICE MIB SECONDS\n");
		return 2;
	}
	mib = (unsigned)strtoul(argv[2], NULL, 10);
	secs = (unsigned)strtoul(argv[3], NULL, 10);
	if ((fd = open(argv[1], O_RDWR | O_DIRECT)) == -1)
		die(argv[1]);
	if (posix_memalign((void **)&buf, 4096, BIG) != 0)
		die("posix_memalign");
	memset(buf, 0xa5, BIG);
	seq(fd, 1, buf, mib);
	seq(fd, 0, buf, mib);
	rnd(fd, 1, buf, mib, secs);
	rnd(fd, 0, buf, mib, secs);
	fflush(stdout);
	return 0;
}
