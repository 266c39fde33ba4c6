/* The store as a whole: the tree loaded from (or first written to) the database. */
#ifndef XSD_STORE_H
#define XSD_STORE_H

/*
 * Set up the tree, quotas and accounting; with 'dbpath' (may be NULL for
 * a memory-only store, used by tests) load the saved tree, or create
 * Xen's initial nodes (/, /tool, /tool/xenstored) in a new database.
 * Returns 0, or -1 with *cause (caller frees).
 */
int	 store_open(const char *dbpath, int durable, char **cause);
void	 store_close(void);

/*
 * The end-of-turn hook: commit the turn's writes; if that fails, undo
 * them (the tree as the database has it) and turn their replies into
 * errors.
 */
void	 store_commit(void *);

/* Run once a second: checkpoints the database when the store is quiet. */
void	 store_tick(void *);

#endif
