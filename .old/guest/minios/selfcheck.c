/*
 * Memory self-check.
 *
 * Word at physical address A holds splitmix64(A); the checksum folds each
 * word w into h as h = (h ^ w) * FNV64_PRIME starting from FNV64_OFFSET.
 * Both are a few lines to recompute in a test (tests/integration/minios
 * does, in Python), so a test can tell a correct checksum from a merely
 * stable one.
 */
#include "guest/minios/selfcheck.h"

#define FNV64_OFFSET	0xcbf29ce484222325ULL
#define FNV64_PRIME	0x100000001b3ULL

uint64_t
selfcheck_word(uint64_t pa)
{
	uint64_t z = pa + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
selfcheck_fill(uint64_t *p, uint64_t pa, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = selfcheck_word(pa + 8 * i);
}

void
selfcheck_run(const uint64_t *p, uint64_t pa, size_t len,
    struct selfcheck_result *r)
{
	uint64_t h = FNV64_OFFSET, w;
	size_t i;

	r->bad_words = 0;
	r->first_bad = 0;
	for (i = 0; i < len / 8; i++) {
		/* volatile: the point is to read what memory holds now. */
		w = ((const volatile uint64_t *)p)[i];
		h = (h ^ w) * FNV64_PRIME;
		if (w != selfcheck_word(pa + 8 * i) && r->bad_words++ == 0)
			r->first_bad = pa + 8 * i;
	}
	r->checksum = h;
}

uint64_t
selfcheck_expected(uint64_t pa, size_t len)
{
	uint64_t h = FNV64_OFFSET;
	size_t i;

	for (i = 0; i < len / 8; i++)
		h = (h ^ selfcheck_word(pa + 8 * i)) * FNV64_PRIME;
	return h;
}
