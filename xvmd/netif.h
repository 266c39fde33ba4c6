/* The dom0 side of a vif: its tap on a bridge, the bridge created on demand (Xen's network-bridge, vif-bridge). */
#ifndef XVM_XVMD_NETIF_H
#define XVM_XVMD_NETIF_H

/* The bridge a vif without bridge= joins: the network in a box. */
#define NETIF_DEFAULT_BRIDGE	"xvmbr0"

/*
 * Create tap 'name' (IFF_TAP | IFF_NO_PI), create bridge 'br' if it is
 * missing, add the tap to it and bring both up.  The tap lives as long as
 * the returned descriptor (xvm-dm holds it).  The descriptor, or -1 with
 * *cause (caller frees).
 */
int	 netif_tap(const char *name, const char *br, char **cause);

#endif
