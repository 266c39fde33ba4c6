/* Service FMRIs: parsing, validation and smf(7)'s abbreviation matching. */
#ifndef XVM_SMF_FMRI_H
#define XVM_SMF_FMRI_H

#include <stddef.h>

#define FMRI_SVC_MAX	220
#define FMRI_INST_MAX	64
#define FMRI_MAX	(FMRI_SVC_MAX + FMRI_INST_MAX + 8)

/* A parsed FMRI: svc is "system/xvm/store", inst "" for a service. */
struct fmri {
	char	 svc[FMRI_SVC_MAX];
	char	 inst[FMRI_INST_MAX];
};

/*
 * Parse a full FMRI, "svc:/system/xvm/store:default", "svc:/a/b" or
 * "svc:///a/b:c" (the empty scope of smf(7)).  Returns 0, or -1 with errno
 * EINVAL and *cause (caller frees) naming what is wrong.
 */
int	 fmri_parse(const char *s, struct fmri *f, char **cause);

/* Nonzero when name is a valid service name ("a/b-c,d") or instance name. */
int	 fmri_valid_service(const char *name);
int	 fmri_valid_instance(const char *name);

/* "svc:/svc:inst" (or "svc:/svc" when inst is "" or NULL) into buf. */
int	 fmri_format(char *buf, size_t size, const char *svc, const char *inst);

/*
 * Does the pattern (a full FMRI, an abbreviation as smf(7) allows -
 * "xvm/store", "store:default", "store" - or a glob) name instance
 * inst of service svc?  A pattern without an instance names every
 * instance of the services it matches.
 */
int	 fmri_match(const char *pattern, const char *svc, const char *inst);

/* The same for a service alone (the instance part must be absent). */
int	 fmri_match_service(const char *pattern, const char *svc);

#endif
