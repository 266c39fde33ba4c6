/*
 * Domain XML to xm config (virt_xml.h), with libxml2.  The walk is
 * table-driven: each element of <domain>, <os> and <devices> we know has
 * a handler; the rest are ignored with a log line or refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/virt_xml.h"

#define XML_MAX		(4 * 1024 * 1024)

struct xw {				/* the walk's state */
	struct buf	 out;		/* the xm config being written */
	struct buf	 disks, vifs;	/* list items */
	uint64_t	 mem_kib, cur_kib;
	char		*cause;
	int		 has_name;
	int		 has_graphics;
};

static int
fail(struct xw *w, const char *fmt, ...)
{
	va_list	 ap;

	if (w->cause == NULL) {
		va_start(ap, fmt);
		if (vasprintf(&w->cause, fmt, ap) == -1)
			fatalx("%s: out of memory", __func__);
		va_end(ap);
	}
	return -1;
}

static const char *
name_of(xmlNode *n)
{
	return (const char *)n->name;
}

/* An attribute (libxml2-owned copy freed by the caller), or NULL. */
static char *
attr(xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static char *
text(xmlNode *n)
{
	char	*t = (char *)xmlNodeGetContent(n), *s, *e;

	if (t == NULL)
		return xstrdup("");
	for (s = t; *s == ' ' || *s == '\n' || *s == '\t'; s++)
		;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
		*--e = '\0';
	s = xstrdup(s);
	xmlFree(t);
	return s;
}

/* A string in xm syntax: "..." with the escapes the reader knows. */
static int
put_quoted(struct xw *w, struct buf *b, const char *what, const char *s)
{
	const char	*p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			return fail(w, "%s: control characters cannot be "
			    "written in an xm config", what);
	buf_add_byte(b, '"');
	for (p = s; *p; p++) {
		switch (*p) {
		case '"':
			buf_add_str(b, "\\\"");
			break;
		case '\\':
			buf_add_str(b, "\\\\");
			break;
		case '\n':
			buf_add_str(b, "\\n");
			break;
		case '\t':
			buf_add_str(b, "\\t");
			break;
		default:
			buf_add_byte(b, (uint8_t)*p);
		}
	}
	buf_add_byte(b, '"');
	return 0;
}

static int
setting(struct xw *w, const char *key, const char *value)
{
	buf_printf(&w->out, "%s = ", key);
	if (put_quoted(w, &w->out, key, value) == -1)
		return -1;
	buf_add_byte(&w->out, '\n');
	return 0;
}

static void
ignored(xmlNode *n, const char *where)
{
	log_info("domain XML: <%s> in <%s> is not used by xVM; ignored",
	    name_of(n), where);
}

/* <memory unit='KiB'>N</memory> in KiB. */
static int
memory_kib(struct xw *w, xmlNode *n, uint64_t *kib)
{
	static const struct { const char *unit; uint64_t div, mul; } u[] = {
		{ "b", 1024, 1 }, { "bytes", 1024, 1 },
		{ "k", 1, 1 }, { "KiB", 1, 1 }, { "KB", 1000, 1024 },
		{ "M", 1, 1024 }, { "MiB", 1, 1024 },
		{ "MB", 1000 * 1000, 1024 * 1024 },
		{ "G", 1, 1024 * 1024 }, { "GiB", 1, 1024 * 1024 },
		{ "GB", 1000ULL * 1000 * 1000, 1024ULL * 1024 * 1024 },
		{ "T", 1, 1024ULL * 1024 * 1024 },
		{ "TiB", 1, 1024ULL * 1024 * 1024 },
	};
	char		*unit = attr(n, "unit"), *t = text(n);
	uint64_t	 v, div = 1, mul = 1;
	size_t		 i;
	int		 rc = -1;

	if (unit != NULL) {
		for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
			if (strcmp(unit, u[i].unit) == 0)
				break;
		if (i == sizeof(u) / sizeof(u[0])) {
			fail(w, "<%s>: unknown unit '%s'", name_of(n), unit);
			goto out;
		}
		div = u[i].div;
		mul = u[i].mul;
	}
	if (str_to_u64(t, 1, UINT64_MAX / (1024ULL * 1024 * 1024), &v) ==
	    -1) {
		fail(w, "<%s>: '%s' is not a size", name_of(n), t);
		goto out;
	}
	*kib = (v * mul + div - 1) / div;
	rc = 0;
out:
	xmlFree(unit);
	free(t);
	return rc;
}

/* A child element's text setting, e.g. <kernel> as kernel = "...". */
static int
text_setting(struct xw *w, xmlNode *n, const char *key)
{
	char	*t = text(n);
	int	 rc = setting(w, key, t);

	free(t);
	return rc;
}

static int
os_type(struct xw *w, xmlNode *n)
{
	char	*arch = attr(n, "arch"), *machine = attr(n, "machine");
	char	*t = text(n);
	int	 rc = 0;

	if (strcmp(t, "hvm") != 0 && strcmp(t, "xen") != 0 &&
	    strcmp(t, "linux") != 0)
		rc = fail(w, "<os><type>%s</type>: xVM runs 'hvm' (or 'xen') "
		    "guests", t);
	else if (arch != NULL && strcmp(arch, "riscv64") != 0)
		rc = fail(w, "architecture '%s' is not supported: xVM runs "
		    "riscv64 guests", arch);
	else if (machine != NULL && strcmp(machine, "virt") != 0)
		rc = fail(w, "machine '%s' is not supported: xVM's riscv64 "
		    "machine is 'virt'", machine);
	xmlFree(arch);
	xmlFree(machine);
	free(t);
	return rc;
}

static int
os(struct xw *w, xmlNode *os)
{
	xmlNode	*n;
	int	 rc = 0;

	for (n = os->children; n != NULL && rc == 0; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name_of(n), "type") == 0)
			rc = os_type(w, n);
		else if (strcmp(name_of(n), "kernel") == 0)
			rc = text_setting(w, n, "kernel");
		else if (strcmp(name_of(n), "initrd") == 0)
			rc = text_setting(w, n, "ramdisk");
		else if (strcmp(name_of(n), "cmdline") == 0)
			rc = text_setting(w, n, "extra");
		else if (strcmp(name_of(n), "loader") == 0 ||
		    strcmp(name_of(n), "nvram") == 0)
			rc = fail(w, "<os><%s>: firmware cannot be honoured: "
			    "xVM boots a kernel given by <kernel>",
			    name_of(n));
		else
			ignored(n, "os");
	}
	return rc;
}

