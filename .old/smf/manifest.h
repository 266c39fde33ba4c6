/* service_bundle manifests: parse, validate against DTD 1, and the result as property groups. */
#ifndef XVM_SMF_MANIFEST_H
#define XVM_SMF_MANIFEST_H

#include <stddef.h>

/*
 * A manifest, already translated into what the repository stores: each
 * dependency, exec_method, template, restarter and property_group of
 * smf(7) becomes a property group, as illumos keeps them.
 */
struct mf_prop {
	char		*name;
	char		*type;
	char		**values;
	size_t		 nvalues;
	int		 line;
};

struct mf_pg {
	char		*name;
	char		*type;
	struct mf_prop	*props;
	size_t		 nprops;
	int		 line;
};

struct mf_inst {
	char		*name;
	int		 enabled;
	struct mf_pg	*pgs;
	size_t		 npgs;
	int		 line;
};

/* A <dependent>: a dependency group the import adds to 'fmri'. */
struct mf_dependent {
	char		*fmri;
	struct mf_pg	 pg;
};

struct mf_svc {
	char		*name;
	struct mf_pg	*pgs;
	size_t		 npgs;
	struct mf_inst	*insts;
	size_t		 ninsts;
	struct mf_dependent *dependents;
	size_t		 ndependents;
	int		 line;
};

struct manifest {
	char		*file;
	char		*name;		/* service_bundle name */
	struct mf_svc	*svcs;
	size_t		 nsvcs;
};

/*
 * Parse and validate a manifest: the file at path, or len bytes of buf
 * (named 'name' in messages).  Returns the manifest (free with mf_free)
 * or NULL with *cause (caller frees): "file:line: what is wrong".
 */
struct manifest	*mf_parse_file(const char *path, char **cause);
struct manifest	*mf_parse_mem(const char *buf, size_t len, const char *name,
		    char **cause);
void		 mf_free(struct manifest *);	/* NULL is fine */

/* The text of the DTD built into the programs (borrowed). */
const char	*mf_dtd_text(void);

/* Free what a group holds (not the group itself). */
void		 mf_pg_clear(struct mf_pg *);

/* Find a group by name in an array; NULL when absent (borrowed). */
struct mf_pg	*mf_pg_find(struct mf_pg *, size_t, const char *name);

#endif
