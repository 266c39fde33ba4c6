/*
 * Domain records and configs as Xen 3's SXP: "xm list -l" printed
 * (domain (domid 1) (name web1) ... (image (linux (kernel ...))) (device
 * (vbd ...))), "xm create -n" printed (vm ...).  The JSON shapes are xvmd's
 * (docs/api.md); a key this file does not know still shows, as (key value),
 * so a field added to the API is never silently dropped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/xmalloc.h"
#include "tools/xm/sxp.h"
#include "tools/xm/xm.h"

/* Config keys that go into (image (linux ...)) rather than the top level. */
static const struct {
	const char	*key;
	const char	*sxp;
} image_keys[] = {
	{ "kernel", "kernel" },
	{ "ramdisk", "ramdisk" },
	{ "cmdline", "args" },
};

static int
is_image_key(const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(image_keys) / sizeof(image_keys[0]); i++)
		if (strcmp(key, image_keys[i].key) == 0)
			return 1;
	return 0;
}

/* A scalar as an atom's text; 0 if v is not a scalar. */
static int
scalar_text(yajl_val v, char *buf, size_t size)
{
	if (YAJL_IS_STRING(v))
		snprintf(buf, size, "%s", v->u.string);
	else if (YAJL_IS_INTEGER(v))
		snprintf(buf, size, "%lld", YAJL_GET_INTEGER(v));
	else if (YAJL_IS_DOUBLE(v))
		snprintf(buf, size, "%.3f", YAJL_GET_DOUBLE(v));
	else if (YAJL_IS_TRUE(v))
		snprintf(buf, size, "1");
	else if (YAJL_IS_FALSE(v))
		snprintf(buf, size, "0");
	else
		return 0;
	return 1;
}

/* Any JSON value under 'key': (key atom), (key a b ...), (key (k v) ...). */
static void
add_value(struct sxp *list, const char *key, yajl_val v)
{
	char		 buf[4096];
	struct sxp	*l;
	size_t		 i;

	if (v == NULL || YAJL_IS_NULL(v))
		return;
	if (scalar_text(v, buf, sizeof(buf))) {
		sxp_kstr(list, key, buf);
		return;
	}
	l = sxp_list(key);
	if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < v->u.object.len; i++)
			add_value(l, v->u.object.keys[i],
			    v->u.object.values[i]);
	} else if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++) {
			yajl_val e = v->u.array.values[i];

			if (scalar_text(e, buf, sizeof(buf)))
				sxp_add(l, sxp_atom(buf));
			else
				add_value(l, "item", e);
		}
	}
	sxp_add(list, l);
}

/* (device (vbd (uname file:/img) (dev xvda) (mode w))) per disk. */
static void
add_disks(struct sxp *list, yajl_val disks)
{
	char		 buf[4200];
	const char	*backend, *target, *vdev;
	struct sxp	*dev, *vbd;
	size_t		 i;
	int		 cdrom;

	for (i = 0; disks != NULL && YAJL_IS_ARRAY(disks) &&
	    i < disks->u.array.len; i++) {
		yajl_val d = disks->u.array.values[i];

		backend = json_get_str(d, "backend");
		target = json_get_str(d, "target");
		vdev = json_get_str(d, "vdev");
		vbd = sxp_list("vbd");
		snprintf(buf, sizeof(buf), "%s:%s", backend ? backend : "file",
		    target ? target : "");
		sxp_kstr(vbd, "uname", buf);
		snprintf(buf, sizeof(buf), "%s%s", vdev ? vdev : "",
		    json_get_bool(d, "cdrom", &cdrom) == 0 && cdrom ?
		    ":cdrom" : "");
		sxp_kstr(vbd, "dev", buf);
		sxp_kstr(vbd, "mode", json_get_str(d, "mode"));
		dev = sxp_list("device");
		sxp_add(dev, vbd);
		sxp_add(list, dev);
	}
}

/* (device (vif (mac ...) (bridge ...) ...)) per network interface. */
static void
add_vifs(struct sxp *list, yajl_val vifs)
{
	struct sxp	*dev, *vif;
	size_t		 i, j;

	for (i = 0; vifs != NULL && YAJL_IS_ARRAY(vifs) &&
	    i < vifs->u.array.len; i++) {
		yajl_val v = vifs->u.array.values[i];

		vif = sxp_list("vif");
		for (j = 0; YAJL_IS_OBJECT(v) && j < v->u.object.len; j++)
			add_value(vif, v->u.object.keys[j],
			    v->u.object.values[j]);
		dev = sxp_list("device");
		sxp_add(dev, vif);
		sxp_add(list, dev);
	}
}

