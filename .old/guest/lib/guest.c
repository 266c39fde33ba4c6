/* The test guests' runtime: 16550 console, syscon exit, a small printf, checks. */
#include <stdarg.h>

#include "guest.h"

unsigned long checks, failures;

void
putch(char c)
{
	volatile uint8_t *u = (volatile uint8_t *)UART0;

	while (!(u[5] & 0x20))
		;
	u[0] = (uint8_t)c;
}

void
puts_(const char *s)
{
	while (*s)
		putch(*s++);
}

static void
putnum(unsigned long v, unsigned base, int neg, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	if (neg)
		buf[n++] = '-';
	while (width-- > n)
		putch(pad);
	while (n > 0)
		putch(buf[--n]);
}

/* %d %u %x %lx %lu %ld %s %c %p, width and 0-pad: all the tests need */
void
gprintf(const char *fmt, ...)
{
	va_list ap;
	int lng, width;
	char pad;
	long sv;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putch(*fmt);
			continue;
		}
		fmt++;
		pad = ' ';
		width = 0;
		lng = 0;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			sv = lng ? va_arg(ap, long) : va_arg(ap, int);
			putnum(sv < 0 ? -(unsigned long)sv : (unsigned long)sv,
			    10, sv < 0, width, pad);
			break;
		case 'u':
			putnum(lng ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned), 10, 0, width, pad);
			break;
		case 'x':
			putnum(lng ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned), 16, 0, width, pad);
			break;
		case 'p':
			putnum((unsigned long)va_arg(ap, void *), 16, 0, 0, ' ');
			break;
		case 's':
			puts_(va_arg(ap, const char *));
			break;
		case 'c':
			putch((char)va_arg(ap, int));
			break;
		default:
			putch(*fmt);
			break;
		}
	}
	va_end(ap);
}

void
guest_exit(int code)
{
	mmio_w32(SYSCON, code == 0 ? 0x5555 : ((uint32_t)code << 16) | 0x3333);
	for (;;)
		__asm__ volatile("wfi");
}

__attribute__((weak)) void
secondary(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	for (;;)
		__asm__ volatile("wfi");
}

void
check_eq(const char *file, int line, const char *what, unsigned long got,
    unsigned long want)
{
	checks++;
	if (got == want)
		return;
	failures++;
	gprintf("FAIL %s:%d: %s = 0x%lx, want 0x%lx\n", file, line, what, got,
	    want);
}

int
check_summary(const char *name)
{
	gprintf("%s: %lu checks, %lu failed\n", name, checks, failures);
	return failures == 0 ? 0 : 1;
}

uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}
