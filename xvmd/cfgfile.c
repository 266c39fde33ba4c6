/* Reader for xm/xl domain configuration files: Python-style assignments. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "xvmd/cfgfile.h"

struct lexer {
	const char	*name;
	const char	*text;
	const char	*p;
	const char	*end;
	int		 line;
	int		 depth;		/* brackets open */
	char		*cause;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct lexer *lx, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (lx->cause != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL ||
	    asprintf(&lx->cause, "%s:%d: %s", lx->name, line, msg) == -1)
		lx->cause = NULL;
	free(msg);
	return -1;
}

/* Skip blanks and comments; newlines too inside brackets. */
static void
skip_space(struct lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f')
			lx->p++;
		else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '\\' && lx->p + 1 < lx->end &&
		    lx->p[1] == '\n') {
			lx->p += 2;
			lx->line++;
		} else if (c == '\n' && lx->depth > 0) {
			lx->p++;
			lx->line++;
		} else
			break;
	}
}

static int
describe(const struct lexer *lx, char *buf, size_t size)
{
	unsigned char c;

	if (lx->p >= lx->end)
		return snprintf(buf, size, "end of file");
	c = (unsigned char)*lx->p;
	if (c == '\n')
		return snprintf(buf, size, "end of line");
	if (isprint(c))
		return snprintf(buf, size, "'%c'", c);
	return snprintf(buf, size, "byte 0x%02x", c);
}

static int
parse_string(struct lexer *lx, struct cfg_value *v)
{
	char	 quote = *lx->p++, out[CFG_MAX_STRING + 1], c;
	size_t	 n = 0;
	int	 start = lx->line;

	if (lx->p + 1 < lx->end && lx->p[0] == quote && lx->p[1] == quote)
		return fail(lx, start, "triple-quoted strings are not supported");
	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n')
			return fail(lx, start, "unterminated string");
		c = *lx->p++;
		if (c == quote)
			break;
		if (c == '\0')
			return fail(lx, lx->line, "NUL byte in string");
		if (c == '\\') {
			if (lx->p >= lx->end)
				return fail(lx, start, "unterminated string");
			switch ((c = *lx->p++)) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case '\\':
			case '\'':
			case '"':
				break;
			case '\n':
				lx->line++;
				continue;
			default:
				return fail(lx, lx->line,
				    "unknown escape '\\%c' in string",
				    isprint((unsigned char)c) ? c : '?');
			}
		}
		if (n == CFG_MAX_STRING)
			return fail(lx, start, "string longer than %d bytes",
			    CFG_MAX_STRING);
		out[n++] = c;
	}
	out[n] = '\0';
	v->type = CFG_STR;
	if ((v->s = strdup(out)) == NULL)
		return fail(lx, start, "out of memory");
	return 0;
}

static int
parse_word(struct lexer *lx, struct cfg_value *v)
{
	char		 word[64];
	size_t		 n = 0;
	int64_t		 i;

	while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) ||
	    *lx->p == '_' || *lx->p == '-')) {
		if (n == sizeof(word) - 1)
			return fail(lx, lx->line, "value too long");
		word[n++] = *lx->p++;
	}
	word[n] = '\0';
	v->type = CFG_INT;
	if (strcmp(word, "True") == 0)
		v->i = 1;
	else if (strcmp(word, "False") == 0)
		v->i = 0;
	else if (str_to_i64(word, INT64_MIN, INT64_MAX, &i) == 0)
		v->i = i;
	else if (errno == ERANGE)
		return fail(lx, lx->line, "integer %s out of range", word);
	else if (isalpha((unsigned char)word[0]))
		return fail(lx, lx->line, "unquoted word '%s' (strings need "
		    "quotes)", word);
	else
		return fail(lx, lx->line, "invalid number '%s'", word);
	return 0;
}

static void	 value_free(struct cfg_value *);

static int	 parse_value(struct lexer *, struct cfg_value *);

static int
parse_list(struct lexer *lx, struct cfg_value *v)
{
	struct cfg_value	*items;
	int			 start = lx->line;
	char			 what[32];

	if (lx->depth == CFG_MAX_DEPTH)
		return fail(lx, start, "lists nested deeper than %d",
		    CFG_MAX_DEPTH);
	lx->p++;
	lx->depth++;
	v->type = CFG_LIST;
	for (;;) {
		skip_space(lx);
		if (lx->p < lx->end && *lx->p == ']')
			break;
		if (v->nitems == CFG_MAX_LIST)
			return fail(lx, start, "list longer than %d items",
			    CFG_MAX_LIST);
		items = reallocarray(v->items, v->nitems + 1, sizeof(*items));
		if (items == NULL)
			return fail(lx, lx->line, "out of memory");
		v->items = items;
		memset(&v->items[v->nitems], 0, sizeof(*items));
		if (parse_value(lx, &v->items[v->nitems++]) == -1)
			return -1;
		skip_space(lx);
		if (lx->p < lx->end && *lx->p == ',') {
			lx->p++;
			continue;
		}
		if (lx->p < lx->end && *lx->p == ']')
			break;
		describe(lx, what, sizeof(what));
		return fail(lx, lx->p >= lx->end ? start : lx->line,
		    lx->p >= lx->end ? "unterminated list" :
		    "expected ',' or ']' in list, found %s", what);
	}
	lx->p++;
	lx->depth--;
	return 0;
}

