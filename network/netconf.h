/* The network in a box's settings (svc:/system/xvm/network): xend-style names, checked, and what they make. */
#ifndef XVM_NETWORK_NETCONF_H
#define XVM_NETWORK_NETCONF_H

#include <stddef.h>
#include <stdint.h>

#define NETCONF_FMRI	"svc:/system/xvm/network:default"

/*
 * The settings, with Xen's network scripts' names where they had one
 * (network-bridge's bridge= and netdev=, network-nat's dhcp=):
 *
 *	bridge		the box's bridge (xvmbr0)
 *	address		dom0's address on it, CIDR (10.0.0.1/24)
 *	nat		masquerade the box's traffic to the uplink (false)
 *	netdev		the uplink; "" = any interface but the bridge
 *	dhcp		serve DHCP to guests with dnsmasq (false)
 *	dhcp-range	first,last address (""; default .100 to .199 of the
 *			address's network, which must then be /24 or wider)
 *	dhcp-lease-time	dnsmasq's lease time (1h)
 *	dns		dnsmasq also forwards DNS for the guests (true)
 */
struct netconf {
	char		 bridge[16];
	char		 address[32];
	int		 nat;
	char		 netdev[16];
	int		 dhcp;
	char		 dhcp_range[64];
	char		 lease_time[16];
	int		 dns;
	/* Derived by netconf_check. */
	uint32_t	 addr, prefix_len;	/* host order */
	char		 network[32];		/* 10.0.0.0/24 */
	char		 range_first[16], range_last[16];
};

void	 netconf_defaults(struct netconf *);

/*
 * Apply '(name value)' lines (the file form, etc/xvm/network.conf; '#'
 * comments) or svcprop's "config/NAME TYPE VALUE" lines.  An unknown name
 * or a bad value fails with *cause ("where:line: reason", caller frees).
 */
int	 netconf_load_text(struct netconf *, const char *where,
	    const char *text, char **cause);
int	 netconf_load_svcprop(struct netconf *, const char *text,
	    char **cause);

/* Check the whole and derive the rest: 0, or -1 with *cause. */
int	 netconf_check(struct netconf *, char **cause);

/*
 * The nftables ruleset that masquerades the box (nft -f): its own table,
 * replaced whole each time.  A new string (caller frees).
 */
char	*netconf_nft_rules(const struct netconf *);

/* The table's name, for deleting it: "xvm-BRIDGE". */
void	 netconf_nft_table(const struct netconf *, char *buf, size_t len);

/*
 * dnsmasq's argument vector (NULL-terminated; free with netconf_argv_free)
 * for the bridge: its own process in the foreground, no config file, only
 * the bridge, leases in 'leases', its log to 'logfile'.
 */
char	**netconf_dnsmasq_argv(const struct netconf *, const char *leases,
	    const char *logfile);
void	 netconf_argv_free(char **);

#endif
