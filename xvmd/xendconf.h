/* Host settings of xvmd, with xend's names and defaults: SMF properties or a config file. */
#ifndef XVM_XVMD_XENDCONF_H
#define XVM_XVMD_XENDCONF_H

#include <stdint.h>

struct json_w;

enum xendconf_key {
	XC_UNIX_SERVER,			/* xend-unix-server (bool) */
	XC_RELOC_SERVER,		/* xend-relocation-server (bool) */
	XC_RELOC_PORT,			/* xend-relocation-port */
	XC_RELOC_ADDRESS,		/* xend-relocation-address */
	XC_RELOC_HOSTS_ALLOW,		/* xend-relocation-hosts-allow */
	XC_RELOC_SSL_SERVER,		/* xend-relocation-ssl-server (bool) */
	XC_RELOC_SSL_PORT,		/* xend-relocation-ssl-port */
	XC_RELOC_SSL,			/* xend-relocation-ssl (bool): sending */
	XC_RELOC_KEY,			/* xend-relocation-server-ssl-key-file */
	XC_RELOC_CERT,			/* xend-relocation-server-ssl-cert-file */
	XC_RELOC_CA,			/* xend-relocation-ssl-ca-file (ours) */
	XC_RELOC_TIMEOUT,		/* xend-relocation-timeout (s, ours) */
	XC_RELOC_DOWNTIME,		/* xend-relocation-max-downtime (ms, ours) */
	XC_RELOC_ITERS,			/* xend-relocation-max-iters (ours) */
	XC_DOM0_MIN_MEM,		/* dom0-min-mem (MiB) */
	XC_DOM0_CPUS,			/* dom0-cpus */
	XC_ENABLE_DUMP,			/* enable-dump (bool) */
	XC_VNC_LISTEN,			/* vnc-listen */
	XC_VNCPASSWD,			/* vncpasswd */
	XC_CONSOLE_LIMIT,		/* console-limit (KiB) */
	XC_SHUTDOWN_TIMEOUT,		/* shutdown-timeout (s), xm shutdown -w */
	XC_MEM_OVERCOMMIT,		/* memory-overcommit (bool), xVM's */
	XC_NKEYS
};

enum xendconf_type {
	XCT_BOOL,
	XCT_INT,
	XCT_STRING,
};

struct xendconf_def {
	const char		*name;		/* xend's name */
	enum xendconf_type	 type;
	const char		*dflt;		/* xend's default, as text */
	int64_t			 min, max;	/* XCT_INT */
	int			 at_start;	/* read at start only: a refresh
						   keeps the value in force */
};

/* The values in force, and where they came from ("default", a file, "smf"). */
struct xendconf {
	char		*value[XC_NKEYS];	/* owned */
	char		*source[XC_NKEYS];	/* owned */
};

extern const struct xendconf_def xendconf_defs[XC_NKEYS];

/* Fill with xend's defaults.  Free with xendconf_clear(). */
void	 xendconf_defaults(struct xendconf *);
void	 xendconf_clear(struct xendconf *);

/*
 * Apply an xend-config.sxp-style text: '(name value)' per setting, values
 * bare or quoted, '#' comments.  Unknown names and bad values fail with
 * *cause "name:line: reason" (owned by the caller) and change nothing.
 */
int	 xendconf_load_text(struct xendconf *, const char *name,
	    const char *text, char **cause);

/* The same from a file; a missing file is not an error (returns 1). */
int	 xendconf_load_file(struct xendconf *, const char *path, char **cause);

/*
 * Apply svcprop's output for the property group "config" ("config/NAME
 * TYPE VALUE" lines).  Unknown properties are ignored with their names in
 * *cause (a warning); bad values fail.
 */
int	 xendconf_load_svcprop(struct xendconf *, const char *text,
	    char **cause);

/*
 * A refresh (SIGHUP, svcadm refresh): take 'next' (freshly loaded) into
 * 'cur', except the settings read at start only, which keep their values
 * in force.  Returns a one-line account of what changed, and of what
 * waits for a restart, or NULL when nothing changed (caller frees).
 * 'next' is consumed.
 */
char	*xendconf_refresh(struct xendconf *cur, struct xendconf *next);

/* Set one value from text, checked against its type; source is copied.  0 or -1 + cause. */
int	 xendconf_set(struct xendconf *, const char *name, const char *value,
	    const char *source, char **cause);

const char *xendconf_str(const struct xendconf *, enum xendconf_key);
int64_t	 xendconf_int(const struct xendconf *, enum xendconf_key);
int	 xendconf_bool(const struct xendconf *, enum xendconf_key);

/* {"name": {"value": ..., "source": ...}, ...} */
void	 xendconf_to_json(const struct xendconf *, struct json_w *);

#endif
