/* The hypervisor console: a ring of the hypervisor's own messages (xm dmesg). */
#ifndef XVM_HV_CONSOLE_H
#define XVM_HV_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct hv_console;

#define HV_CONSOLE_RING_SIZE	(64u * 1024u)	/* power of two */

/*
 * A domain's console_io output: whole messages within a token bucket of
 * 16 KiB refilled at 1 KiB/s (Xen rate-limits guest printk the same way);
 * the rest is dropped, and the next message that passes is preceded by a
 * line saying how much was.  One guest cannot flood the ring, xm dmesg or
 * hypervisor.log.
 */
#define HV_CONSOLE_GUEST_RATE	1024u
#define HV_CONSOLE_GUEST_BURST	(16u * 1024u)

/*
 * A new ring.  echo_path, when not NULL, is a file every line is also
 * appended to (the seed's console=com1); it is opened here.  NULL with
 * *cause set (caller frees) on failure.  Free with hv_console_free().
 */
struct hv_console *hv_console_new(const char *echo_path, char **cause);
void	 hv_console_free(struct hv_console *);

/* Append one line (a newline is added); any thread. */
void	 hv_console_printf(struct hv_console *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append raw bytes (guest console_io output); any thread. */
void	 hv_console_write(struct hv_console *, const char *, size_t);

/*
 * Copy up to max bytes into out (caller's buffer).  With incremental,
 * start at *index (clamped to the oldest byte still held); otherwise at the
 * oldest.  *index is set past the last byte copied; clear drops the bytes
 * up to there (the whole ring when it all fit in max; a reader in pieces
 * clears each piece it got, and loses nothing it did not).
 * Returns the number of bytes copied.
 */
size_t	 hv_console_read(struct hv_console *, char *out, size_t max,
	    uint32_t *index, int incremental, int clear);

#endif
