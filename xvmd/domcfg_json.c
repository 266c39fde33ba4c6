/* A domain configuration as JSON: the form `xm list -l` and the API show. */
#include <inttypes.h>
#include <stdio.h>

#include "lib/json.h"
#include "lib/uuid.h"
#include "xvmd/domcfg.h"

static void
write_disks(const struct domcfg *dc, struct json_w *w)
{
	size_t	 i;

	json_w_key(w, "disk");
	json_w_arr_open(w);
	for (i = 0; i < dc->ndisks; i++) {
		const struct disk_spec *d = &dc->disks[i];

		json_w_obj_open(w);
		json_w_kstr(w, "backend", d->backend == DISK_PHY ? "phy" :
		    "file");
		json_w_kstr(w, "target", d->target);
		json_w_kstr(w, "vdev", d->vdev);
		json_w_kstr(w, "mode", d->shared ? "w!" : d->writable ? "w" : "r");
		json_w_kbool(w, "cdrom", d->cdrom);
		json_w_obj_close(w);
	}
	json_w_arr_close(w);
}

static void
write_vifs(const struct domcfg *dc, struct json_w *w)
{
	char	 mac[18];
	size_t	 i;

	json_w_key(w, "vif");
	json_w_arr_open(w);
	for (i = 0; i < dc->nvifs; i++) {
		const struct vif_spec *v = &dc->vifs[i];

		json_w_obj_open(w);
		if (v->has_mac) {
			snprintf(mac, sizeof(mac),
			    "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0],
			    v->mac[1], v->mac[2], v->mac[3], v->mac[4],
			    v->mac[5]);
			json_w_kstr(w, "mac", mac);
		}
		if (v->bridge[0])
			json_w_kstr(w, "bridge", v->bridge);
		if (v->ip[0])
			json_w_kstr(w, "ip", v->ip);
		if (v->model[0])
			json_w_kstr(w, "model", v->model);
		if (v->type[0])
			json_w_kstr(w, "type", v->type);
		if (v->script[0])
			json_w_kstr(w, "script", v->script);
		if (v->vifname[0])
			json_w_kstr(w, "vifname", v->vifname);
		json_w_obj_close(w);
	}
	json_w_arr_close(w);
}

void
domcfg_to_json(const struct domcfg *dc, struct json_w *w)
{
	static const char *const start[] = { "ignore", "start" };
	static const char *const stop[] = { "ignore", "shutdown", "suspend" };
	char	 uuid[UUID_STR_LEN];

	json_w_obj_open(w);
	json_w_kstr(w, "name", dc->name);
	if (dc->has_uuid) {
		uuid_format(dc->uuid, uuid);
		json_w_kstr(w, "uuid", uuid);
	}
	json_w_key(w, "memory");
	json_w_u64(w, dc->memory);
	json_w_key(w, "maxmem");
	json_w_u64(w, dc->maxmem);
	json_w_ki64(w, "vcpus", dc->vcpus);
	json_w_kstr(w, "cpus", dc->cpus[0] ? dc->cpus : "all");
	json_w_ki64(w, "cpu_weight", dc->cpu_weight);
	json_w_ki64(w, "cpu_cap", dc->cpu_cap);
	json_w_kstr(w, "cpu", dc->cpu_jit ? "jit" : "interp");
	json_w_kstr(w, "kernel", dc->kernel);
	if (dc->ramdisk[0])
		json_w_kstr(w, "ramdisk", dc->ramdisk);
	json_w_kstr(w, "cmdline", dc->cmdline);
	json_w_kstr(w, "on_poweroff", domcfg_action_name(dc->on_poweroff));
	json_w_kstr(w, "on_reboot", domcfg_action_name(dc->on_reboot));
	json_w_kstr(w, "on_crash", domcfg_action_name(dc->on_crash));
	json_w_kstr(w, "on_xend_start", start[dc->on_xend_start]);
	json_w_kstr(w, "on_xend_stop", stop[dc->on_xend_stop]);
	write_disks(dc, w);
	write_vifs(dc, w);
	if (dc->vfb.vnc) {
		/* As xend's sxp: the password itself is never shown. */
		json_w_key(w, "vfb");
		json_w_obj_open(w);
		json_w_ki64(w, "vnc", 1);
		if (dc->vfb.display >= 0)
			json_w_ki64(w, "vncdisplay", dc->vfb.display);
		json_w_ki64(w, "vncunused", dc->vfb.unused);
		if (dc->vfb.listen[0])
			json_w_kstr(w, "vnclisten", dc->vfb.listen);
		if (dc->vfb.has_passwd && dc->vfb.passwd[0])
			json_w_kstr(w, "vncpasswd", "XXXXXXXX");
		json_w_obj_close(w);
	}
	json_w_obj_close(w);
}
