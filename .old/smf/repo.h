/* The SMF repository: services, instances, property groups and snapshots in SQLite. */
#ifndef XVM_SMF_REPO_H
#define XVM_SMF_REPO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct repo;

/*
 * Who owns a property group.  Editing (current) data: a service's own
 * groups are { svc, 0, 0, "" }, an instance's { svc, inst, 1, "" }.  A
 * snapshot of instance inst holds both levels: { svc, inst, 0, "running" }
 * (the service's groups as they were) and { svc, inst, 1, "running" }.
 * The last_import snapshot of a service is { svc, 0, 0, "last_import" }
 * and of its instances { svc, inst, 1, "last_import" }.
 */
struct repo_ent {
	int64_t		 svc;
	int64_t		 inst;
	int		 level;
	const char	*snap;		/* borrowed */
};

struct repo_ent	 repo_ent_svc(int64_t svc, const char *snap);
struct repo_ent	 repo_ent_inst(int64_t svc, int64_t inst, const char *snap);

/* One instance row; strings owned by the list. */
struct repo_inst {
	int64_t		 id;
	int64_t		 svc_id;
	char		*svc;
	char		*inst;
};

struct repo_pg {
	char		*name;
	char		*type;
};

/* A property; all strings owned by the array it came in. */
struct repo_prop {
	char		*pg;
	char		*pgtype;
	char		*name;
	char		*type;
	char		**values;
	size_t		 nvalues;
};

/* Run-time state, written by svc.startd and read by svcs. */
struct repo_state {
	int		 state;		/* enum smf_state */
	int		 next_state;	/* or SMF_NONE */
	time_t		 stime;
	int64_t		 ctid;		/* contract id, 0 = none */
	int		 enabled_tmp;	/* -1 none, else 0/1 (svcadm -t) */
	int		 blocked;	/* cannot come online unaided */
	char		 aux[64];	/* auxiliary state, "" if none */
	char		 reason[512];	/* svcs -x explanation, "" if none */
};

/*
 * Open (creating it and its directory when 'create') the database at path
 * and bring its schema up to date.  Returns a handle or NULL with *cause
 * (caller frees).
 */
struct repo	*repo_open(const char *path, int create, char **cause);
void		 repo_close(struct repo *);	/* NULL is fine */

/* The last SQLite error message (borrowed). */
const char	*repo_errmsg(struct repo *);

/*
 * Transactions: repo_begin() for writing (BEGIN IMMEDIATE),
 * repo_begin_read() for a consistent view over many reads; end either
 * with repo_commit().  0 or -1 with errno EIO.
 */
int		 repo_begin(struct repo *);
int		 repo_begin_read(struct repo *);
int		 repo_commit(struct repo *);
void		 repo_rollback(struct repo *);

/*
 * Look up (optionally creating) a service or instance: its id, or -1
 * with errno ENOENT (absent) or EIO.
 */
int64_t		 repo_service(struct repo *, const char *name, int create);
int64_t		 repo_instance(struct repo *, int64_t svc, const char *name,
		    int create);
int		 repo_service_delete(struct repo *, int64_t svc);
int		 repo_instance_delete(struct repo *, int64_t inst);

/* Every instance, ordered by FMRI.  *out is freed with repo_insts_free. */
int		 repo_instances(struct repo *, struct repo_inst **out,
		    size_t *n);
void		 repo_insts_free(struct repo_inst *, size_t);
/* Every service name (owned array of owned strings, free each + array). */
int		 repo_services(struct repo *, char ***out, size_t *n);

/* Property groups of ent.  pg_add fails with EEXIST when present. */
int		 repo_pg_add(struct repo *, struct repo_ent, const char *name,
		    const char *type);
int		 repo_pg_delete(struct repo *, struct repo_ent, const char *name);
int		 repo_pg_type(struct repo *, struct repo_ent, const char *name,
		    char *type, size_t size);
int		 repo_pgs(struct repo *, struct repo_ent, struct repo_pg **out,
		    size_t *n);
void		 repo_pgs_free(struct repo_pg *, size_t);

/*
 * Set pg/name (replacing its values); the group must exist (ENOENT).
 * Delete fails with ENOENT when absent.
 */
int		 repo_prop_set(struct repo *, struct repo_ent, const char *pg,
		    const char *name, const char *type,
		    const char *const *values, size_t nvalues);
int		 repo_prop_delete(struct repo *, struct repo_ent, const char *pg,
		    const char *name);

/*
 * Properties of ent (of group pg only, unless NULL), ordered by group
 * and name.  Free with repo_props_free.
 */
int		 repo_props(struct repo *, struct repo_ent, const char *pg,
		    struct repo_prop **out, size_t *n);
void		 repo_props_free(struct repo_prop *, size_t);

/*
 * The composed view of an instance: in snapshot snap (or the editing
 * data for ""), the instance's groups shadow the service's groups of the
 * same name.  For a snapshot that does not exist yet, the editing view.
 */
int		 repo_composed(struct repo *, int64_t svc, int64_t inst,
		    const char *snap, struct repo_prop **out, size_t *n);

/* Find pg/name in a property array; NULL when absent (borrowed). */
const struct repo_prop *repo_prop_find(const struct repo_prop *, size_t,
		    const char *pg, const char *name);
/* Its first value, or def. */
const char	*repo_prop_str(const struct repo_prop *, size_t,
		    const char *pg, const char *name, const char *def);

/*
 * Snapshot 'snap' of instance inst := the editing data of the instance
 * and its service.  0 or -1.
 */
int		 repo_snapshot_take(struct repo *, int64_t svc, int64_t inst,
		    const char *snap);
/* Nonzero when instance inst has snapshot snap. */
int		 repo_snapshot_exists(struct repo *, int64_t inst,
		    const char *snap);
/* Copy every group of 'from' to 'to' (replacing what 'to' had). */
int		 repo_copy_groups(struct repo *, struct repo_ent from,
		    struct repo_ent to);

/* Run-time state.  get: ENOENT when never set (state is then UNINIT). */
int		 repo_state_get(struct repo *, int64_t inst, struct repo_state *);
int		 repo_state_put(struct repo *, int64_t inst,
		    const struct repo_state *);
int		 repo_state_clear_all(struct repo *);

/* Nonzero for a property type SMF knows; check a value against it. */
int		 repo_type_valid(const char *type);
int		 repo_value_valid(const char *type, const char *value);

#endif
