/* API routes about a domain's resources, and the host: vCPUs, memory, scheduler, info, dmesg. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/devspec.h"
#include "xvmd/domcfg.h"
#include "xvmd/domops.h"
#include "xvmd/lifecycle.h"
#include "xvmd/memory.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

/*
 * An integer member of the body within [min, max]; the message names the
 * request, the domain, the member, the value and the limits.
 */
static int
body_int(struct api_req *ar, const struct vm *vm, const char *key,
    int64_t min, int64_t max, int64_t *v, char **cause)
{
	(void)json_get_i64(ar->body, key, v);	/* typed by the dispatcher */
	if (*v < min || *v > max) {
		xasprintf(cause, "%s of %s: %s %" PRId64 " is out of range %"
		    PRId64 " to %" PRId64, ar->what, vm->name, key, *v, min,
		    max);
		return EINVAL;
	}
	return 0;
}

int
api_dom_rename(struct api_req *ar, char **cause)
{
	return lc_rename(ar->xd, ar->vm, json_get_str(ar->body, "name"),
	    cause);
}

int
api_dom_sysrq(struct api_req *ar, char **cause)
{
	const char	*key = json_get_str(ar->body, "key");
	char		 path[64];
	struct vm	*vm = ar->vm;

	if (key == NULL || strlen(key) != 1) {
		*cause = xstrdup("'key' must be one character");
		return EINVAL;
	}
	snprintf(path, sizeof(path), "/local/domain/%d/control/sysrq",
	    vm->domid);
	if (!xs_write(ar->xd->xs, XBT_NULL, path, key, 1)) {
		xasprintf(cause, "writing %s: %s", path, strerror(errno));
		return EIO;
	}
	return 0;
}

int
api_dom_vcpus(struct api_req *ar, char **cause)
{
	(void)cause;
	json_w_key(ar->out, "domain");
	if (ar->vm == NULL)		/* Domain-0 (the route's R_DOM0) */
		vm_dom0_to_json(ar->xd, ar->out, 1);
	else
		vm_to_json(ar->xd, ar->vm, ar->out, 1, 0);
	return 0;
}

int
api_dom_vcpu_set(struct api_req *ar, char **cause)
{
	struct vm	*vm = ar->vm;
	int64_t		 n = 0;

	(void)json_get_i64(ar->body, "count", &n);	/* domops checks it */
	return dom_set_vcpus(ar->xd, vm, n, cause);
}

int
api_dom_vcpu_pin(struct api_req *ar, char **cause)
{
	const char	*cpus = json_get_str(ar->body, "cpus");
	uint64_t	 mask, v;
	unsigned int	 i, first, last;
	struct vm	*vm = ar->vm;
	int		 err;

	if (cpus == NULL) {
		*cause = xstrdup("'cpus' is required");
		return EINVAL;
	}
	if (cpumask_parse(cpus, &mask, cause) == -1)
		return EINVAL;
	if (strcmp(ar->params[1], "all") == 0) {
		first = 0;
		last = vm->cfg->vcpus - 1;
	} else if (str_to_u64(ar->params[1], 0, vm->cfg->vcpus - 1, &v) == 0)
		first = last = (unsigned int)v;
	else {
		xasprintf(cause, "%s has no vCPU '%s'", vm->name,
		    ar->params[1]);
		return EINVAL;
	}
	for (i = first; i <= last; i++)
		if (xc_vcpu_setaffinity(ar->xd->xch, (uint32_t)vm->domid,
		    (int)i, mask) == -1) {
			err = errno;
			xasprintf(cause, "pinning vCPU %u of %s: %s", i,
			    vm->name, strerror(err));
			return err == EINVAL ? EINVAL : EIO;
		}
	return 0;
}

int
api_dom_memory(struct api_req *ar, char **cause)
{
	struct vm	*vm = ar->vm;
	int64_t		 mib = 0;

	(void)json_get_i64(ar->body, "mib", &mib);	/* domops checks it */
	return dom_set_memory(ar->xd, vm, mib, cause);
}

int
api_dom_maxmem(struct api_req *ar, char **cause)
{
	struct vm	*vm = ar->vm;
	int64_t		 mib = 0;

	(void)json_get_i64(ar->body, "mib", &mib);	/* domops checks it */
	return dom_set_maxmem(ar->xd, vm, mib, cause);
}

int
api_dom_sched_get(struct api_req *ar, char **cause)
{
	struct xen_domctl_sched_credit	 sc;
	struct vm			*vm = ar->vm;

	if (xc_sched_credit_domain_get(ar->xd->xch, (uint32_t)vm->domid,
	    &sc) == -1) {
		xasprintf(cause, "sched-credit of %s: %s", vm->name,
		    strerror(errno));
		return EIO;
	}
	json_w_key(ar->out, "sched_credit");
	json_w_obj_open(ar->out);
	json_w_ki64(ar->out, "weight", sc.weight);
	json_w_ki64(ar->out, "cap", sc.cap);
	json_w_obj_close(ar->out);
	return 0;
}

