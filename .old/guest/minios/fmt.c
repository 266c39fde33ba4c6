/* Bounded printf-style formatter shared by the console and by host tests. */
#include <stdint.h>

#include "guest/minios/fmt.h"

struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;		/* would-be length, may exceed size */
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
pad(struct out *o, char c, size_t n)
{
	while (n-- > 0)
		put(o, c);
}

static void
emit(struct out *o, const char *s, size_t n, size_t width, int left, char padc)
{
	size_t i;

	if (!left && width > n) {
		/* Zero padding goes after a sign, space padding before it. */
		if (padc == '0' && n > 0 && s[0] == '-') {
			put(o, '-');
			s++;
			n--;
			width--;
		}
		pad(o, padc, width - n);
	}
	for (i = 0; i < n; i++)
		put(o, s[i]);
	if (left && width > n)
		pad(o, ' ', width - n);
}

static size_t
utoa(char *tmp, unsigned long long v, unsigned base, int upper, int neg)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, i = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (neg)
		tmp[i++] = '-';
	while (n > 0)
		tmp[i++] = rev[--n];
	return i;
}

size_t
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	const char *start, *s;
	char tmp[24], padc;
	unsigned long long u;
	long long sv;
	size_t width, prec, n;
	int left, lng, alt;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		start = fmt++;
		left = 0;
		alt = 0;
		padc = ' ';
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '#')
				alt = 1;
			else if (*fmt == '0')
				padc = '0';
			else
				break;
		}
		for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
			if (width < 256)
				width = width * 10 + (size_t)(*fmt - '0');
		prec = (size_t)-1;
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				sv = va_arg(ap, int);
				prec = sv < 0 ? (size_t)-1 : (size_t)sv;
				fmt++;
			} else {
				for (prec = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					if (prec < 4096)
						prec = prec * 10 +
						    (size_t)(*fmt - '0');
			}
		}
		lng = 0;
		if (*fmt == 'z') {
			lng = 1;
			fmt++;
		} else {
			while (*fmt == 'l' && lng < 2) {
				lng++;
				fmt++;
			}
		}
		switch (*fmt) {
		case '%':
			put(&o, '%');
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			emit(&o, tmp, 1, width, left, ' ');
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			/* The precision bounds the read: s need not be
			 * NUL-terminated within it. */
			for (n = 0; n < prec && s[n] != '\0'; n++)
				;
			emit(&o, s, n, width, left, ' ');
			break;
		case 'd':
		case 'i':
			if (lng == 2)
				sv = va_arg(ap, long long);
			else if (lng == 1)
				sv = va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			u = sv < 0 ? 0ULL - (unsigned long long)sv :
			    (unsigned long long)sv;
			n = utoa(tmp, u, 10, 0, sv < 0);
			emit(&o, tmp, n, width, left, padc);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng == 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			n = utoa(tmp, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0);
			if (alt && *fmt != 'u' && u != 0) {
				put(&o, '0');
				put(&o, *fmt);
				width = width > 2 ? width - 2 : 0;
			}
			emit(&o, tmp, n, width, left, padc);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			put(&o, '0');
			put(&o, 'x');
			n = utoa(tmp, u, 16, 0, 0);
			emit(&o, tmp, n, width > 2 ? width - 2 : 0, left, padc);
			break;
		default:
			/* Unknown: show it as written rather than guess. */
			for (s = start; s <= fmt && *s != '\0'; s++)
				put(&o, *s);
			if (*fmt == '\0')
				fmt--;
			break;
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
