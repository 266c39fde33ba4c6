/* The network in a box's settings (netconf.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "lib/xmalloc.h"
#include "network/netconf.h"

enum kind { K_NAME, K_CIDR, K_BOOL, K_TEXT };

static const struct key {
	const char	*name;
	enum kind	 kind;
	size_t		 off, size;	/* string members */
	size_t		 boff;		/* K_BOOL member */
} keys[] = {
#define S(n, k, m)	{ n, k, offsetof(struct netconf, m), \
			    sizeof(((struct netconf *)0)->m), 0 }
#define B(n, m)		{ n, K_BOOL, 0, 0, offsetof(struct netconf, m) }
	S("bridge", K_NAME, bridge),
	S("address", K_CIDR, address),
	B("nat", nat),
	S("netdev", K_NAME, netdev),
	B("dhcp", dhcp),
	S("dhcp-range", K_TEXT, dhcp_range),
	S("dhcp-lease-time", K_TEXT, lease_time),
	B("dns", dns),
#undef S
#undef B
};

void
netconf_defaults(struct netconf *nc)
{
	memset(nc, 0, sizeof(*nc));
	strlcpy(nc->bridge, "xvmbr0", sizeof(nc->bridge));
	strlcpy(nc->address, "10.0.0.1/24", sizeof(nc->address));
	strlcpy(nc->lease_time, "1h", sizeof(nc->lease_time));
	nc->dns = 1;
}

/* An interface name as the kernel takes it. */
static int
ifname_ok(const char *s)
{
	size_t	i, n = strlen(s);

	if (n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

/* "a.b.c.d/n": address and prefix length, host order. */
static int
cidr_parse(const char *s, uint32_t *addr, uint32_t *len)
{
	char		 ip[32];
	const char	*slash = strchr(s, '/');
	struct in_addr	 in;
	uint64_t	 n;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(ip))
		return -1;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	if (inet_pton(AF_INET, ip, &in) != 1 ||
	    str_to_u64(slash + 1, 1, 30, &n) == -1)
		return -1;
	*addr = ntohl(in.s_addr);
	*len = (uint32_t)n;
	return 0;
}

static int
set(struct netconf *nc, const char *name, const char *value, char **why)
{
	const struct key	*k;
	uint32_t		 a, l;
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return cause_printf(why, "unknown setting '%s'", name);
	k = &keys[i];
	switch (k->kind) {
	case K_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "1") == 0)
			*(int *)(void *)((char *)nc + k->boff) = 1;
		else if (strcmp(value, "false") == 0 ||
		    strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
			*(int *)(void *)((char *)nc + k->boff) = 0;
		else
			return cause_printf(why, "%s: '%s' is not true or "
			    "false", name, value);
		return 0;
	case K_NAME:
		if (*value != '\0' && !ifname_ok(value))
			return cause_printf(why, "%s: '%s' is not an interface "
			    "name", name, value);
		break;
	case K_CIDR:
		if (cidr_parse(value, &a, &l) == -1)
			return cause_printf(why, "%s: '%s' is not an IPv4 "
			    "address with a prefix length 1-30 (10.0.0.1/24)",
			    name, value);
		break;
	case K_TEXT:
		for (i = 0; value[i] != '\0'; i++)
			if (!isalnum((unsigned char)value[i]) &&
			    strchr(".,:", value[i]) == NULL)
				return cause_printf(why, "%s: '%s' has a "
				    "character other than letters, digits and "
				    ". , :", name, value);
		break;
	}
	if (str_copy((char *)nc + k->off, value, k->size) == -1)
		return cause_printf(why, "%s: '%s' is too long", name, value);
	return 0;
}

