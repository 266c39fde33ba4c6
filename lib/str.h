/* Bounded strings and range-checked integer parsing. */
#ifndef XVM_LIB_STR_H
#define XVM_LIB_STR_H

#include <stddef.h>
#include <stdint.h>

#if !HAVE_STRLCPY
/* OpenBSD semantics: returns strlen(src); truncated when >= size. */
size_t	 strlcpy(char *dst, const char *src, size_t size);
size_t	 strlcat(char *dst, const char *src, size_t size);
#endif

#if !HAVE_STRTONUM
/* OpenBSD semantics: *errstr is NULL, "invalid", "too small" or "too large". */
long long strtonum(const char *, long long min, long long max,
	    const char **errstr);
#endif

/*
 * Parse all of s as an integer in [min, max].  Base 10, or 16 with a 0x
 * prefix.  Leading/trailing space, signs on unsigned values and empty
 * strings are rejected.  Returns 0, or -1 with errno EINVAL (not a number)
 * or ERANGE (out of range); *out is untouched on error.
 */
int	 str_to_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int	 str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Nonzero when s starts with prefix. */
int	 str_has_prefix(const char *s, const char *prefix);

/*
 * Set *cause to a newly allocated, formatted reason (NULL if memory runs
 * out) and return -1: the project's idiom for a human-readable error
 * (STYLE.md), as "return cause_printf(cause, "...", ...);".
 */
int	 cause_printf(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Copy src into dst of size 'size'.  Returns 0, or -1 with errno
 * ENAMETOOLONG when it would not fit (dst then holds the truncated text).
 */
int	 str_copy(char *dst, const char *src, size_t size);

/*
 * The length of the longest prefix of s[0..len) that is valid UTF-8
 * (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF): len
 * when all of it is.
 */
size_t	 str_utf8_valid(const char *s, size_t len);

#endif
