/* S-expressions as Xen 3's xm printed them (xm list -l, xm create -n). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "tools/xm/sxp.h"

struct sxp *
sxp_atom(const char *text)
{
	struct sxp	*a = xcalloc(1, sizeof(*a));

	a->text = xstrdup(text);
	return a;
}

struct sxp *
sxp_list(const char *head)
{
	struct sxp	*l = xcalloc(1, sizeof(*l));

	if (head != NULL)
		sxp_add(l, sxp_atom(head));
	return l;
}

struct sxp *
sxp_add(struct sxp *list, struct sxp *kid)
{
	list->kids = xreallocarray(list->kids, list->nkids + 1,
	    sizeof(*list->kids));
	list->kids[list->nkids++] = kid;
	return list;
}

struct sxp *
sxp_kstr(struct sxp *list, const char *key, const char *value)
{
	struct sxp	*pair = sxp_list(key);

	sxp_add(pair, sxp_atom(value != NULL ? value : ""));
	sxp_add(list, pair);
	return pair;
}

struct sxp *
sxp_ki64(struct sxp *list, const char *key, int64_t value)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, value);
	return sxp_kstr(list, key, buf);
}

struct sxp *
sxp_kdouble(struct sxp *list, const char *key, double value)
{
	char	 buf[64];

	snprintf(buf, sizeof(buf), "%.3f", value);
	return sxp_kstr(list, key, buf);
}

void
sxp_free(struct sxp *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nkids; i++)
		sxp_free(s->kids[i]);
	free(s->kids);
	free(s->text);
	free(s);
}

/* Xen's sxp.atomp(): no white space, brackets, quotes or comment marks. */
static int
plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    strchr("()[]<>'\"\\;#", *s) != NULL)
			return 0;
	return 1;
}

void
sxp_print_atom(FILE *fp, const char *s)
{
	char	 q;

	if (plain(s)) {
		fputs(s, fp);
		return;
	}
	/* Python's repr(): single quotes unless the text holds one. */
	q = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ? '"' : '\'';
	fputc(q, fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == (unsigned char)q)
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < ' ' || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
	fputc(q, fp);
}

static int
flat(const struct sxp *s)
{
	size_t	 i;

	for (i = 0; i < s->nkids; i++)
		if (s->kids[i]->text == NULL)
			return 0;
	return 1;
}

static void
print_at(FILE *fp, const struct sxp *s, int indent)
{
	size_t	 i;

	if (s->text != NULL) {
		sxp_print_atom(fp, s->text);
		return;
	}
	fputc('(', fp);
	if (flat(s)) {
		for (i = 0; i < s->nkids; i++) {
			if (i > 0)
				fputc(' ', fp);
			sxp_print_atom(fp, s->kids[i]->text);
		}
		fputc(')', fp);
		return;
	}
	/* The head atoms stay on the opening line; lists go below. */
	for (i = 0; i < s->nkids && s->kids[i]->text != NULL; i++) {
		if (i > 0)
			fputc(' ', fp);
		sxp_print_atom(fp, s->kids[i]->text);
	}
	for (; i < s->nkids; i++) {
		fprintf(fp, "\n%*s", indent + 4, "");
		print_at(fp, s->kids[i], indent + 4);
	}
	fprintf(fp, "\n%*s)", indent, "");
}

void
sxp_print(FILE *fp, const struct sxp *s)
{
	print_at(fp, s, 0);
	fputc('\n', fp);
}
