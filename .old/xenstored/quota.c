/* Per-domain limits (Xen 4.17's quotas and defaults), readable and settable with CONTROL. */
#include <string.h>

#include "lib/buf.h"
#include "xenstored/quota.h"

static const struct {
	const char	*name;
	uint32_t	 def;
	const char	*descr;
} qinfo[Q_COUNT] = {
	[Q_NODES] = { "nodes", 1000, "Nodes per domain" },
	[Q_WATCHES] = { "watches", 128, "Watches per domain" },
	[Q_TRANSACTIONS] = { "transactions", 10, "Transactions per domain" },
	[Q_OUTSTANDING] = { "outstanding", 20,
	    "Outstanding requests per domain" },
	[Q_TRANS_NODES] = { "transaction-nodes", 1024,
	    "Max. number of accessed nodes per transaction" },
	[Q_NODE_SIZE] = { "node-size", 2048, "Max. size of a node" },
	[Q_PATH_MAX] = { "path-max", 2048, "Max. length of a node path" },
	[Q_PERMS] = { "permissions", 5, "Max. number of permissions per node" },
};

static uint32_t	 qval[Q_COUNT];

void
quota_defaults(void)
{
	int	 i;

	for (i = 0; i < Q_COUNT; i++)
		qval[i] = qinfo[i].def;
}

uint32_t
quota_get(enum quota_id q)
{
	if (qval[Q_NODES] == 0)
		quota_defaults();
	return qval[q];
}

int
quota_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < Q_COUNT; i++)
		if (strcmp(qinfo[i].name, name) == 0)
			return i;
	return -1;
}

void
quota_set(enum quota_id q, uint32_t v)
{
	(void)quota_get(q);
	qval[q] = v;
}

void
quota_report(struct buf *b)
{
	int	 i;

	buf_add_str(b, "Quota settings:\n");
	for (i = 0; i < Q_COUNT; i++)
		buf_printf(b, "%-17s: %8u %s\n", qinfo[i].name,
		    quota_get((enum quota_id)i), qinfo[i].descr);
}

uint32_t
quota_node_size(uint32_t nperms, uint32_t vlen, uint32_t childlen)
{
	return 20 + 8 * nperms + vlen + childlen;
}
