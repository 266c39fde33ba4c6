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

#endif
