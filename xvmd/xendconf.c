/* Host settings of xvmd, with xend's names and defaults: SMF properties or a config file. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/str.h"
#include "xvmd/xendconf.h"

const struct xendconf_def xendconf_defs[XC_NKEYS] = {
	[XC_UNIX_SERVER] = { "xend-unix-server", XCT_BOOL, "yes", 0, 0, 1 },
	[XC_RELOC_SERVER] = { "xend-relocation-server", XCT_BOOL, "no", 0, 0, 1 },
	[XC_RELOC_PORT] = { "xend-relocation-port", XCT_INT, "8002", 1, 65535, 1 },
	[XC_RELOC_ADDRESS] = { "xend-relocation-address", XCT_STRING, "", 0, 0,
	    1 },
	[XC_RELOC_HOSTS_ALLOW] = { "xend-relocation-hosts-allow", XCT_STRING,
	    "^localhost$ ^localhost\\.localdomain$", 0, 0, 1 },
	/* TLS by default, unlike xend (whose two were "no"). */
	[XC_RELOC_SSL_SERVER] = { "xend-relocation-ssl-server", XCT_BOOL, "yes",
	    0, 0, 1 },
	[XC_RELOC_SSL_PORT] = { "xend-relocation-ssl-port", XCT_INT, "8003", 1,
	    65535, 1 },
	[XC_RELOC_SSL] = { "xend-relocation-ssl", XCT_BOOL, "yes", 0, 0, 1 },
	/* "": <root>/etc/xvm/relocation/{host.key,host.crt,ca.crt} */
	[XC_RELOC_KEY] = { "xend-relocation-server-ssl-key-file", XCT_STRING,
	    "", 0, 0, 1 },
	[XC_RELOC_CERT] = { "xend-relocation-server-ssl-cert-file", XCT_STRING,
	    "", 0, 0, 1 },
	[XC_RELOC_CA] = { "xend-relocation-ssl-ca-file", XCT_STRING, "", 0, 0,
	    1 },
	[XC_RELOC_TIMEOUT] = { "xend-relocation-timeout", XCT_INT, "30", 1,
	    3600, 1 },
	[XC_RELOC_DOWNTIME] = { "xend-relocation-max-downtime", XCT_INT, "300",
	    1, 60000, 1 },
	[XC_RELOC_ITERS] = { "xend-relocation-max-iters", XCT_INT, "30", 1,
	    1000, 1 },
	[XC_DOM0_MIN_MEM] = { "dom0-min-mem", XCT_INT, "196", 0, 1 << 20, 0 },
	[XC_DOM0_CPUS] = { "dom0-cpus", XCT_INT, "0", 0, 1024, 0 },
	[XC_ENABLE_DUMP] = { "enable-dump", XCT_BOOL, "no", 0, 0, 0 },
	[XC_VNC_LISTEN] = { "vnc-listen", XCT_STRING, "127.0.0.1", 0, 0, 0 },
	[XC_VNCPASSWD] = { "vncpasswd", XCT_STRING, "", 0, 0, 0 },
	[XC_CONSOLE_LIMIT] = { "console-limit", XCT_INT, "1024", 1, 1 << 20, 0 },
	[XC_SHUTDOWN_TIMEOUT] = { "shutdown-timeout", XCT_INT, "60", 1, 86400,
	    0 },
	[XC_MEM_OVERCOMMIT] = { "memory-overcommit", XCT_BOOL, "no", 0, 0, 0 },
};

static int
find(const char *name)
{
	int	 i;

	for (i = 0; i < XC_NKEYS; i++)
		if (strcmp(xendconf_defs[i].name, name) == 0)
			return i;
	return -1;
}

/* xend accepted yes/no, true/false, 1/0 for booleans. */
static int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "1", "on" };
	static const char *const no[] = { "no", "false", "0", "off" };
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

void
xendconf_defaults(struct xendconf *xc)
{
	int	 i;

	for (i = 0; i < XC_NKEYS; i++) {
		xc->value[i] = strdup(xendconf_defs[i].dflt);
		xc->source[i] = strdup("default");
	}
}

void
xendconf_clear(struct xendconf *xc)
{
	int	 i;

	for (i = 0; i < XC_NKEYS; i++) {
		free(xc->value[i]);
		free(xc->source[i]);
		xc->value[i] = xc->source[i] = NULL;
	}
}

static int
check_value(int k, const char *value, char **cause)
{
	const struct xendconf_def	*d = &xendconf_defs[k];
	int64_t				 v;
	int				 b;

	switch (d->type) {
	case XCT_BOOL:
		if (parse_bool(value, &b) == -1)
			return cause_printf(cause, "%s: '%s' is not yes or no",
			    d->name, value);
		break;
	case XCT_INT:
		if (str_to_i64(value, d->min, d->max, &v) == -1)
			return cause_printf(cause, "%s: '%s' is not an integer from "
			    "%lld to %lld", d->name, value, (long long)d->min,
			    (long long)d->max);
		break;
	case XCT_STRING:
		if (strlen(value) > 1024)
			return cause_printf(cause, "%s: value too long", d->name);
		break;
	}
	return 0;
}

