/* The domains xvmd knows: running ones, and managed ones that may not be. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/xenctrl.h>
#include "lib/json.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/dmproc.h"
#include "xvmd/domcfg.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

struct vm *
vm_new(struct domcfg *cfg, char *text, char *file)
{
	struct vm	*vm = xcalloc(1, sizeof(*vm));

	vm->cfg = cfg;
	vm->cfgtext = text;
	vm->cfgfile = file;
	vm->domid = -1;
	strlcpy(vm->name, cfg->name, sizeof(vm->name));
	if (cfg->has_uuid)
		memcpy(vm->uuid, cfg->uuid, 16);
	else if (uuid_generate(vm->uuid) == -1)
		fatal("%s: uuid", __func__);
	return vm;
}

void
vm_free(struct vm *vm)
{
	if (vm == NULL)
		return;
	save_free(vm);
	domcfg_free(vm->cfg);
	free(vm->cfgtext);
	free(vm->cfgfile);
	free(vm->note);
	free(vm->saved);
	free(vm);
}

struct vm *
vm_by_domid(struct xvmd *xd, int domid)
{
	struct vm	*vm;

	TAILQ_FOREACH(vm, &xd->vms, entry)
		if (vm->domid == domid)
			return vm;
	return NULL;
}

struct vm *
vm_by_name(struct xvmd *xd, const char *name)
{
	struct vm	*vm;

	TAILQ_FOREACH(vm, &xd->vms, entry)
		if (strcmp(vm->name, name) == 0)
			return vm;
	return NULL;
}

struct vm *
vm_by_uuid(struct xvmd *xd, const uint8_t uuid[16], const struct vm *self)
{
	struct vm	*vm;

	TAILQ_FOREACH(vm, &xd->vms, entry)
		if (vm != self && memcmp(vm->uuid, uuid, 16) == 0)
			return vm;
	return NULL;
}

int
vm_check_unique(struct xvmd *xd, const char *name, const uint8_t uuid[16],
    const struct vm *self, char **cause)
{
	struct vm	*other = NULL;
	char		 text[UUID_STR_LEN];

	if (strcmp(name, "Domain-0") == 0 ||
	    ((other = vm_by_name(xd, name)) != NULL && other != self)) {
		xasprintf(cause, "domain '%s' already exists%s", name,
		    other != NULL && other->domid < 0 ?
		    " (managed; use xm start)" : "");
		return EEXIST;
	}
	if ((other = vm_by_uuid(xd, uuid, self)) != NULL) {
		uuid_format(uuid, text);
		xasprintf(cause, "uuid %s is already used by domain '%s'%s",
		    text, other->name, other->domid < 0 ? " (managed)" : "");
		return EEXIST;
	}
	return 0;
}

struct vm *
vm_find(struct xvmd *xd, const char *key)
{
	uint64_t	 id;

	if (str_to_u64(key, 0, 65535, &id) == 0)
		return vm_by_domid(xd, (int)id);
	return vm_by_name(xd, key);
}

int
vm_getinfo_all(struct xvmd *xd, struct xc_domaininfo **out)
{
	xc_domaininfo_t	*info = NULL;
	size_t		 n = 0, cap = 0;
	uint32_t	 first = 1;
	int		 got;

	for (;;) {
		if (n + 256 > cap) {
			cap = cap ? cap * 2 : 512;
			info = xreallocarray(info, cap, sizeof(*info));
		}
		got = xc_domain_getinfolist(xd->xch, first, 256, info + n);
		if (got < 0) {
			free(info);
			return -1;
		}
		n += (size_t)got;
		if (got < 256)
			break;
		first = info[n - 1].domain + 1;
	}
	*out = info;
	return (int)n;
}

static void
state_json(struct json_w *w, uint32_t flags, int running)
{
	json_w_key(w, "state");
	json_w_obj_open(w);
	if (running) {
		json_w_kbool(w, "running", (flags & XEN_DOMINF_running) != 0);
		json_w_kbool(w, "blocked", (flags & XEN_DOMINF_blocked) != 0);
		json_w_kbool(w, "paused", (flags & XEN_DOMINF_paused) != 0);
		json_w_kbool(w, "shutdown", (flags & XEN_DOMINF_shutdown) &&
		    ((flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask) != SHUTDOWN_crash);
		json_w_kbool(w, "crashed", (flags & XEN_DOMINF_shutdown) &&
		    ((flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask) == SHUTDOWN_crash);
		json_w_kbool(w, "dying", (flags & XEN_DOMINF_dying) != 0);
	}
	json_w_obj_close(w);
}

/* A CPU map as Xen's xm shows it: "0-3,6", or "any cpu". */
static void
cpumap_text(uint64_t map, unsigned int ncpus, char *out, size_t size)
{
	unsigned int	 c, end;
	size_t		 n = 0;
	uint64_t	 all = ncpus >= 64 ? UINT64_MAX :
			    (UINT64_C(1) << ncpus) - 1;

	if ((map & all) == all) {
		snprintf(out, size, "any cpu");
		return;
	}
	out[0] = '\0';
	for (c = 0; c < 64 && n < size; c++) {
		if (!(map & (UINT64_C(1) << c)))
			continue;
		for (end = c; end + 1 < 64 && (map & (UINT64_C(1) << (end + 1)));
		    end++)
			;
		n += (size_t)snprintf(out + n, size - n, "%s%u", n ? "," : "",
		    c);
		if (end > c && n < size)
			n += (size_t)snprintf(out + n, size - n, "-%u", end);
		c = end;
	}
}

/*
 * Xen's vcpu-list: each vCPU's state (online, running, blocked), the pCPU
 * it runs or last ran on, its run time, its affinity -- from the
 * hypervisor's getvcpuinfo.
 */
