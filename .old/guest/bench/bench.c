/*
 * The compute benchmark (a CoreMark-like mix written for this project):
 * 64-bit ALU work with multiply and divide, memory copies, an insertion
 * sort checked with binary searches, pointer chasing through a shuffled
 * ring, and a bitwise CRC-32.  It prints a checksum (equal on every
 * correct machine) and the instructions it retired (minstret: exact
 * under QEMU -icount shift=0 and on our core).
 */
#include "guest.h"

#ifndef ROUNDS
#define ROUNDS	400
#endif
#define N	2048

static uint64_t src[N], dst[N];
static uint32_t keys[N];
static uint32_t ring[N];

static uint64_t
alu(uint64_t x)
{
	uint64_t a = x | 1, b = 0x9e3779b97f4a7c15ULL, acc = 0;
	unsigned i;

	for (i = 0; i < 4000; i++) {
		a = a * 6364136223846793005ULL + 1442695040888963407ULL;
		b ^= a >> 17;
		acc += (a ^ b) / ((b & 0xffff) | 1);
		acc ^= acc << 13;
		acc += (uint32_t)a % 97;
	}
	return acc;
}

static uint64_t
copies(uint64_t seed)
{
	uint64_t h = seed;
	unsigned i, r;

	for (i = 0; i < N; i++)
		src[i] = seed * (i + 1);
	for (r = 0; r < 8; r++) {
		for (i = 0; i < N; i++)
			dst[(i + r) % N] = src[i] + r;
		for (i = 0; i < N; i++)
			src[i] = dst[i] ^ (src[i] >> 3);
	}
	for (i = 0; i < N; i += 64)
		h = h * 31 + src[i];
	return h;
}

static uint64_t
sort_search(uint64_t seed)
{
	uint32_t x = (uint32_t)seed | 1, k;
	unsigned i, j, n = 512, found = 0, lo, hi, mid;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		keys[i] = x;
	}
	for (i = 1; i < n; i++) {
		k = keys[i];
		for (j = i; j > 0 && keys[j - 1] > k; j--)
			keys[j] = keys[j - 1];
		keys[j] = k;
	}
	for (i = 0; i < n; i++) {
		k = keys[(i * 7) % n];
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (keys[mid] < k)
				lo = mid + 1;
			else
				hi = mid;
		}
		found += keys[lo] == k;
	}
	return found + keys[n / 2];
}

static uint64_t
chase(uint64_t seed)
{
	uint32_t i, j, t, p = 0;
	uint64_t x = seed | 1, sum = 0;

	for (i = 0; i < N; i++)
		ring[i] = i;
	for (i = N - 1; i > 0; i--) {
		x = x * 6364136223846793005ULL + 1;
		j = (uint32_t)(x >> 33) % (i + 1);
		t = ring[i];
		ring[i] = ring[j];
		ring[j] = t;
	}
	for (i = 0; i < 4 * N; i++) {
		p = ring[p];
		sum += p;
	}
	return sum;
}

static uint32_t
crc32(const void *buf, unsigned len, uint32_t crc)
{
	const uint8_t *p = buf;
	unsigned k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	uint64_t sum = 0, i0, i1;
	unsigned r;

	(void)hartid;
	(void)fdt;
	i0 = csr_read(minstret);
	for (r = 0; r < ROUNDS; r++) {
		sum += alu(sum + r);
		sum ^= copies(sum + r);
		sum += sort_search(sum);
		sum ^= chase(sum + r);
		sum += crc32(src, sizeof(src) / 4, (uint32_t)sum);
	}
	i1 = csr_read(minstret);
	gprintf("bench: checksum %lx\n", (unsigned long)sum);
	gprintf("bench: instructions %lu\n", (unsigned long)(i1 - i0));
	return 0;
}
