/* libxenstore: the request calls (read, write, directory, permissions, transactions, domains). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <xvm/xenstore.h>
#include <xvm/xs_wire.h>

#include "xenstored/xs_internal.h"

char *
xsi_talk1(struct xs_handle *h, xs_transaction_t t, uint32_t type, const char *s,
    unsigned int *lenp)
{
	struct iovec	 iov = { (void *)(uintptr_t)s, strlen(s) + 1 };

	return xsi_talk(h, t, type, &iov, 1, lenp);
}

bool
xsi_talk_bool(char *reply)
{
	if (reply == NULL)
		return false;
	free(reply);
	return true;
}

void *
xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
    unsigned int *len)
{
	return xsi_talk1(h, t, XS_READ, path, len);
}

bool
xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
    const void *data, unsigned int len)
{
	struct iovec	 iov[2] = {
		{ (void *)(uintptr_t)path, strlen(path) + 1 },
		{ (void *)(uintptr_t)data, len },
	};

	return xsi_talk_bool(xsi_talk(h, t, XS_WRITE, iov, 2, NULL));
}

bool
xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	return xsi_talk_bool(xsi_talk1(h, t, XS_MKDIR, path, NULL));
}

bool
xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	return xsi_talk_bool(xsi_talk1(h, t, XS_RM, path, NULL));
}

/* Turn "a\0b\0" into one allocation: char *[n] followed by the strings. */
char **
xsi_split(char *body, unsigned int len, unsigned int *num)
{
	unsigned int	 n = 0, i;
	char		**v, *s;

	for (i = 0; i < len; i++)
		if (body[i] == '\0')
			n++;
	if ((v = malloc((n + 1) * sizeof(char *) + len + 1)) == NULL) {
		free(body);
		return NULL;
	}
	s = (char *)(v + n + 1);
	memcpy(s, body, len);
	s[len] = '\0';
	free(body);
	for (i = 0; i < n; i++) {
		v[i] = s;
		s += strlen(s) + 1;
	}
	v[n] = NULL;
	*num = n;
	return v;
}

char **
xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
    unsigned int *num)
{
	char		*body;
	unsigned int	 len;

	if ((body = xsi_talk1(h, t, XS_DIRECTORY, path, &len)) == NULL)
		return NULL;
	return xsi_split(body, len, num);
}

struct xs_permissions *
xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
    unsigned int *num)
{
	struct xs_permissions	*p;
	char			*body, **v;
	unsigned int		 len, n, i;
	unsigned long		 id;
	char			*end;

	if ((body = xsi_talk1(h, t, XS_GET_PERMS, path, &len)) == NULL)
		return NULL;
	if ((v = xsi_split(body, len, &n)) == NULL)
		return NULL;
	if ((p = calloc(n ? n : 1, sizeof(*p))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		switch (v[i][0]) {
		case 'n': p[i].perms = XS_PERM_NONE; break;
		case 'r': p[i].perms = XS_PERM_READ; break;
		case 'w': p[i].perms = XS_PERM_WRITE; break;
		case 'b': p[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
		default: goto bad;
		}
		errno = 0;
		id = strtoul(v[i] + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == v[i] + 1)
			goto bad;
		p[i].id = (unsigned int)id;
	}
	*num = n;
	free(v);
	return p;
bad:
	free(p);
	p = NULL;
	errno = EPROTO;
out:
	free(v);
	return p;
}

bool
xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
    struct xs_permissions *perms, unsigned int num)
{
	static const char	 c[] = { 'n', 'r', 'w', 'b' };
	char			 buf[XENSTORE_PAYLOAD_MAX];
	size_t			 off;
	unsigned int		 i;
	int			 k;
	struct iovec		 iov;

	k = snprintf(buf, sizeof(buf), "%s", path);
	if (k < 0 || (size_t)k >= sizeof(buf))
		goto big;
	off = (size_t)k + 1;
	for (i = 0; i < num; i++) {
		k = snprintf(buf + off, sizeof(buf) - off, "%c%u",
		    c[perms[i].perms & 3], perms[i].id);
		if (k < 0 || (size_t)k >= sizeof(buf) - off)
			goto big;
		off += (size_t)k + 1;
	}
	iov.iov_base = buf;
	iov.iov_len = off;
	return xsi_talk_bool(xsi_talk(h, t, XS_SET_PERMS, &iov, 1, NULL));
big:
	errno = E2BIG;
	return false;
}

xs_transaction_t
xs_transaction_start(struct xs_handle *h)
{
	char		*id, *end;
	unsigned long	 v;

	if ((id = xsi_talk1(h, XBT_NULL, XS_TRANSACTION_START, "", NULL)) == NULL)
		return XBT_NULL;
	errno = 0;
	v = strtoul(id, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > UINT32_MAX) {
		free(id);
		errno = EPROTO;
		return XBT_NULL;
	}
	free(id);
	return (xs_transaction_t)v;
}

bool
xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
	return xsi_talk_bool(xsi_talk1(h, t, XS_TRANSACTION_END, abort ? "F" : "T",
	    NULL));
}

