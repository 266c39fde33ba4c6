/* A config file's disk = [...] and vif = [...] rewritten (devtext.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "xvmd/cfgfile.h"
#include "xvmd/devspec.h"
#include "xvmd/devtext.h"

int
devtext_disk(const struct disk_spec *d, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len, "%s:%s,%s%s,%s",
	    d->backend == DISK_PHY ? "phy" : "file", d->target, d->vdev,
	    d->cdrom ? ":cdrom" : "", !d->writable ? "r" : d->shared ? "w!" :
	    "w");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
devtext_vif(const struct vif_spec *v, char *buf, size_t len)
{
	const struct {
		const char	*key;
		const char	*val;
	} kv[] = {
		{ "bridge", v->bridge }, { "ip", v->ip }, { "model", v->model },
		{ "type", v->type }, { "script", v->script },
		{ "vifname", v->vifname },
	};
	size_t	 i, off;
	int	 n;

	n = snprintf(buf, len, "mac=%02x:%02x:%02x:%02x:%02x:%02x",
	    v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
	if (n < 0 || (size_t)n >= len)
		return -1;
	off = (size_t)n;
	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		if (kv[i].val[0] == '\0')
			continue;
		n = snprintf(buf + off, len - off, ",%s=%s", kv[i].key,
		    kv[i].val);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Append s to the growing string *out (of *len bytes); -1 on no memory. */
static int
grow(char **out, size_t *len, const char *s, size_t n)
{
	char	*p;

	if ((p = realloc(*out, *len + n + 1)) == NULL)
		return -1;
	memcpy(p + *len, s, n);
	*len += n;
	p[*len] = '\0';
	*out = p;
	return 0;
}

/* [ 'a', 'b' ] with \ and ' escaped as the reader (cfgfile.h) wants. */
static char *
list_text(char *const *items, size_t n)
{
	char	*out = NULL;
	size_t	 len = 0, i;
	const char *c;
	int	 rc;

	rc = grow(&out, &len, "[", 1);
	for (i = 0; i < n && rc == 0; i++) {
		rc = grow(&out, &len, i == 0 ? " '" : ", '", i == 0 ? 2 : 3);
		for (c = items[i]; *c != '\0' && rc == 0; c++) {
			if (*c == '\\' || *c == '\'')
				rc = grow(&out, &len, "\\", 1);
			if (rc == 0)
				rc = grow(&out, &len, c, 1);
		}
		if (rc == 0)
			rc = grow(&out, &len, "'", 1);
	}
	if (rc == 0)
		rc = grow(&out, &len, n > 0 ? " ]" : "]", n > 0 ? 2 : 1);
	if (rc == -1) {
		free(out);
		return NULL;
	}
	return out;
}

char *
devtext_set_list(const char *file, const char *text, const char *key,
    char *const *items, size_t n, char **cause)
{
	const struct cfg_entry	*e;
	struct cfg_file		*cf;
	char			*list, *out = NULL;
	size_t			 tlen = strlen(text);
	int			 rc;

	if ((cf = cfg_parse(file, text, tlen, cause)) == NULL)
		return NULL;
	if ((list = list_text(items, n)) == NULL) {
		cause_printf(cause, "out of memory");
		goto out;
	}
	e = cfg_find(cf, key);
	if (e != NULL && e->value.type != CFG_LIST) {
		cause_printf(cause, "%s:%d: %s must be a list (it is %s)", file,
		    e->line, key, cfg_type_name(e->value.type));
		goto out;
	}
	if (e != NULL)
		rc = asprintf(&out, "%.*s%s%s", (int)e->value.off, text, list,
		    text + e->value.end);
	else
		rc = asprintf(&out, "%s%s%s = %s\n", text,
		    tlen > 0 && text[tlen - 1] != '\n' ? "\n" : "", key, list);
	if (rc == -1) {
		out = NULL;
		cause_printf(cause, "out of memory");
	}
out:
	free(list);
	cfg_free(cf);
	return out;
}
