/* Bounded strings and range-checked integer parsing. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"

#if !HAVE_STRLCPY
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 len = strlen(src);

	if (size > 0) {
		size_t n = len >= size ? size - 1 : len;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t	 dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}
#endif

#if !HAVE_STRTONUM
long long
strtonum(const char *s, long long min, long long max, const char **errstr)
{
	int64_t	 v;

	if (min > max) {
		*errstr = "invalid";
		errno = EINVAL;
		return 0;
	}
	if (str_to_i64(s, min, max, &v) == -1) {
		if (errno == ERANGE)
			*errstr = (str_to_i64(s, INT64_MIN, INT64_MAX, &v) == 0 ?
			    v < min : s[0] == '-') ? "too small" : "too large";
		else
			*errstr = "invalid";
		return 0;
	}
	*errstr = NULL;
	return v;
}
#endif

static int
base_of(const char **s)
{
	if ((*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
		*s += 2;
		return 16;
	}
	return 10;
}

int
str_to_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;
	int			 base;

	if (s == NULL || !isxdigit((unsigned char)s[0])) {
		errno = EINVAL;
		return -1;
	}
	base = base_of(&s);
	if (!isxdigit((unsigned char)s[0])) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	long long	 v;
	char		*end;
	const char	*digits;
	int		 base, neg;

	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	neg = s[0] == '-';
	digits = s + neg;
	if (!isdigit((unsigned char)digits[0])) {
		errno = EINVAL;
		return -1;
	}
	base = base_of(&digits);
	if (!isxdigit((unsigned char)digits[0])) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoll(digits, &end, base);
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE) {
		/* "-9223372036854775808" overflows strtoll before negation. */
		if (!(neg && base == 10 &&
		    strcmp(digits, "9223372036854775808") == 0)) {
			errno = ERANGE;
			return -1;
		}
		v = INT64_MIN;
	} else if (neg)
		v = -v;
	if (v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_copy(char *dst, const char *src, size_t size)
{
	if (strlcpy(dst, src, size) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
cause_printf(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	return -1;
}

/* The length of the UTF-8 sequence at p (n bytes left), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	size_t		 len, i;
	unsigned int	 c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return len;
}

size_t
str_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return i;
		i += n;
	}
	return len;
}
