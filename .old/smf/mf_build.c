/*
 * Walk a validated service_bundle into property groups (manifest.h).
 * The DTD already checked structure and enumerations; here go the checks
 * a DTD cannot express: names, FMRIs, typed values, numbers, duplicates.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/fmri.h"
#include "smf/manifest.h"
#include "smf/mf_impl.h"
#include "smf/repo.h"

static int
is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The attribute as an owned string, or NULL. */
static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar	*v = xmlGetProp(n, (const xmlChar *)name);
	char	*s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static int
pg_name_ok(const char *s)
{
	const char	*p;

	if (*s == '\0' || strlen(s) > 120)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("_-.,+", *p) == NULL)
			return 0;
	return 1;
}

static struct mf_pg *
pg_new(struct mf_ctx *ctx, xmlNodePtr node, struct mf_pg **v, size_t *n,
    const char *name, const char *type)
{
	struct mf_pg	*pg;

	if (!pg_name_ok(name)) {
		mf_error(ctx, node, "bad property group name \"%s\"", name);
		return NULL;
	}
	if (mf_pg_find(*v, *n, name) != NULL) {
		mf_error(ctx, node, "property group \"%s\" defined twice",
		    name);
		return NULL;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	pg = &(*v)[(*n)++];
	memset(pg, 0, sizeof(*pg));
	pg->name = xstrdup(name);
	pg->type = xstrdup(type);
	pg->line = (int)xmlGetLineNo(node);
	return pg;
}

/* Add pg/name; the values are taken over (freed on error too). */
static int
prop_add(struct mf_ctx *ctx, xmlNodePtr node, struct mf_pg *pg,
    const char *name, const char *type, char **values, size_t nvalues)
{
	struct mf_prop	*p;
	size_t		 i;

	if (!pg_name_ok(name)) {
		mf_error(ctx, node, "bad property name \"%s\"", name);
		goto bad;
	}
	for (i = 0; i < pg->nprops; i++)
		if (strcmp(pg->props[i].name, name) == 0) {
			mf_error(ctx, node, "property \"%s/%s\" defined twice",
			    pg->name, name);
			goto bad;
		}
	for (i = 0; i < nvalues; i++)
		if (!repo_value_valid(type, values[i])) {
			mf_error(ctx, node, "property \"%s/%s\": \"%s\" is not "
			    "a valid %s", pg->name, name, values[i], type);
			goto bad;
		}
	pg->props = xreallocarray(pg->props, pg->nprops + 1,
	    sizeof(*pg->props));
	p = &pg->props[pg->nprops++];
	p->name = xstrdup(name);
	p->type = xstrdup(type);
	p->values = values;
	p->nvalues = nvalues;
	p->line = (int)xmlGetLineNo(node);
	return 0;
bad:
	for (i = 0; i < nvalues; i++)
		free(values[i]);
	free(values);
	return -1;
}

static int
prop_add1(struct mf_ctx *ctx, xmlNodePtr node, struct mf_pg *pg,
    const char *name, const char *type, const char *value)
{
	char	**v = xmalloc(sizeof(*v));

	v[0] = xstrdup(value);
	return prop_add(ctx, node, pg, name, type, v, 1);
}

/* <propval> and <property> children of node go into pg. */
static int
props(struct mf_ctx *ctx, xmlNodePtr node, struct mf_pg *pg)
{
	xmlNodePtr	 c, l, vn;
	char		*name, *type, *value, **values;
	size_t		 n;
	int		 rc = 0;

	for (c = node->children; c != NULL && rc == 0; c = c->next) {
		if (is(c, "propval")) {
			name = attr(c, "name");
			type = attr(c, "type");
			value = attr(c, "value");
			rc = prop_add1(ctx, c, pg, name, type, value);
			free(name);
			free(type);
			free(value);
		} else if (is(c, "property")) {
			name = attr(c, "name");
			type = attr(c, "type");
			values = NULL;
			n = 0;
			for (l = c->children; l != NULL; l = l->next) {
				if (l->type != XML_ELEMENT_NODE)
					continue;
				if (strncmp((const char *)l->name, type,
				    strlen(type)) != 0 ||
				    strcmp((const char *)l->name +
				    strlen(type), "_list") != 0) {
					mf_error(ctx, l, "<%s> in a property "
					    "of type %s", l->name, type);
					rc = -1;
					break;
				}
				for (vn = l->children; vn != NULL;
				    vn = vn->next) {
					if (!is(vn, "value_node"))
						continue;
					values = xreallocarray(values, n + 1,
					    sizeof(*values));
					values[n++] = attr(vn, "value");
				}
			}
			if (rc == 0)
				rc = prop_add(ctx, c, pg, name, type, values,
				    n);
			else {
				while (n > 0)
					free(values[--n]);
				free(values);
			}
			free(name);
			free(type);
		}
	}
	return rc;
}

/* The service_fmri values under node, checked for dependency type dtype. */
static int
fmris(struct mf_ctx *ctx, xmlNodePtr node, const char *dtype, char ***out,
    size_t *n)
{
	struct fmri	 f;
	xmlNodePtr	 c;
	char		*v, *cause = NULL;

	*out = NULL;
	*n = 0;
	for (c = node->children; c != NULL; c = c->next) {
		if (!is(c, "service_fmri"))
			continue;
		v = attr(c, "value");
		if (strcmp(dtype, "path") == 0 ? !(str_has_prefix(v,
		    "file://localhost/") || str_has_prefix(v, "file:///")) :
		    fmri_parse(v, &f, &cause) == -1) {
			mf_error(ctx, c, "bad %s FMRI \"%s\"%s%s", dtype, v,
			    cause ? ": " : "", cause ? cause : "");
			free(cause);
			free(v);
			return -1;
		}
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = v;
	}
	return 0;
}

static int
dependency(struct mf_ctx *ctx, xmlNodePtr c, struct mf_pg **pgs,
    size_t *npgs)
{
	struct mf_pg	*pg;
	char		*name = attr(c, "name"), *type = attr(c, "type");
	char		*grp = attr(c, "grouping"), *ro = attr(c, "restart_on");
	char		**ents;
	size_t		 n;
	int		 rc = -1;

	if ((pg = pg_new(ctx, c, pgs, npgs, name, "dependency")) == NULL)
		goto out;
	if (fmris(ctx, c, type, &ents, &n) == -1)
		goto out;
	if (n == 0) {
		free(ents);
		mf_error(ctx, c, "dependency \"%s\" names no service_fmri",
		    name);
		goto out;
	}
	if (prop_add1(ctx, c, pg, "grouping", "astring", grp) == -1 ||
	    prop_add1(ctx, c, pg, "restart_on", "astring", ro) == -1 ||
	    prop_add1(ctx, c, pg, "type", "astring", type) == -1 ||
	    prop_add(ctx, c, pg, "entities", "fmri", ents, n) == -1 ||
	    props(ctx, c, pg) == -1)
		goto out;
	rc = 0;
out:
	free(name);
	free(type);
	free(grp);
	free(ro);
	return rc;
}

static int
dependent(struct mf_ctx *ctx, xmlNodePtr c, struct mf_svc *svc,
    const char *self)
{
	struct mf_dependent *d;
	char		**ents, *name = attr(c, "name");
	char		*grp = attr(c, "grouping"), *ro = attr(c, "restart_on");
	size_t		 n;
	int		 rc = -1;

	if (fmris(ctx, c, "service", &ents, &n) == -1)
		goto out;
	svc->dependents = xreallocarray(svc->dependents, svc->ndependents + 1,
	    sizeof(*svc->dependents));
	d = &svc->dependents[svc->ndependents++];
	memset(d, 0, sizeof(*d));
	d->fmri = ents[0];	/* the DTD allows exactly one */
	free(ents);
	d->pg.name = xstrdup(name);
	d->pg.type = xstrdup("dependency");
	d->pg.line = (int)xmlGetLineNo(c);
	if (!pg_name_ok(name)) {
		mf_error(ctx, c, "bad dependent name \"%s\"", name);
		goto out;
	}
	if (prop_add1(ctx, c, &d->pg, "grouping", "astring", grp) == -1 ||
	    prop_add1(ctx, c, &d->pg, "restart_on", "astring", ro) == -1 ||
	    prop_add1(ctx, c, &d->pg, "type", "astring", "service") == -1 ||
	    prop_add1(ctx, c, &d->pg, "entities", "fmri", self) == -1)
		goto out;
	rc = 0;
out:
	free(name);
	free(grp);
	free(ro);
	return rc;
}

/* A <method_context> child of node: its working_directory into pg. */
static int
method_context(struct mf_ctx *ctx, xmlNodePtr node, struct mf_pg *pg)
{
	xmlNodePtr	 c;
	char		*wd;
	int		 rc = 0;

	for (c = node->children; c != NULL && rc == 0; c = c->next) {
		if (!is(c, "method_context") ||
		    (wd = attr(c, "working_directory")) == NULL)
			continue;
		if (*wd != '/') {
			mf_error(ctx, c, "working_directory \"%s\" is not an "
			    "absolute path", wd);
			rc = -1;
		} else
			rc = prop_add1(ctx, c, pg, "working_directory",
			    "astring", wd);
		free(wd);
	}
	return rc;
}

static int
exec_method(struct mf_ctx *ctx, xmlNodePtr c, struct mf_pg **pgs,
    size_t *npgs)
{
	struct mf_pg	*pg;
	char		*name = attr(c, "name"), *exec = attr(c, "exec");
	char		*tmo = attr(c, "timeout_seconds");
	int64_t		 t;
	int		 rc = -1;

	if ((pg = pg_new(ctx, c, pgs, npgs, name, "method")) == NULL)
		goto out;
	if (*exec == '\0') {
		mf_error(ctx, c, "method \"%s\" has an empty exec", name);
		goto out;
	}
	if (str_to_i64(tmo, -1, INT32_MAX, &t) == -1) {
		mf_error(ctx, c, "method \"%s\": timeout_seconds \"%s\" is not "
		    "a number of seconds (or -1 for none)", name, tmo);
		goto out;
	}
	if (prop_add1(ctx, c, pg, "type", "astring", "method") == -1 ||
	    prop_add1(ctx, c, pg, "exec", "astring", exec) == -1 ||
	    prop_add1(ctx, c, pg, "timeout_seconds", "count",
	    t < 0 ? "0" : tmo) == -1 ||
	    method_context(ctx, c, pg) == -1 ||
	    props(ctx, c, pg) == -1)
		goto out;
	rc = 0;
out:
	free(name);
	free(exec);
	free(tmo);
	return rc;
}

/* The text of the C (or first) <loctext> under node, whitespace folded. */
static char *
loctext(xmlNodePtr node)
{
	xmlNodePtr	 c, pick = NULL;
	xmlChar		*lang, *txt;
	char		*s, *d, *p;

	for (c = node->children; c != NULL; c = c->next) {
		if (!is(c, "loctext"))
			continue;
		lang = xmlGetProp(c, (const xmlChar *)"lang");
		if (pick == NULL || (lang != NULL &&
		    strcmp((const char *)lang, "C") == 0))
			pick = c;
		xmlFree(lang);
	}
	if (pick == NULL || (txt = xmlNodeGetContent(pick)) == NULL)
		return xstrdup("");
	s = xstrdup((const char *)txt);
	xmlFree(txt);
	for (p = d = s; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			if (d != s && d[-1] != ' ')
				*d++ = ' ';
		} else
			*d++ = *p;
	}
	while (d != s && d[-1] == ' ')
		d--;
	*d = '\0';
	return s;
}

