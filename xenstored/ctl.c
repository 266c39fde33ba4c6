/* CONTROL requests: help, quota, quota-soft, log, logfile, memreport, check, print. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/str.h"
#include "xenstored/conn.h"
#include "xenstored/ctl.h"
#include "xenstored/db.h"
#include "xenstored/domain.h"
#include "xenstored/quota.h"
#include "xenstored/transaction.h"
#include "xenstored/tree.h"
#include "xenstored/watch.h"
#include "xenstored/wire.h"

struct ctl_cmd {
	const char	*name;
	const char	*usage;
	int		(*fn)(struct req *, struct buf *);
};

static int ctl_help(struct req *, struct buf *);

static int
ctl_quota(struct req *r, struct buf *out)
{
	struct conn	*c;
	uint64_t	 v;
	uint32_t	 domid, nw = 0, nt = 0;
	int		 q;

	if (r->argc == 1) {
		quota_report(out);
		return 0;
	}
	if (strcmp(r->argv[1], "set") == 0) {
		if (r->argc != 4 || (q = quota_lookup(r->argv[2])) == -1 ||
		    str_to_u64(r->argv[3], 1, UINT32_MAX, &v) == -1)
			return EINVAL;
		quota_set((enum quota_id)q, (uint32_t)v);
		log_info("%s: quota %s set to %u", __func__, r->argv[2],
		    (uint32_t)v);
		buf_add_str(out, "OK");
		return 0;
	}
	if (r->argc != 2 || str_to_u64(r->argv[1], 0, 65535, &v) == -1)
		return EINVAL;
	domid = (uint32_t)v;
	if (!domain_is_introduced(domid))
		return ENOENT;
	TAILQ_FOREACH(c, &conns, entry)
		if (c->who.domid == domid && !c->dead) {
			nw += c->nwatches;
			nt += c->ntxns;
		}
	buf_printf(out, "Domain %u:\n", domid);
	buf_printf(out, "%-17s: %8u\n", "nodes", domain_nodes(domid));
	buf_printf(out, "%-17s: %8u\n", "watches", nw);
	buf_printf(out, "%-17s: %8u\n", "transactions", nt);
	return 0;
}

static int
ctl_quota_soft(struct req *r, struct buf *out)
{
	/*
	 * Xen's only soft quota is memory, which this daemon does not meter:
	 * none to list, none to set ("set" of an unknown name is EINVAL, as
	 * in Xen).
	 */
	if (r->argc != 1)
		return EINVAL;
	buf_add_str(out, "Quota settings:\n");
	return 0;
}

static int
ctl_log(struct req *r, struct buf *out)
{
	if (r->argc != 2)
		return EINVAL;
	if (strcmp(r->argv[1], "on") == 0)
		log_setverbose(2);
	else if (strcmp(r->argv[1], "off") == 0)
		log_setverbose(0);
	else
		return EINVAL;
	buf_add_str(out, "OK");
	return 0;
}

/* logfile <file>: log there from now on (privileged: a dom0 path). */
static int
ctl_logfile(struct req *r, struct buf *out)
{
	if (r->argc != 2 || r->argv[1][0] == '\0')
		return EINVAL;
	if (log_open_file(r->argv[1]) == -1)
		return errno;
	log_info("%s: logging to %s", __func__, r->argv[1]);
	buf_add_str(out, "OK");
	return 0;
}

static int	 memreport(struct buf *);

/* memreport [<file>]: the report as the reply, or appended to <file>. */
static int
ctl_memreport(struct req *r, struct buf *out)
{
	struct buf	 rep = BUF_INITIALIZER;
	FILE		*fp;
	int		 err = 0;

	if (r->argc > 2)
		return EINVAL;
	if (r->argc == 1)
		return memreport(out);
	if ((fp = fopen(r->argv[1], "ae")) == NULL)
		return errno;
	memreport(&rep);
	if (fwrite(buf_data(&rep), 1, buf_len(&rep), fp) != buf_len(&rep))
		err = EIO;
	if (fclose(fp) != 0 && err == 0)
		err = errno;
	buf_free(&rep);
	if (err == 0)
		buf_add_str(out, "OK");
	return err;
}

