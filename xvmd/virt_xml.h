/* libvirt domain XML <-> xm config (docs/libvirt.md has the mapping). */
#ifndef XVM_XVMD_VIRT_XML_H
#define XVM_XVMD_VIRT_XML_H

#include <stddef.h>

struct vm;
struct xvmd;

/*
 * Translate a domain XML document into the text of an xm config, which
 * the caller then parses and validates like any config file (domops.h):
 * there is one source of truth, the xm config.  Elements we do not model
 * and can do without (controllers, input, video, metadata, ...) are
 * ignored with a log line; what cannot be honoured (another domain type
 * or architecture, firmware, graphics, host devices, ...) is refused.
 * Returns the text (caller frees) or NULL with *cause (caller frees).
 */
char	*virt_xml_to_xm(const char *xml, size_t len, char **cause);

/* The <name> of a domain XML, after a successful virt_xml_to_xm of it. */
int	 virt_xml_name(const char *xml, size_t len, char *name, size_t size);

/*
 * The domain XML of vm (NULL = Domain-0): the live one, or with
 * 'inactive' the persistent config without runtime details.  Caller frees.
 */
char	*virt_xml_format(struct xvmd *, const struct vm *, int inactive);

#endif
