/* dom0's side of a mini-OS domain on the real stack: xvm-hypervisor and
 * xenstored in a private root, the domain built by xc_dom_build, its
 * toolstack entries written and the domain introduced through
 * libxenstore, and its console ring served here (read out[], write in[])
 * the way xvm-consoled maps it. */
#ifndef MINIOS_STACKDOM_H
#define MINIOS_STACKDOM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <xvm/xc_dom.h>
#include <xvm/xencons.h>
#include <xvm/xs_wire.h>
#include <xvm/xenctrl.h>
#include <xvm/xenevtchn.h>
#include <xvm/xenstore.h>

#include "guest/minios/ring.h"

struct stack {
	char	root[64];
	pid_t	hv, xsd;
};

/* Starts both daemons; 0, or -1 with a message on stderr. */
int	stack_start(struct stack *, const char *hypervisor,
	    const char *xenstored, unsigned pcpus);
void	stack_stop(struct stack *);

struct sguest {
	xc_interface		*xch;
	xenevtchn_handle	*xe;
	struct xs_handle	*xs;
	uint32_t		 domid;
	char			 home[64];	/* /local/domain/<domid> */
	struct xc_dom_image	 img;
	struct xencons_interface *cons;
	int			 cons_local;
	struct ring		 out, in;
	char			 console[256 * 1024];	/* all it printed */
	size_t			 conlen;
	size_t			 mark;		/* searches start here */
};

/*
 * Creates, builds (xc_dom_build), writes the toolstack's entries as
 * libxl does (home readable by the guest, control/ and data/ owned by
 * it), introduces the domain to the store and unpauses it.  0, or -1
 * with a message on stderr.
 */
int	sguest_boot(struct sguest *, const char *elf, unsigned vcpus,
	    unsigned mem_mb, const char *bootargs, const char *name);
/*
 * The same, but the domain starts with its xenstore ring's connection
 * field at 1 (someone resetting it, as xenstore-ring.txt allows) and is
 * not introduced: sguest_introduce() does that later.
 */
int	sguest_boot_reconnecting(struct sguest *, const char *elf,
	    unsigned vcpus, unsigned mem_mb, const char *bootargs,
	    const char *name);
int	sguest_introduce(struct sguest *);
/*
 * The suspended domain saved (xc_domain_save), destroyed and restored
 * (xc_domain_restore) into a new domain, given its entries (named name),
 * introduced and unpaused, as xm save / xm restore do; g follows it (new
 * domid, home, console).  0, or -1 with a message on stderr.
 */
int	sguest_save_restore(struct sguest *, const char *name);
/* Serves the console until text appears after the mark (1) or ms pass. */
int	sguest_wait(struct sguest *, const char *text, unsigned ms);
/* Later waits see only output from now on. */
void	sguest_mark(struct sguest *);
/* Types keys into the console's input ring; 0 or -1 (ring stays full). */
int	sguest_type(struct sguest *, const char *keys);
/* Serves until the domain has shut down (1, reason set) or ms pass (0). */
int	sguest_wait_shutdown(struct sguest *, unsigned ms, unsigned *reason);
/* Store access as the toolstack; paths relative to the home.  read:
 * malloc'd value or NULL with errno. */
char	*sguest_read(struct sguest *, const char *path);
int	sguest_write(struct sguest *, const char *path, const char *value);
/* Serves until path holds a non-empty value (malloc'd) or ms pass. */
char	*sguest_wait_node(struct sguest *, const char *path, unsigned ms);
void	sguest_destroy(struct sguest *);

#endif
