/* svccfg export: a service and its instances back into a service_bundle that validates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "smf/fmri.h"
#include "smf/repo.h"
#include "smf/smf.h"
#include "smf/svccfg.h"

static void
esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': buf_add_str(b, "&lt;"); break;
		case '>': buf_add_str(b, "&gt;"); break;
		case '&': buf_add_str(b, "&amp;"); break;
		case '"': buf_add_str(b, "&quot;"); break;
		default: buf_add_byte(b, (uint8_t)*s); break;
		}
	}
}

static void
attr(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s=\"", name);
	esc(b, value);
	buf_add_str(b, "\"");
}

static const char *
str(const struct repo_prop *v, size_t n, const char *pg, const char *name,
    const char *def)
{
	return repo_prop_str(v, n, pg, name, def);
}

static void
props_of(struct buf *b, const struct repo_prop *v, size_t n, const char *pg,
    const char *ind, const char *const *skip)
{
	size_t	 i, j, k;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].pg, pg) != 0)
			continue;
		for (k = 0; skip != NULL && skip[k] != NULL; k++)
			if (strcmp(skip[k], v[i].name) == 0)
				break;
		if (skip != NULL && skip[k] != NULL)
			continue;
		if (v[i].nvalues == 1) {
			buf_printf(b, "%s<propval", ind);
			attr(b, "name", v[i].name);
			attr(b, "type", v[i].type);
			attr(b, "value", v[i].values[0]);
			buf_add_str(b, "/>\n");
			continue;
		}
		buf_printf(b, "%s<property", ind);
		attr(b, "name", v[i].name);
		attr(b, "type", v[i].type);
		if (v[i].nvalues == 0) {
			buf_add_str(b, "/>\n");
			continue;
		}
		buf_printf(b, ">\n%s  <%s_list>\n", ind, v[i].type);
		for (j = 0; j < v[i].nvalues; j++) {
			buf_printf(b, "%s    <value_node", ind);
			attr(b, "value", v[i].values[j]);
			buf_add_str(b, "/>\n");
		}
		buf_printf(b, "%s  </%s_list>\n%s</property>\n", ind,
		    v[i].type, ind);
	}
}

/* The groups of one entity, in the DTD's element order. */
static void
entity(struct buf *b, const struct repo_pg *pgs, size_t npg,
    const struct repo_prop *v, size_t n, const char *ind)
{
	static const char *const meth_skip[] = { "type", "exec",
	    "timeout_seconds", NULL };
	const struct repo_prop *p;
	const char	*r;
	size_t		 i, j;
	int		 tmpl = 0;

	if ((r = str(v, n, "general", "restarter", NULL)) != NULL)
		buf_printf(b, "%s<restarter>\n%s  <service_fmri value=\"%s\"/>"
		    "\n%s</restarter>\n", ind, ind, r, ind);
	for (i = 0; i < npg; i++) {
		if (strcmp(pgs[i].type, "dependency") != 0)
			continue;
		buf_printf(b, "%s<dependency", ind);
		attr(b, "name", pgs[i].name);
		attr(b, "grouping", str(v, n, pgs[i].name, "grouping",
		    "require_all"));
		attr(b, "restart_on", str(v, n, pgs[i].name, "restart_on",
		    "none"));
		attr(b, "type", str(v, n, pgs[i].name, "type", "service"));
		buf_add_str(b, ">\n");
		if ((p = repo_prop_find(v, n, pgs[i].name, "entities")) != NULL)
			for (j = 0; j < p->nvalues; j++) {
				buf_printf(b, "%s  <service_fmri", ind);
				attr(b, "value", p->values[j]);
				buf_add_str(b, "/>\n");
			}
		buf_printf(b, "%s</dependency>\n", ind);
	}
	for (i = 0; i < npg; i++) {
		if (strcmp(pgs[i].type, "method") != 0)
			continue;
		buf_printf(b, "%s<exec_method type=\"method\"", ind);
		attr(b, "name", pgs[i].name);
		attr(b, "exec", str(v, n, pgs[i].name, "exec", ":true"));
		attr(b, "timeout_seconds", str(v, n, pgs[i].name,
		    "timeout_seconds", "0"));
		buf_add_str(b, ">\n");
		{
			char ind2[32];

			snprintf(ind2, sizeof(ind2), "%s  ", ind);
			props_of(b, v, n, pgs[i].name, ind2, meth_skip);
		}
		buf_printf(b, "%s</exec_method>\n", ind);
	}
	for (i = 0; i < npg; i++) {
		if (strcmp(pgs[i].type, "dependency") == 0 ||
		    strcmp(pgs[i].type, "method") == 0 ||
		    strcmp(pgs[i].type, "template") == 0 ||
		    strcmp(pgs[i].name, "general") == 0)
			continue;
		buf_printf(b, "%s<property_group", ind);
		attr(b, "name", pgs[i].name);
		attr(b, "type", pgs[i].type);
		buf_add_str(b, ">\n");
		{
			char ind2[32];

			snprintf(ind2, sizeof(ind2), "%s  ", ind);
			props_of(b, v, n, pgs[i].name, ind2, NULL);
		}
		buf_printf(b, "%s</property_group>\n", ind);
	}
	for (i = 0; i < npg; i++)
		if (strcmp(pgs[i].type, "template") == 0)
			tmpl = 1;
	if (!tmpl || strlen(ind) > 4)
		return;		/* instance templates are not exported */
	buf_printf(b, "%s<template>\n", ind);
	if ((r = str(v, n, "tm_common_name", "C", NULL)) != NULL) {
		buf_printf(b, "%s  <common_name>\n%s    <loctext xml:lang=\"C"
		    "\">", ind, ind);
		esc(b, r);
		buf_printf(b, "</loctext>\n%s  </common_name>\n", ind);
	}
	if ((r = str(v, n, "tm_description", "C", NULL)) != NULL) {
		buf_printf(b, "%s  <description>\n%s    <loctext xml:lang=\"C"
		    "\">", ind, ind);
		esc(b, r);
		buf_printf(b, "</loctext>\n%s  </description>\n", ind);
	}
	buf_printf(b, "%s  <documentation>\n", ind);
	for (i = 0; i < npg; i++) {
		if (strncmp(pgs[i].name, "tm_man_", 7) == 0) {
			buf_printf(b, "%s    <manpage", ind);
			attr(b, "title", str(v, n, pgs[i].name, "title", ""));
			attr(b, "section", str(v, n, pgs[i].name, "section",
			    ""));
			attr(b, "manpath", str(v, n, pgs[i].name, "manpath",
			    "/usr/share/man"));
			buf_add_str(b, "/>\n");
		} else if (strncmp(pgs[i].name, "tm_doc_", 7) == 0) {
			buf_printf(b, "%s    <doc_link", ind);
			attr(b, "name", str(v, n, pgs[i].name, "name", ""));
			attr(b, "uri", str(v, n, pgs[i].name, "uri", ""));
			buf_add_str(b, "/>\n");
		}
	}
	buf_printf(b, "%s  </documentation>\n%s</template>\n", ind, ind);
}

