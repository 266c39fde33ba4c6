/* The store's durable copy: an SQLite database in WAL mode, one commit per loop turn. */
#ifndef XSD_DB_H
#define XSD_DB_H

#include <stdint.h>

struct node;

/*
 * Open (creating) the database at 'path'.  durable: synchronous=FULL, so
 * a commit survives power loss; otherwise NORMAL, which in WAL mode
 * survives a crash of the daemon (kill -9) but may lose the last turns
 * on power loss.  Returns 0, or -1 with *cause (caller frees).
 */
int	 db_open(const char *path, int durable, char **cause);
void	 db_close(void);

/*
 * Call cb for every stored node, parents before children and children in
 * creation order.  Returns the number of nodes, or -1 with *cause.
 */
int64_t	 db_load(void (*cb)(const char *path, const void *value,
	    uint32_t vlen, const char *perms, void *arg), void *arg,
	    char **cause);

/*
 * Record a node's value and permissions: db_put_new for a node just
 * created (its creation order is now), db_put for an existing one (it
 * keeps its place).  db_del records the removal of a subtree.
 */
void	 db_put_new(const struct node *);
void	 db_put(const struct node *);
void	 db_del(const char *path);

/*
 * Introduced domains, so that their ring connections resume after a
 * restart: record, forget, and list them (cb per row).
 */
void	 db_domain_put(uint32_t domid, uint64_t mfn, uint32_t port);
void	 db_domain_del(uint32_t domid);
void	 db_domain_clear_all(void);	/* every domain and dwatch row */
int	 db_domain_load(void (*cb)(uint32_t domid, uint64_t mfn,
	    uint32_t port, void *), void *arg);

/*
 * The watches of introduced domains' ring connections, which a guest
 * cannot know to set again after a restart: record, forget one, forget
 * a domain's (RESET_WATCHES, a reconnecting ring, db_domain_del), list
 * a domain's in registration order.
 */
void	 db_dwatch_put(uint32_t domid, const char *path, const char *token,
	    int relative);
void	 db_dwatch_del(uint32_t domid, const char *path, const char *token);
void	 db_dwatch_clear(uint32_t domid);
int	 db_dwatch_load(uint32_t domid, void (*cb)(const char *path,
	    const char *token, int relative, void *), void *arg);

/*
 * Commit what the turn recorded (nothing to do: no cost).  Returns 0, or
 * -1 with errno ENOSPC (the disk is full) or EIO: then nothing of the
 * turn is in the database (it is rolled back), and the caller must bring
 * the tree back to what the database holds (store.c does).
 */
int	 db_commit(void);

/* Nonzero while the turn has recorded something not yet committed. */
int	 db_in_txn(void);

/*
 * Disk space, before a request changes anything: db_wal_estimate is an
 * upper bound of the WAL bytes a commit of 'rows' rows of 'bytes' bytes
 * in all appends; db_reserve makes sure the WAL can take that much more
 * in this turn (0), or fails with errno ENOSPC (-1): refuse the request.
 */
uint64_t db_wal_estimate(uint64_t rows, uint64_t bytes);
int	 db_reserve(uint64_t bytes);

/* Checkpoint the WAL into the database if commits happened since the
 * last time: call when the daemon is idle (a timer). */
void	 db_idle(void);

int	 db_is_open(void);
uint64_t db_commits(void);

#endif