int
xendconf_set(struct xendconf *xc, const char *name, const char *value,
    const char *source, char **cause)
{
	char	*copy, *src;
	int	 k;

	if ((k = find(name)) == -1)
		return cause_printf(cause, "unknown setting '%s'", name);
	if (check_value(k, value, cause) == -1)
		return -1;
	if ((copy = strdup(value)) == NULL || (src = strdup(source)) == NULL) {
		free(copy);
		return cause_printf(cause, "out of memory");
	}
	free(xc->value[k]);
	free(xc->source[k]);
	xc->value[k] = copy;
	xc->source[k] = src;
	return 0;
}

/* One token: a bare word up to space or ')', or a quoted string. */
static const char *
token(const char *p, char *out, size_t size, int *ok)
{
	size_t	 n = 0;
	char	 q;

	*ok = 0;
	if (*p == '\'' || *p == '"') {
		q = *p++;
		while (*p != '\0' && *p != q && *p != '\n') {
			if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
				p++;
			if (n + 1 >= size)
				return p;
			out[n++] = *p++;
		}
		if (*p != q)
			return p;
		p++;
	} else {
		while (*p != '\0' && !isspace((unsigned char)*p) && *p != ')' &&
		    *p != '(') {
			if (n + 1 >= size)
				return p;
			out[n++] = *p++;
		}
		if (n == 0)
			return p;
	}
	out[n] = '\0';
	*ok = 1;
	return p;
}

/* Loaders work on a copy and commit it only when all went well. */
static void
copy_conf(struct xendconf *to, const struct xendconf *from)
{
	int	 i;

	for (i = 0; i < XC_NKEYS; i++) {
		to->value[i] = from->value[i] ? strdup(from->value[i]) : NULL;
		to->source[i] = from->source[i] ? strdup(from->source[i]) :
		    NULL;
	}
}

static void
commit_conf(struct xendconf *xc, struct xendconf *next)
{
	xendconf_clear(xc);
	*xc = *next;
}

int
xendconf_load_text(struct xendconf *xc, const char *name, const char *text,
    char **cause)
{
	struct xendconf	 next;
	const char	*p = text;
	char		 key[128], val[1100], *why = NULL;
	int		 line = 1, ok;

	copy_conf(&next, xc);
	while (*p != '\0') {
		if (*p == '\n') {
			line++;
			p++;
		} else if (isspace((unsigned char)*p))
			p++;
		else if (*p == '#') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (*p == '(') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			p = token(p, key, sizeof(key), &ok);
			if (!ok)
				goto syntax;
			while (*p == ' ' || *p == '\t')
				p++;
			p = token(p, val, sizeof(val), &ok);
			if (!ok)
				goto syntax;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p++ != ')')
				goto syntax;
			if (xendconf_set(&next, key, val, name, &why) == -1) {
				cause_printf(cause, "%s:%d: %s", name, line, why);
				free(why);
				goto bad;
			}
		} else
			goto syntax;
	}
	commit_conf(xc, &next);
	return 0;
syntax:
	cause_printf(cause, "%s:%d: expected '(name value)'", name, line);
bad:
	xendconf_clear(&next);
	return -1;
}

int
xendconf_load_file(struct xendconf *xc, const char *path, char **cause)
{
	FILE	*f;
	char	*text;
	long	 len;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 1;
		return cause_printf(cause, "%s: %s", path, strerror(errno));
	}
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > 1024 * 1024 || fseek(f, 0, SEEK_SET) == -1) {
		fclose(f);
		return cause_printf(cause, "%s: cannot read (or larger than 1 MiB)",
		    path);
	}
	if ((text = calloc(1, (size_t)len + 1)) == NULL ||
	    fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		fclose(f);
		return cause_printf(cause, "%s: read failed", path);
	}
	fclose(f);
	rc = xendconf_load_text(xc, path, text, cause);
	free(text);
	return rc;
}

/* "a\ b\\c" -> "a b\c", in place. */
static void
unescape(char *s)
{
	char	*out = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*out++ = *s;
	}
	*out = '\0';
}