int
svccfg_export(struct svccfg *sc, const char *pattern)
{
	struct repo_inst *all = NULL;
	struct repo_pg	*pgs = NULL;
	struct repo_prop *v = NULL;
	struct buf	 b;
	char		**svcs = NULL, *name = NULL;
	size_t		 nall = 0, nsvc = 0, npg = 0, n = 0, i, hits = 0;
	int64_t		 sid;
	int		 rc = 1;

	if (repo_services(sc->repo, &svcs, &nsvc) == -1)
		goto out;
	for (i = 0; i < nsvc; i++)
		if (fmri_match_service(pattern, svcs[i]) && hits++ == 0)
			name = svcs[i];
	if (hits != 1) {
		log_warnx("Pattern '%s' %s", pattern, hits == 0 ?
		    "doesn't match any entities" :
		    "matches multiple entities");
		goto out;
	}
	if ((sid = repo_service(sc->repo, name, 0)) == -1)
		goto out;
	buf_init(&b, 0);
	buf_printf(&b, "<?xml version=\"1.0\" ?>\n<!DOCTYPE service_bundle "
	    "SYSTEM \"/usr/share/lib/xml/dtd/service_bundle.dtd.1\">\n"
	    "<service_bundle type=\"manifest\" name=\"export\">\n"
	    "  <service name=\"%s\" type=\"service\" version=\"0\">\n", name);
	if (repo_pgs(sc->repo, repo_ent_svc(sid, SMF_SNAP_EDIT), &pgs, &npg)
	    == -1 || repo_props(sc->repo, repo_ent_svc(sid, SMF_SNAP_EDIT),
	    NULL, &v, &n) == -1)
		goto fail;
	/* Instances sit between property groups and the template. */
	{
		struct buf	 tail;
		char		*cut;

		buf_init(&tail, 0);
		entity(&tail, pgs, npg, v, n, "    ");
		buf_cstr(&tail);
		cut = strstr((char *)buf_data(&tail), "    <template>");
		if (cut != NULL)
			*cut = '\0';
		buf_add_str(&b, (char *)buf_data(&tail));
		repo_pgs_free(pgs, npg);
		repo_props_free(v, n);
		pgs = NULL;
		npg = 0;
		v = NULL;
		n = 0;
		if (repo_instances(sc->repo, &all, &nall) == -1)
			goto fail;
		for (i = 0; i < nall; i++) {
			struct repo_ent	 e;

			if (all[i].svc_id != sid)
				continue;
			e = repo_ent_inst(sid, all[i].id, SMF_SNAP_EDIT);
			if (repo_pgs(sc->repo, e, &pgs, &npg) == -1 ||
			    repo_props(sc->repo, e, NULL, &v, &n) == -1)
				goto fail;
			buf_printf(&b, "    <instance name=\"%s\" enabled=\""
			    "%s\">\n", all[i].inst, str(v, n, "general",
			    "enabled", "false"));
			entity(&b, pgs, npg, v, n, "      ");
			buf_add_str(&b, "    </instance>\n");
			repo_pgs_free(pgs, npg);
			repo_props_free(v, n);
			pgs = NULL;
			npg = 0;
			v = NULL;
			n = 0;
		}
		if (cut != NULL) {
			*cut = ' ';
			buf_add_str(&b, cut);
		}
		buf_free(&tail);
	}
	buf_add_str(&b, "  </service>\n</service_bundle>\n");
	if (buf_error(&b) == 0) {
		fwrite(buf_data(&b), 1, buf_len(&b), stdout);
		rc = 0;
	}
fail:
	if (rc != 0)
		log_warnx("export: repository: %s", repo_errmsg(sc->repo));
	buf_free(&b);
out:
	repo_pgs_free(pgs, npg);
	repo_props_free(v, n);
	repo_insts_free(all, nall);
	for (i = 0; i < nsvc; i++)
		free(svcs[i]);
	free(svcs);
	return rc;
}
