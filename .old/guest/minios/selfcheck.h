/* The memory self-check: a region filled with a pattern that depends only on
 * each word's physical address, so its checksum is the same on every boot,
 * after save/restore and after migration, and anyone can recompute it. */
#ifndef MINIOS_SELFCHECK_H
#define MINIOS_SELFCHECK_H

#include <stddef.h>
#include <stdint.h>

struct selfcheck_result {
	uint64_t	checksum;	/* over the words as found */
	size_t		bad_words;	/* words differing from the pattern */
	uint64_t	first_bad;	/* physical address of the first; valid if bad_words */
};

/* The pattern word for the 8-byte-aligned physical address pa. */
uint64_t	selfcheck_word(uint64_t pa);
/* Fills len bytes at p, which lives at physical address pa (both 8-aligned). */
void		selfcheck_fill(uint64_t *p, uint64_t pa, size_t len);
/* Checksums the region and compares it with the pattern. */
void		selfcheck_run(const uint64_t *p, uint64_t pa, size_t len,
		    struct selfcheck_result *r);
/* The checksum an intact region at pa of len bytes has. */
uint64_t	selfcheck_expected(uint64_t pa, size_t len);

#endif
