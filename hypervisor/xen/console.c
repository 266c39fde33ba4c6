/* The hypervisor console: a ring of the hypervisor's own messages (xm dmesg). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "hypervisor/xen/console.h"

/*
 * Bytes are numbered from 0 for the life of the daemon; byte n lives at
 * ring[n % size].  'prod' is one past the newest byte and 'cons' the oldest
 * one still held (prod - cons <= size): writing past a full ring advances
 * cons, so old messages fall off the front as in Xen's console ring.  The
 * 32-bit counters wrap, and every comparison is by difference.
 */
struct hv_console {
	pthread_mutex_t	 lock;
	char		 ring[HV_CONSOLE_RING_SIZE];
	uint32_t	 prod;
	uint32_t	 cons;
	int		 echo_fd;
};

struct hv_console *
hv_console_new(const char *echo_path, char **cause)
{
	struct hv_console	*c;

	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->echo_fd = -1;
	if (echo_path != NULL) {
		c->echo_fd = open(echo_path,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (c->echo_fd == -1) {
			xasprintf(cause, "%s: %s", echo_path, strerror(errno));
			free(c);
			return NULL;
		}
	}
	return c;
}

void
hv_console_free(struct hv_console *c)
{
	if (c == NULL)
		return;
	if (c->echo_fd != -1)
		close(c->echo_fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void
put_locked(struct hv_console *c, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		c->ring[c->prod % HV_CONSOLE_RING_SIZE] = s[i];
		c->prod++;
		if (c->prod - c->cons > HV_CONSOLE_RING_SIZE)
			c->cons = c->prod - HV_CONSOLE_RING_SIZE;
	}
	if (c->echo_fd != -1)
		(void)fd_write_all(c->echo_fd, s, len);
}

void
hv_console_write(struct hv_console *c, const char *s, size_t len)
{
	pthread_mutex_lock(&c->lock);
	put_locked(c, s, len);
	pthread_mutex_unlock(&c->lock);
}

void
hv_console_printf(struct hv_console *c, const char *fmt, ...)
{
	char		 line[512];
	struct timespec	 ts;
	va_list		 ap;
	int		 n, m;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "(XEN) [%5lld.%06ld] ",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	hv_console_write(c, line, (size_t)n);
}

size_t
hv_console_read(struct hv_console *c, char *out, size_t max, uint32_t *index,
    int incremental, int clear)
{
	uint32_t	start, avail;
	size_t		i, n;

	pthread_mutex_lock(&c->lock);
	start = c->cons;
	if (incremental && (uint32_t)(*index - c->cons) <= c->prod - c->cons)
		start = *index;
	avail = c->prod - start;
	n = avail < max ? avail : max;
	for (i = 0; i < n; i++)
		out[i] = c->ring[(start + i) % HV_CONSOLE_RING_SIZE];
	*index = start + (uint32_t)n;
	if (clear)
		c->cons = *index;	/* what was read, no more */
	pthread_mutex_unlock(&c->lock);
	return n;
}