/*
 * (device (vfb (vnc 1) ... (location HOST:PORT))): the display as xend
 * showed it, with where its VNC server listens while the domain runs.
 */
static void
add_vfb(struct sxp *list, yajl_val vfb, yajl_val vnc)
{
	struct sxp	*dev, *v;
	const char	*host;
	char		 loc[96];
	int64_t		 port;
	size_t		 j;

	if (vfb == NULL || !YAJL_IS_OBJECT(vfb))
		return;
	v = sxp_list("vfb");
	for (j = 0; j < vfb->u.object.len; j++)
		add_value(v, vfb->u.object.keys[j], vfb->u.object.values[j]);
	if (vnc != NULL && (host = json_get_str(vnc, "listen")) != NULL &&
	    json_get_i64(vnc, "port", &port) == 0) {
		snprintf(loc, sizeof(loc), strchr(host, ':') != NULL ?
		    "[%s]:%lld" : "%s:%lld", host, (long long)port);
		sxp_kstr(v, "location", loc);
	}
	dev = sxp_list("device");
	sxp_add(dev, v);
	sxp_add(list, dev);
}

/*
 * The config's settings into 'list': scalars as (key value), except
 * those in 'skip' (already shown); then (image (linux ...)); then devices.
 */
static void
add_config(struct sxp *list, yajl_val cfg, const char *const *skip,
    yajl_val vnc)
{
	struct sxp	*image, *linux_;
	const char	*key;
	size_t		 i, j;
	int		 skipped;

	if (cfg == NULL || !YAJL_IS_OBJECT(cfg))
		return;
	for (i = 0; i < cfg->u.object.len; i++) {
		key = cfg->u.object.keys[i];
		skipped = is_image_key(key) || strcmp(key, "disk") == 0 ||
		    strcmp(key, "vif") == 0 || strcmp(key, "vfb") == 0;
		for (j = 0; skip != NULL && skip[j] != NULL; j++)
			skipped |= strcmp(key, skip[j]) == 0;
		if (!skipped)
			add_value(list, key, cfg->u.object.values[i]);
	}
	image = sxp_list("image");
	linux_ = sxp_list("linux");
	for (i = 0; i < sizeof(image_keys) / sizeof(image_keys[0]); i++) {
		const char *v = json_get_str(cfg, image_keys[i].key);

		if (v != NULL && (*v != '\0' || strcmp(image_keys[i].key,
		    "kernel") == 0))
			sxp_kstr(linux_, image_keys[i].sxp, v);
	}
	sxp_add(image, linux_);
	sxp_add(list, image);
	add_disks(list, json_get(cfg, "disk"));
	add_vifs(list, json_get(cfg, "vif"));
	add_vfb(list, json_get(cfg, "vfb"), vnc);
}

struct sxp *
sxp_of_config(yajl_val cfg)
{
	struct sxp	*vm = sxp_list("vm");

	add_config(vm, cfg, NULL, NULL);
	return vm;
}

struct sxp *
sxp_of_domain(yajl_val dom)
{
	static const char *const shown[] = { "domid", "uuid", "name",
	    "memory", "maxmem", "vcpus", NULL };
	struct sxp	*d = sxp_list("domain");
	char		 state[7];
	int64_t		 v;
	size_t		 i;

	if (json_get_i64(dom, "domid", &v) == 0)
		sxp_ki64(d, "domid", v);
	sxp_kstr(d, "uuid", json_get_str(dom, "uuid"));
	sxp_kstr(d, "name", json_get_str(dom, "name"));
	for (i = 3; shown[i] != NULL; i++)
		if (json_get_i64(dom, shown[i], &v) == 0)
			sxp_ki64(d, shown[i], v);
	fmt_state(state, dom);
	sxp_kstr(d, "state", state);
	add_value(d, "cpu_time", json_get(dom, "cpu_time"));
	if (json_get_i64(dom, "uptime", &v) == 0)
		sxp_ki64(d, "up_time", v);
	add_value(d, "managed", json_get(dom, "managed"));
	add_config(d, json_get(dom, "config"), shown, json_get(dom, "vnc"));
	return d;
}

/* xm list -l: each domain as (domain ...). */
void
fmt_list_long(FILE *fp, const yajl_val *doms, size_t n)
{
	struct sxp	*s;
	size_t		 i;

	for (i = 0; i < n; i++) {
		s = sxp_of_domain(doms[i]);
		sxp_print(fp, s);
		sxp_free(s);
	}
}
