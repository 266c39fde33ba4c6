/* A domain's configuration: the xm/xl settings xvmd understands, validated. */
#ifndef XVM_XVMD_DOMCFG_H
#define XVM_XVMD_DOMCFG_H

#include <stddef.h>
#include <stdint.h>

#include "xvmd/devspec.h"
#include "xvmd/vfbspec.h"

struct json_w;

#define DOMCFG_NAME_MAX		64
#define DOMCFG_MAX_VCPUS	32	/* the hypervisor's limit */
#define DOMCFG_MIN_MEMORY	4	/* MiB: the builder's minimum */
#define DOMCFG_MAX_MEMORY	262144	/* MiB (256 GiB): the hypervisor's */
#define DOMCFG_MAX_DEVS		16

/* What to do when a domain powers off, reboots or crashes (xend's names). */
enum domcfg_action {
	ACTION_DESTROY,
	ACTION_RESTART,
	ACTION_PRESERVE,
	ACTION_RENAME_RESTART,
	ACTION_COREDUMP_DESTROY,
	ACTION_COREDUMP_RESTART,
};

enum domcfg_xend_start {
	XEND_START_IGNORE,
	XEND_START_START,
};

enum domcfg_xend_stop {
	XEND_STOP_IGNORE,
	XEND_STOP_SHUTDOWN,
	XEND_STOP_SUSPEND,
};

struct domcfg {
	char			 name[DOMCFG_NAME_MAX];
	uint8_t			 uuid[16];
	int			 has_uuid;
	uint64_t		 memory;	/* MiB */
	uint64_t		 maxmem;	/* MiB; = memory when unset */
	unsigned int		 vcpus;
	uint64_t		 cpumask;	/* affinity; all ones = any */
	char			 cpus[128];	/* as written, for display */
	unsigned int		 cpu_weight;	/* credit scheduler, 1..65535 */
	unsigned int		 cpu_cap;	/* percent of one CPU; 0 = none */
	int			 cpu_jit;	/* cpu = "jit": the translator */
	char			 kernel[1024];
	char			 ramdisk[1024];
	char			 cmdline[1024];	/* cmdline, or root= + extra */
	enum domcfg_action	 on_poweroff;
	enum domcfg_action	 on_reboot;
	enum domcfg_action	 on_crash;
	enum domcfg_xend_start	 on_xend_start;
	enum domcfg_xend_stop	 on_xend_stop;
	struct disk_spec	 disks[DOMCFG_MAX_DEVS];
	size_t			 ndisks;
	struct vif_spec		 vifs[DOMCFG_MAX_DEVS];
	size_t			 nvifs;
	struct vfb_spec		 vfb;		/* vfb = [...] or vnc = 1 */
};

/*
 * Parse and validate an xm/xl config file's text ('name' for messages).
 * Returns a config owned by the caller (domcfg_free), or NULL with *cause
 * "name:line: reason" (owned by the caller).  Unknown settings are errors
 * naming the setting.  Never exits.
 */
struct domcfg *domcfg_parse(const char *name, const char *text, size_t len,
	    char **cause);
void	 domcfg_free(struct domcfg *);

/* Is 'name' a valid domain name?  0, or -1 with *cause (caller frees). */
int	 domcfg_check_name(const char *name, char **cause);

/*
 * The config text with its name setting changed to 'name' (xm rename),
 * the rest byte for byte: a new string (caller frees), or NULL with
 * *cause (caller frees).
 */
char	*domcfg_rename_text(const char *file, const char *text,
	    const char *name, char **cause);

/* Fill in xend's defaults (what domcfg_parse starts from). */
void	 domcfg_defaults(struct domcfg *);

/* Names of actions etc. as written in config files. */
const char *domcfg_action_name(enum domcfg_action);

/* Write the config as a JSON object (the API's and the store's form). */
void	 domcfg_to_json(const struct domcfg *, struct json_w *);

#endif