int
xendconf_load_svcprop(struct xendconf *xc, const char *text, char **cause)
{
	struct xendconf	 next;
	const char	*p = text, *nl;
	char		 line[1300], *name, *type, *value, *why = NULL;
	size_t		 len;

	copy_conf(&next, xc);

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		if (len == 0)
			continue;
		if (len >= sizeof(line)) {
			xendconf_clear(&next);
			return cause_printf(cause, "svcprop: line too long");
		}
		memcpy(line, p, len);
		line[len] = '\0';
		/* "config/NAME TYPE VALUE"; VALUE may hold spaces or be empty. */
		name = line;
		if ((type = strchr(name, ' ')) == NULL) {
			xendconf_clear(&next);
			return cause_printf(cause, "svcprop: malformed line '%s'",
			    line);
		}
		*type++ = '\0';
		if ((value = strchr(type, ' ')) != NULL)
			*value++ = '\0';
		else
			value = type + strlen(type);
		if (!str_has_prefix(name, "config/"))
			continue;
		name += strlen("config/");
		/* svcprop writes "" for an empty string and escapes spaces
		 * and backslashes with a backslash: undo both. */
		if (strcmp(value, "\"\"") == 0)
			value[0] = '\0';
		unescape(value);
		if (find(name) == -1)
			continue;
		if (xendconf_set(&next, name, value, "smf", &why) == -1) {
			cause_printf(cause, "svc:/system/xvm/xend:default: %s", why);
			free(why);
			xendconf_clear(&next);
			return -1;
		}
	}
	commit_conf(xc, &next);
	return 0;
}

char *
xendconf_refresh(struct xendconf *cur, struct xendconf *next)
{
	struct buf	 now = BUF_INITIALIZER, later = BUF_INITIALIZER;
	char		*out = NULL;
	int		 i;

	for (i = 0; i < XC_NKEYS; i++) {
		const char *a = xendconf_str(cur, (enum xendconf_key)i);
		const char *b = xendconf_str(next, (enum xendconf_key)i);

		if (strcmp(a, b) == 0)
			continue;
		if (i == XC_VNCPASSWD) {	/* a secret: never logged */
			buf_printf(&now, "%s%s changed", buf_len(&now) ? ", " :
			    "", xendconf_defs[i].name);
			continue;
		}
		if (!xendconf_defs[i].at_start) {
			buf_printf(&now, "%s%s %s -> %s", buf_len(&now) ? ", " :
			    "", xendconf_defs[i].name, *a ? a : "\"\"",
			    *b ? b : "\"\"");
			continue;
		}
		buf_printf(&later, "%s%s %s", buf_len(&later) ? ", " : "",
		    xendconf_defs[i].name, *b ? b : "\"\"");
		/* The value read at start stays in force. */
		free(next->value[i]);
		free(next->source[i]);
		next->value[i] = cur->value[i] ? strdup(cur->value[i]) : NULL;
		next->source[i] = cur->source[i] ? strdup(cur->source[i]) :
		    NULL;
	}
	if (buf_len(&now) || buf_len(&later)) {
		buf_printf(&now, "%s%s%s",
		    buf_len(&now) ? "" : "nothing that applies now",
		    buf_len(&later) ? "; at the next start of xvmd: " : "",
		    buf_len(&later) ? buf_cstr(&later) : "");
		out = buf_release(&now, NULL);
	}
	buf_free(&now);
	buf_free(&later);
	xendconf_clear(cur);
	*cur = *next;
	return out;
}

const char *
xendconf_str(const struct xendconf *xc, enum xendconf_key k)
{
	return xc->value[k] ? xc->value[k] : xendconf_defs[k].dflt;
}

int64_t
xendconf_int(const struct xendconf *xc, enum xendconf_key k)
{
	int64_t	 v;

	if (str_to_i64(xendconf_str(xc, k), INT64_MIN, INT64_MAX, &v) == -1)
		return 0;
	return v;
}

int
xendconf_bool(const struct xendconf *xc, enum xendconf_key k)
{
	int	 b;

	return parse_bool(xendconf_str(xc, k), &b) == 0 ? b : 0;
}

void
xendconf_to_json(const struct xendconf *xc, struct json_w *w)
{
	int	 i;

	json_w_obj_open(w);
	for (i = 0; i < XC_NKEYS; i++) {
		json_w_key(w, xendconf_defs[i].name);
		json_w_obj_open(w);
		json_w_key(w, "value");
		switch (xendconf_defs[i].type) {
		case XCT_BOOL:
			json_w_bool(w, xendconf_bool(xc, (enum xendconf_key)i));
			break;
		case XCT_INT:
			json_w_i64(w, xendconf_int(xc, (enum xendconf_key)i));
			break;
		case XCT_STRING:
			/* The VNC password is a secret: only whether it is set. */
			json_w_str(w, i == XC_VNCPASSWD &&
			    *xendconf_str(xc, XC_VNCPASSWD) ? "XXXXXXXX" :
			    xendconf_str(xc, (enum xendconf_key)i));
			break;
		}
		json_w_kstr(w, "source", xc->source[i] ? xc->source[i] :
		    "default");
		json_w_obj_close(w);
	}
	json_w_obj_close(w);
}
