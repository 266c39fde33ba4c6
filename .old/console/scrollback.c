/* The last bytes a console printed, replayed to each client that attaches. */
#include <string.h>

#include "console/scrollback.h"

void
scrollback_add(struct scrollback *sb, const char *p, size_t len)
{
	size_t	 at, first;

	if (len > SCROLLBACK_SIZE) {
		sb->total += len - SCROLLBACK_SIZE;
		p += len - SCROLLBACK_SIZE;
		len = SCROLLBACK_SIZE;
	}
	at = sb->total % SCROLLBACK_SIZE;
	first = SCROLLBACK_SIZE - at < len ? SCROLLBACK_SIZE - at : len;
	memcpy(sb->data + at, p, first);
	memcpy(sb->data, p + first, len - first);
	sb->total += len;
}

size_t
scrollback_get(const struct scrollback *sb, char *out)
{
	size_t	 at;

	if (sb->total <= SCROLLBACK_SIZE) {
		memcpy(out, sb->data, sb->total);
		return sb->total;
	}
	at = sb->total % SCROLLBACK_SIZE;
	memcpy(out, sb->data + at, SCROLLBACK_SIZE - at);
	memcpy(out + SCROLLBACK_SIZE - at, sb->data, at);
	return SCROLLBACK_SIZE;
}