int
netconf_load_text(struct netconf *nc, const char *where, const char *text,
    char **cause)
{
	struct netconf	 next = *nc;
	char		 line[512], name[64], value[256], *why = NULL, *p;
	const char	*s = text, *nl;
	int		 lineno = 0;
	size_t		 len;

	for (; *s != '\0'; s = *nl ? nl + 1 : nl) {
		lineno++;
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		if ((len = (size_t)(nl - s)) >= sizeof(line))
			return cause_printf(cause, "%s:%d: line too long",
			    where, lineno);
		memcpy(line, s, len);
		line[len] = '\0';
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = line + strspn(line, " \t\r");
		if (*p == '\0')
			continue;
		value[0] = '\0';
		len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		    p[len - 1] == '\r'))
			p[--len] = '\0';
		if (len < 3 || p[0] != '(' || p[len - 1] != ')' ||
		    sscanf(p, "(%63[^ \t)] %255[^)])", name, value) < 1)
			return cause_printf(cause, "%s:%d: expected '(name "
			    "value)'", where, lineno);
		/* Quotes around the value, as xend-config.sxp allowed. */
		len = strlen(value);
		while (len > 0 && value[len - 1] == ' ')
			value[--len] = '\0';
		if (len >= 2 && (value[0] == '\'' || value[0] == '"') &&
		    value[len - 1] == value[0]) {
			memmove(value, value + 1, len - 2);
			value[len - 2] = '\0';
		}
		if (set(&next, name, value, &why) == -1) {
			cause_printf(cause, "%s:%d: %s", where, lineno, why);
			free(why);
			return -1;
		}
	}
	*nc = next;
	return 0;
}

int
netconf_load_svcprop(struct netconf *nc, const char *text, char **cause)
{
	struct netconf	 next = *nc;
	char		 line[512], *name, *type, *value, *why = NULL;
	const char	*s = text, *nl;
	size_t		 len;

	for (; *s != '\0'; s = *nl ? nl + 1 : nl) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		if ((len = (size_t)(nl - s)) == 0)
			continue;
		if (len >= sizeof(line))
			return cause_printf(cause, "svcprop: line too long");
		memcpy(line, s, len);
		line[len] = '\0';
		name = line;
		if ((type = strchr(name, ' ')) == NULL)
			return cause_printf(cause, "svcprop: malformed line "
			    "'%s'", line);
		*type++ = '\0';
		if ((value = strchr(type, ' ')) != NULL)
			*value++ = '\0';
		else
			value = type + strlen(type);
		if (!str_has_prefix(name, "config/"))
			continue;
		if (strcmp(value, "\"\"") == 0)
			value[0] = '\0';
		if (set(&next, name + 7, value, &why) == -1) {
			cause_printf(cause, "%s: %s", NETCONF_FMRI, why);
			free(why);
			return -1;
		}
	}
	*nc = next;
	return 0;
}

