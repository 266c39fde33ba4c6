/* Xen's node permission model: parsing, formatting and the access decision. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/str.h"
#include "xenstored/perms.h"

static const char perm_chars[] = { 'n', 'r', 'w', 'b' };

int
perm_parse(const char *s, struct xs_perm *out)
{
	uint64_t	 id;

	switch (s[0]) {
	case 'n': out->bits = PERM_NONE; break;
	case 'r': out->bits = PERM_READ; break;
	case 'w': out->bits = PERM_WRITE; break;
	case 'b': out->bits = PERM_READ | PERM_WRITE; break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (str_to_u64(s + 1, 0, UINT16_MAX, &id) == -1) {
		errno = EINVAL;
		return -1;
	}
	out->domid = (uint32_t)id;
	return 0;
}

void
perm_format(struct buf *b, const struct xs_perm *p, uint32_t n)
{
	uint32_t	 i;

	for (i = 0; i < n; i++) {
		buf_printf(b, "%c%u", perm_chars[p[i].bits & 3], p[i].domid);
		buf_add_byte(b, 0);
	}
}

/*
 * Owners, privileged requesters and a domain acting for the owner (its
 * target) get everything; otherwise the first override naming the domain
 * (or its target) decides, else the default in entry 0.  The read-only
 * socket never gets write.
 */
uint32_t
perm_for(const struct perm_who *w, const struct xs_perm *p, uint32_t n)
{
	uint32_t	 mask = PERM_READ | PERM_WRITE | PERM_OWNER;
	uint32_t	 i;

	if (w->readonly)
		mask &= ~PERM_WRITE;
	if (n == 0)
		return w->privileged ? mask : PERM_NONE;
	if (w->privileged || p[0].domid == w->domid ||
	    (w->has_target && p[0].domid == w->target))
		return mask;
	for (i = 1; i < n; i++)
		if (p[i].domid == w->domid ||
		    (w->has_target && p[i].domid == w->target))
			return p[i].bits & mask;
	return p[0].bits & mask;
}

void
perm_to_db(struct buf *b, const struct xs_perm *p, uint32_t n)
{
	uint32_t	 i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s%c%u", i ? "," : "", perm_chars[p[i].bits & 3],
		    p[i].domid);
}

struct xs_perm *
perm_from_db(const char *s, uint32_t *np)
{
	struct xs_perm	*p;
	char		 one[16];
	uint32_t	 n = 1, i = 0;
	const char	*c, *end;
	size_t		 len;

	for (c = s; *c != '\0'; c++)
		if (*c == ',')
			n++;
	if ((p = calloc(n, sizeof(*p))) == NULL)
		return NULL;
	for (c = s; i < n; i++) {
		end = strchr(c, ',');
		len = end ? (size_t)(end - c) : strlen(c);
		if (len >= sizeof(one))
			goto bad;
		memcpy(one, c, len);
		one[len] = '\0';
		if (perm_parse(one, &p[i]) == -1)
			goto bad;
		c = end ? end + 1 : c + len;
	}
	*np = n;
	return p;
bad:
	free(p);
	errno = EINVAL;
	return NULL;
}