static int
template(struct mf_ctx *ctx, xmlNodePtr t, struct mf_pg **pgs, size_t *npgs)
{
	struct mf_pg	*pg;
	xmlNodePtr	 c, d;
	char		*s, *a, *b, *m, name[160];
	int		 rc = 0;

	for (c = t->children; c != NULL && rc == 0; c = c->next) {
		if (is(c, "common_name") || is(c, "description")) {
			pg = pg_new(ctx, c, pgs, npgs, is(c, "common_name") ?
			    "tm_common_name" : "tm_description", "template");
			if (pg == NULL)
				return -1;
			s = loctext(c);
			rc = prop_add1(ctx, c, pg, "C", "ustring", s);
			free(s);
		} else if (is(c, "documentation")) {
			for (d = c->children; d != NULL && rc == 0;
			    d = d->next) {
				if (!is(d, "manpage") && !is(d, "doc_link"))
					continue;
				a = attr(d, is(d, "manpage") ? "title" : "name");
				b = attr(d, is(d, "manpage") ? "section" : "uri");
				m = is(d, "manpage") ? attr(d, "manpath") : NULL;
				snprintf(name, sizeof(name), "%s_%s",
				    is(d, "manpage") ? "tm_man" : "tm_doc", a);
				if ((pg = pg_new(ctx, d, pgs, npgs, name,
				    "template")) == NULL)
					rc = -1;
				else if (is(d, "manpage"))
					rc = prop_add1(ctx, d, pg, "title",
					    "astring", a) ||
					    prop_add1(ctx, d, pg, "section",
					    "astring", b) ||
					    prop_add1(ctx, d, pg, "manpath",
					    "astring", m ? m : "/usr/share/man");
				else
					rc = prop_add1(ctx, d, pg, "name",
					    "astring", a) ||
					    prop_add1(ctx, d, pg, "uri",
					    "astring", b);
				free(a);
				free(b);
				free(m);
			}
		}
	}
	return rc == 0 ? 0 : -1;
}

