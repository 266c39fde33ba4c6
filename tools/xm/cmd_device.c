/*
 * xm block-attach, block-detach, block-list, network-attach,
 * network-detach, network-list: Xen 3.4 xm's arguments and columns over
 * xvmd's /domains/:dom/devices routes (docs/api.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

/* The keys xm network-attach takes (xm's vif_params); xvmd refuses what
 * it does not implement by name. */
static const char *const vif_keys[] = { "type", "mac", "bridge", "ip",
    "script", "backend", "vifname", "rate", "model", "accel", NULL };

static int
attach(const char *dom, const char *kind, const char *spec)
{
	struct json_w	*w;
	yajl_val	 reply = NULL;
	const char	*msg;
	char		*uri, suffix[32];
	int		 rc;

	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "spec", spec);
	json_w_obj_close(w);
	snprintf(suffix, sizeof(suffix), "/devices/%s", kind);
	if ((uri = xm_dom_uri(dom, suffix)) == NULL) {
		json_w_free(w);
		return xm_error("out of memory");
	}
	rc = xm_call("POST", uri, w, &reply);
	if (rc == 0 && (msg = json_get_str(reply, "message")) != NULL)
		printf("%s\n", msg);
	json_free(reply);
	json_w_free(w);
	free(uri);
	return rc;
}

static int
exec_block_attach(int argc, char **argv)
{
	char	*spec;
	int	 rc;

	/* xm block-attach <Domain> <BackDev> <FrontDev> <Mode> [BackDomain] */
	if (argc == 6 && strcmp(argv[5], "0") != 0)
		return xm_error("xm block-attach: back-end domain %s: only "
		    "Domain-0 (0) serves devices here", argv[5]);
	if (asprintf(&spec, "%s,%s,%s", argv[2], argv[3], argv[4]) == -1)
		return xm_error("out of memory");
	rc = attach(argv[1], "vbd", spec);
	free(spec);
	return rc;
}

static int
exec_network_attach(int argc, char **argv)
{
	char	 spec[2048] = "";
	size_t	 off = 0;
	int	 i, k, n;

	for (i = 2; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		for (k = 0; vif_keys[k] != NULL; k++)
			if (eq != NULL && (size_t)(eq - argv[i]) ==
			    strlen(vif_keys[k]) && strncmp(argv[i],
			    vif_keys[k], strlen(vif_keys[k])) == 0)
				break;
		if (eq == NULL || eq[1] == '\0' || vif_keys[k] == NULL)
			return xm_error("Invalid argument: %s", argv[i]);
		if (strcmp(vif_keys[k], "backend") == 0) {
			if (strcmp(eq + 1, "0") != 0)
				return xm_error("xm network-attach: back-end "
				    "domain %s: only Domain-0 (0) serves "
				    "devices here", eq + 1);
			continue;
		}
		n = snprintf(spec + off, sizeof(spec) - off, "%s%s",
		    off > 0 ? "," : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(spec) - off)
			return xm_error("xm network-attach: arguments too long");
		off += (size_t)n;
	}
	return attach(argv[1], "vif", spec);
}

static int
detach(int argc, char **argv, const char *kind)
{
	char	*uri, *suffix;
	int	 ch, force = 0, rc;
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	yajl_val reply = NULL;
	const char *msg;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+f", longopts, NULL)) != -1)
		force |= ch == 'f';
	argv += optind - 1;
	argc -= optind - 1;
	/* Xen 3.4's order: <Domain> <DevId> [-f|--force]. */
	if (argc == 4 && (strcmp(argv[3], "-f") == 0 ||
	    strcmp(argv[3], "--force") == 0))
		force = 1;
	else if (argc == 4)
		return xm_error("xm %s-detach: unknown option %s", strcmp(kind,
		    "vbd") == 0 ? "block" : "network", argv[3]);
	if (strchr(argv[2], '/') != NULL || strchr(argv[2], '?') != NULL)
		return xm_error("Device %s not connected", argv[2]);
	if (asprintf(&suffix, "/devices/%s/%s%s", kind, argv[2], force ?
	    "?force=1" : "") == -1)
		return xm_error("out of memory");
	uri = xm_dom_uri(argv[1], suffix);
	free(suffix);
	if (uri == NULL)
		return xm_error("out of memory");
	rc = xm_call("DELETE", uri, NULL, &reply);
	if (rc == 0 && (msg = json_get_str(reply, "message")) != NULL)
		printf("%s\n", msg);
	json_free(reply);
	free(uri);
	return rc;
}

