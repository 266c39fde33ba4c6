/* A domain's configuration: the xm/xl settings xvmd understands, validated. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "xvmd/cfgfile.h"
#include "xvmd/domcfg.h"

/*
 * Each setting a config file may hold, with the type it must have and the
 * function that checks and stores it.  A handler returns 0, or -1 with
 * *cause set to a reason without location; the caller adds "file:line:".
 */
struct setting {
	const char	*key;
	enum cfg_type	 type;
	int		 list_of_str;	/* CFG_LIST whose items are strings */
	int		 (*set)(struct domcfg *, const struct cfg_value *,
			    char **);
};

/* Settings that combine into the kernel command line. */
struct cmdparts {
	const char	*cmdline, *root, *extra;
};

static int
set_name(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	const char	*s = v->s;
	size_t		 i;
	int		 digits = 1;

	if (*s == '\0')
		return cause_printf(cause, "name is empty");
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("_.-+", s[i]) ==
		    NULL)
			return cause_printf(cause, "name '%s' has a character other "
			    "than letters, digits, '_', '.', '-', '+'", s);
		if (!isdigit((unsigned char)s[i]))
			digits = 0;
	}
	if (digits)
		return cause_printf(cause, "name '%s' is a number (it would read as "
		    "a domain ID)", s);
	if (strcmp(s, "Domain-0") == 0)
		return cause_printf(cause, "name 'Domain-0' is reserved");
	if (str_copy(dc->name, s, sizeof(dc->name)) == -1)
		return cause_printf(cause, "name longer than %d characters",
		    DOMCFG_NAME_MAX - 1);
	return 0;
}