static void
fmt_ip(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

int
netconf_check(struct netconf *nc, char **cause)
{
	uint32_t	 mask, net, a, b;
	char		 ip[16], first[16], last[16], *comma;
	struct in_addr	 in;

	if (nc->bridge[0] == '\0')
		return cause_printf(cause, "bridge: must be set");
	if (cidr_parse(nc->address, &nc->addr, &nc->prefix_len) == -1)
		return cause_printf(cause, "address: '%s' is not an IPv4 "
		    "address with a prefix length", nc->address);
	mask = ~0u << (32 - nc->prefix_len);
	net = nc->addr & mask;
	if (nc->addr == net || nc->addr == (net | ~mask))
		return cause_printf(cause, "address: %s is its network's "
		    "own address or its broadcast address", nc->address);
	fmt_ip(net, ip, sizeof(ip));
	snprintf(nc->network, sizeof(nc->network), "%s/%u", ip,
	    nc->prefix_len);
	if (strcmp(nc->netdev, nc->bridge) == 0)
		return cause_printf(cause, "netdev: the uplink cannot be the "
		    "bridge %s itself", nc->bridge);
	if (!nc->dhcp)
		return 0;
	if (nc->dhcp_range[0] == '\0') {
		if (nc->prefix_len > 24)
			return cause_printf(cause, "dhcp-range: must be set "
			    "for a network narrower than /24 (%s)",
			    nc->network);
		a = net + 100;
		b = net + 199;
	} else {
		if (strlen(nc->dhcp_range) >= sizeof(first) + sizeof(last) ||
		    (comma = strchr(nc->dhcp_range, ',')) == NULL ||
		    (size_t)(comma - nc->dhcp_range) >= sizeof(first) ||
		    strlen(comma + 1) >= sizeof(last))
			return cause_printf(cause, "dhcp-range: '%s' is not "
			    "FIRST,LAST", nc->dhcp_range);
		memcpy(first, nc->dhcp_range, (size_t)(comma -
		    nc->dhcp_range));
		first[comma - nc->dhcp_range] = '\0';
		strlcpy(last, comma + 1, sizeof(last));
		if (inet_pton(AF_INET, first, &in) != 1)
			return cause_printf(cause, "dhcp-range: '%s' is not an "
			    "IPv4 address", first);
		a = ntohl(in.s_addr);
		if (inet_pton(AF_INET, last, &in) != 1)
			return cause_printf(cause, "dhcp-range: '%s' is not an "
			    "IPv4 address", last);
		b = ntohl(in.s_addr);
	}
	if ((a & mask) != net || (b & mask) != net || a > b || a == net ||
	    b == (net | ~mask) || (nc->addr >= a && nc->addr <= b))
		return cause_printf(cause, "dhcp-range: must lie inside %s, "
		    "first before last, without %s's own address",
		    nc->network, nc->bridge);
	fmt_ip(a, nc->range_first, sizeof(nc->range_first));
	fmt_ip(b, nc->range_last, sizeof(nc->range_last));
	return 0;
}

void
netconf_nft_table(const struct netconf *nc, char *buf, size_t len)
{
	snprintf(buf, len, "xvm-%s", nc->bridge);
}

char *
netconf_nft_rules(const struct netconf *nc)
{
	char	 table[32], *out, oif[48] = "";

	netconf_nft_table(nc, table, sizeof(table));
	if (nc->netdev[0] != '\0')
		snprintf(oif, sizeof(oif), "oifname \"%s\" ", nc->netdev);
	else
		snprintf(oif, sizeof(oif), "oifname != \"%s\" ", nc->bridge);
	/* add + delete + define: replaces the table whole, atomically. */
	xasprintf(&out,
	    "add table ip %s\n"
	    "delete table ip %s\n"
	    "table ip %s {\n"
	    "\tchain postrouting {\n"
	    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
	    "\t\tip saddr %s ip daddr != %s %smasquerade\n"
	    "\t}\n"
	    "}\n", table, table, table, nc->network, nc->network, oif);
	return out;
}

char **
netconf_dnsmasq_argv(const struct netconf *nc, const char *leases,
    const char *logfile)
{
	char	**argv = xcalloc(16, sizeof(*argv));
	int	  i = 0;

	argv[i++] = xstrdup("dnsmasq");
	argv[i++] = xstrdup("--keep-in-foreground");
	argv[i++] = xstrdup("--conf-file=/dev/null");
	xasprintf(&argv[i++], "--interface=%s", nc->bridge);
	argv[i++] = xstrdup("--bind-interfaces");
	argv[i++] = xstrdup("--except-interface=lo");
	argv[i++] = xstrdup("--dhcp-authoritative");
	xasprintf(&argv[i++], "--dhcp-range=%s,%s,%s", nc->range_first,
	    nc->range_last, nc->lease_time);
	xasprintf(&argv[i++], "--dhcp-leasefile=%s", leases);
	xasprintf(&argv[i++], "--log-facility=%s", logfile);
	argv[i++] = xstrdup("--log-dhcp");
	argv[i++] = xstrdup("--pid-file");	/* none */
	argv[i++] = xstrdup("--user=root");
	if (!nc->dns)
		argv[i++] = xstrdup("--port=0");
	argv[i] = NULL;
	return argv;
}

void
netconf_argv_free(char **argv)
{
	size_t	i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}
