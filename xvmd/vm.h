/* The domains xvmd knows: running ones, and managed ones that may not be. */
#ifndef XVM_XVMD_VM_H
#define XVM_XVMD_VM_H

#include <stdint.h>
#include <time.h>

#include "lib/queue.h"
#include "lib/uuid.h"

struct domcfg;
struct save_op;
struct json_w;
struct xvmd;

struct vm {
	TAILQ_ENTRY(vm)	 entry;
	char		 name[64];
	uint8_t		 uuid[16];
	int		 domid;		/* -1 while not running */
	struct domcfg	*cfg;		/* owned */
	char		*cfgtext;	/* owned: the file as given */
	char		*cfgfile;	/* owned: its name, for messages */
	int		 managed;	/* its config persists in the store */
	time_t		 started;	/* last start (wall clock) */
	time_t		 last_restart;	/* for xend's 60 s rule; 0 = none */
	char		*note;		/* owned: why it last stopped, or NULL */
	char		*saved;		/* owned: its saved image, or NULL */
	int		 handled;	/* its shutdown has been acted on */
	struct save_op	*save;		/* xm save in progress (save.c) */
	/*
	 * A job works on the domain (writing its save file, migrating it,
	 * dumping its core): what, for messages ("being migrated"), or
	 * NULL.  The loop leaves a busy vm to its job (lc_check skips it,
	 * destroy and the like refuse), and never frees it.
	 */
	const char	*busy;
	int		 core_done;	/* its crash's core is written */
	struct dmproc	*dm;		/* its device model (dmproc.c) */
};
TAILQ_HEAD(vmq, vm);

/* A new entry (not in the table yet) owning cfg, text and file. */
struct vm *vm_new(struct domcfg *cfg, char *text, char *file);
void	 vm_free(struct vm *);

/* By name, or by domid when key is all digits; NULL if unknown. */
struct vm *vm_find(struct xvmd *, const char *key);
struct vm *vm_by_domid(struct xvmd *, int domid);
struct vm *vm_by_name(struct xvmd *, const char *name);
/* The entry holding uuid, other than 'self' (which may be NULL). */
struct vm *vm_by_uuid(struct xvmd *, const uint8_t uuid[16],
	    const struct vm *self);

/*
 * May a domain named 'name' with 'uuid' join the table (or 'self', already
 * in it, take them)?  A name and a UUID belong to one entry, running or
 * managed: 0, or EEXIST with *cause naming the holder (caller frees).
 */
int	 vm_check_unique(struct xvmd *, const char *name,
	    const uint8_t uuid[16], const struct vm *self, char **cause);

/*
 * Write one domain as the API shows it (GET /domains, /domains/:dom):
 * name, domid (absent when not running), uuid, memory, maxmem, vcpus,
 * state flags, cpu_time, uptime, managed; with 'vcpus' the per-vCPU list,
 * with 'longfmt' its configuration.
 */
void	 vm_to_json(struct xvmd *, struct vm *, struct json_w *, int vcpus,
	    int longfmt);

/*
 * Every domain but Domain-0, as the hypervisor reports them (paging
 * through xc_domain_getinfolist).  Returns the count and *out (caller
 * frees), or -1 with errno.
 */
struct xc_domaininfo;
int	 vm_getinfo_all(struct xvmd *, struct xc_domaininfo **out);

/* Domain-0, the host, in the same shape. */
void	 vm_dom0_to_json(struct xvmd *, struct json_w *, int vcpus);

#endif
