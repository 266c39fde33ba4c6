/*
 * The FP benchmark (linpack-like, written for this project): LU
 * factorisation with partial pivoting of a 100x100 double matrix and the
 * solve (LINPACK's dgefa/dgesl shape: 2/3 n^3 + 2 n^2 flops), repeated,
 * then a single-precision polynomial kernel that compiles to fused
 * multiply-adds.  It prints the flop count, a checksum of the result bits
 * (equal on every correct machine: the arithmetic is IEEE and
 * deterministic) and the instructions it retired.
 */
#include "guest.h"

#ifndef ROUNDS
#define ROUNDS	20
#endif
#define N	100
#define NPOLY	4096

static double a[N][N], b[N];
static int ipvt[N];
static float px[NPOLY];

static uint32_t seed = 1325;

static double
rnd(void)
{
	seed = seed * 3125 % 65536;
	return ((double)seed - 32768.0) / 16384.0;
}

static void
matgen(void)
{
	int i, j;

	seed = 1325;
	for (j = 0; j < N; j++)
		for (i = 0; i < N; i++)
			a[j][i] = rnd();
	for (i = 0; i < N; i++)
		b[i] = 0;
	for (j = 0; j < N; j++)
		for (i = 0; i < N; i++)
			b[i] += a[j][i];
}

/* Column-major LU with partial pivoting (a[j] is column j). */
static void
dgefa(void)
{
	int i, j, k, l;
	double t, m;

	for (k = 0; k < N - 1; k++) {
		l = k;
		m = a[k][k] < 0 ? -a[k][k] : a[k][k];
		for (i = k + 1; i < N; i++) {
			t = a[k][i] < 0 ? -a[k][i] : a[k][i];
			if (t > m) {
				m = t;
				l = i;
			}
		}
		ipvt[k] = l;
		if (a[k][l] == 0)
			continue;
		if (l != k) {
			t = a[k][l];
			a[k][l] = a[k][k];
			a[k][k] = t;
		}
		t = -1.0 / a[k][k];
		for (i = k + 1; i < N; i++)
			a[k][i] *= t;
		for (j = k + 1; j < N; j++) {
			t = a[j][l];
			if (l != k) {
				a[j][l] = a[j][k];
				a[j][k] = t;
			}
			for (i = k + 1; i < N; i++)
				a[j][i] += t * a[k][i];
		}
	}
	ipvt[N - 1] = N - 1;
}

static void
dgesl(void)
{
	int i, k, l;
	double t;

	for (k = 0; k < N - 1; k++) {
		l = ipvt[k];
		t = b[l];
		if (l != k) {
			b[l] = b[k];
			b[k] = t;
		}
		for (i = k + 1; i < N; i++)
			b[i] += t * a[k][i];
	}
	for (k = N - 1; k >= 0; k--) {
		b[k] /= a[k][k];
		t = -b[k];
		for (i = 0; i < k; i++)
			b[i] += t * a[k][i];
	}
}

/* Horner, degree 8: 16 flops per point, all fmadd.s. */
static float
poly(void)
{
	float s = 0;
	int i;

	for (i = 0; i < NPOLY; i++) {
		float x = px[i], y = 0.5f;

		y = y * x + 1.25f;
		y = y * x - 0.75f;
		y = y * x + 0.125f;
		y = y * x - 2.0f;
		y = y * x + 0.0625f;
		y = y * x + 1.5f;
		y = y * x - 0.3125f;
		y = y * x + 1.0f;
		s += y;
	}
	return s;
}

/* Not inlined: its prologue saves f registers, so FS must be on first. */
static __attribute__((noinline)) int
bench(void)
{
	uint64_t h = FNV_INIT, flops = 0;
	unsigned long i0, i1;
	float s;
	int r, i;

	for (i = 0; i < NPOLY; i++)
		px[i] = (float)(i - NPOLY / 2) / (float)NPOLY;
	i0 = csr_read(minstret);
	for (r = 0; r < ROUNDS; r++) {
		matgen();
		dgefa();
		dgesl();
		h = fnv(h, b, sizeof(b));
		flops += 2 * N * N * N / 3 + 2 * N * N;
		s = poly();
		h = fnv(h, &s, sizeof(s));
		flops += 17 * NPOLY;
	}
	i1 = csr_read(minstret);
	/* b should be all ones: the matrix's rows sum to b */
	{
		uint64_t b0, b99;

		__builtin_memcpy(&b0, &b[0], 8);
		__builtin_memcpy(&b99, &b[N - 1], 8);
		gprintf("b[0] %lx b[99] %lx\n", b0, b99);
	}
	gprintf("flops %lu\n", (unsigned long)flops);
	gprintf("checksum %lx\n", h);
	gprintf("instructions %lx\n", i1 - i0);
	return 0;
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	csr_set(mstatus, 1UL << 13);	/* FS = Initial */
	return bench();
}
