/* The dom0 side of a vif: its tap on a bridge, the default bridge created on demand (Xen's network-bridge, vif-bridge). */
#ifndef XVM_XVMD_NETIF_H
#define XVM_XVMD_NETIF_H

/* The bridge a vif without bridge= joins: the network in a box. */
#define NETIF_DEFAULT_BRIDGE	"xvmbr0"

/*
 * May a vif join bridge 'br' here?  The default bridge always (made when
 * missing, as Xen's network-bridge script did); any other only if it is a
 * Linux bridge now (Xen's vif-bridge script failed otherwise).  0, or -1
 * with *cause (caller frees) naming the bridge and why.
 */
int	 netif_bridge_check(const char *br, char **cause);

/*
 * Create tap 'name' (IFF_TAP | IFF_NO_PI), create bridge 'br' if it is
 * the default and missing (netif_bridge_check's rule), add the tap to it
 * and bring both up.  The tap lives as long as
 * the returned descriptor (xvm-dm holds it).  The descriptor, or -1 with
 * *cause (caller frees).
 */
int	 netif_tap(const char *name, const char *br, char **cause);

#endif
