/* Console output: lines are formatted on the caller's stack, then written
 * whole under one lock so that vCPUs do not interleave mid-line. */
#include <stdarg.h>

#include "guest/minios/console.h"
#include "guest/minios/fmt.h"
#include "guest/minios/power.h"
#include "guest/minios/sbi.h"
#include "guest/minios/spinlock.h"

#define LINE_MAX	256

static struct spinlock lock = SPINLOCK_INIT;
static console_sink sink;

void
console_set_sink(console_sink s)
{
	unsigned long flags = spin_lock_irqsave(&lock);

	sink = s;
	spin_unlock_irqrestore(&lock, flags);
}

static void
write_locked(const char *s, size_t len)
{
	if (sink != NULL)
		sink(s, len);
	else
		sbi_console_write(s, len);
}

void
console_write(const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&lock);

	write_locked(s, len);
	spin_unlock_irqrestore(&lock, flags);
}

static void
vline(const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	size_t n;

	n = kvsnprintf(line, sizeof(line) - 1, fmt, ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;	/* truncated: still end the line */
	line[n++] = '\n';
	console_write(line, n);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_write("panic: ", 7);
	vline(fmt, ap);
	va_end(ap);
	power_crash();
}