/* A list item of xm's disk = [...] or vif = [...]. */
static int
list_item(struct xw *w, struct buf *list, const char *what, const char *s)
{
	buf_add_str(list, buf_len(list) ? ",\n    " : "    ");
	return put_quoted(w, list, what, s);
}

static int
disk(struct xw *w, xmlNode *d)
{
	char		*type = attr(d, "type"), *device = attr(d, "device");
	char		*src = NULL, *dev = NULL, *spec = NULL;
	const char	*kind;
	int		 ro = 0, rc = -1;
	xmlNode		*n;

	if (device != NULL && strcmp(device, "disk") != 0 &&
	    strcmp(device, "cdrom") != 0) {
		fail(w, "<disk device='%s'>: xVM has disks and CD-ROMs",
		    device);
		goto out;
	}
	kind = type != NULL && strcmp(type, "block") == 0 ? "phy" : "file";
	if (type != NULL && strcmp(type, "file") != 0 &&
	    strcmp(type, "block") != 0) {
		fail(w, "<disk type='%s'>: xVM disks are files or block "
		    "devices", type);
		goto out;
	}
	for (n = d->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name_of(n), "source") == 0 && src == NULL)
			src = attr(n, strcmp(kind, "phy") == 0 ? "dev" :
			    "file");
		else if (strcmp(name_of(n), "target") == 0 && dev == NULL)
			dev = attr(n, "dev");
		else if (strcmp(name_of(n), "readonly") == 0)
			ro = 1;
	}
	if (dev == NULL) {
		fail(w, "<disk>: <target dev='...'/> is required");
		goto out;
	}
	if (src == NULL) {
		fail(w, "disk %s: an empty drive (no <source>) cannot be "
		    "honoured", dev);
		goto out;
	}
	if (strchr(src, ',') != NULL || strchr(dev, ',') != NULL) {
		fail(w, "disk %s: a ',' in '%s' cannot be written in an xm "
		    "disk spec", dev, src);
		goto out;
	}
	if (device != NULL && strcmp(device, "cdrom") == 0)
		ro = 1;
	/* virtio's vdX is xVM's paravirtual xvdX. */
	if (strncmp(dev, "vd", 2) == 0)
		log_info("domain XML: disk %s is xvd%s here", dev, dev + 2);
	xasprintf(&spec, "%s:%s,%s%s%s,%s", kind, src,
	    strncmp(dev, "vd", 2) == 0 ? "x" : "", dev,
	    device != NULL && strcmp(device, "cdrom") == 0 ? ":cdrom" : "",
	    ro ? "r" : "w");
	rc = list_item(w, &w->disks, "disk", spec);
