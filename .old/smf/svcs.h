/* svcs(1) internals: the rows it lists and their formatting (svcs_fmt.c, svcs_explain.c). */
#ifndef XVM_SMF_SVCS_H
#define XVM_SMF_SVCS_H

#include <stddef.h>
#include <sys/types.h>

#include "smf/procs.h"
#include "smf/repo.h"

/* One instance as svcs sees it. */
struct svcs_row {
	struct repo_inst	*ri;		/* borrowed */
	struct repo_state	 st;
	char			 fmri[300];
	char			*desc;		/* tm_common_name, or NULL */
	int			 enabled;	/* general/enabled (+ -t) */
	struct repo_prop	*props;		/* composed running view */
	size_t			 nprops;
};

struct svcs_ctx {
	struct repo		*repo;
	struct svcs_row		*rows;
	size_t			 nrows;
	pid_t			 startd;
	struct smf_procs	 procs;		/* -p: one scan for all rows */
};

/* Columns: parse "-o" lists and print rows. */
int	 svcs_columns(const char *list, int *cols, size_t max, size_t *n);
int	 svcs_sort_key(const char *name);
void	 svcs_header(const int *cols, size_t n);
void	 svcs_print(const struct svcs_row *, const int *cols, size_t n);
void	 svcs_sort(struct svcs_row **v, size_t n, const int *keys,
	    const int *rev, size_t nkeys);
void	 svcs_stime(char *buf, size_t size, time_t t);

/* svcs -p: the contract's processes under a row. */
void	 svcs_procs(const struct svcs_ctx *, const struct svcs_row *);

/* svcs -l and svcs -x. */
void	 svcs_long(const struct svcs_ctx *, const struct svcs_row *);
void	 svcs_explain(const struct svcs_ctx *, const struct svcs_row *,
	    int verbose);
/* Does row need explaining (svcs -x without operands)? */
int	 svcs_troubled(const struct svcs_row *);

/* The rows row depends on / that depend on it (indices into ctx->rows). */
size_t	 svcs_deps_of(const struct svcs_ctx *, const struct svcs_row *,
	    size_t *out, size_t max);
size_t	 svcs_dependents_of(const struct svcs_ctx *, const struct svcs_row *,
	    size_t *out, size_t max);

#endif
