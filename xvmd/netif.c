/*
 * The dom0 side of a vif (netif.h): a tap named as Xen names the backend
 * interface (vifD.N, or the config's vifname), on a Linux bridge that is
 * created when missing -- what Xen's network-bridge and vif-bridge
 * scripts did, here with the kernel's ioctls (tun, bridge, interface
 * flags) rather than a shell.  Everything happens in xvmd's network
 * namespace.  Only the default bridge is created when missing; a vif that
 * names another bridge needs it there (netif_bridge_check).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/netif.h"

static int
set_up(int s, const char *ifname)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* Is the interface a Linux bridge?  Its driver says (ethtool's). */
static int
is_bridge(int s, const char *ifname)
{
	struct ethtool_drvinfo	drv;
	struct ifreq		ifr;

	memset(&drv, 0, sizeof(drv));
	drv.cmd = ETHTOOL_GDRVINFO;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_data = (char *)&drv;
	return ioctl(s, SIOCETHTOOL, &ifr) == 0 &&
	    strcmp(drv.driver, "bridge") == 0;
}

/*
 * Xen's rule, in this network namespace: the default bridge is made when
 * it is missing (network-bridge); any other must be there and a bridge
 * (vif-bridge failed on it).  0 (*missing: the default, to be made), or -1
 * with *cause.
 */
static int
usable(int s, const char *br, int *missing, char **cause)
{
	*missing = 0;
	if (br[0] == '\0' || strlen(br) >= IFNAMSIZ || strchr(br, '/') != NULL ||
	    strcmp(br, ".") == 0 || strcmp(br, "..") == 0) {
		xasprintf(cause, "vif bridge '%s' is not a network interface "
		    "name", br);
		return -1;
	}
	if (if_nametoindex(br) == 0) {
		if (strcmp(br, NETIF_DEFAULT_BRIDGE) == 0) {
			*missing = 1;
			return 0;
		}
		xasprintf(cause, "vif bridge '%s': no such network interface "
		    "on this host", br);
		return -1;
	}
	if (!is_bridge(s, br)) {
		xasprintf(cause, "vif bridge '%s': this interface is not a "
		    "bridge", br);
		return -1;
	}
	return 0;
}

int
netif_bridge_check(const char *br, char **cause)
{
	int	 s, missing, rc;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	rc = usable(s, br, &missing, cause);
	close(s);
	return rc;
}

/* The bridge, created (the default only) and brought up. */
static int
bridge(int s, const char *br, char **cause)
{
	int	 missing;

	if (usable(s, br, &missing, cause) == -1)
		return -1;
	if (missing) {
		if (ioctl(s, SIOCBRADDBR, br) == -1 && errno != EEXIST) {
			xasprintf(cause, "creating bridge %s: %s", br,
			    strerror(errno));
			return -1;
		}
		log_info("%s: created bridge %s", __func__, br);
	}
	if (set_up(s, br) == -1) {
		xasprintf(cause, "bringing bridge %s up: %s", br,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
netif_tap(const char *name, const char *br, char **cause)
{
	struct ifreq	ifr;
	int		fd, s = -1;

	if (strlen(name) >= IFNAMSIZ || strlen(br) >= IFNAMSIZ) {
		xasprintf(cause, "interface name '%s' or bridge '%s' is longer "
		    "than %d characters", name, br, IFNAMSIZ - 1);
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1) {
		xasprintf(cause, "/dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		xasprintf(cause, "creating tap %s: %s", name, strerror(errno));
		goto fail;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		goto fail;
	}
	if (bridge(s, br, cause) == -1)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, br, sizeof(ifr.ifr_name));
	if ((ifr.ifr_ifindex = (int)if_nametoindex(name)) == 0 ||
	    ioctl(s, SIOCBRADDIF, &ifr) == -1) {
		xasprintf(cause, "adding %s to bridge %s: %s", name, br,
		    strerror(errno));
		goto fail;
	}
	if (set_up(s, name) == -1) {
		xasprintf(cause, "bringing %s up: %s", name, strerror(errno));
		goto fail;
	}
	close(s);
	return fd;
fail:
	if (s != -1)
		close(s);
	close(fd);
	return -1;
}
