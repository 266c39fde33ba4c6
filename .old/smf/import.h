/* Importing manifests into the repository (svccfg import, svc.startd at start). */
#ifndef XVM_SMF_IMPORT_H
#define XVM_SMF_IMPORT_H

struct repo;
struct manifest;

/*
 * Import m in one transaction: services, instances (general/enabled set
 * only when an instance is created), property groups, dependents.  A
 * property the administrator changed since the last import (editing value
 * != last_import value) is kept; others take the manifest's value.  Then
 * the last_import snapshot is rewritten and every instance of each service
 * gets a fresh running snapshot.  0, or -1 with *cause (caller frees).
 */
int	 smf_import(struct repo *, const struct manifest *m, char **cause);

/*
 * Import every "*.xml" file under dir (recursively, in name order).
 * Errors are reported through warn(arg, msg) and do not stop the others.
 * Returns the number of manifests that failed.
 */
int	 smf_import_dir(struct repo *, const char *dir,
	    void (*warn)(void *arg, const char *msg), void *arg);

#endif
