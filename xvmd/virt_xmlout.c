/* A domain's libvirt XML, written from its xm config (virt_xml.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/fb.h>
#include <xvm/xenctrl.h>
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/uuid.h"
#include "xvmd/devices.h"
#include "xvmd/dmproc.h"
#include "xvmd/domcfg.h"
#include "xvmd/vm.h"
#include "xvmd/virt_xml.h"
#include "xvmd/xvmd.h"

/* Text with &, <, >, ' and " escaped. */
static void
esc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_add_str(b, "&amp;");
			break;
		case '<':
			buf_add_str(b, "&lt;");
			break;
		case '>':
			buf_add_str(b, "&gt;");
			break;
		case '\'':
			buf_add_str(b, "&apos;");
			break;
		case '"':
			buf_add_str(b, "&quot;");
			break;
		default:
			buf_add_byte(b, (uint8_t)*s);
		}
	}
}

/* <name>text</name> on its own line, indented. */
static void
elem(struct buf *b, int indent, const char *name, const char *value)
{
	buf_printf(b, "%*s<%s>", indent, "", name);
	esc(b, value);
	buf_printf(b, "</%s>\n", name);
}

static void
disks(struct buf *b, const struct domcfg *cfg)
{
	const struct disk_spec	*d;
	size_t			 i;
	int			 phy;

	for (i = 0; i < cfg->ndisks; i++) {
		d = &cfg->disks[i];
		phy = d->backend == DISK_PHY;
		buf_printf(b, "    <disk type='%s' device='%s'>\n"
		    "      <driver name='%s'/>\n"
		    "      <source %s='", phy ? "block" : "file",
		    d->cdrom ? "cdrom" : "disk", phy ? "phy" : "file",
		    phy ? "dev" : "file");
		esc(b, d->target);
		buf_add_str(b, "'/>\n      <target dev='");
		esc(b, d->vdev);
		buf_add_str(b, "' bus='xen'/>\n");
		if (!d->writable)
			buf_add_str(b, "      <readonly/>\n");
		buf_add_str(b, "    </disk>\n");
	}
}

static void
vifs(struct buf *b, const struct vm *vm)
{
	const struct vif_spec	*v;
	uint8_t			 m[6];
	size_t			 i;

	for (i = 0; i < vm->cfg->nvifs; i++) {
		v = &vm->cfg->vifs[i];
		dev_vif_mac(vm, i, m);
		buf_printf(b, "    <interface type='bridge'>\n"
		    "      <mac address='%02x:%02x:%02x:%02x:%02x:%02x'/>\n"
		    "      <source bridge='", m[0], m[1], m[2], m[3], m[4],
		    m[5]);
		esc(b, v->bridge[0] ? v->bridge : "xvmbr0");
		buf_add_str(b, "'/>\n");
		if (vm->domid >= 0 || v->vifname[0]) {
			buf_add_str(b, "      <target dev='");
			if (v->vifname[0])
				esc(b, v->vifname);
			else
				buf_printf(b, "vif%d.%zu", vm->domid, i);
			buf_add_str(b, "'/>\n");
		}
		if (v->model[0]) {
			buf_add_str(b, "      <model type='");
			esc(b, v->model);
			buf_add_str(b, "'/>\n");
		}
		buf_add_str(b, "    </interface>\n");
	}
}

/*
 * The display as libvirt's xen driver showed xend's: <graphics> with the
 * port its VNC server took while the domain runs (else -1 or 5900 +
 * vncdisplay), the virtio keyboard and tablet, and the framebuffer as a
 * video device.  The password is never shown (libvirt omits it without
 * VIR_DOMAIN_XML_SECURE).
 */
