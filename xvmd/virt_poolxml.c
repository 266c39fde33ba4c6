/* Storage pool and volume XML of the libvirt front-end, with libxml2 (virt_pool.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/virt_pool.h"

#define XML_MAX		(1024 * 1024)

static xmlDoc *
parse(const char *xml, size_t len, const char *root, char **cause)
{
	xmlDoc	*doc;
	xmlNode	*r;

	if (len > XML_MAX || (doc = xmlReadMemory(xml, (int)len, "x.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING)) == NULL) {
		*cause = xstrdup("the XML is not well-formed");
		return NULL;
	}
	if (doc->intSubset != NULL || (r = xmlDocGetRootElement(doc)) ==
	    NULL || strcmp((const char *)r->name, root) != 0) {
		xasprintf(cause, "the document is not a <%s>", root);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* The trimmed text of the first element 'name' under n, or NULL. */
static char *
child_text(xmlNode *n, const char *name)
{
	char	*t, *s, *e;

	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			break;
	if (n == NULL || (t = (char *)xmlNodeGetContent(n)) == NULL)
		return NULL;
	for (s = t; *s == ' ' || *s == '\n' || *s == '\t'; s++)
		;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
		e--;
	*e = '\0';
	s = xstrdup(s);
	xmlFree(t);
	return s;
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

int
virt_pool_parse(const char *xml, size_t len, char *name, size_t nsize,
    uint8_t uuid[16], char *path, size_t psize, char **cause)
{
	xmlDoc	*doc;
	xmlNode	*root, *target;
	char	*type = NULL, *n = NULL, *u = NULL, *p = NULL;
	int	 rc = -1;

	memset(uuid, 0, 16);
	if ((doc = parse(xml, len, "pool", cause)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	type = (char *)xmlGetProp(root, (const xmlChar *)"type");
	if (type == NULL || strcmp(type, "dir") != 0) {
		xasprintf(cause, "storage pool type '%s' is not supported: "
		    "xVM has directory pools (type 'dir')", type ? type : "");
		goto out;
	}
	if ((n = child_text(root, "name")) == NULL || *n == '\0' ||
	    strchr(n, '/') != NULL || strlcpy(name, n, nsize) >= nsize) {
		*cause = xstrdup("the pool needs a <name> (no '/', at most 63 "
		    "characters)");
		goto out;
	}
	if ((u = child_text(root, "uuid")) != NULL && uuid_parse(u, uuid) ==
	    -1) {
		xasprintf(cause, "<uuid>%s</uuid> is not a UUID", u);
		goto out;
	}
	if ((target = child(root, "target")) == NULL ||
	    (p = child_text(target, "path")) == NULL || p[0] != '/' ||
	    strlcpy(path, p, psize) >= psize) {
		*cause = xstrdup("the pool needs an absolute <target><path>");
		goto out;
	}
	/* One spelling of each directory: no trailing slash. */
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	rc = 0;
out:
	xmlFree(type);
	free(n);
	free(u);
	free(p);
	xmlFreeDoc(doc);
	return rc;
}

/* Text with the XML specials escaped. */
static void
esc(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&':
			buf_add_str(b, "&amp;");
			break;
		case '<':
			buf_add_str(b, "&lt;");
			break;
		case '>':
			buf_add_str(b, "&gt;");
			break;
		case '\'':
			buf_add_str(b, "&apos;");
			break;
		default:
			buf_add_byte(b, (uint8_t)*s);
		}
}

char *
virt_pool_xml(const char *name, const uint8_t uuid[16], const char *path)
{
	struct buf	 b = BUF_INITIALIZER;
	char		 u[UUID_STR_LEN], *s;

	uuid_format(uuid, u);
	buf_add_str(&b, "<pool type='dir'>\n  <name>");
	esc(&b, name);
	buf_printf(&b, "</name>\n  <uuid>%s</uuid>\n  <source>\n  </source>\n"
	    "  <target>\n    <path>", u);
	esc(&b, path);
	buf_add_str(&b, "</path>\n  </target>\n</pool>\n");
	if ((s = buf_release(&b, NULL)) == NULL)
		fatalx("%s: out of memory", __func__);
	return s;
}

/* <capacity unit='...'>N</capacity> in bytes. */
static int
capacity_bytes(xmlNode *n, uint64_t *out, char **cause)
{
	static const struct { const char *unit; uint64_t mul; } u[] = {
		{ "bytes", 1 }, { "b", 1 }, { "KiB", 1024 }, { "K", 1024 },
		{ "k", 1024 }, { "MiB", 1 << 20 }, { "M", 1 << 20 },
		{ "GiB", 1 << 30 }, { "G", 1 << 30 }, { "KB", 1000 },
		{ "MB", 1000000 }, { "GB", 1000000000 },
		{ "TiB", 1ULL << 40 }, { "T", 1ULL << 40 },
	};
	char		*unit = (char *)xmlGetProp(n, (const xmlChar *)"unit");
	char		*t = (char *)xmlNodeGetContent(n);
	uint64_t	 v, mul = 1;
	size_t		 i;
	int		 rc = -1;

	if (unit != NULL) {
		for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
			if (strcmp(unit, u[i].unit) == 0)
				break;
		if (i == sizeof(u) / sizeof(u[0])) {
			xasprintf(cause, "unknown unit '%s'", unit);
			goto out;
		}
		mul = u[i].mul;
	}
	if (t == NULL || str_to_u64(t, 0, (1ULL << 50) / mul, &v) == -1) {
		xasprintf(cause, "capacity '%s' is not a size up to 1 PiB",
		    t ? t : "");
		goto out;
	}
	*out = v * mul;
	rc = 0;
out:
	xmlFree(unit);
	xmlFree(t);
	return rc;
}

int
virt_vol_parse(const char *xml, size_t len, char *name, size_t nsize,
    uint64_t *capacity, char **cause)
{
	xmlDoc	*doc;
	xmlNode	*root, *n, *target;
	char	*v = NULL, *fmt = NULL;
	int	 rc = -1;

	*capacity = 0;
	if ((doc = parse(xml, len, "volume", cause)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if ((v = child_text(root, "name")) == NULL ||
	    !virt_vol_name_ok(v) || strlcpy(name, v, nsize) >= nsize) {
		*cause = xstrdup("the volume needs a <name> that is a file "
		    "name");
		goto out;
	}
	if ((n = child(root, "capacity")) == NULL ||
	    capacity_bytes(n, capacity, cause) == -1) {
		if (*cause == NULL)
			*cause = xstrdup("the volume needs a <capacity>");
		goto out;
	}
	if ((target = child(root, "target")) != NULL &&
	    (n = child(target, "format")) != NULL) {
		fmt = (char *)xmlGetProp(n, (const xmlChar *)"type");
		if (fmt != NULL && strcmp(fmt, "raw") != 0) {
			xasprintf(cause, "volume format '%s' is not supported: "
			    "xVM disks are raw files", fmt);
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	xmlFree(fmt);
	xmlFreeDoc(doc);
	return rc;
}

char *
virt_vol_xml(const char *name, const char *path, uint64_t capacity,
    uint64_t allocation)
{
	struct buf	 b = BUF_INITIALIZER;
	char		*s;

	buf_add_str(&b, "<volume type='file'>\n  <name>");
	esc(&b, name);
	buf_add_str(&b, "</name>\n  <key>");
	esc(&b, path);
	buf_printf(&b, "</key>\n  <capacity unit='bytes'>%" PRIu64
	    "</capacity>\n  <allocation unit='bytes'>%" PRIu64
	    "</allocation>\n  <target>\n    <path>", capacity, allocation);
	esc(&b, path);
	buf_add_str(&b, "</path>\n    <format type='raw'/>\n  </target>\n"
	    "</volume>\n");
	if ((s = buf_release(&b, NULL)) == NULL)
		fatalx("%s: out of memory", __func__);
	return s;
}
