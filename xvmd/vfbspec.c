/*
 * A domain's display settings (vfbspec.h), as xm wrote them for a PV
 * guest's vfb device and for an HVM guest's qemu-dm: both give one VNC
 * server in the domain's device model (docs/vnc.md).  SDL needs a display
 * on the host, which a server has not: refused with a reason.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/str.h"
#include "xvmd/vfbspec.h"

static int
flag(const char *key, const char *value, int *out, char **cause)
{
	if (strcmp(value, "0") == 0 || strcmp(value, "1") == 0) {
		*out = value[0] == '1';
		return 0;
	}
	return cause_printf(cause, "%s = '%s': expected 0 or 1", key, value);
}

int
vfb_set(struct vfb_spec *v, const char *key, const char *value, char **cause)
{
	struct in6_addr	a6;
	struct in_addr	a4;
	int64_t		n;
	int		on = 0;

	if (strcmp(key, "vnc") == 0)
		return flag(key, value, &v->vnc, cause);
	if (strcmp(key, "type") == 0) {
		if (strcmp(value, "vnc") == 0) {
			v->vnc = 1;
			return 0;
		}
		if (strcmp(value, "sdl") != 0)
			return cause_printf(cause, "type = '%s': expected vnc "
			    "or sdl", value);
		value = "1";
		key = "sdl";
	}
	if (strcmp(key, "sdl") == 0) {
		if (flag(key, value, &on, cause) == -1)
			return -1;
		if (on)
			return cause_printf(cause, "sdl: not implemented (a "
			    "window on the host's display): use vnc=1");
		return 0;
	}
	if (strcmp(key, "vncdisplay") == 0) {
		if (str_to_i64(value, 0, 65535 - VFB_PORT_BASE, &n) == -1)
			return cause_printf(cause, "vncdisplay = '%s': expected "
			    "0 to %d", value, 65535 - VFB_PORT_BASE);
		v->display = (int)n;
		return 0;
	}
	if (strcmp(key, "vncunused") == 0)
		return flag(key, value, &v->unused, cause);
	if (strcmp(key, "vnclisten") == 0) {
		if (inet_pton(AF_INET, value, &a4) != 1 &&
		    inet_pton(AF_INET6, value, &a6) != 1)
			return cause_printf(cause, "vnclisten = '%s': not an "
			    "IPv4 or IPv6 address", value);
		return str_copy(v->listen, value, sizeof(v->listen)) == -1 ?
		    cause_printf(cause, "vnclisten too long") : 0;
	}
	if (strcmp(key, "vncpasswd") == 0) {
		if (str_copy(v->passwd, value, sizeof(v->passwd)) == -1)
			return cause_printf(cause, "vncpasswd longer than %zu "
			    "characters", sizeof(v->passwd) - 1);
		v->has_passwd = 1;
		return 0;
	}
	if (strcmp(key, "keymap") == 0) {
		if (strcmp(value, "en-us") != 0)
			return cause_printf(cause, "keymap = '%s': not "
			    "implemented (the keyboard is en-us)", value);
		return 0;
	}
	if (strcmp(key, "display") == 0 || strcmp(key, "xauthority") == 0)
		return 0;
	return cause_printf(cause, "unknown display setting '%s'", key);
}

int
vfb_spec_parse(const char *spec, struct vfb_spec *v, char **cause)
{
	char	 copy[512], *p, *item, *eq;

	if (str_copy(copy, spec, sizeof(copy)) == -1)
		return cause_printf(cause, "vfb spec too long");
	for (p = copy; (item = strsep(&p, ",")) != NULL;) {
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if ((eq = strchr(item, '=')) == NULL)
			return cause_printf(cause, "vfb '%s': '%s' is not "
			    "KEY=VALUE", spec, item);
		*eq++ = '\0';
		if (vfb_set(v, item, eq, cause) == -1)
			return -1;
	}
	return 0;
}
