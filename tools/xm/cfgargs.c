/*
 * Config files as Xen 3's xm found and amended them: "xm create NAME"
 * tries NAME as given, then each directory of the search path (--path,
 * else $XM_CONFIG_PATH, else ".:<root>/etc/xvm"), and "KEY=VALUE"
 * arguments after it override the file's settings.
 *
 * Overrides: the file is parsed with xvmd's reader, then written out
 * again setting by setting, an overridden key's value replaced where it
 * stood and new keys appended, so the text posted to xvmd sets each key
 * once (the reader refuses a key set twice).  A VALUE that reads as a
 * config value (2, "a b", ['x']) is one; anything else is a string, so
 * "name=web2" needs no quotes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "tools/xm/xm.h"
#include "xvmd/cfgfile.h"

char *
xm_config_find(const char *name, const char *path)
{
	char	*list, *dir, *save = NULL, *try, *etc, *searched;

	if (name[0] == '/' || access(name, F_OK) == 0)
		return xstrdup(name);
	if (path == NULL)
		path = getenv("XM_CONFIG_PATH");
	if ((etc = xvm_path(XVM_ETC_DIR)) == NULL) {
		xm_error("%s: %s", name, strerror(errno));
		return NULL;
	}
	if (path == NULL || *path == '\0')
		xasprintf(&list, ".:%s", etc);
	else
		list = xstrdup(path);
	free(etc);
	searched = xstrdup(list);
	for (dir = strtok_r(list, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		xasprintf(&try, "%s/%s", dir, name);
		if (access(try, F_OK) == 0) {
			free(list);
			free(searched);
			return try;
		}
		free(try);
	}
	xm_error("Unable to open config file: %s (searched %s)", name,
	    searched);
	free(list);
	free(searched);
	return NULL;
}

static void
put_string(struct buf *b, const char *s)
{
	buf_add_byte(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			buf_add_str(b, "\\n");
		else if (*s == '\t')
			buf_add_str(b, "\\t");
		else
			buf_add_byte(b, (uint8_t)*s);
	}
	buf_add_byte(b, '"');
}

static void
put_value(struct buf *b, const struct cfg_value *v)
{
	size_t	 i;

	switch (v->type) {
	case CFG_INT:
		buf_printf(b, "%lld", (long long)v->i);
		break;
	case CFG_STR:
		put_string(b, v->s);
		break;
	case CFG_LIST:
		buf_add_byte(b, '[');
		for (i = 0; i < v->nitems; i++) {
			if (i > 0)
				buf_add_str(b, ", ");
			put_value(b, &v->items[i]);
		}
		buf_add_byte(b, ']');
		break;
	}
}

/* "KEY=VALUE" as a one-setting config; NULL after printing the error. */
static struct cfg_file *
parse_override(const char *arg)
{
	struct cfg_file	*cf;
	struct buf	 b = BUF_INITIALIZER;
	const char	*eq = strchr(arg, '=');
	char		*cause = NULL;

	buf_printf(&b, "%.*s = %s\n", (int)(eq - arg), arg, eq + 1);
	cf = cfg_parse("command line", buf_data(&b), buf_len(&b), &cause);
	if (cf == NULL) {
		/* Not a config value: the text itself, as a string. */
		free(cause);
		cause = NULL;
		buf_reset(&b);
		buf_printf(&b, "%.*s = ", (int)(eq - arg), arg);
		put_string(&b, eq + 1);
		buf_add_byte(&b, '\n');
		cf = cfg_parse("command line", buf_data(&b), buf_len(&b),
		    &cause);
	}
	buf_free(&b);
	if (cf == NULL || cf->nentries != 1) {
		xm_error("'%s' is not a setting: %s", arg,
		    cause != NULL ? cause : "one KEY=VALUE, please");
		free(cause);
		cfg_free(cf);
		return NULL;
	}
	return cf;
}

int
xm_is_override(const char *arg)
{
	const char	*p;

	/* KEY is a config name: letters, digits, '_' (the value is free). */
	for (p = arg; *p != '\0' && *p != '='; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return 0;
	return *p == '=' && p != arg;
}

char *
xm_config_amend(const char *file, const char *text, size_t len,
    char **overrides, int n)
{
	struct cfg_file	*cf, **ov;
	struct buf	 b = BUF_INITIALIZER;
	char		*cause = NULL, *out = NULL;
	size_t		 i;
	int		 j, k, used;

	if (n == 0)
		return xstrdup(text);
	if ((cf = cfg_parse(file, text, len, &cause)) == NULL) {
		xm_error("%s", cause);
		free(cause);
		return NULL;
	}
	ov = xcalloc((size_t)n, sizeof(*ov));
	for (j = 0; j < n; j++)
		if ((ov[j] = parse_override(overrides[j])) == NULL)
			goto out;
	buf_printf(&b, "# %s, with settings from the command line\n", file);
	for (i = 0; i < cf->nentries; i++) {
		const struct cfg_value *v = &cf->entries[i].value;

		/* The last override of a key wins, as Xen's did. */
		for (j = n - 1; j >= 0; j--)
			if (strcmp(ov[j]->entries[0].key,
			    cf->entries[i].key) == 0) {
				v = &ov[j]->entries[0].value;
				break;
			}
		buf_printf(&b, "%s = ", cf->entries[i].key);
		put_value(&b, v);
		buf_add_byte(&b, '\n');
	}
	for (j = 0; j < n; j++) {
		used = cfg_find(cf, ov[j]->entries[0].key) != NULL;
		for (k = j + 1; k < n && !used; k++)
			used = strcmp(ov[k]->entries[0].key,
			    ov[j]->entries[0].key) == 0;
		if (used)
			continue;
		buf_printf(&b, "%s = ", ov[j]->entries[0].key);
		put_value(&b, &ov[j]->entries[0].value);
		buf_add_byte(&b, '\n');
	}
	out = buf_cstr(&b) != NULL ? xstrdup(buf_cstr(&b)) : NULL;
	if (out == NULL)
		xm_error("%s: too large with the overrides", file);
out:
	for (j = 0; j < n; j++)
		cfg_free(ov[j]);
	free(ov);
	cfg_free(cf);
	buf_free(&b);
	return out;
}