static int
set_uuid(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (uuid_parse(v->s, dc->uuid) == -1)
		return cause_printf(cause, "uuid '%s' is not of the form "
		    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", v->s);
	if (uuid_is_nil(dc->uuid))
		return cause_printf(cause, "uuid '%s' is Domain-0's (all zeros)",
		    v->s);
	dc->has_uuid = 1;
	return 0;
}

static int
int_range(const struct cfg_value *v, const char *key, int64_t min,
    int64_t max, char **cause)
{
	if (v->i < min || v->i > max)
		return cause_printf(cause, "%s = %lld is out of range %lld to %lld",
		    key, (long long)v->i, (long long)min, (long long)max);
	return 0;
}

/* memory and maxmem, in MiB: what the builder and the hypervisor take. */
static int
mem_range(const struct cfg_value *v, const char *key, char **cause)
{
	if (v->i < DOMCFG_MIN_MEMORY)
		return cause_printf(cause, "%s = %lld is below the minimum of "
		    "%d MiB", key, (long long)v->i, DOMCFG_MIN_MEMORY);
	if (v->i > DOMCFG_MAX_MEMORY)
		return cause_printf(cause, "%s = %lld is more than the "
		    "hypervisor's limit of %d MiB (256 GiB)", key,
		    (long long)v->i, DOMCFG_MAX_MEMORY);
	return 0;
}

static int
set_memory(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (mem_range(v, "memory", cause) == -1)
		return -1;
	dc->memory = (uint64_t)v->i;
	return 0;
}

static int
set_maxmem(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (mem_range(v, "maxmem", cause) == -1)
		return -1;
	dc->maxmem = (uint64_t)v->i;
	return 0;
}

static int
set_vcpus(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (v->i < 1 || v->i > DOMCFG_MAX_VCPUS)
		return cause_printf(cause, "vcpus = %lld is out of range: a "
		    "domain has 1 to %d vCPUs (the hypervisor's limit)",
		    (long long)v->i, DOMCFG_MAX_VCPUS);
	dc->vcpus = (unsigned int)v->i;
	return 0;
}

static int
set_weight(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (int_range(v, "cpu_weight", 1, 65535, cause) == -1)
		return -1;
	dc->cpu_weight = (unsigned int)v->i;
	return 0;
}

static int
set_cap(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (int_range(v, "cpu_cap", 0, 100 * DOMCFG_MAX_VCPUS, cause) == -1)
		return -1;
	dc->cpu_cap = (unsigned int)v->i;
	return 0;
}

static int
set_cpu(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (strcmp(v->s, "interp") == 0)
		dc->cpu_jit = 0;
	else if (strcmp(v->s, "jit") == 0)
		dc->cpu_jit = 1;
	else
		return cause_printf(cause, "cpu = \"%s\": not a CPU engine "
		    "(interp or jit)", v->s);
	return 0;
}

static int
set_cpus(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	char	 text[128];
	size_t	 i, n = 0;
	int	 w;

	if (v->type == CFG_STR) {
		if (str_copy(text, v->s, sizeof(text)) == -1)
			return cause_printf(cause, "cpus value too long");
	} else {
		/* cpus = [0, 2, 3]: the list form. */
		text[0] = '\0';
		for (i = 0; i < v->nitems; i++) {
			if (v->items[i].type != CFG_INT)
				return cause_printf(cause, "cpus list items must be "
				    "integers");
			w = snprintf(text + n, sizeof(text) - n, "%s%lld",
			    i ? "," : "", (long long)v->items[i].i);
			if (w < 0 || (size_t)w >= sizeof(text) - n)
				return cause_printf(cause, "cpus list too long");
			n += (size_t)w;
		}
	}
	if (cpumask_parse(text, &dc->cpumask, cause) == -1)
		return -1;
	strlcpy(dc->cpus, text, sizeof(dc->cpus));
	return 0;
}

static int
set_path(char *dst, size_t size, const char *key, const char *s,
    char **cause)
{
	if (*s == '\0')
		return cause_printf(cause, "%s is empty", key);
	if (s[0] != '/')
		return cause_printf(cause, "%s '%s' must be an absolute path", key, s);
	if (str_copy(dst, s, size) == -1)
		return cause_printf(cause, "%s path too long", key);
	return 0;
}

static int
set_kernel(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	return set_path(dc->kernel, sizeof(dc->kernel), "kernel", v->s, cause);
}

static int
set_ramdisk(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	return set_path(dc->ramdisk, sizeof(dc->ramdisk), "ramdisk", v->s,
	    cause);
}

/* cmdline/root/extra are combined after all settings are read. */
static int
set_cmdpart(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	(void)dc;
	if (strlen(v->s) >= sizeof(dc->cmdline))
		return cause_printf(cause, "value longer than %zu characters",
		    sizeof(dc->cmdline) - 1);
	return 0;
}

static const char *const action_names[] = {
	[ACTION_DESTROY] = "destroy",
	[ACTION_RESTART] = "restart",
	[ACTION_PRESERVE] = "preserve",
	[ACTION_RENAME_RESTART] = "rename-restart",
	[ACTION_COREDUMP_DESTROY] = "coredump-destroy",
	[ACTION_COREDUMP_RESTART] = "coredump-restart",
};

const char *
domcfg_action_name(enum domcfg_action a)
{
	return (size_t)a < sizeof(action_names) / sizeof(action_names[0]) ?
	    action_names[a] : "?";
}

static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static int
set_action(enum domcfg_action *dst, const char *key, const char *s,
    char **cause)
{
	int	 a;

	a = lookup(action_names, sizeof(action_names) / sizeof(action_names[0]),
	    s);
	if (a == -1)
		return cause_printf(cause, "%s = '%s': expected destroy, restart, "
		    "preserve, rename-restart, coredump-destroy or "
		    "coredump-restart", key, s);
	*dst = (enum domcfg_action)a;
	return 0;
}

static int
set_on_poweroff(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	return set_action(&dc->on_poweroff, "on_poweroff", v->s, cause);
}

static int
set_on_reboot(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	return set_action(&dc->on_reboot, "on_reboot", v->s, cause);
}

static int
set_on_crash(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	return set_action(&dc->on_crash, "on_crash", v->s, cause);
}

static const char *const xend_start_names[] = {
	[XEND_START_IGNORE] = "ignore",
	[XEND_START_START] = "start",
};

static const char *const xend_stop_names[] = {
	[XEND_STOP_IGNORE] = "ignore",
	[XEND_STOP_SHUTDOWN] = "shutdown",
	[XEND_STOP_SUSPEND] = "suspend",
};

static int
set_on_xend_start(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	int	 a = lookup(xend_start_names, 2, v->s);

	if (a == -1)
		return cause_printf(cause, "on_xend_start = '%s': expected ignore or "
		    "start", v->s);
	dc->on_xend_start = (enum domcfg_xend_start)a;
	return 0;
}

static int
set_on_xend_stop(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	int	 a = lookup(xend_stop_names, 3, v->s);

	if (a == -1)
		return cause_printf(cause, "on_xend_stop = '%s': expected ignore, "
		    "shutdown or suspend", v->s);
	dc->on_xend_stop = (enum domcfg_xend_stop)a;
	return 0;
}

static int
set_disk(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	size_t	 i, j;

	if (v->nitems > DOMCFG_MAX_DEVS)
		return cause_printf(cause, "more than %d disks", DOMCFG_MAX_DEVS);
	for (i = 0; i < v->nitems; i++) {
		if (disk_spec_parse(v->items[i].s, &dc->disks[i], cause) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(dc->disks[j].vdev, dc->disks[i].vdev) == 0)
				return cause_printf(cause, "disk device '%s' used "
				    "twice", dc->disks[i].vdev);
	}
	dc->ndisks = v->nitems;
	return 0;
}

static int
set_vif(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	size_t	 i;

	if (v->nitems > DOMCFG_MAX_DEVS)
		return cause_printf(cause, "more than %d vifs", DOMCFG_MAX_DEVS);
	for (i = 0; i < v->nitems; i++) {
		if (vif_spec_parse(v->items[i].s, &dc->vifs[i], cause) == -1)
			return -1;
		dc->vifs[i].line = v->items[i].line;
	}
	dc->nvifs = v->nitems;
	return 0;
}

/*
 * The display: one vfb entry, or the HVM-style top-level keys (the same
 * settings, vfbspec.c).
 */
static int
set_vfb(struct domcfg *dc, const struct cfg_value *v, char **cause)
{
	if (v->nitems > 1)
		return cause_printf(cause, "more than one vfb");
	if (v->nitems == 1 && vfb_spec_parse(v->items[0].s, &dc->vfb,
	    cause) == -1)
		return -1;
	return 0;
}

static int
set_vnckey(struct domcfg *dc, const char *key, const struct cfg_value *v,
    char **cause)
{
	char	num[24];

	if (v->type == CFG_INT) {
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		return vfb_set(&dc->vfb, key, num, cause);
	}
	return vfb_set(&dc->vfb, key, v->s, cause);
}

#define VNCKEY(fn, key)							\
static int								\
fn(struct domcfg *dc, const struct cfg_value *v, char **cause)		\
{									\
	return set_vnckey(dc, key, v, cause);				\
}
VNCKEY(set_vnc, "vnc")
VNCKEY(set_vncdisplay, "vncdisplay")
VNCKEY(set_vncunused, "vncunused")
VNCKEY(set_vnclisten, "vnclisten")
VNCKEY(set_vncpasswd, "vncpasswd")
VNCKEY(set_sdl, "sdl")
VNCKEY(set_keymap, "keymap")

/* cpus accepts a string or a list: its type is checked by its handler. */
#define CFG_ANY	((enum cfg_type)-1)

static const struct setting settings[] = {
	{ "name",		CFG_STR,  0, set_name },
	{ "uuid",		CFG_STR,  0, set_uuid },
	{ "memory",		CFG_INT,  0, set_memory },
	{ "maxmem",		CFG_INT,  0, set_maxmem },
	{ "vcpus",		CFG_INT,  0, set_vcpus },
	{ "cpus",		CFG_ANY,  0, set_cpus },
	{ "cpu_weight",		CFG_INT,  0, set_weight },
	{ "cpu_cap",		CFG_INT,  0, set_cap },
	{ "cpu",		CFG_STR,  0, set_cpu },
	{ "kernel",		CFG_STR,  0, set_kernel },
	{ "ramdisk",		CFG_STR,  0, set_ramdisk },
	{ "cmdline",		CFG_STR,  0, set_cmdpart },
	{ "root",		CFG_STR,  0, set_cmdpart },
	{ "extra",		CFG_STR,  0, set_cmdpart },
	{ "on_poweroff",	CFG_STR,  0, set_on_poweroff },
	{ "on_reboot",		CFG_STR,  0, set_on_reboot },
	{ "on_crash",		CFG_STR,  0, set_on_crash },
	{ "on_xend_start",	CFG_STR,  0, set_on_xend_start },
	{ "on_xend_stop",	CFG_STR,  0, set_on_xend_stop },
	{ "disk",		CFG_LIST, 1, set_disk },
	{ "vif",		CFG_LIST, 1, set_vif },
	{ "vfb",		CFG_LIST, 1, set_vfb },
	{ "vnc",		CFG_INT,  0, set_vnc },
	{ "vncdisplay",		CFG_INT,  0, set_vncdisplay },
	{ "vncunused",		CFG_INT,  0, set_vncunused },
	{ "vnclisten",		CFG_STR,  0, set_vnclisten },
	{ "vncpasswd",		CFG_STR,  0, set_vncpasswd },
	{ "sdl",		CFG_INT,  0, set_sdl },
	{ "keymap",		CFG_STR,  0, set_keymap },
};

void
domcfg_defaults(struct domcfg *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->memory = 128;
	dc->vcpus = 1;
	dc->cpumask = UINT64_MAX;
	dc->cpu_weight = 256;
	dc->on_poweroff = ACTION_DESTROY;
	dc->on_reboot = ACTION_RESTART;
	dc->on_crash = ACTION_RESTART;
	dc->vfb.display = -1;
}

static int
check_type(const struct setting *st, const struct cfg_entry *e, char **cause)
{
	size_t	 i;

	if (st->type == CFG_ANY) {
		if (e->value.type == CFG_INT)
			return cause_printf(cause, "%s must be a string or a list",
			    st->key);
		return 0;
	}
	if (e->value.type != st->type)
		return cause_printf(cause, "%s must be %s %s, not %s %s", st->key,
		    st->type == CFG_INT ? "an" : "a", cfg_type_name(st->type),
		    e->value.type == CFG_INT ? "an" : "a",
		    cfg_type_name(e->value.type));
	for (i = 0; st->list_of_str && i < e->value.nitems; i++)
		if (e->value.items[i].type != CFG_STR)
			return cause_printf(cause, "%s must be a list of strings",
			    st->key);
	return 0;
}

/* Combine cmdline, or root= and extra, into dc->cmdline. */
static int
build_cmdline(struct domcfg *dc, const struct cfg_file *cf, char **cause)
{
	const struct cfg_entry	*cmd, *root, *extra;
	int			 n;

	cmd = cfg_find(cf, "cmdline");
	root = cfg_find(cf, "root");
	extra = cfg_find(cf, "extra");
	if (cmd != NULL) {
		if (root != NULL || extra != NULL)
			return cause_printf(cause, "%s:%d: cmdline cannot be combined "
			    "with root or extra", cf->name, cmd->line);
		strlcpy(dc->cmdline, cmd->value.s, sizeof(dc->cmdline));
		return 0;
	}
	n = snprintf(dc->cmdline, sizeof(dc->cmdline), "%s%s%s%s",
	    root ? "root=" : "", root ? root->value.s : "",
	    root && extra ? " " : "", extra ? extra->value.s : "");
	if (n < 0 || (size_t)n >= sizeof(dc->cmdline))
		return cause_printf(cause, "%s:%d: root and extra together are "
		    "longer than %zu characters", cf->name,
		    (extra ? extra : root)->line, sizeof(dc->cmdline) - 1);
	return 0;
}

static int
validate(struct domcfg *dc, const struct cfg_file *cf, char **cause)
{
	const struct cfg_entry	*e;

	if (dc->name[0] == '\0')
		return cause_printf(cause, "%s: name is not set", cf->name);
	if (dc->kernel[0] == '\0')
		return cause_printf(cause, "%s: kernel is not set", cf->name);
	if (dc->maxmem == 0)
		dc->maxmem = dc->memory;
	if (dc->maxmem < dc->memory) {
		e = cfg_find(cf, "maxmem");
		return cause_printf(cause, "%s:%d: maxmem (%llu) is less than memory "
		    "(%llu)", cf->name, e ? e->line : 0,
		    (unsigned long long)dc->maxmem,
		    (unsigned long long)dc->memory);
	}
	if (dc->cpu_cap > 100 * dc->vcpus) {
		e = cfg_find(cf, "cpu_cap");
		return cause_printf(cause, "%s:%d: cpu_cap %u is more than %u (100 "
		    "per vCPU)", cf->name, e ? e->line : 0, dc->cpu_cap,
		    100 * dc->vcpus);
	}
	return build_cmdline(dc, cf, cause);
}

struct domcfg *
domcfg_parse(const char *name, const char *text, size_t len, char **cause)
{
	struct cfg_file		*cf;
	struct domcfg		*dc;
	const struct cfg_entry	*e;
	const struct setting	*st;
	char			*why = NULL;
	size_t			 i, j;

	*cause = NULL;
	if ((cf = cfg_parse(name, text, len, cause)) == NULL)
		return NULL;
	if ((dc = malloc(sizeof(*dc))) == NULL) {
		cfg_free(cf);
		*cause = strdup("out of memory");
		return NULL;
	}
	domcfg_defaults(dc);
	for (i = 0; i < cf->nentries; i++) {
		e = &cf->entries[i];
		st = NULL;
		for (j = 0; j < sizeof(settings) / sizeof(settings[0]); j++)
			if (strcmp(settings[j].key, e->key) == 0)
				st = &settings[j];
		if (st == NULL) {
			cause_printf(cause, "%s:%d: unknown setting '%s'", name,
			    e->line, e->key);
			goto bad;
		}
		if (check_type(st, e, &why) == -1 ||
		    st->set(dc, &e->value, &why) == -1) {
			cause_printf(cause, "%s:%d: %s", name, e->line,
			    why ? why : "out of memory");
			goto bad;
		}
	}
	if (validate(dc, cf, cause) == -1)
		goto bad;
	cfg_free(cf);
	return dc;
bad:
	free(why);
	free(dc);
	cfg_free(cf);
	return NULL;
}

int
domcfg_check_name(const char *name, char **cause)
{
	struct domcfg		 dc;
	struct cfg_value	 v = { .type = CFG_STR };

	v.s = (char *)(uintptr_t)name;
	*cause = NULL;
	return set_name(&dc, &v, cause);
}

char *
domcfg_rename_text(const char *file, const char *text, const char *name,
    char **cause)
{
	const struct cfg_entry	*e;
	struct cfg_file		*cf;
	char			*out = NULL;

	if (domcfg_check_name(name, cause) == -1)
		return NULL;
	if ((cf = cfg_parse(file, text, strlen(text), cause)) == NULL)
		return NULL;
	if ((e = cfg_find(cf, "name")) == NULL)
		cause_printf(cause, "%s: name is not set", file);
	else if (asprintf(&out, "%.*s\"%s\"%s", (int)e->value.off, text, name,
	    text + e->value.end) == -1) {
		out = NULL;
		cause_printf(cause, "out of memory");
	}
	cfg_free(cf);
	return out;
}

void
domcfg_free(struct domcfg *dc)
{
	free(dc);
}