static int
exec_block_detach(int argc, char **argv)
{
	return detach(argc, argv, "vbd");
}

static int
exec_network_detach(int argc, char **argv)
{
	return detach(argc, argv, "vif");
}

static int
list(int argc, char **argv, const char *kind)
{
	static const struct option longopts[] = {
		{ "long", no_argument, NULL, 'l' }, { NULL, 0, NULL, 0 } };
	yajl_val	 reply = NULL;
	char		*uri, suffix[32];
	int		 ch, longfmt = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+l", longopts, NULL)) != -1)
		longfmt |= ch == 'l';
	snprintf(suffix, sizeof(suffix), "/devices/%s", kind);
	if ((uri = xm_dom_uri(argv[optind], suffix)) == NULL)
		return xm_error("out of memory");
	rc = xm_call("GET", uri, NULL, &reply);
	free(uri);
	if (rc == 0)
		fmt_dev_list(stdout, json_get(reply, "devices"), kind, longfmt);
	json_free(reply);
	return rc;
}

static int
exec_block_list(int argc, char **argv)
{
	return list(argc, argv, "vbd");
}

static int
exec_network_list(int argc, char **argv)
{
	return list(argc, argv, "vif");
}

const struct cmd_entry cmd_block_attach_entry = {
	.name = "block-attach",
	.args = "<Domain> <BackDev> <FrontDev> <Mode> [BackDomain]",
	.help = "Create a new virtual block device (file:/img xvdb w).",
	.min_args = 4,
	.max_args = 5,
	.exec = exec_block_attach,
};

const struct cmd_entry cmd_block_detach_entry = {
	.name = "block-detach",
	.args = "<Domain> <DevId> [-f|--force]",
	.help = "Destroy a domain's virtual block device (DevId or xvdb).",
	.opts = "f",
	.longopts = (const struct option[]){ { "force", no_argument, NULL,
	    'f' }, { NULL, 0, NULL, 0 } },
	.min_args = 2,
	.max_args = 3,
	.exec = exec_block_detach,
};

const struct cmd_entry cmd_block_list_entry = {
	.name = "block-list",
	.args = "[-l|--long] <Domain>",
	.help = "List virtual block devices for a domain.",
	.opts = "l",
	.longopts = (const struct option[]){ { "long", no_argument, NULL,
	    'l' }, { NULL, 0, NULL, 0 } },
	.min_args = 1,
	.max_args = 1,
	.exec = exec_block_list,
};

const struct cmd_entry cmd_network_attach_entry = {
	.name = "network-attach",
	.args = "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] "
	    "[ip=<ip>] [script=<script>] [backend=<BackDomain>] "
	    "[vifname=<name>] [rate=<rate>] [model=<model>] [accel=<accel>]",
	.help = "Create a new virtual network device.",
	.min_args = 1,
	.max_args = 11,
	.exec = exec_network_attach,
};

const struct cmd_entry cmd_network_detach_entry = {
	.name = "network-detach",
	.args = "<Domain> <DevId|mac> [-f|--force]",
	.help = "Destroy a domain's virtual network device.",
	.opts = "f",
	.longopts = (const struct option[]){ { "force", no_argument, NULL,
	    'f' }, { NULL, 0, NULL, 0 } },
	.min_args = 2,
	.max_args = 3,
	.exec = exec_network_detach,
};

const struct cmd_entry cmd_network_list_entry = {
	.name = "network-list",
	.args = "[-l|--long] <Domain>",
	.help = "List virtual network interfaces for a domain.",
	.opts = "l",
	.longopts = (const struct option[]){ { "long", no_argument, NULL,
	    'l' }, { NULL, 0, NULL, 0 } },
	.min_args = 1,
	.max_args = 1,
	.exec = exec_network_list,
};
