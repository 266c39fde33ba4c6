/*
 * Bounded random driver for fuzz targets in builds without libFuzzer:
 * runs LLVMFuzzerTestOneInput on N inputs of random length and bytes from
 * a fixed seed (xorshift64*), so CI explores fresh inputs deterministically
 * in a bounded time.  Usage: NAME N SEED [MAXLEN]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static int
number(const char *arg, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 0);
	return errno != 0 || *arg == '\0' || *end != '\0' ? -1 : 0;
}

int
main(int argc, char **argv)
{
	unsigned long long	 n, seed, maxlen = 16384, i;
	uint8_t			*buf;
	uint64_t		 s;

	if (argc < 3 || number(argv[1], &n) == -1 ||
	    number(argv[2], &seed) == -1 ||
	    (argc > 3 && (number(argv[3], &maxlen) == -1 || maxlen < 1))) {
		fprintf(stderr, "usage: %s N SEED [MAXLEN]\n", argv[0]);
		return 2;
	}
	if ((buf = malloc(maxlen)) == NULL)
		return 1;
	s = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (i = 0; i < n; i++) {
		size_t len = (size_t)(next(&s) % maxlen) + 1, j;

		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)(next(&s) >> 56);
		LLVMFuzzerTestOneInput(buf, len);
	}
	free(buf);
	printf("%llu random inputs from seed %llu: no difference\n", n, seed);
	return 0;
}
