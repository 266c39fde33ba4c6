/* dom0's side of a PV mini-OS domain for the PV integration test: the
 * hypervisor daemon in a private root, a domain built from minios.elf with
 * its device tree and rings, and scripted ends of the xenstore and console
 * rings (in the roles xenstored and the console daemon will take). */
#ifndef MINIOS_PVDOM_H
#define MINIOS_PVDOM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xvm/xencons.h>
#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>
#include <xvm/xs_wire.h>

#include "guest/minios/ring.h"

struct pvd {
	char	root[64];
	pid_t	pid;
};

/* 0 when privcmd is served; -1 when the binary has no daemon mode. */
int	pvd_start(struct pvd *, const char *binary, unsigned ncpus);
void	pvd_stop(struct pvd *);

#define PV_NODES	64
#define PV_WATCHES	8

struct pvnode {
	char	path[256];	/* absolute */
	char	value[512];
};

struct pvguest {
	xc_interface		*xch;
	xenevtchn_handle	*xe;
	uint32_t		 domid;
	unsigned		 mem_mb;
	struct xenstore_domain_interface *xs;
	struct xencons_interface *cons;
	int			 xs_local, cons_local;
	struct ring		 req, rsp, out, cin;
	struct pvnode		 nodes[PV_NODES];
	char			 wpath[PV_WATCHES][256];	/* as registered */
	char			 wtoken[PV_WATCHES][64];
	unsigned		 nwatch;
	char			 in[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	size_t			 inlen;
	char			 console[65536];	/* all the guest printed */
	size_t			 conlen;
	unsigned		 tx;
};

/* Builds and starts the domain; 0 or -1 with a message on stderr. */
int	pvguest_boot(struct pvguest *, const char *elf, unsigned vcpus,
	    unsigned mem_mb, const char *bootargs);
/* Serves both rings until the console contains text (1) or ms pass (0). */
int	pvguest_wait_console(struct pvguest *, const char *text, unsigned ms);
/* Serves until the domain has shut down (1, reason set) or ms pass (0). */
int	pvguest_wait_shutdown(struct pvguest *, unsigned ms, unsigned *reason);
/* Store access as the toolstack would do it; path relative to the domain. */
void	pvguest_write(struct pvguest *, const char *path, const char *value);
const char *pvguest_read(struct pvguest *, const char *path);
int	pvguest_watched(struct pvguest *, const char *path);
/* Serves until path holds a non-empty value (returned) or ms pass (NULL). */
const char *pvguest_wait_node(struct pvguest *, const char *path, unsigned ms);
/* Puts keys into the console's input ring and kicks the guest. */
void	pvguest_type(struct pvguest *, const char *keys);
void	pvguest_destroy(struct pvguest *);

#endif
