/* printf-style formatting into a bounded buffer, without libc's stdio: the
 * guest has no TLS for errno, and picolibc's printf touches it. */
#ifndef MINIOS_FMT_H
#define MINIOS_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats into buf (always NUL-terminated when size > 0) and returns the
 * length the whole result would have had, like C's vsnprintf.  Supports
 * %% %c %s %d %i %u %x %X %p with the l, ll, z modifiers, a field width,
 * '0', '-' and '#' flags, and a precision (".N" or ".*") for %s.  An unknown
 * conversion is copied through verbatim.
 */
size_t	kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	    __attribute__((format(printf, 3, 0)));
size_t	ksnprintf(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
