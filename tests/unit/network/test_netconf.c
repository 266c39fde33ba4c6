/* network/netconf.c: the network in a box's settings, its nft ruleset, dnsmasq's arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "network/netconf.h"

static struct netconf
load(const char *text)
{
	struct netconf	 nc;
	char		*cause = NULL;

	netconf_defaults(&nc);
	assert_int_equal(netconf_load_text(&nc, "n.conf", text, &cause), 0);
	assert_int_equal(netconf_check(&nc, &cause), 0);
	return nc;
}

/* The text is refused with exactly 'want'; nc is unchanged. */
static void
refused(const char *text, const char *want)
{
	struct netconf	 nc, before;
	char		*cause = NULL;

	netconf_defaults(&nc);
	before = nc;
	if (netconf_load_text(&nc, "n.conf", text, &cause) == 0)
		assert_int_equal(netconf_check(&nc, &cause), -1);
	else
		assert_memory_equal(&nc, &before, sizeof(nc));
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
test_defaults(void **state)
{
	struct netconf	nc = load("");

	(void)state;
	assert_string_equal(nc.bridge, "xvmbr0");
	assert_string_equal(nc.network, "10.0.0.0/24");
	assert_int_equal(nc.nat, 0);
	assert_int_equal(nc.dhcp, 0);
	assert_int_equal(nc.dns, 1);
}

static void
test_file(void **state)
{
	struct netconf	nc = load("# box\n(nat yes)  # on\n(netdev eth1)\n"
	    "(dhcp true)\n(address \"192.168.50.1/16\")\n(dns 0)\n");

	(void)state;
	assert_int_equal(nc.nat, 1);
	assert_string_equal(nc.netdev, "eth1");
	assert_string_equal(nc.network, "192.168.0.0/16");
	assert_string_equal(nc.range_first, "192.168.0.100");
	assert_string_equal(nc.range_last, "192.168.0.199");
	assert_int_equal(nc.dns, 0);
	nc = load("(dhcp yes)\n(address 10.1.2.3/28)\n"
	    "(dhcp-range '10.1.2.4,10.1.2.14')\n");
	assert_string_equal(nc.range_first, "10.1.2.4");
	assert_string_equal(nc.range_last, "10.1.2.14");
}

static void
test_refused(void **state)
{
	(void)state;
	refused("(nat yes)\n(colour red)\n",
	    "n.conf:2: unknown setting 'colour'");
	refused("(nat maybe)\n", "n.conf:1: nat: 'maybe' is not true or false");
	refused("nat yes\n", "n.conf:1: expected '(name value)'");
	refused("(bridge br;rm)\n",
	    "n.conf:1: bridge: 'br;rm' is not an interface name");
	refused("(bridge abcdefghijklmnopq)\n",
	    "n.conf:1: bridge: 'abcdefghijklmnopq' is not an interface name");
	refused("(address 10.0.0.1)\n", "n.conf:1: address: '10.0.0.1' is "
	    "not an IPv4 address with a prefix length 1-30 (10.0.0.1/24)");
	refused("(address 10.0.0.255/24)\n", "address: 10.0.0.255/24 is its "
	    "network's own address or its broadcast address");
	refused("(dhcp yes)\n(address 10.0.0.1/25)\n", "dhcp-range: must be "
	    "set for a network narrower than /24 (10.0.0.0/25)");
	refused("(dhcp yes)\n(dhcp-range 10.0.1.5,10.0.1.9)\n", "dhcp-range: "
	    "must lie inside 10.0.0.0/24, first before last, without "
	    "xvmbr0's own address");
	refused("(dhcp yes)\n(dhcp-range 10.0.0.1,10.0.0.9)\n", "dhcp-range: "
	    "must lie inside 10.0.0.0/24, first before last, without "
	    "xvmbr0's own address");
	refused("(dhcp yes)\n(dhcp-range 10.0.0.9)\n",
	    "dhcp-range: '10.0.0.9' is not FIRST,LAST");
	refused("(dhcp-lease-time '1h --server=x')\n", "n.conf:1: "
	    "dhcp-lease-time: '1h --server=x' has a character other than "
	    "letters, digits and . , :");
	refused("(netdev xvmbr0)\n",
	    "netdev: the uplink cannot be the bridge xvmbr0 itself");
}

static void
test_svcprop(void **state)
{
	struct netconf	 nc;
	char		*cause = NULL;

	(void)state;
	netconf_defaults(&nc);
	assert_int_equal(netconf_load_svcprop(&nc, "config/nat boolean true\n"
	    "config/netdev astring \"\"\nconfig/bridge astring br7\n"
	    "general/enabled boolean true\n", &cause), 0);
	assert_int_equal(nc.nat, 1);
	assert_string_equal(nc.netdev, "");
	assert_string_equal(nc.bridge, "br7");
	assert_int_equal(netconf_load_svcprop(&nc, "config/nat boolean 2\n",
	    &cause), -1);
	assert_string_equal(cause, "svc:/system/xvm/network:default: nat: "
	    "'2' is not true or false");
	free(cause);
}

static void
test_outputs(void **state)
{
	struct netconf	 nc = load("(nat yes)\n(dhcp yes)\n(netdev up0)\n");
	char		*rules, **argv;
	size_t		 i;
	int		 range = 0;

	(void)state;
	rules = netconf_nft_rules(&nc);
	assert_non_null(strstr(rules, "delete table ip xvm-xvmbr0\n"));
	assert_non_null(strstr(rules, "ip saddr 10.0.0.0/24 ip daddr != "
	    "10.0.0.0/24 oifname \"up0\" masquerade"));
	free(rules);
	nc.netdev[0] = '\0';
	rules = netconf_nft_rules(&nc);
	assert_non_null(strstr(rules, "oifname != \"xvmbr0\" masquerade"));
	free(rules);
	argv = netconf_dnsmasq_argv(&nc, "/r/l", "/r/log");
	assert_string_equal(argv[0], "dnsmasq");
	for (i = 0; argv[i] != NULL; i++) {
		range |= strcmp(argv[i],
		    "--dhcp-range=10.0.0.100,10.0.0.199,1h") == 0;
		assert_string_not_equal(argv[i], "--port=0");
	}
	assert_true(range);
	netconf_argv_free(argv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_svcprop),
		cmocka_unit_test(test_outputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