static int
parse_value(struct lexer *lx, struct cfg_value *v)
{
	char	 what[32];
	int	 rc;

	skip_space(lx);
	v->line = lx->line;
	v->off = (size_t)(lx->p - lx->text);
	if (lx->p < lx->end) {
		switch (*lx->p) {
		case '"':
		case '\'':
			rc = parse_string(lx, v);
			break;
		case '[':
			rc = parse_list(lx, v);
			break;
		default:
			if (!isalnum((unsigned char)*lx->p) && *lx->p != '-')
				goto bad;
			rc = parse_word(lx, v);
			break;
		}
		v->end = (size_t)(lx->p - lx->text);
		return rc;
	}
bad:
	describe(lx, what, sizeof(what));
	return fail(lx, lx->line, "expected a value, found %s", what);
}

static void
value_free(struct cfg_value *v)
{
	size_t	 i;

	free(v->s);
	for (i = 0; i < v->nitems; i++)
		value_free(&v->items[i]);
	free(v->items);
}

const struct cfg_entry *
cfg_find(const struct cfg_file *cf, const char *key)
{
	size_t	 i;

	for (i = 0; i < cf->nentries; i++)
		if (strcmp(cf->entries[i].key, key) == 0)
			return &cf->entries[i];
	return NULL;
}

/* One 'NAME = value' statement; the lexer is at the start of NAME. */
static int
parse_stmt(struct lexer *lx, struct cfg_file *cf)
{
	struct cfg_entry	*e, *entries;
	const struct cfg_entry	*prev;
	char			 key[CFG_MAX_KEY + 1], what[32];
	size_t			 n = 0;
	int			 line = lx->line;

	if (!isalpha((unsigned char)*lx->p) && *lx->p != '_') {
		describe(lx, what, sizeof(what));
		return fail(lx, line, "expected a setting name, found %s",
		    what);
	}
	while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) ||
	    *lx->p == '_')) {
		if (n == CFG_MAX_KEY)
			return fail(lx, line, "setting name too long");
		key[n++] = *lx->p++;
	}
	key[n] = '\0';
	skip_space(lx);
	if (lx->p >= lx->end || *lx->p != '=') {
		describe(lx, what, sizeof(what));
		return fail(lx, line, "expected '=' after '%s', found %s", key,
		    what);
	}
	lx->p++;
	if ((prev = cfg_find(cf, key)) != NULL)
		return fail(lx, line, "'%s' is set twice (first at line %d)",
		    key, prev->line);
	entries = reallocarray(cf->entries, cf->nentries + 1,
	    sizeof(*entries));
	if (entries == NULL)
		return fail(lx, line, "out of memory");
	cf->entries = entries;
	e = &cf->entries[cf->nentries];
	memset(e, 0, sizeof(*e));
	if ((e->key = strdup(key)) == NULL)
		return fail(lx, line, "out of memory");
	e->line = line;
	cf->nentries++;
	if (parse_value(lx, &e->value) == -1)
		return -1;
	skip_space(lx);
	if (lx->p < lx->end && *lx->p == ';') {
		/* "a = 1; b = 2": the next statement may follow. */
		lx->p++;
		return 0;
	}
	if (lx->p < lx->end && *lx->p != '\n') {
		describe(lx, what, sizeof(what));
		return fail(lx, lx->line, "unexpected %s after the value of "
		    "'%s'", what, key);
	}
	return 0;
}

struct cfg_file *
cfg_parse(const char *name, const char *text, size_t len, char **cause)
{
	struct lexer	 lx = { .name = name, .text = text, .p = text,
			    .end = text + len, .line = 1 };
	struct cfg_file	*cf;
	size_t		 ok, i;

	*cause = NULL;
	if ((cf = calloc(1, sizeof(*cf))) == NULL ||
	    (cf->name = strdup(name)) == NULL) {
		free(cf);
		*cause = strdup("out of memory");
		return NULL;
	}
	if (len > CFG_MAX_FILE) {
		fail(&lx, 1, "file larger than %d bytes", CFG_MAX_FILE);
		goto bad;
	}
	/* Text, in UTF-8: everything after (JSON, the store) needs it. */
	if ((ok = str_utf8_valid(text, len)) != len) {
		for (i = 0; i < ok; i++)
			lx.line += text[i] == '\n';
		fail(&lx, lx.line, "byte 0x%02x is not UTF-8 (a config file is "
		    "UTF-8 text)", (unsigned char)text[ok]);
		goto bad;
	}
	for (;;) {
		skip_space(&lx);
		if (lx.p >= lx.end)
			break;
		if (*lx.p == '\n') {
			lx.p++;
			lx.line++;
			continue;
		}
		if (parse_stmt(&lx, cf) == -1)
			goto bad;
	}
	return cf;
bad:
	*cause = lx.cause != NULL ? lx.cause : strdup("out of memory");
	cfg_free(cf);
	return NULL;
}

void
cfg_free(struct cfg_file *cf)
{
	size_t	 i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nentries; i++) {
		free(cf->entries[i].key);
		value_free(&cf->entries[i].value);
	}
	free(cf->entries);
	free(cf->name);
	free(cf);
}

const char *
cfg_type_name(enum cfg_type t)
{
	switch (t) {
	case CFG_INT:
		return "integer";
	case CFG_STR:
		return "string";
	case CFG_LIST:
		return "list";
	}
	return "?";
}
