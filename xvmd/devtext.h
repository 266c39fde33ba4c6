/* A config file's disk = [...] and vif = [...] rewritten, for xm block-attach and the like. */
#ifndef XVM_XVMD_DEVTEXT_H
#define XVM_XVMD_DEVTEXT_H

#include <stddef.h>

struct disk_spec;
struct vif_spec;

/*
 * A spec as a config file writes it, into buf (len bytes): disks as
 * "file:/img,xvda,w" (phy:, ":cdrom", "w!" as parsed), vifs as
 * "mac=00:16:3e:..,bridge=..,ip=..,model=..,type=..,script=..,vifname=.."
 * (the members set; mac always, from v->mac).  -1 if it does not fit.
 */
int	 devtext_disk(const struct disk_spec *, char *buf, size_t len);
int	 devtext_vif(const struct vif_spec *, char *buf, size_t len);

/*
 * The config text with key's value replaced by the list of the n strings
 * items (key = [ 'a', 'b' ]), or the setting appended when the file has
 * none.  The rest of the text is kept byte for byte.  'file' names it in
 * messages.  A new string (caller frees), or NULL with *cause (caller
 * frees) when the text does not parse or key is not a list.
 */
char	*devtext_set_list(const char *file, const char *text, const char *key,
	    char *const *items, size_t n, char **cause);

#endif