int
api_dom_sched_set(struct api_req *ar, char **cause)
{
	struct xen_domctl_sched_credit	 sc;
	struct vm			*vm = ar->vm;
	int64_t				 v;
	int				 err;

	if (xc_sched_credit_domain_get(ar->xd->xch, (uint32_t)vm->domid,
	    &sc) == -1) {
		xasprintf(cause, "sched-credit of %s: %s", vm->name,
		    strerror(errno));
		return EIO;
	}
	if (json_get(ar->body, "weight") != NULL) {
		if ((err = body_int(ar, vm, "weight", 1, 65535, &v, cause)) != 0)
			return err;
		sc.weight = (uint16_t)v;
	}
	if (json_get(ar->body, "cap") != NULL) {
		if ((err = body_int(ar, vm, "cap", 0, 100 * vm->cfg->vcpus, &v,
		    cause)) != 0)
			return err;
		sc.cap = (uint16_t)v;
	}
	if (xc_sched_credit_domain_set(ar->xd->xch, (uint32_t)vm->domid,
	    &sc) == -1) {
		xasprintf(cause, "sched-credit of %s: %s", vm->name,
		    strerror(errno));
		return EIO;
	}
	vm->cfg->cpu_weight = sc.weight;
	vm->cfg->cpu_cap = sc.cap;
	return 0;
}

static void
pair_str(struct json_w *w, const char *k, const char *v)
{
	json_w_arr_open(w);
	json_w_str(w, k);
	json_w_str(w, v);
	json_w_arr_close(w);
}

static void
pair_int(struct json_w *w, const char *k, int64_t v)
{
	json_w_arr_open(w);
	json_w_str(w, k);
	json_w_i64(w, v);
	json_w_arr_close(w);
}

int
api_host(struct api_req *ar, char **cause)
{
	struct mem_account ma;
	xc_physinfo_t	 pi;
	struct utsname	 u;

	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(ar->xd->xch, &pi) == -1 ||
	    mem_account(ar->xd, &ma) == -1) {
		xasprintf(cause, "physinfo: %s", strerror(errno));
		return EIO;
	}
	uname(&u);
	json_w_key(ar->out, "info");
	json_w_arr_open(ar->out);
	pair_str(ar->out, "host", u.nodename);
	pair_str(ar->out, "release", u.release);
	pair_str(ar->out, "version", u.version);
	pair_str(ar->out, "machine", u.machine);
	pair_int(ar->out, "nr_cpus", pi.nr_cpus);
	pair_int(ar->out, "nr_nodes", pi.nr_nodes);
	pair_int(ar->out, "cores_per_socket", pi.cores_per_socket);
	pair_int(ar->out, "threads_per_core", pi.threads_per_core);
	pair_int(ar->out, "cpu_mhz", pi.cpu_khz / 1000);
	/* As Xen's: what no domain has (memory.c's accounting). */
	pair_int(ar->out, "total_memory", ma.total);
	pair_int(ar->out, "free_memory", ma.free > 0 ? ma.free : 0);
	pair_int(ar->out, "xen_major", 3);
	pair_int(ar->out, "xen_minor", 4);
	pair_str(ar->out, "xen_extra", "-xvm");
	pair_str(ar->out, "xen_caps", "xvm-riscv-rv64imafdc");
	pair_str(ar->out, "xen_scheduler", "credit");
	pair_int(ar->out, "xen_pagesize", 4096);
	pair_int(ar->out, "nr_domains", pi.nr_domains);
	pair_str(ar->out, "cc_compiler", "gcc version " __VERSION__);
	pair_int(ar->out, "xend_config_format", 4);
	json_w_arr_close(ar->out);
	return 0;
}

int
api_host_dmesg(struct api_req *ar, char **cause)
{
	struct buf	 b = BUF_INITIALIZER;
	unsigned int	 n;
	uint32_t	 index = 0;
	void		*space;
	int		 clear, err;

	if ((err = api_query_flag(ar, "clear", &clear, cause)) != 0)
		return err;
	/*
	 * The whole ring, read in pieces; with clear, each piece is dropped
	 * as it is read (a line written meanwhile stays for the next reader).
	 */
	for (;;) {
		n = 65536;
		if ((space = buf_space(&b, n)) == NULL)
			break;
		if (xc_readconsolering(ar->xd->xch, space, &n, clear, 1,
		    &index) == -1) {
			xasprintf(cause, "reading the hypervisor console: %s",
			    strerror(errno));
			buf_free(&b);
			return EIO;
		}
		if (n == 0)
			break;
		buf_commit(&b, n);
	}
	json_w_key(ar->out, "text");
	json_w_strn(ar->out, buf_data(&b), buf_len(&b));
	buf_free(&b);
	return 0;
}
