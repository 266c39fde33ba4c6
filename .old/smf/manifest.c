/*
 * service_bundle manifests: libxml2 parsing and validation against the
 * DTD built into the programs (service_bundle.dtd.1).  Untrusted input:
 * no network, no external entities, no internal DTD subset (so no entity
 * expansion tricks), a size limit, and every error as "file:line: msg".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <libxml/xmlerror.h>

#include "lib/buf.h"
#include "lib/xmalloc.h"
#include "smf/manifest.h"
#include "smf/mf_impl.h"

#define MF_MAX_SIZE	(4 * 1024 * 1024)

void
mf_error(struct mf_ctx *ctx, xmlNodePtr node, const char *fmt, ...)
{
	char	*msg;
	va_list	 ap;

	if (ctx->cause != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&ctx->cause, "%s:%ld: %s", ctx->file,
	    node != NULL ? xmlGetLineNo(node) : 0L, msg);
	free(msg);
}

/* libxml2's structured errors: keep the first, as "file:line: message". */
static void
on_xml_error(void *arg, xmlErrorPtr err)
{
	struct mf_ctx	*ctx = arg;
	char		*msg, *nl;
	int		 line;

	if (err == NULL || err->level == XML_ERR_WARNING)
		return;
	/*
	 * An undeclared element makes its parent's content invalid first;
	 * the element's own line is the one worth reporting.
	 */
	if (ctx->cause != NULL && err->code == XML_DTD_UNKNOWN_ELEM &&
	    !ctx->unknown_elem) {
		free(ctx->cause);
		ctx->cause = NULL;
	}
	if (err->code == XML_DTD_UNKNOWN_ELEM)
		ctx->unknown_elem = 1;
	if (ctx->cause != NULL)
		return;
	msg = xstrdup(err->message != NULL ? err->message : "error");
	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	line = err->line;
	if (line <= 0 && err->node != NULL)
		line = (int)xmlGetLineNo((xmlNodePtr)err->node);
	xasprintf(&ctx->cause, "%s:%d: %s", ctx->file, line, msg);
	free(msg);
}

static xmlDtdPtr
load_dtd(void)
{
	xmlParserInputBufferPtr	 in;
	const char		*text = mf_dtd_text();

	in = xmlParserInputBufferCreateMem(text, (int)strlen(text),
	    XML_CHAR_ENCODING_NONE);
	if (in == NULL)
		return NULL;
	/* xmlIOParseDTD takes the input buffer over. */
	return xmlIOParseDTD(NULL, in, XML_CHAR_ENCODING_NONE);
}

static void
pgs_free(struct mf_pg *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		mf_pg_clear(&v[i]);
	free(v);
}

void
mf_pg_clear(struct mf_pg *pg)
{
	size_t	 i, j;

	for (i = 0; i < pg->nprops; i++) {
		for (j = 0; j < pg->props[i].nvalues; j++)
			free(pg->props[i].values[j]);
		free(pg->props[i].values);
		free(pg->props[i].name);
		free(pg->props[i].type);
	}
	free(pg->props);
	free(pg->name);
	free(pg->type);
	memset(pg, 0, sizeof(*pg));
}

void
mf_free(struct manifest *m)
{
	size_t	 i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nsvcs; i++) {
		struct mf_svc	*s = &m->svcs[i];

		for (j = 0; j < s->ninsts; j++) {
			pgs_free(s->insts[j].pgs, s->insts[j].npgs);
			free(s->insts[j].name);
		}
		for (j = 0; j < s->ndependents; j++) {
			free(s->dependents[j].fmri);
			mf_pg_clear(&s->dependents[j].pg);
		}
		free(s->dependents);
		free(s->insts);
		pgs_free(s->pgs, s->npgs);
		free(s->name);
	}
	free(m->svcs);
	free(m->name);
	free(m->file);
	free(m);
}

struct manifest *
mf_parse_mem(const char *buf, size_t len, const char *name, char **cause)
{
	struct mf_ctx		 ctx = { name, NULL, 0 };
	struct manifest		*m = NULL;
	xmlParserCtxtPtr	 pctx = NULL;
	xmlValidCtxtPtr		 vctx = NULL;
	xmlDocPtr		 doc = NULL;
	xmlDtdPtr		 dtd = NULL;

	if (len > MF_MAX_SIZE) {
		xasprintf(cause, "%s: manifest too large (%zu bytes)", name,
		    len);
		errno = EFBIG;
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ctx, on_xml_error);
	if ((pctx = xmlNewParserCtxt()) == NULL) {
		xasprintf(&ctx.cause, "%s: out of memory", name);
		goto out;
	}
	doc = xmlCtxtReadMemory(pctx, buf, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (doc == NULL) {
		if (ctx.cause == NULL)
			xasprintf(&ctx.cause, "%s:0: not an XML document",
			    name);
		goto out;
	}
	if (ctx.cause != NULL)
		goto out;
	if (doc->intSubset != NULL && doc->intSubset->children != NULL) {
		mf_error(&ctx, (xmlNodePtr)doc->intSubset,
		    "an internal DTD subset is not allowed in a manifest");
		goto out;
	}
	if (xmlDocGetRootElement(doc) == NULL ||
	    strcmp((const char *)xmlDocGetRootElement(doc)->name,
	    "service_bundle") != 0) {
		mf_error(&ctx, xmlDocGetRootElement(doc),
		    "the document element is not <service_bundle>");
		goto out;
	}
	if ((dtd = load_dtd()) == NULL) {
		xasprintf(&ctx.cause, "%s: cannot load the built-in DTD", name);
		goto out;
	}
	if ((vctx = xmlNewValidCtxt()) == NULL) {
		xasprintf(&ctx.cause, "%s: out of memory", name);
		goto out;
	}
	vctx->error = NULL;
	vctx->warning = NULL;
	if (!xmlValidateDtd(vctx, doc, dtd)) {
		if (ctx.cause == NULL)
			xasprintf(&ctx.cause, "%s:0: not valid against "
			    "service_bundle DTD 1", name);
		goto out;
	}
	m = xcalloc(1, sizeof(*m));
	m->file = xstrdup(name);
	if (mf_build(&ctx, doc, m) == -1) {
		mf_free(m);
		m = NULL;
	}
out:
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (vctx != NULL)
		xmlFreeValidCtxt(vctx);
	if (dtd != NULL)
		xmlFreeDtd(dtd);
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (pctx != NULL)
		xmlFreeParserCtxt(pctx);
	if (m == NULL) {
		*cause = ctx.cause;
		errno = EINVAL;
	} else
		free(ctx.cause);
	return m;
}

struct manifest *
mf_parse_file(const char *path, char **cause)
{
	struct manifest	*m;
	struct buf	 b;
	struct stat	 st;
	ssize_t		 n = 0;
	void		*p;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf_init(&b, MF_MAX_SIZE + 1);
	for (;;) {
		if ((p = buf_space(&b, 65536)) == NULL)
			break;
		if ((n = read(fd, p, 65536)) <= 0)
			break;
		buf_commit(&b, (size_t)n);
	}
	close(fd);
	if (buf_error(&b) != 0 || n < 0) {
		xasprintf(cause, "%s: %s", path, buf_error(&b) == EMSGSIZE ?
		    "manifest too large" : strerror(errno));
		buf_free(&b);
		errno = EINVAL;
		return NULL;
	}
	m = mf_parse_mem(buf_len(&b) ? buf_data(&b) : "", buf_len(&b), path,
	    cause);
	buf_free(&b);
	return m;
}

struct mf_pg *
mf_pg_find(struct mf_pg *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}
