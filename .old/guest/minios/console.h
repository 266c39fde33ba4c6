/* Kernel console: whole lines, serialised across vCPUs, written to the SBI
 * debug console until the PV console ring takes over. */
#ifndef MINIOS_CONSOLE_H
#define MINIOS_CONSOLE_H

#include <stddef.h>

typedef void (*console_sink)(const char *s, size_t len);

/* Routes output to sink (NULL = back to SBI); safe at any time. */
void	console_set_sink(console_sink sink);
void	console_write(const char *s, size_t len);
/* One line per call: a newline is appended. */
void	kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	panic(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
