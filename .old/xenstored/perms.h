/* Xen's node permission model: parsing, formatting and the access decision. */
#ifndef XSD_PERMS_H
#define XSD_PERMS_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define PERM_NONE	0x0
#define PERM_READ	0x1
#define PERM_WRITE	0x2
#define PERM_OWNER	0x8

/*
 * perms[0] names the owner and the access of everyone not listed; the
 * rest are per-domain overrides, first match wins.
 */
struct xs_perm {
	uint32_t	domid;
	uint32_t	bits;		/* PERM_READ | PERM_WRITE */
};

/* The requester, as the access decision sees it. */
struct perm_who {
	uint32_t	domid;
	int		privileged;	/* dom0 and the socket clients */
	int		readonly;	/* the read-only socket */
	int		has_target;
	uint32_t	target;		/* SET_TARGET: acts for this domain */
};

/*
 * Parse one "<n|r|w|b><domid>" string.  Returns 0 or -1 (EINVAL).
 */
int	 perm_parse(const char *s, struct xs_perm *out);

/* Append "<c><domid>" plus a NUL for each entry. */
void	 perm_format(struct buf *, const struct xs_perm *, uint32_t n);

/* The PERM_* bits 'who' holds on a node with these permissions. */
uint32_t perm_for(const struct perm_who *, const struct xs_perm *, uint32_t n);

/*
 * Compact text for the database: "r0,w5".  perm_from_db() returns a new
 * array (caller frees) and its length, or NULL on a malformed string.
 */
void	 perm_to_db(struct buf *, const struct xs_perm *, uint32_t n);
struct xs_perm *perm_from_db(const char *s, uint32_t *np);

#endif
