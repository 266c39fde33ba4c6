/* xm: the xVM admin CLI.  Shared declarations of the command files. */
#ifndef XVM_TOOLS_XM_H
#define XVM_TOOLS_XM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yajl/yajl_tree.h>

struct json_w;
struct option;

/* One subcommand, as tmux's cmd_entry: one file per command. */
struct cmd_entry {
	const char	*name;
	const char	*alias;		/* or NULL */
	const char	*args;		/* usage after the name */
	const char	*help;		/* one line for 'xm help' */
	const char	*opts;		/* getopt string, leading '+' implied */
	const struct option *longopts;	/* getopt_long's, or NULL */
	int		 min_args, max_args;	/* after options; -1 = any */
	int		 (*exec)(int argc, char **argv);	/* 0 or 1 */
};

/*
 * Call xvmd: METHOD URI with an optional JSON body (a finished writer, or
 * NULL).  On a 2xx reply returns 0 and, if reply != NULL, the parsed
 * document (caller frees with json_free).  Otherwise prints the one-line
 * error ("Error: message") and returns 1.
 */
int	 xm_call(const char *method, const char *uri, struct json_w *body,
	    yajl_val *reply);

/* A GET that prints nothing on failure (for polling); 0 or 1. */
int	 xm_call_quiet(const char *method, const char *uri, yajl_val *reply);

/* The same, with a timeout in ms (0 = none) for long operations. */
int	 xm_call_timeout(const char *method, const char *uri,
	    struct json_w *body, yajl_val *reply, int timeout_ms);

/* "Error: ..." on stderr; returns 1 so callers can 'return xm_error(...)'. */
int	 xm_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the usage line of a command and return 1. */
int	 xm_usage(const struct cmd_entry *);

/* The URI of a domain route: "/domains/<escaped dom><suffix>" (caller frees). */
char	*xm_dom_uri(const char *dom, const char *suffix);

/* "/managed/<escaped dom>" (caller frees). */
char	*xm_managed_uri(const char *dom);

/* POST/PUT a domain route with an optional body; 0 or 1. */
int	 xm_dom_op(const char *method, const char *dom, const char *suffix,
	    struct json_w *body);

/*
 * An absolute path for xvmd, which runs elsewhere: a relative one is the
 * caller's (its directory must exist; the file need not).  Caller frees;
 * NULL after printing the error.
 */
char	*xm_absolute(const char *path);

/* Read a whole file (at most 1 MiB) into a NUL-terminated string. */
char	*xm_read_file(const char *path, size_t *lenp);

/*
 * Formatting of replies (format.c), in Xen 3 xm's columns; each writes to
 * the stream given.  'doms' are domain objects as GET /domains lists them.
 */
void	 fmt_state(char out[7], yajl_val dom);
void	 fmt_list(FILE *, const yajl_val *doms, size_t n);
/* xm list -l: each domain as Xen 3's (domain ...) SXP (fmt_sxp.c). */
void	 fmt_list_long(FILE *, const yajl_val *doms, size_t n);
void	 fmt_pairs(FILE *, yajl_val pairs, int keywidth);
void	 fmt_vcpu_list(FILE *, const yajl_val *doms, size_t n);
void	 fmt_uptime(FILE *, const yajl_val *doms, size_t n, int short_form);

/*
 * xm block-list / network-list (fmt_dev.c): 'devs' is the devices array
 * of GET /domains/:dom/devices/:kind ("vbd" or "vif"), in Xen 3.4 xm's
 * columns, or with 'longfmt' each device as an SXP list.
 */
void	 fmt_dev_list(FILE *, yajl_val devs, const char *kind, int longfmt);

/* xm top's lines, in xentop's columns (top.c); host_kib 0 if unknown. */
void	 top_header(FILE *);
void	 top_state(char out[7], yajl_val dom);
void	 top_row(FILE *, yajl_val dom, double cpu_pct, int64_t host_kib);

/* Each domain's record as indented JSON (xm list --json). */
void	 fmt_json(FILE *, const yajl_val *doms, size_t n);

/*
 * SXP, as Xen 3's xm printed it (fmt_sxp.c): a domain record with its
 * config ("xm list -l": (domain ...)) or a config alone ("xm create -n":
 * (vm ...)).  The tree is owned by the caller (sxp_free).
 */
struct sxp;
struct sxp *sxp_of_domain(yajl_val dom);
struct sxp *sxp_of_config(yajl_val cfg);

/*
 * The domains named on a command line, or all domains when none is named:
 * fills doms and n with borrowed nodes of the replies (free with
 * xm_domains_free).  Returns 0, or 1 after printing the error for a
 * domain that does not exist (the others are still returned).
 */
struct xm_domains {
	yajl_val	*replies;
	size_t		 nreplies;
	yajl_val	*doms;
	size_t		 n;
};
int	 xm_domains_get(struct xm_domains *, int argc, char **argv,
	    const char *query);
void	 xm_domains_free(struct xm_domains *);

/*
 * Config files (cfgargs.c).  xm_config_find: NAME as given, else the first
 * DIR/NAME of 'path' (NULL: $XM_CONFIG_PATH, else ".:<root>/etc/xvm");
 * the path found (caller frees), or NULL after printing the error.
 * xm_is_override: whether an argument is a KEY=VALUE setting.
 * xm_config_amend: the file's text with the settings 'overrides' (n of
 * them) replacing or joining its own (caller frees), or NULL after
 * printing the error.
 */
char	*xm_config_find(const char *name, const char *path);
int	 xm_is_override(const char *arg);
char	*xm_config_amend(const char *file, const char *text, size_t len,
	    char **overrides, int n);

extern const struct cmd_entry *const xm_commands[];

#endif