/* What services and instances have in common. */
static int
entity(struct mf_ctx *ctx, xmlNodePtr node, struct mf_pg **pgs, size_t *npgs,
    struct mf_svc *svc, const char *self)
{
	struct mf_pg	*pg;
	xmlNodePtr	 c;
	char		*name, *type, **v;
	size_t		 n;
	int		 rc = 0;

	for (c = node->children; c != NULL && rc == 0; c = c->next) {
		if (is(c, "restarter")) {
			if ((pg = mf_pg_find(*pgs, *npgs, "general")) == NULL)
				pg = pg_new(ctx, c, pgs, npgs, "general",
				    "framework");
			if (pg == NULL || fmris(ctx, c, "service", &v, &n) ==
			    -1)
				return -1;
			rc = prop_add(ctx, c, pg, "restarter", "fmri", v, n);
		} else if (is(c, "dependency"))
			rc = dependency(ctx, c, pgs, npgs);
		else if (is(c, "dependent"))
			rc = dependent(ctx, c, svc, self);
		else if (is(c, "exec_method"))
			rc = exec_method(ctx, c, pgs, npgs);
		else if (is(c, "method_context")) {
			pg = pg_new(ctx, c, pgs, npgs, "method_context",
			    "framework");
			rc = pg == NULL ? -1 : method_context(ctx, node, pg);
		}
		else if (is(c, "property_group")) {
			name = attr(c, "name");
			type = attr(c, "type");
			pg = mf_pg_find(*pgs, *npgs, name);
			if (pg == NULL || strcmp(name, "general") != 0)
				pg = pg_new(ctx, c, pgs, npgs, name, type);
			rc = pg == NULL ? -1 : props(ctx, c, pg);
			free(name);
			free(type);
		} else if (is(c, "template"))
			rc = template(ctx, c, pgs, npgs);
	}
	return rc;
}