out:
	xmlFree(type);
	xmlFree(device);
	xmlFree(src);
	xmlFree(dev);
	free(spec);
	return rc;
}

static int
interface(struct xw *w, xmlNode *i)
{
	char		*type = attr(i, "type"), *v;
	struct buf	 spec = BUF_INITIALIZER;
	xmlNode		*n;
	int		 rc = -1;

	if (type == NULL || (strcmp(type, "bridge") != 0 &&
	    strcmp(type, "network") != 0 && strcmp(type, "ethernet") != 0)) {
		fail(w, "<interface type='%s'>: xVM's vifs are on a bridge",
		    type ? type : "");
		goto out;
	}
	for (n = i->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		v = NULL;
		if (strcmp(name_of(n), "mac") == 0 &&
		    (v = attr(n, "address")) != NULL)
			buf_printf(&spec, "%smac=%s", buf_len(&spec) ? "," :
			    "", v);
		else if (strcmp(name_of(n), "source") == 0 &&
		    (v = attr(n, "bridge")) != NULL)
			buf_printf(&spec, "%sbridge=%s", buf_len(&spec) ?
			    "," : "", v);
		else if (strcmp(name_of(n), "source") == 0 &&
		    (v = attr(n, "network")) != NULL)
			log_info("domain XML: interface on network '%s': "
			    "xVM puts it on the default bridge", v);
		else if (strcmp(name_of(n), "model") == 0 &&
		    (v = attr(n, "type")) != NULL)
			buf_printf(&spec, "%smodel=%s", buf_len(&spec) ?
			    "," : "", v);
		else if (strcmp(name_of(n), "target") == 0 &&
		    (v = attr(n, "dev")) != NULL)
			buf_printf(&spec, "%svifname=%s", buf_len(&spec) ?
			    "," : "", v);
		xmlFree(v);
	}
	if (buf_cstr(&spec) == NULL)
		fatalx("%s: out of memory", __func__);
	rc = list_item(w, &w->vifs, "vif", buf_len(&spec) ?
	    (char *)buf_data(&spec) : "");
out:
	xmlFree(type);
	buf_free(&spec);
	return rc;
}

/*
 * <graphics type='vnc' port='5907' autoport='no' listen='...'
 * passwd='...'/> (or <listen address='...'/> inside): xm's vnc = 1,
 * vncdisplay (port - 5900), vncunused (autoport, or port -1), vnclisten,
 * vncpasswd.  One display, VNC only.
 */
