/* xm vcpu-list, vcpu-pin, vcpu-set, mem-set, mem-max: a domain's resources. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/str.h"
#include "tools/xm/xm.h"

static int
exec_vcpu_list(int argc, char **argv)
{
	struct xm_domains	 xd;
	int			 rc;

	rc = xm_domains_get(&xd, argc - 1, argv + 1, "?vcpus=1");
	fmt_vcpu_list(stdout, xd.doms, xd.n);
	xm_domains_free(&xd);
	return rc;
}

/* PUT a domain route whose body is one integer member. */
static int
put_int(const char *cmd, const char *dom, const char *suffix, const char *key,
    const char *text, const char *unit, uint64_t min, uint64_t max)
{
	struct json_w	*w;
	uint64_t	 v;
	int		 rc;

	if (str_to_u64(text, min, max, &v) == -1)
		return xm_error("xm %s: '%s' is not a number of %s from %llu to "
		    "%llu", cmd, text, unit, (unsigned long long)min,
		    (unsigned long long)max);
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_key(w, key);
	json_w_u64(w, v);
	json_w_obj_close(w);
	rc = xm_dom_op("PUT", dom, suffix, w);
	json_w_free(w);
	return rc;
}

static int
exec_vcpu_set(int argc, char **argv)
{
	(void)argc;
	return put_int(argv[0], argv[1], "/vcpus", "count", argv[2], "vCPUs",
	    1, 32);
}

static int
exec_vcpu_pin(int argc, char **argv)
{
	struct json_w	*w;
	char		*suffix;
	uint64_t	 vcpu;
	int		 rc;

	(void)argc;
	if (strcmp(argv[2], "all") != 0 &&
	    str_to_u64(argv[2], 0, 63, &vcpu) == -1)
		return xm_error("vCPU '%s' is not a number from 0 to 63 or "
		    "'all'", argv[2]);
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "cpus", argv[3]);
	json_w_obj_close(w);
	if (asprintf(&suffix, "/vcpus/%s/affinity", argv[2]) == -1)
		rc = xm_error("out of memory");
	else {
		rc = xm_dom_op("PUT", argv[1], suffix, w);
		free(suffix);
	}
	json_w_free(w);
	return rc;
}

static int
exec_mem(int argc, char **argv)
{
	(void)argc;
	return put_int(argv[0], argv[1], strcmp(argv[0], "mem-set") == 0 ?
	    "/memory" : "/maxmem", "mib", argv[2], "MiB", 4, 262144);
}

const struct cmd_entry cmd_vcpu_list_entry = {
	.name = "vcpu-list",
	.args = "[Domain ...]",
	.help = "List the vCPUs of all, or some, domains.",
	.min_args = 0,
	.max_args = -1,
	.exec = exec_vcpu_list,
};

const struct cmd_entry cmd_vcpu_pin_entry = {
	.name = "vcpu-pin",
	.args = "<Domain> <VCPU|all> <CPUs|all>",
	.help = "Set which physical CPUs a vCPU may run on.",
	.min_args = 3,
	.max_args = 3,
	.exec = exec_vcpu_pin,
};

const struct cmd_entry cmd_vcpu_set_entry = {
	.name = "vcpu-set",
	.args = "<Domain> <vCPUs>",
	.help = "Set the number of active vCPUs of a domain.",
	.min_args = 2,
	.max_args = 2,
	.exec = exec_vcpu_set,
};

const struct cmd_entry cmd_mem_set_entry = {
	.name = "mem-set",
	.args = "<Domain> <Mem>",
	.help = "Set the current memory of a domain, in MiB (balloon).",
	.min_args = 2,
	.max_args = 2,
	.exec = exec_mem,
};

const struct cmd_entry cmd_mem_max_entry = {
	.name = "mem-max",
	.args = "<Domain> <Mem>",
	.help = "Set the maximum memory of a domain, in MiB.",
	.min_args = 2,
	.max_args = 2,
	.exec = exec_mem,
};
