/* libvirt's migration procedures (virt_migrate.c) and the destination they name (virt_peer.c). */
#ifndef XVM_XVMD_VIRT_MIGRATE_H
#define XVM_XVMD_VIRT_MIGRATE_H

#include <stdint.h>

struct xvmd;

/* The migration parameters we honour (VIR_MIGRATE_PARAM_*). */
struct virt_mparams {
	char	*uri;		/* migrate_uri */
	char	*dname;		/* destination_name */
	char	*dxml;		/* destination_xml (ours, from Begin3) */
};
void	 vmp_free(struct virt_mparams *);

/* Where the relocation channel goes. */
struct virt_target {
	char		 host[256];
	uint16_t	 port;		/* 0: the peer's relocation port */
	int		 tls;		/* the URI said tls:// */
};

/*
 * From migrate_uri ("tcp://HOST[:PORT]" or "tls://HOST[:PORT]", what
 * Prepare3Params answers), else from a peer-to-peer dconnuri: its host
 * ("xen+tls://host2/system"), or for a local socket
 * ("xen+unix:///system?socket=PATH") the URI that daemon's
 * Prepare3Params answers for a domain named 'name'.  0, or -1 with *cause.
 */
int	 virt_target(struct xvmd *, const char *uri, const char *dconnuri,
	    const char *name, struct virt_target *, char **cause);

/* This host's relocation URI for Prepare3Params; NULL with *cause. */
char	*virt_reloc_uri(struct xvmd *, char **cause);

/*
 * virt_peer.c: ask the libvirt daemon on the Unix socket 'path' (another
 * xvmd) where to send domain 'name': CONNECT_OPEN, then
 * DOMAIN_MIGRATE_PREPARE3_PARAMS; blocking, bounded by a timeout.  The
 * URI (allocated), or NULL with *cause.
 */
char	*virt_peer_prepare(const char *path, const char *name, char **cause);

#endif