static char *
domid_talk(struct xs_handle *h, uint32_t type, unsigned int domid)
{
	char	 s[16];

	snprintf(s, sizeof(s), "%u", domid);
	return xsi_talk1(h, XBT_NULL, type, s, NULL);
}

bool
xs_introduce_domain(struct xs_handle *h, unsigned int domid,
    unsigned long mfn, unsigned int eventchn)
{
	char		 a[16], b[24], c[16];
	struct iovec	 iov[3];

	snprintf(a, sizeof(a), "%u", domid);
	snprintf(b, sizeof(b), "%lu", mfn);
	snprintf(c, sizeof(c), "%u", eventchn);
	iov[0].iov_base = a;
	iov[0].iov_len = strlen(a) + 1;
	iov[1].iov_base = b;
	iov[1].iov_len = strlen(b) + 1;
	iov[2].iov_base = c;
	iov[2].iov_len = strlen(c) + 1;
	return xsi_talk_bool(xsi_talk(h, XBT_NULL, XS_INTRODUCE, iov, 3, NULL));
}

bool
xs_release_domain(struct xs_handle *h, unsigned int domid)
{
	return xsi_talk_bool(domid_talk(h, XS_RELEASE, domid));
}

bool
xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
	return xsi_talk_bool(domid_talk(h, XS_RESUME, domid));
}

bool
xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target)
{
	char		 a[16], b[16];
	struct iovec	 iov[2];

	snprintf(a, sizeof(a), "%u", domid);
	snprintf(b, sizeof(b), "%u", target);
	iov[0].iov_base = a;
	iov[0].iov_len = strlen(a) + 1;
	iov[1].iov_base = b;
	iov[1].iov_len = strlen(b) + 1;
	return xsi_talk_bool(xsi_talk(h, XBT_NULL, XS_SET_TARGET, iov, 2, NULL));
}

char *
xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
	return domid_talk(h, XS_GET_DOMAIN_PATH, domid);
}

bool
xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
	char	*r;
	bool	 yes;

	if ((r = domid_talk(h, XS_IS_DOMAIN_INTRODUCED, domid)) == NULL)
		return false;
	yes = strcmp(r, "T") == 0;
	free(r);
	if (!yes)
		errno = ENOENT;
	return yes;
}

char *
xs_control_command(struct xs_handle *h, const char *cmd, const void *data,
    unsigned int len)
{
	struct iovec	 iov[2] = {
		{ (void *)(uintptr_t)cmd, strlen(cmd) + 1 },
		{ (void *)(uintptr_t)data, len },
	};

	return xsi_talk(h, XBT_NULL, XS_CONTROL, iov, data ? 2 : 1, NULL);
}
