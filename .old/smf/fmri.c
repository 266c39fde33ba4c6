/* Service FMRIs: parsing, validation and smf(7)'s abbreviation matching. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "lib/str.h"
#include "lib/xmalloc.h"
#include "smf/fmri.h"

static int
name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ',' ||
	    c == '.' || c == '+';
}

int
fmri_valid_instance(const char *name)
{
	const char	*p;

	if (*name == '\0' || strlen(name) >= FMRI_INST_MAX)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!name_char((unsigned char)*p))
			return 0;
	return 1;
}

int
fmri_valid_service(const char *name)
{
	const char	*p;
	int		 prev_slash = 1;

	if (*name == '\0' || strlen(name) >= FMRI_SVC_MAX)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (*p == '/') {
			if (prev_slash)
				return 0;	/* empty component */
			prev_slash = 1;
			continue;
		}
		if (!name_char((unsigned char)*p))
			return 0;
		prev_slash = 0;
	}
	return !prev_slash;
}

int
fmri_parse(const char *s, struct fmri *f, char **cause)
{
	const char	*p, *colon;
	size_t		 n;

	memset(f, 0, sizeof(*f));
	if (strncmp(s, "svc:", 4) != 0) {
		xasprintf(cause, "%s: not an FMRI (expected svc:/...)", s);
		goto bad;
	}
	p = s + 4;
	if (strncmp(p, "//", 2) == 0) {
		/* svc://scope/...: only the local scope exists here. */
		p += 2;
		if (strncmp(p, "localhost/", 10) == 0)
			p += 9;
		else if (*p != '/') {
			xasprintf(cause, "%s: unknown scope", s);
			goto bad;
		}
	}
	if (*p != '/') {
		xasprintf(cause, "%s: not an FMRI (expected svc:/...)", s);
		goto bad;
	}
	p++;
	colon = strchr(p, ':');
	n = colon != NULL ? (size_t)(colon - p) : strlen(p);
	if (n == 0 || n >= sizeof(f->svc)) {
		xasprintf(cause, "%s: bad service name", s);
		goto bad;
	}
	memcpy(f->svc, p, n);
	f->svc[n] = '\0';
	if (!fmri_valid_service(f->svc)) {
		xasprintf(cause, "%s: bad service name \"%s\"", s, f->svc);
		goto bad;
	}
	if (colon != NULL) {
		if (str_copy(f->inst, colon + 1, sizeof(f->inst)) == -1 ||
		    !fmri_valid_instance(f->inst)) {
			xasprintf(cause, "%s: bad instance name", s);
			goto bad;
		}
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
fmri_format(char *buf, size_t size, const char *svc, const char *inst)
{
	int	 n;

	if (inst == NULL || *inst == '\0')
		n = snprintf(buf, size, "svc:/%s", svc);
	else
		n = snprintf(buf, size, "svc:/%s:%s", svc, inst);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Does pat (no "svc:" prefix) name svc as itself or a /-suffix of it? */
static int
svc_suffix(const char *pat, size_t plen, const char *svc)
{
	size_t	 slen = strlen(svc);

	if (plen == 0 || plen > slen)
		return 0;
	if (strncmp(svc + slen - plen, pat, plen) != 0)
		return 0;
	return plen == slen || svc[slen - plen - 1] == '/';
}

static int
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int
match(const char *pattern, const char *svc, const char *inst, int want_inst)
{
	char		 full[FMRI_MAX];
	const char	*p, *colon;
	size_t		 plen;
	int		 exact = 0;

	if (has_glob(pattern)) {
		if (fmri_format(full, sizeof(full), svc, inst) == -1)
			return 0;
		return fnmatch(pattern, full, 0) == 0 ||
		    fnmatch(pattern, full + 5, 0) == 0;
	}
	p = pattern;
	if (strncmp(p, "svc:/", 5) == 0) {
		p += 5;
		exact = 1;
	} else if (strncmp(p, "svc:", 4) == 0)
		return 0;
	colon = strchr(p, ':');
	plen = colon != NULL ? (size_t)(colon - p) : strlen(p);
	if (exact) {
		if (strlen(svc) != plen || strncmp(svc, p, plen) != 0)
			return 0;
	} else if (!svc_suffix(p, plen, svc))
		return 0;
	if (colon == NULL)
		return 1;
	if (!want_inst)
		return 0;
	return strcmp(colon + 1, inst) == 0;
}

int
fmri_match(const char *pattern, const char *svc, const char *inst)
{
	return match(pattern, svc, inst, 1);
}

int
fmri_match_service(const char *pattern, const char *svc)
{
	return match(pattern, svc, "", 0);
}
