/* xm domid, domname, rename, sysrq: a domain's identity and keys. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static int
exec_domid(int argc, char **argv)
{
	struct xm_domains	 xd;
	const char		*name;
	int64_t			 id;
	int			 rc;

	(void)argc;
	if ((rc = xm_domains_get(&xd, 1, argv + 1, "")) == 0 && xd.n == 1) {
		if (strcmp(argv[0], "domid") == 0) {
			if (json_get_i64(xd.doms[0], "domid", &id) == 0)
				printf("%" PRId64 "\n", id);
			else
				rc = xm_error("domain '%s' is not running",
				    argv[1]);
		} else if ((name = json_get_str(xd.doms[0], "name")) != NULL)
			printf("%s\n", name);
	}
	xm_domains_free(&xd);
	return rc;
}

static int
exec_rename(int argc, char **argv)
{
	struct json_w	*w;
	int		 rc;

	(void)argc;
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "name", argv[2]);
	json_w_obj_close(w);
	rc = xm_dom_op("POST", argv[1], "/rename", w);
	json_w_free(w);
	return rc;
}

static int
exec_sysrq(int argc, char **argv)
{
	struct json_w	*w;
	int		 rc;

	(void)argc;
	if (strlen(argv[2]) != 1)
		return xm_error("xm sysrq: the key is one character, not '%s'",
		    argv[2]);
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "key", argv[2]);
	json_w_obj_close(w);
	rc = xm_dom_op("POST", argv[1], "/sysrq", w);
	json_w_free(w);
	return rc;
}

const struct cmd_entry cmd_domid_entry = {
	.name = "domid",
	.args = "<DomainName>",
	.help = "Convert a domain name to a domain ID.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_domid,
};

const struct cmd_entry cmd_domname_entry = {
	.name = "domname",
	.args = "<DomainId>",
	.help = "Convert a domain ID to a domain name.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_domid,
};

const struct cmd_entry cmd_rename_entry = {
	.name = "rename",
	.args = "<Domain> <NewDomainName>",
	.help = "Rename a domain.",
	.min_args = 2,
	.max_args = 2,
	.exec = exec_rename,
};

const struct cmd_entry cmd_sysrq_entry = {
	.name = "sysrq",
	.args = "<Domain> <letter>",
	.help = "Send a sysrq to a domain.",
	.min_args = 2,
	.max_args = 2,
	.exec = exec_sysrq,
};
