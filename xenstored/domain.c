/* Domains: INTRODUCE/RELEASE and friends, per-domain accounting, the ring hook. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xenstored/conn.h"
#include "xenstored/db.h"
#include "xenstored/domain.h"
#include "xenstored/ring.h"
#include "xenstored/watch.h"
#include "xenstored/wire.h"

struct domain {
	LIST_ENTRY(domain)	 entry;
	uint32_t		 domid;
	uint64_t		 mfn;
	uint32_t		 port;
	uint32_t		 local;		/* our end of the channel */
	struct conn		*conn;		/* the ring connection */
	int			 shutdown;	/* @releaseDomain sent */
};

static LIST_HEAD(, domain)	 domains = LIST_HEAD_INITIALIZER(domains);
static uint32_t			 nodes_of[65536];
static struct ring_mapper	 mapper;
static int			 have_mapper;

static struct domain *find(uint32_t);
static int	 connect_ring(uint32_t, uint64_t, uint32_t);

static void
rewatch(const char *path, const char *token, int relative, void *arg)
{
	if (watch_add(arg, path, token, relative, NULL) != 0)
		log_warnx("%s: %s: watch %s %s not restored", __func__,
		    ((struct conn *)arg)->desc, path, token);
}

/*
 * Domains introduced before a restart: map their rings again and go on
 * serving them where they stopped (requests already in the ring are
 * answered).  A domain whose ring cannot be mapped any more is gone:
 * forget it and tell the @releaseDomain watchers.
 */
static void
restore_one(uint32_t domid, uint64_t mfn, uint32_t port, void *arg)
{
	int	*gone = arg;

	if (find(domid) != NULL)
		return;
	if (connect_ring(domid, mfn, port) != 0) {
		log_warnx("%s: domain %u not reconnected; forgetting it",
		    __func__, domid);
		db_domain_del(domid);
		(*gone)++;
		return;
	}
	(void)db_dwatch_load(domid, rewatch, find(domid)->conn);
	log_info("%s: domain %u reconnected", __func__, domid);
}

void
domain_init(const struct ring_mapper *m)
{
	int	 gone = 0;

	have_mapper = (m != NULL);
	if (m != NULL)
		mapper = *m;
	(void)db_domain_load(restore_one, &gone);
	/* Not written now (a full disk): written by the next commit. */
	if (db_commit() == -1)
		domain_db_rewrite();
	if (gone > 0)
		watch_fire_special("@releaseDomain");
}

/*
 * The domain and watch records as memory has them, all of them, into the
 * turn's transaction: after a commit that failed, what the database lost
 * of them (they are not undone in memory: a guest's ring stays served).
 */
void
domain_db_rewrite(void)
{
	struct domain	*d;
	struct watch	*w;

	db_domain_clear_all();
	LIST_FOREACH(d, &domains, entry) {
		db_domain_put(d->domid, d->mfn, d->port);
		if (d->conn == NULL)
			continue;
		TAILQ_FOREACH(w, &d->conn->watches, centry)
			db_dwatch_put(d->domid, w->path, w->token,
			    w->relative);
	}
}

static void
domain_free(struct domain *d)
{
	LIST_REMOVE(d, entry);
	if (d->conn != NULL) {
		struct conn *c = d->conn;

		d->conn = NULL;
		conn_close(c, "domain released");
	}
	free(d);
}

void
domain_shutdown(void)
{
	struct domain	*d;

	while ((d = LIST_FIRST(&domains)) != NULL)
		domain_free(d);
}

void
domain_owner_add(uint32_t domid, int delta, void *arg)
{
	(void)arg;
	if (domid < 65536)
		nodes_of[domid] += (uint32_t)delta;
}

uint32_t
domain_nodes(uint32_t domid)
{
	return domid < 65536 ? nodes_of[domid] : 0;
}

static struct domain *
find(uint32_t domid)
{
	struct domain	*d;

	LIST_FOREACH(d, &domains, entry)
		if (d->domid == domid)
			return d;
	return NULL;
}

int
domain_is_introduced(uint32_t domid)
{
	return domid == 0 || find(domid) != NULL;
}

int
domain_exists(uint32_t domid)
{
	if (domain_is_introduced(domid))
		return 1;
	if (domid >= DOMID_FIRST_RESERVED)
		return 0;
	if (!have_mapper || mapper.exists == NULL)
		return 1;
	return mapper.exists(domid, mapper.arg) != 0;
}

void
domain_conn_gone(struct conn *c)
{
	struct domain	*d;

	LIST_FOREACH(d, &domains, entry)
		if (d->conn == c)
			d->conn = NULL;
}

int
domain_release(uint32_t domid)
{
	struct domain	*d;

	if ((d = find(domid)) == NULL)
		return ENOENT;
	db_domain_del(domid);
	domain_free(d);
	watch_fire_special("@releaseDomain");
	return 0;
}

