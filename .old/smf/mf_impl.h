/* Internals shared by manifest.c (libxml2 side) and mf_build.c (tree walk). */
#ifndef XVM_SMF_MF_IMPL_H
#define XVM_SMF_MF_IMPL_H

#include <libxml/tree.h>

#include "lib/log.h"

struct manifest;

struct mf_ctx {
	const char	*file;
	char		*cause;		/* first error, "file:line: msg" */
	int		 unknown_elem;	/* cause is an undeclared element */
};

/* Record the first error at node's line; later ones are dropped. */
void	 mf_error(struct mf_ctx *, xmlNodePtr, const char *, ...)
	    LOG_PRINTF(3, 4);

/* Walk a validated document into m.  0 or -1 with ctx->cause set. */
int	 mf_build(struct mf_ctx *, xmlDocPtr, struct manifest *m);

#endif
