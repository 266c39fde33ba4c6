/* The network in a box put up and taken down: bridge, address, forwarding, NAT (nft), DHCP (dnsmasq). */
#ifndef XVM_NETWORK_NETUP_H
#define XVM_NETWORK_NETUP_H

#include <sys/types.h>

#include "network/netconf.h"

struct netup {
	struct netconf	 nc;		/* what is up */
	int		 up;
	int		 addr_set;	/* we put nc.address on the bridge */
	int		 nat_set;	/* our nft table is there */
	int		 fwd_old;	/* ip_forward before us; -1: untouched */
	pid_t		 dnsmasq;	/* -1: none */
};

/*
 * The settings: SMF's (svcprop -p config NETCONF_FMRI) when SMF started
 * us ($SMF_FMRI set), else 'file' (NULL: <root>/etc/xvm/network.conf,
 * which may be missing: the defaults).  0, or -1 with *cause.
 */
int	 netup_settings(struct netconf *, const char *file, char **cause);

/*
 * Put nc up: the bridge (created when missing, as xvmd does), dom0's
 * address on it, then with nat IPv4 forwarding and the masquerade table,
 * with dhcp dnsmasq (its pid in nu->dnsmasq once it serves).  All or
 * nothing: 0, or -1 with *cause and what was done undone.
 */
int	 netup_apply(struct netup *, const struct netconf *, char **cause);

/* Undo what netup_apply did (the bridge stays: guests' taps are on it). */
void	 netup_teardown(struct netup *);

#endif