/* The domain whose ring connection c is, or NULL. */
static struct domain *
of_conn(const struct conn *c)
{
	struct domain	*d;

	if (c->who.domid == 0)
		return NULL;
	LIST_FOREACH(d, &domains, entry)
		if (d->conn == c)
			return d;
	return NULL;
}

void
domain_watch_added(struct conn *c, const struct watch *w)
{
	if (of_conn(c) != NULL)
		db_dwatch_put(c->who.domid, w->path, w->token, w->relative);
}

void
domain_watch_removed(struct conn *c, const char *path, const char *token)
{
	if (of_conn(c) != NULL)
		db_dwatch_del(c->who.domid, path, token);
}

void
domain_watches_reset(struct conn *c)
{
	if (of_conn(c) != NULL)
		db_dwatch_clear(c->who.domid);
}

void
domain_port_event(uint32_t local)
{
	struct domain	*d;

	LIST_FOREACH(d, &domains, entry)
		if (d->local == local) {
			if (d->conn != NULL)
				ring_conn_event(d->conn);
			return;
		}
	log_debug("%s: an event on port %u, which no domain has", __func__,
	    local);
}

void
domain_check(enum dom_state (*state)(uint32_t, void *), void *arg)
{
	struct domain	*d, *next;
	int		 notify = 0;

	for (d = LIST_FIRST(&domains); d != NULL; d = next) {
		next = LIST_NEXT(d, entry);
		switch (state(d->domid, arg)) {
		case DOM_RUNNING:
			break;
		case DOM_SHUTDOWN:
			if (!d->shutdown) {
				d->shutdown = 1;
				notify = 1;
			}
			break;
		case DOM_GONE:
			log_info("%s: domain %u is gone", __func__, d->domid);
			db_domain_del(d->domid);
			domain_free(d);
			notify = 1;
			break;
		}
	}
	if (notify)
		watch_fire_special("@releaseDomain");
}

/* Map a domain's ring and serve it.  Returns 0 or an errno. */
static int
connect_ring(uint32_t domid, uint64_t mfn, uint32_t port)
{
	struct domain		*d;
	struct xenstore_domain_interface	*intf;
	uint32_t		 local;

	if (!have_mapper) {
		log_warnx("%s: domain %u: no guest ring transport (the "
		    "hypervisor could not be reached at start)", __func__,
		    domid);
		return ENOSYS;
	}
	if ((intf = mapper.map(domid, mfn, port, &local, mapper.arg)) ==
	    NULL) {
		log_warn("%s: domain %u: mapping its ring", __func__, domid);
		return errno == 0 ? EINVAL : errno;
	}
	d = xcalloc(1, sizeof(*d));
	d->domid = domid;
	d->mfn = mfn;
	d->port = port;
	d->local = local;
	LIST_INSERT_HEAD(&domains, d, entry);
	d->conn = ring_conn_new(domid, intf, local, &mapper);
	return 0;
}

int
do_introduce(struct req *r)
{
	uint64_t		 mfn;
	uint32_t		 domid, port;
	int			 err;

	if (r->argc < 3)
		return EINVAL;
	domid = wire_domid(r->argv[0]);
	mfn = strtoull(r->argv[1], NULL, 10);
	port = wire_domid(r->argv[2]);
	if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
		return EINVAL;
	if (find(domid) != NULL)
		return 0;	/* Xen: a repeat only rebinds the channel */
	if ((err = connect_ring(domid, mfn, port)) != 0)
		return err;
	db_domain_put(domid, mfn, port);
	log_info("%s: domain %u introduced", __func__, domid);
	watch_fire_special("@introduceDomain");
	return 0;
}

int
do_release(struct req *r)
{
	uint32_t	 domid;

	if (r->argc < 1)
		return EINVAL;
	domid = wire_domid(r->argv[0]);
	if (domid == 0)
		return EINVAL;
	return domain_release(domid);
}

int
do_is_domain_introduced(struct req *r)
{
	if (r->argc < 1)
		return EINVAL;
	reply_str(r, domain_is_introduced(wire_domid(r->argv[0])) ? "T" : "F");
	return 0;
}

int
do_get_domain_path(struct req *r)
{
	char	 path[32];

	if (r->argc < 1)
		return EINVAL;
	snprintf(path, sizeof(path), "/local/domain/%u",
	    wire_domid(r->argv[0]));
	reply_str(r, path);
	return 0;
}

int
do_resume(struct req *r)
{
	struct domain	*d;

	if (r->argc < 1)
		return EINVAL;
	if ((d = find(wire_domid(r->argv[0]))) == NULL)
		return ENOENT;
	d->shutdown = 0;
	return 0;
}

int
do_set_target(struct req *r)
{
	struct domain	*d;
	uint32_t	 target;

	if (r->argc < 2)
		return EINVAL;
	d = find(wire_domid(r->argv[0]));
	target = wire_domid(r->argv[1]);
	if (d == NULL || !domain_is_introduced(target))
		return ENOENT;
	if (d->conn != NULL) {
		d->conn->who.has_target = 1;
		d->conn->who.target = target;
	}
	return 0;
}
