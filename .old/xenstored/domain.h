/* Domains: INTRODUCE/RELEASE and friends, per-domain accounting, the ring hook. */
#ifndef XSD_DOMAIN_H
#define XSD_DOMAIN_H

#include <stdint.h>

struct conn;
struct req;
struct event_base;
struct xs_ring_intf;

#define DOMID_FIRST_RESERVED	0x7ff0

/*
 * How a guest's ring page and event channel are reached.  map returns
 * the page and a pollable fd that is readable when the guest notifies
 * (read() on it clears the notification), or NULL with errno; notify
 * signals the guest; unmap releases both.  The daemon will get these
 * from libxc (foreign mapping + event channels over run/xvm/privcmd);
 * until then no mapper is set and INTRODUCE answers ENOSYS.
 */
struct ring_mapper {
	struct xs_ring_intf *(*map)(uint32_t domid, uint64_t mfn,
		    uint32_t port, int *evfd, void *arg);
	void	(*notify)(uint32_t domid, void *arg);
	void	(*unmap)(uint32_t domid, struct xs_ring_intf *, int evfd,
		    void *arg);
	void	*arg;
};

void	 domain_init(struct event_base *, const struct ring_mapper *);
void	 domain_shutdown(void);

/* Per-owner node counts, kept by the tree hooks. */
void	 domain_owner_add(uint32_t domid, int delta, void *arg);
uint32_t domain_nodes(uint32_t domid);

int	 domain_is_introduced(uint32_t domid);
void	 domain_conn_gone(struct conn *);

/*
 * Mark a domain dead (its ring conn goes, @releaseDomain fires) as the
 * hypervisor's domain-death notice will.  Returns 0 or ENOENT.
 */
int	 domain_release(uint32_t domid);

/* Wire handlers (see wire.c's table). */
int	 do_introduce(struct req *);
int	 do_release(struct req *);
int	 do_is_domain_introduced(struct req *);
int	 do_get_domain_path(struct req *);
int	 do_resume(struct req *);
int	 do_set_target(struct req *);

#endif
