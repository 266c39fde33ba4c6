/* Domains: INTRODUCE/RELEASE and friends, per-domain accounting, the ring hook. */
#ifndef XSD_DOMAIN_H
#define XSD_DOMAIN_H

#include <stdint.h>

#include <xvm/xen.h>

struct conn;
struct req;
struct xenstore_domain_interface;

/*
 * How a guest's ring page and event channel are reached (xcmap.c does it
 * with libxc; the unit tests with memfd pages).  map returns the page and
 * our end of an event channel bound to the guest's 'port', or NULL with
 * errno; notify signals the guest through that end; unmap releases both.
 * Notifications from guests come back through domain_port_event().
 */
struct ring_mapper {
	struct xenstore_domain_interface *(*map)(uint32_t domid, uint64_t mfn,
		    uint32_t port, uint32_t *local, void *arg);
	void	(*notify)(uint32_t local, void *arg);
	void	(*unmap)(struct xenstore_domain_interface *, uint32_t local,
	    void *arg);
	/* 1: the hypervisor has the domain, 0: it has not, -1: cannot say. */
	int	(*exists)(uint32_t domid, void *arg);
	void	*arg;
};

/* What the hypervisor says of a domain, for domain_check(). */
enum dom_state {
	DOM_RUNNING,		/* running, blocked or paused */
	DOM_SHUTDOWN,		/* shut down or crashed, not yet destroyed */
	DOM_GONE,		/* dying or no longer there */
};

void	 domain_init(const struct ring_mapper *);
void	 domain_shutdown(void);
/* Record every domain and its ring's watches again (db.h), whole. */
void	 domain_db_rewrite(void);

/* Per-owner node counts, kept by the tree hooks. */
void	 domain_owner_add(uint32_t domid, int delta, void *arg);
uint32_t domain_nodes(uint32_t domid);

int	 domain_is_introduced(uint32_t domid);
/*
 * Nonzero when 'domid' may own a node: dom0, an introduced domain, or one
 * the hypervisor has (not yet introduced).  When the hypervisor cannot be
 * asked, nonzero: the store does not refuse what it cannot check.
 */
int	 domain_exists(uint32_t domid);
void	 domain_conn_gone(struct conn *);

/*
 * Mark a domain dead (its ring conn goes, @releaseDomain fires) as the
 * hypervisor's domain-death notice will.  Returns 0 or ENOENT.
 */
int	 domain_release(uint32_t domid);

/*
 * A guest's watches outlive a restart of the daemon (the guest cannot
 * know to set them again): WATCH, UNWATCH and RESET_WATCHES on a ring
 * connection are recorded.  No-ops for other connections.
 */
struct watch;
void	 domain_watch_added(struct conn *, const struct watch *);
void	 domain_watch_removed(struct conn *, const char *path,
	    const char *token);
void	 domain_watches_reset(struct conn *);

/* A notification on our end 'local' of some domain's event channel. */
void	 domain_port_event(uint32_t local);

/*
 * VIRQ_DOM_EXC: ask 'state' about every introduced domain, as Xen's
 * domain_cleanup does.  A domain that shut down fires @releaseDomain
 * once; one that is gone is released (and fires it again).
 */
void	 domain_check(enum dom_state (*state)(uint32_t domid, void *arg),
	    void *arg);

/* Wire handlers (see wire.c's table). */
int	 do_introduce(struct req *);
int	 do_release(struct req *);
int	 do_is_domain_introduced(struct req *);
int	 do_get_domain_path(struct req *);
int	 do_resume(struct req *);
int	 do_set_target(struct req *);

#endif