static void
vcpus_json(struct xvmd *xd, struct json_w *w, int domid, unsigned int n,
    int running)
{
	xc_vcpuinfo_t	 vi;
	xc_physinfo_t	 pi;
	uint64_t	 map;
	unsigned int	 i;
	char		 aff[256];

	memset(&pi, 0, sizeof(pi));
	(void)xc_physinfo(xd->xch, &pi);
	json_w_key(w, "vcpu_list");
	json_w_arr_open(w);
	for (i = 0; i < n; i++) {
		json_w_obj_open(w);
		json_w_ki64(w, "vcpu", i);
		if (running && xc_vcpu_getinfo(xd->xch, (uint32_t)domid, i,
		    &vi) == 0) {
			json_w_kbool(w, "online", vi.online);
			json_w_kbool(w, "running", vi.running);
			json_w_kbool(w, "blocked", vi.blocked);
			if (vi.online)
				json_w_ki64(w, "cpu", vi.cpu);
			json_w_key(w, "cpu_time");
			json_w_double(w, (double)vi.cpu_time / 1e9);
		} else
			json_w_kbool(w, "online", 0);
		if (running && xc_vcpu_getaffinity(xd->xch, (uint32_t)domid,
		    (int)i, &map) == 0) {
			cpumap_text(map, pi.nr_cpus, aff, sizeof(aff));
			json_w_kstr(w, "affinity", aff);
		}
		json_w_obj_close(w);
	}
	json_w_arr_close(w);
}

void
vm_to_json(struct xvmd *xd, struct vm *vm, struct json_w *w, int vcpus,
    int longfmt)
{
	xc_domaininfo_t	 info;
	char		 uuid[UUID_STR_LEN];
	const char	*listen;
	int		 running = 0, port;

	if (vm->domid >= 0 && xc_domain_getinfolist(xd->xch,
	    (uint32_t)vm->domid, 1, &info) == 1 &&
	    info.domain == (uint32_t)vm->domid)
		running = 1;
	json_w_obj_open(w);
	json_w_kstr(w, "name", vm->name);
	if (running)
		json_w_ki64(w, "domid", vm->domid);
	uuid_format(vm->uuid, uuid);
	json_w_kstr(w, "uuid", uuid);
	/*
	 * What it has, as Xen's xm list shows: its reservation and its vCPUs
	 * online when it runs (the guest's balloon and hotplug make them
	 * so); what it was asked to have beside them.
	 */
	json_w_ki64(w, "memory", running ? (int64_t)(info.resv_pages >> 8) :
	    (int64_t)vm->cfg->memory);
	json_w_ki64(w, "target", (int64_t)vm->cfg->memory);
	json_w_ki64(w, "maxmem", (int64_t)vm->cfg->maxmem);
	json_w_ki64(w, "vcpus", running ? (int64_t)info.nr_online_vcpus :
	    (int64_t)vm->cfg->vcpus);
	json_w_ki64(w, "max_vcpus", vm->cfg->vcpus);
	state_json(w, running ? info.flags : 0, running);
	json_w_key(w, "cpu_time");
	json_w_double(w, running ? (double)info.cpu_time / 1e9 : 0.0);
	if (running) {
		json_w_ki64(w, "uptime", (int64_t)(time(NULL) - vm->started));
		json_w_ki64(w, "pages", (int64_t)info.tot_pages);
	}
	json_w_kbool(w, "managed", vm->managed);
	if (running && (port = dmproc_vnc(vm, &listen)) != -1) {
		json_w_key(w, "vnc");
		json_w_obj_open(w);
		json_w_kstr(w, "listen", listen);
		json_w_ki64(w, "port", port);
		json_w_obj_close(w);
	}
	if (vm->note != NULL)
		json_w_kstr(w, "note", vm->note);
	if (vm->saved != NULL)
		json_w_kstr(w, "saved", vm->saved);
	if (vcpus)
		vcpus_json(xd, w, vm->domid, vm->cfg->vcpus, running);
	if (longfmt) {
		json_w_key(w, "config");
		domcfg_to_json(vm->cfg, w);
	}
	json_w_obj_close(w);
}

void
vm_dom0_to_json(struct xvmd *xd, struct json_w *w, int vcpus)
{
	xc_physinfo_t	 pi;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int	 i;

	memset(&pi, 0, sizeof(pi));
	(void)xc_physinfo(xd->xch, &pi);
	json_w_obj_open(w);
	json_w_kstr(w, "name", "Domain-0");
	json_w_ki64(w, "domid", 0);
	json_w_kstr(w, "uuid", "00000000-0000-0000-0000-000000000000");
	json_w_ki64(w, "memory", (int64_t)(pi.total_pages * 4096 >> 20));
	json_w_ki64(w, "vcpus", ncpu);
	state_json(w, XEN_DOMINF_running, 1);
	json_w_key(w, "cpu_time");
	json_w_double(w, (double)clock() / CLOCKS_PER_SEC);
	json_w_ki64(w, "uptime", (int64_t)(time(NULL) - xd->started));
	json_w_kbool(w, "managed", 0);
	if (vcpus) {
		json_w_key(w, "vcpu_list");
		json_w_arr_open(w);
		for (i = 0; i < (unsigned int)ncpu; i++) {
			json_w_obj_open(w);
			json_w_ki64(w, "vcpu", i);
			json_w_ki64(w, "cpu", i);
			json_w_kbool(w, "online", 1);
			json_w_kbool(w, "running", 1);
			json_w_obj_close(w);
		}
		json_w_arr_close(w);
	}
	json_w_obj_close(w);
}
