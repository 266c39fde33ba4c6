/* S-expressions as Xen 3's xm printed them (xm list -l, xm create -n). */
#ifndef XVM_TOOLS_XM_SXP_H
#define XVM_TOOLS_XM_SXP_H

#include <stdint.h>
#include <stdio.h>

/* An atom (text != NULL) or a list of children. */
struct sxp {
	char		*text;		/* owned; NULL for a list */
	struct sxp	**kids;		/* owned */
	size_t		 nkids;
};

/* An atom holding a copy of 'text'; owned by the caller. */
struct sxp	*sxp_atom(const char *text);

/* A list whose first element is the atom 'head'; owned by the caller. */
struct sxp	*sxp_list(const char *head);

/* Append 'kid' to 'list' (taken over) and return it. */
struct sxp	*sxp_add(struct sxp *list, struct sxp *kid);

/* Append (key value) for a string, integer or number; returns the pair. */
struct sxp	*sxp_kstr(struct sxp *list, const char *key, const char *value);
struct sxp	*sxp_ki64(struct sxp *list, const char *key, int64_t value);
struct sxp	*sxp_kdouble(struct sxp *list, const char *key, double value);

void		 sxp_free(struct sxp *);	/* NULL is fine */

/*
 * Print as Xen's PrettyPrint did: a list of atoms on one line, "(name
 * value)"; a list holding lists opens on its own line, its elements
 * indented by four, and closes on a line of its own.  Atoms that are not
 * plain words are quoted as Python's repr() quotes them ('a b').
 */
void		 sxp_print(FILE *, const struct sxp *);

/* Write the atom 'text' as sxp_print would (quoted when needed). */
void		 sxp_print_atom(FILE *, const char *text);

#endif