static int
instance(struct mf_ctx *ctx, xmlNodePtr c, struct mf_svc *svc,
    const char *name, int enabled)
{
	struct mf_inst	*in;
	char		 self[FMRI_MAX];
	size_t		 i;

	if (!fmri_valid_instance(name)) {
		mf_error(ctx, c, "bad instance name \"%s\"", name);
		return -1;
	}
	for (i = 0; i < svc->ninsts; i++)
		if (strcmp(svc->insts[i].name, name) == 0) {
			mf_error(ctx, c, "instance \"%s\" defined twice", name);
			return -1;
		}
	svc->insts = xreallocarray(svc->insts, svc->ninsts + 1,
	    sizeof(*svc->insts));
	in = &svc->insts[svc->ninsts++];
	memset(in, 0, sizeof(*in));
	in->name = xstrdup(name);
	in->enabled = enabled;
	in->line = (int)xmlGetLineNo(c);
	fmri_format(self, sizeof(self), svc->name, name);
	if (is(c, "create_default_instance"))
		return 0;
	return entity(ctx, c, &in->pgs, &in->npgs, svc, self);
}

static int
service(struct mf_ctx *ctx, xmlNodePtr node, struct manifest *m)
{
	struct mf_svc	*svc;
	xmlNodePtr	 c;
	char		*name = attr(node, "name"), *en, *iname, self[FMRI_MAX];
	size_t		 i;
	int		 rc = 0;

	if (!fmri_valid_service(name)) {
		mf_error(ctx, node, "bad service name \"%s\"", name);
		free(name);
		return -1;
	}
	for (i = 0; i < m->nsvcs; i++)
		if (strcmp(m->svcs[i].name, name) == 0) {
			mf_error(ctx, node, "service \"%s\" defined twice",
			    name);
			free(name);
			return -1;
		}
	m->svcs = xreallocarray(m->svcs, m->nsvcs + 1, sizeof(*m->svcs));
	svc = &m->svcs[m->nsvcs++];
	memset(svc, 0, sizeof(*svc));
	svc->name = name;
	svc->line = (int)xmlGetLineNo(node);
	fmri_format(self, sizeof(self), name, NULL);
	if (entity(ctx, node, &svc->pgs, &svc->npgs, svc, self) == -1)
		return -1;
	for (c = node->children; c != NULL && rc == 0; c = c->next) {
		if (!is(c, "create_default_instance") && !is(c, "instance"))
			continue;
		en = attr(c, "enabled");
		iname = is(c, "instance") ? attr(c, "name") : xstrdup("default");
		rc = instance(ctx, c, svc, iname, strcmp(en, "true") == 0);
		free(en);
		free(iname);
	}
	return rc;
}

int
mf_build(struct mf_ctx *ctx, xmlDocPtr doc, struct manifest *m)
{
	xmlNodePtr	 root = xmlDocGetRootElement(doc), c, cc;

	m->name = attr(root, "name");
	for (c = root->children; c != NULL; c = c->next) {
		if (is(c, "service")) {
			if (service(ctx, c, m) == -1)
				return -1;
		} else if (is(c, "service_bundle")) {
			for (cc = c->children; cc != NULL; cc = cc->next)
				if (is(cc, "service") &&
				    service(ctx, cc, m) == -1)
					return -1;
		}
	}
	return 0;
}