static int
memreport(struct buf *out)
{
	struct conn	*c;
	uint64_t	 nconn = 0, inb = 0, outb = 0;

	TAILQ_FOREACH(c, &conns, entry) {
		nconn++;
		inb += buf_len(&c->in);
		outb += buf_len(&c->out);
	}
	buf_printf(out, "nodes: %llu\n", (unsigned long long)tree_count());
	buf_printf(out, "node bytes: %llu\n", (unsigned long long)tree_bytes());
	buf_printf(out, "connections: %llu\n", (unsigned long long)nconn);
	buf_printf(out, "watches: %llu\n", (unsigned long long)watch_count());
	buf_printf(out, "transactions: %llu\n", (unsigned long long)txn_count());
	buf_printf(out, "queued input bytes: %llu\n", (unsigned long long)inb);
	buf_printf(out, "queued output bytes: %llu\n", (unsigned long long)outb);
	buf_printf(out, "database commits: %llu\n",
	    (unsigned long long)db_commits());
	log_info("%s: %llu nodes, %llu connections", __func__,
	    (unsigned long long)tree_count(), (unsigned long long)nconn);
	return 0;
}

/* Walk the tree: links, counts and paths must agree. */
static int
check_node(struct node *n, uint64_t *count)
{
	struct node	*c;
	uint32_t	 nk = 0, cl = 0;

	(*count)++;
	if (tree_lookup(n->path) != n || !path_valid(n->path) ||
	    n->nperms == 0)
		return -1;
	for (c = n->child_first; c != NULL; c = c->next) {
		if (c->parent != n || check_node(c, count) == -1)
			return -1;
		nk++;
		cl += (uint32_t)strlen(c->name) + 1;
	}
	return (nk == n->nchildren && cl == n->childlen) ? 0 : -1;
}

static int
ctl_check(struct req *r, struct buf *out)
{
	uint64_t	 count = 0;

	(void)r;
	if (check_node(tree_root(), &count) == -1 || count != tree_count()) {
		log_warnx("%s: tree inconsistent", __func__);
		buf_add_str(out, "tree inconsistent");
		return 0;
	}
	buf_add_str(out, "OK");
	return 0;
}

static int
ctl_print(struct req *r, struct buf *out)
{
	if (r->argc != 2)
		return EINVAL;
	log_info("control: %s", r->argv[1]);
	buf_add_str(out, "OK");
	return 0;
}

static const struct ctl_cmd ctl_cmds[] = {
	{ "check", "", ctl_check },
	{ "log", "on|off", ctl_log },
	{ "logfile", "<file>", ctl_logfile },
	{ "memreport", "[<file>]", ctl_memreport },
	{ "print", "<string>", ctl_print },
	{ "quota", "[set <name> <val>|<domid>]", ctl_quota },
	{ "quota-soft", "[set <name> <val>]", ctl_quota_soft },
	{ "help", "", ctl_help },
};

static int
ctl_help(struct req *r, struct buf *out)
{
	size_t	 i;

	(void)r;
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		buf_printf(out, "%s\t%s\n", ctl_cmds[i].name, ctl_cmds[i].usage);
	return 0;
}

int
do_control(struct req *r)
{
	struct buf	 out = BUF_INITIALIZER;
	size_t		 i;
	int		 err = EINVAL;

	if (r->argc < 1 || r->argc > REQ_MAX_ARGS)
		return EINVAL;
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (strcmp(r->argv[0], ctl_cmds[i].name) == 0) {
			err = ctl_cmds[i].fn(r, &out);
			break;
		}
	if (err == 0) {
		buf_add_byte(&out, 0);
		if (buf_error(&out) != 0 ||
		    buf_len(&out) > XENSTORE_PAYLOAD_MAX)
			err = E2BIG;
		else
			reply_data(r, buf_data(&out), buf_len(&out));
	}
	buf_free(&out);
	return err;
}