static void
graphics(struct buf *b, const struct vm *vm)
{
	const struct vfb_spec	*v = &vm->cfg->vfb;
	const char		*listen = NULL;
	int			 port;

	if (!v->vnc)
		return;
	if (vm->domid < 0 || (port = dmproc_vnc(vm, &listen)) == -1) {
		port = v->display >= 0 ? VFB_PORT_BASE + v->display : -1;
		listen = v->listen[0] ? v->listen : NULL;
	}
	buf_printf(b, "    <input type='keyboard' bus='virtio'/>\n"
	    "    <input type='tablet' bus='virtio'/>\n"
	    "    <graphics type='vnc' port='%d' autoport='%s'", port,
	    v->display < 0 || v->unused ? "yes" : "no");
	if (listen != NULL) {
		buf_add_str(b, " listen='");
		esc(b, listen);
		buf_add_str(b, "'");
	}
	buf_printf(b, "/>\n    <video>\n"
	    "      <model type='xen' vram='%llu' heads='1' primary='yes'/>\n"
	    "    </video>\n", XVM_FB_BYTES(XVM_FB_DEF_WIDTH,
	    XVM_FB_DEF_HEIGHT) >> 10);
}

static char *
finish(struct buf *b)
{
	char	*s = buf_release(b, NULL);

	if (s == NULL)
		fatalx("%s: out of memory", __func__);
	return s;
}

static char *
dom0_xml(struct xvmd *xd)
{
	struct buf	 b = BUF_INITIALIZER;
	xc_physinfo_t	 pi;

	memset(&pi, 0, sizeof(pi));
	(void)xc_physinfo(xd->xch, &pi);
	buf_printf(&b, "<domain type='xen' id='0'>\n"
	    "  <name>Domain-0</name>\n"
	    "  <uuid>00000000-0000-0000-0000-000000000000</uuid>\n"
	    "  <memory unit='KiB'>%" PRIu64 "</memory>\n"
	    "  <currentMemory unit='KiB'>%" PRIu64 "</currentMemory>\n"
	    "  <vcpu placement='static'>%ld</vcpu>\n"
	    "  <os>\n    <type arch='riscv64'>xen</type>\n  </os>\n"
	    "  <on_poweroff>destroy</on_poweroff>\n"
	    "  <on_reboot>restart</on_reboot>\n"
	    "  <on_crash>restart</on_crash>\n"
	    "  <devices/>\n"
	    "</domain>\n", (uint64_t)pi.total_pages * 4,
	    (uint64_t)pi.total_pages * 4, sysconf(_SC_NPROCESSORS_ONLN));
	return finish(&b);
}

char *
virt_xml_format(struct xvmd *xd, const struct vm *vm, int inactive)
{
	struct buf		 b = BUF_INITIALIZER;
	const struct domcfg	*cfg;
	char			 uuid[UUID_STR_LEN];

	if (vm == NULL)
		return dom0_xml(xd);
	cfg = vm->cfg;
	uuid_format(vm->uuid, uuid);
	if (vm->domid >= 0 && !inactive)
		buf_printf(&b, "<domain type='xen' id='%d'>\n", vm->domid);
	else
		buf_add_str(&b, "<domain type='xen'>\n");
	elem(&b, 2, "name", vm->name);
	elem(&b, 2, "uuid", uuid);
	buf_printf(&b, "  <memory unit='KiB'>%" PRIu64 "</memory>\n"
	    "  <currentMemory unit='KiB'>%" PRIu64 "</currentMemory>\n"
	    "  <vcpu placement='static'>%u</vcpu>\n"
	    "  <os>\n"
	    "    <type arch='riscv64' machine='virt'>hvm</type>\n",
	    cfg->maxmem * 1024, cfg->memory * 1024, cfg->vcpus);
	elem(&b, 4, "kernel", cfg->kernel);
	if (cfg->ramdisk[0])
		elem(&b, 4, "initrd", cfg->ramdisk);
	if (cfg->cmdline[0])
		elem(&b, 4, "cmdline", cfg->cmdline);
	buf_add_str(&b, "  </os>\n");
	elem(&b, 2, "on_poweroff", domcfg_action_name(cfg->on_poweroff));
	elem(&b, 2, "on_reboot", domcfg_action_name(cfg->on_reboot));
	elem(&b, 2, "on_crash", domcfg_action_name(cfg->on_crash));
	buf_add_str(&b, "  <devices>\n");
	disks(&b, cfg);
	vifs(&b, vm);
	graphics(&b, vm);
	buf_add_str(&b, "    <console type='pty'>\n"
	    "      <target type='xen' port='0'/>\n"
	    "    </console>\n"
	    "  </devices>\n"
	    "</domain>\n");
	return finish(&b);
}