static int
graphics(struct xw *w, xmlNode *g)
{
	char	*type = attr(g, "type"), *port = attr(g, "port");
	char	*autoport = attr(g, "autoport"), *listen = attr(g, "listen");
	char	*pw = attr(g, "passwd");
	xmlNode	*n;
	int64_t	 p = -1;
	int	 rc = 0;

	for (n = g->children; listen == NULL && n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp(name_of(n), "listen") == 0)
			listen = attr(n, "address");
	if (type == NULL || strcmp(type, "vnc") != 0)
		rc = fail(w, "<graphics type='%s'>: xVM serves a domain's "
		    "display over VNC only", type != NULL ? type : "");
	else if (w->has_graphics)
		rc = fail(w, "<graphics>: a domain has one display");
	else if (port != NULL && strcmp(port, "-1") != 0 &&
	    str_to_i64(port, 5900, 65535, &p) == -1)
		rc = fail(w, "<graphics port='%s'>: a VNC port is 5900 to "
		    "65535", port);
	if (rc == 0) {
		w->has_graphics = 1;
		buf_add_str(&w->out, "vnc = 1\n");
		if (p >= 5900 && (autoport == NULL ||
		    strcmp(autoport, "yes") != 0))
			buf_printf(&w->out, "vncdisplay = %lld\n",
			    (long long)(p - 5900));
		else
			buf_add_str(&w->out, "vncunused = 1\n");
		if (listen != NULL && *listen)
			rc = setting(w, "vnclisten", listen);
		if (rc == 0 && pw != NULL)
			rc = setting(w, "vncpasswd", pw);
	}
	xmlFree(type);
	xmlFree(port);
	xmlFree(autoport);
	xmlFree(listen);
	xmlFree(pw);
	return rc;
}

/* Devices xVM cannot provide: refused, with the reason. */
static const struct { const char *name; const char *why; } refused[] = {
	{ "hostdev", "host devices cannot be passed through" },
	{ "filesystem", "shared filesystems are not supported" },
	{ "smartcard", "smartcards are not supported" },
	{ "redirdev", "USB redirection is not supported" },
	{ "tpm", "TPMs are not supported" },
	{ "shmem", "shared memory devices are not supported" },
};

static int
devices(struct xw *w, xmlNode *devs)
{
	xmlNode	*n;
	size_t	 i;
	int	 rc = 0;

	for (n = devs->children; n != NULL && rc == 0; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name_of(n), "disk") == 0)
			rc = disk(w, n);
		else if (strcmp(name_of(n), "interface") == 0)
			rc = interface(w, n);
		else if (strcmp(name_of(n), "graphics") == 0)
			rc = graphics(w, n);
		else if (strcmp(name_of(n), "console") == 0 ||
		    strcmp(name_of(n), "serial") == 0 ||
		    strcmp(name_of(n), "input") == 0 ||
		    strcmp(name_of(n), "video") == 0)
			continue;	/* every domain has its console; a
					   display its keyboard, tablet and
					   framebuffer */
		else {
			for (i = 0; i < sizeof(refused) / sizeof(refused[0]);
			    i++)
				if (strcmp(name_of(n), refused[i].name) == 0)
					break;
			if (i < sizeof(refused) / sizeof(refused[0]))
				rc = fail(w, "<%s>: %s", name_of(n),
				    refused[i].why);
			else
				ignored(n, "devices");
		}
	}
	return rc;
}

static int
action(struct xw *w, xmlNode *n)
{
	static const char *const ok[] = { "destroy", "restart", "preserve",
	    "rename-restart", "coredump-destroy", "coredump-restart" };
	char	*t = text(n);
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(t, ok[i]) == 0)
			break;
	rc = i < sizeof(ok) / sizeof(ok[0]) ? setting(w, name_of(n), t) :
	    fail(w, "<%s>%s</%s>: not an action xVM knows", name_of(n), t,
	    name_of(n));
	free(t);
	return rc;
}

static int
vcpu(struct xw *w, xmlNode *n)
{
	char		*t = text(n);
	uint64_t	 v;
	int		 rc = 0;

	if (str_to_u64(t, 1, 1024, &v) == -1)
		rc = fail(w, "<vcpu>: '%s' is not a vCPU count", t);
	else
		buf_printf(&w->out, "vcpus = %" PRIu64 "\n", v);
	free(t);
	return rc;
}

static int
domain_child(struct xw *w, xmlNode *n)
{
	const char	*e = name_of(n);

	if (strcmp(e, "name") == 0) {
		w->has_name = 1;
		return text_setting(w, n, "name");
	}
	if (strcmp(e, "uuid") == 0)
		return text_setting(w, n, "uuid");
	if (strcmp(e, "memory") == 0)
		return memory_kib(w, n, &w->mem_kib);
	if (strcmp(e, "currentMemory") == 0)
		return memory_kib(w, n, &w->cur_kib);
	if (strcmp(e, "vcpu") == 0)
		return vcpu(w, n);
	if (strcmp(e, "os") == 0)
		return os(w, n);
	if (strcmp(e, "devices") == 0)
		return devices(w, n);
	if (strcmp(e, "on_poweroff") == 0 || strcmp(e, "on_reboot") == 0 ||
	    strcmp(e, "on_crash") == 0)
		return action(w, n);
	if (strcmp(e, "metadata") != 0 && strcmp(e, "title") != 0 &&
	    strcmp(e, "description") != 0)
		ignored(n, "domain");
	return 0;
}

