/* Per-domain limits (Xen 4.17's quotas and defaults), readable and settable with CONTROL. */
#ifndef XSD_QUOTA_H
#define XSD_QUOTA_H

#include <stdint.h>

struct buf;

enum quota_id {
	Q_NODES,		/* nodes owned by a domain */
	Q_WATCHES,		/* watches of a domain */
	Q_TRANSACTIONS,		/* open transactions of a connection */
	Q_OUTSTANDING,		/* requests answered per turn */
	Q_TRANS_NODES,		/* nodes one transaction may touch */
	Q_NODE_SIZE,		/* bytes of a node record with its child list */
	Q_PATH_MAX,		/* path length below /local/domain/<id>/ */
	Q_PERMS,		/* permission entries per node */
	Q_COUNT
};

/* Reset every quota to Xen 4.17's default. */
void	 quota_defaults(void);
uint32_t quota_get(enum quota_id);

/* Find a quota by its CONTROL name ("nodes", "watches", ...); -1 if none. */
int	 quota_lookup(const char *name);
void	 quota_set(enum quota_id, uint32_t);

/* The CONTROL "quota" report (Xen's layout). */
void	 quota_report(struct buf *);

/*
 * Xen's size of a node record: a 20-byte header, 8 bytes per permission,
 * the value and the child names with their NULs.
 */
uint32_t quota_node_size(uint32_t nperms, uint32_t vlen, uint32_t childlen);

#endif
