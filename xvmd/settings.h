/* Where xvmd's host settings come from: SMF when it started us, else xvmd.conf. */
#ifndef XVM_XVMD_SETTINGS_H
#define XVM_XVMD_SETTINGS_H

struct xendconf;

/*
 * Load the host settings into xc (already holding the defaults).  When
 * SMF started us ($SMF_FMRI is set) they are the properties of
 * svc:/system/xvm/xend:default, read with svcprop; otherwise 'file' (or
 * <root>/etc/xvm/xvmd.conf when NULL) if it exists.  Returns 0, or -1 with
 * *cause (owned by the caller).
 */
int	 settings_load(struct xendconf *xc, const char *file, char **cause);

/*
 * Load the settings again (a refresh) and apply those that can change
 * while xvmd runs; the others keep their values until the next start.
 * Returns 0 and *changes (what changed, or NULL; caller frees), or -1
 * with *cause, and nothing changes.
 */
int	 settings_reload(struct xendconf *xc, const char *file,
	    char **changes, char **cause);

#endif