/* KiB to xm's MiB, rounded up. */
static uint64_t
mib(uint64_t kib)
{
	return (kib + 1023) / 1024;
}

static int
walk(struct xw *w, xmlDoc *doc)
{
	xmlNode	*root = xmlDocGetRootElement(doc), *n;
	char	*type;
	int	 rc = 0;

	if (root == NULL || strcmp(name_of(root), "domain") != 0)
		return fail(w, "the document is not a <domain>");
	type = attr(root, "type");
	if (type == NULL || strcmp(type, "xen") != 0)
		rc = fail(w, "domain type '%s' is not supported: this host "
		    "runs domains of type 'xen'", type ? type : "");
	xmlFree(type);
	for (n = root->children; n != NULL && rc == 0; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			rc = domain_child(w, n);
	if (rc == 0 && !w->has_name)
		rc = fail(w, "<name> is required");
	if (rc == 0 && w->mem_kib == 0 && w->cur_kib == 0)
		rc = fail(w, "<memory> is required");
	if (rc == -1)
		return -1;
	if (w->cur_kib == 0 || w->cur_kib > w->mem_kib)
		w->cur_kib = w->mem_kib ? w->mem_kib : w->cur_kib;
	buf_printf(&w->out, "memory = %" PRIu64 "\n", mib(w->cur_kib));
	if (w->mem_kib > w->cur_kib)
		buf_printf(&w->out, "maxmem = %" PRIu64 "\n", mib(w->mem_kib));
	if (buf_len(&w->disks))
		buf_printf(&w->out, "disk = [\n%.*s\n]\n",
		    (int)buf_len(&w->disks), (char *)buf_data(&w->disks));
	if (buf_len(&w->vifs))
		buf_printf(&w->out, "vif = [\n%.*s\n]\n",
		    (int)buf_len(&w->vifs), (char *)buf_data(&w->vifs));
	return 0;
}

char *
virt_xml_to_xm(const char *xml, size_t len, char **cause)
{
	struct xw	 w;
	xmlDoc		*doc;
	char		*out = NULL;

	memset(&w, 0, sizeof(w));
	if (len > XML_MAX) {
		xasprintf(cause, "the domain XML is over %d bytes", XML_MAX);
		return NULL;
	}
	/* No network, no entity expansion, no DTD loading. */
	doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		xasprintf(cause, "the domain XML is not well-formed");
		return NULL;
	}
	buf_printf(&w.out, "# Written by xvmd from libvirt domain XML.\n");
	/* Entities could multiply the text we read: no DTD at all. */
	if (doc->intSubset != NULL || doc->extSubset != NULL)
		fail(&w, "a <!DOCTYPE> is not allowed in domain XML");
	else
		(void)walk(&w, doc);
	if (w.cause == NULL) {
		if ((out = buf_release(&w.out, NULL)) == NULL)
			fatalx("%s: out of memory", __func__);
	} else
		*cause = w.cause, w.cause = NULL;
	xmlFreeDoc(doc);
	buf_free(&w.out);
	buf_free(&w.disks);
	buf_free(&w.vifs);
	free(w.cause);
	return out;
}

int
virt_xml_name(const char *xml, size_t len, char *name, size_t size)
{
	xmlDoc	*doc;
	xmlNode	*n, *root;
	char	*t;
	int	 rc = -1;

	if (len > XML_MAX || (doc = xmlReadMemory(xml, (int)len, "domain.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	for (n = root ? root->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp(name_of(n), "name") == 0) {
			t = text(n);
			rc = strlcpy(name, t, size) < size ? 0 : -1;
			free(t);
			break;
		}
	xmlFreeDoc(doc);
	return rc;
}
