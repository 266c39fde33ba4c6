/* xm's side of the xvmd API: requests, replies, and the one-line error. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/file.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "lib/xvmd_client.h"
#include "tools/xm/xm.h"

int
xm_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
xm_usage(const struct cmd_entry *ce)
{
	fprintf(stderr, "Usage: xm %s %s\n", ce->name, ce->args);
	return 1;
}

static int	call(const char *, const char *, struct json_w *, yajl_val *,
		    int, int);

int
xm_call_timeout(const char *method, const char *uri, struct json_w *body,
    yajl_val *reply, int timeout_ms)
{
	return call(method, uri, body, reply, timeout_ms, 0);
}

int
xm_call_quiet(const char *method, const char *uri, yajl_val *reply)
{
	return call(method, uri, NULL, reply, 0, 1);
}

static int
call(const char *method, const char *uri, struct json_w *body,
    yajl_val *reply, int timeout_ms, int quiet)
{
	const char	*text = NULL;
	size_t		 len = 0;
	char		*cause = NULL;
	int		 status;

	if (body != NULL && (text = json_w_finish(body, &len)) == NULL)
		return xm_error("internal error: malformed request");
	if (xvmd_call(method, uri, text, len, timeout_ms, &status, reply,
	    &cause) == 0)
		return 0;
	/* Quiet: xvmd's refusal is the answer; not reaching it is an error. */
	if (!quiet || status == -1 || status / 100 == 2)
		xm_error("%s", cause != NULL ? cause : strerror(ENOMEM));
	free(cause);
	return 1;
}

int
xm_call(const char *method, const char *uri, struct json_w *body,
    yajl_val *reply)
{
	return xm_call_timeout(method, uri, body, reply, 0);
}

static char *
uri_of(const char *base, const char *dom, const char *suffix)
{
	char	*uri;

	if ((uri = xvmd_uri(base, dom, suffix)) == NULL)
		fatalx("out of memory");
	return uri;
}

char *
xm_dom_uri(const char *dom, const char *suffix)
{
	return uri_of("/domains/", dom, suffix);
}

char *
xm_managed_uri(const char *dom)
{
	return uri_of("/managed/", dom, "");
}

int
xm_dom_op(const char *method, const char *dom, const char *suffix,
    struct json_w *body)
{
	char	*uri = xm_dom_uri(dom, suffix);
	int	 rc;

	rc = xm_call(method, uri, body, NULL);
	free(uri);
	return rc;
}

char *
xm_read_file(const char *path, size_t *lenp)
{
	struct buf	 b;
	FILE		*f;
	void		*space;
	char		*cause = NULL;
	size_t		 n;
	int		 fd;

	/* A FIFO or a directory is refused, not waited on or read as "". */
	if ((fd = file_open_kind(path, O_RDONLY, FILE_KIND_REGULAR, "config "
	    "file", &cause)) == -1 || (f = fdopen(fd, "r")) == NULL) {
		if (fd != -1 || errno != EINVAL)
			xm_error("cannot open %s: %s", path, strerror(errno));
		else
			xm_error("%s", cause);
		if (fd != -1)
			close(fd);
		free(cause);
		return NULL;
	}
	free(cause);
	buf_init(&b, 1024 * 1024);
	while ((space = buf_space(&b, 8192)) != NULL &&
	    (n = fread(space, 1, 8192, f)) > 0)
		buf_commit(&b, n);
	fclose(f);
	if (buf_error(&b)) {
		xm_error("%s is larger than 1 MiB", path);
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, lenp);
}

/*
 * xvmd runs elsewhere (its own working directory): give it an absolute
 * path.  The file itself may not exist yet; its directory must.
 */
char *
xm_absolute(const char *path)
{
	char	 dir[PATH_MAX], *d, *b, *out;

	if (path[0] == '/')
		return xstrdup(path);
	d = xstrdup(path);
	b = xstrdup(path);
	if (realpath(dirname(d), dir) == NULL) {
		xm_error("%s: %s", path, strerror(errno));
		out = NULL;
	} else
		xasprintf(&out, "%s/%s", dir, basename(b));
	free(d);
	free(b);
	return out;
}
