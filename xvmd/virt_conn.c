/* libvirt procedures about the connection and the host: open, version, node info, capabilities, domain lists. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xvm/xenctrl.h>
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/vm.h"
#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"
#include "xvmd/xvmd.h"

/* What we say we are: Xen 3.4 (xend's), libvirt 9.0.0 (Debian 12's). */
#define HV_VERSION	3004000ULL
#define LIB_VERSION	9000000ULL

/* The URIs that name us: xen:///system and its older spellings. */
static int
our_uri(const char *uri)
{
	static const char *const ok[] = { "xen:///system", "xen:///",
	    "xen://", "xen:", "xen:///session" };
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(uri, ok[i]) == 0)
			return 1;
	return 0;
}

int
vp_open(struct virt_call *c)
{
	char		*name;
	uint32_t	 flags;

	if (xdr_get_optstr(c->in, XDR_STRING_MAX, &name) == -1 ||
	    xdr_get_u32(c->in, &flags) == -1) {
		free(name);
		return virt_bad_args(c);
	}
	if (name != NULL && !our_uri(name)) {
		virt_error(c, VIR_ERR_NO_SUPPORT, "no connection driver "
		    "available for %s (this is xVM's xvmd: use xen:///system)",
		    name);
		free(name);
		return -1;
	}
	free(name);
	if (flags & 1)			/* VIR_CONNECT_RO */
		c->conn->readonly = 1;
	c->conn->opened = 1;
	return 0;
}

int
vp_close(struct virt_call *c)
{
	c->conn->opened = 0;
	return 0;
}

int
vp_get_type(struct virt_call *c)
{
	xdr_put_str(c->out, "Xen");
	return 0;
}

int
vp_get_version(struct virt_call *c)
{
	xdr_put_u64(c->out, HV_VERSION);
	return 0;
}

int
vp_get_lib_version(struct virt_call *c)
{
	xdr_put_u64(c->out, LIB_VERSION);
	return 0;
}

int
vp_get_hostname(struct virt_call *c)
{
	char	 host[256];

	if (gethostname(host, sizeof(host)) == -1)
		return virt_error(c, VIR_ERR_INTERNAL_ERROR, "gethostname: %s",
		    strerror(errno));
	host[sizeof(host) - 1] = '\0';
	xdr_put_str(c->out, host);
	return 0;
}

int
vp_get_uri(struct virt_call *c)
{
	xdr_put_str(c->out, "xen:///system");
	return 0;
}

int
vp_get_max_vcpus(struct virt_call *c)
{
	char	*type;

	if (xdr_get_optstr(c->in, 64, &type) == -1)
		return virt_bad_args(c);
	free(type);
	xdr_put_i32(c->out, DOMCFG_MAX_VCPUS);
	return 0;
}

int
vp_is_secure(struct virt_call *c)
{
	xdr_put_i32(c->out, 1);		/* a local socket */
	return 0;
}

int
vp_is_alive(struct virt_call *c)
{
	xdr_put_i32(c->out, 1);
	return 0;
}

/*
 * Features a client asks about (libvirt's internal VIR_DRV_FEATURE_*
 * numbers, in the order a libvirt 9 client asks them when it connects:
 * PROGRAM_KEEPALIVE 10, REMOTE_EVENT_CALLBACK 14, REMOTE_CLOSE_CALLBACK
 * 15).  We say yes to those three; everything else is no.
 */
int
vp_supports_feature(struct virt_call *c)
{
	int32_t	 f;

	if (xdr_get_i32(c->in, &f) == -1)
		return virt_bad_args(c);
	log_debug("%s: feature %d", __func__, f);
	/* virDrvFeature: MIGRATION_P2P 4, MIGRATION_V3 6,
	 * MIGRATE_CHANGE_PROTECTION 7, TYPED_PARAM_STRING 9,
	 * PROGRAM_KEEPALIVE 10, MIGRATION_PARAMS 13, REMOTE_EVENT_CALLBACK 14,
	 * REMOTE_CLOSE_CALLBACK 15. */
	xdr_put_i32(c->out, f == 4 || f == 6 || f == 7 || f == 9 ||
	    f == 10 || f == 13 || f == 14 || f == 15);
	return 0;
}

int
vp_auth_list(struct virt_call *c)
{
	xdr_put_u32(c->out, 1);
	xdr_put_i32(c->out, 0);		/* REMOTE_AUTH_NONE */
	return 0;
}

/* A no-op the client needs an OK for. */
int
vp_ok(struct virt_call *c)
{
	(void)c;
	return 0;
}

int
vp_node_get_info(struct virt_call *c)
{
	xc_physinfo_t	 pi;
	static const char model[] = "riscv64";
	size_t		 i;

	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(c->xd->xch, &pi) == -1)
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "physinfo: %s",
		    strerror(errno));
	/* char model[32]: 32 XDR chars, 4 bytes each. */
	for (i = 0; i < 32; i++)
		xdr_put_i32(c->out, i < sizeof(model) ? model[i] : 0);
	xdr_put_u64(c->out, pi.total_pages * 4);	/* KiB */
	xdr_put_i32(c->out, (int32_t)pi.nr_cpus);
	xdr_put_i32(c->out, (int32_t)(pi.cpu_khz / 1000));
	xdr_put_i32(c->out, 1);				/* NUMA nodes */
	xdr_put_i32(c->out, 1);				/* sockets */
	xdr_put_i32(c->out, (int32_t)(pi.nr_cpus ? pi.nr_cpus : 1));
	xdr_put_i32(c->out, 1);				/* threads */
	return 0;
}

int
vp_node_get_free_memory(struct virt_call *c)
{
	xc_physinfo_t	 pi;

	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(c->xd->xch, &pi) == -1)
		return virt_error(c, VIR_ERR_OPERATION_FAILED, "physinfo: %s",
		    strerror(errno));
	xdr_put_u64(c->out, pi.free_pages * 4096);	/* bytes */
	return 0;
}

int
vp_get_capabilities(struct virt_call *c)
{
	xc_physinfo_t	 pi;
	struct buf	 x = BUF_INITIALIZER;

	memset(&pi, 0, sizeof(pi));
	(void)xc_physinfo(c->xd->xch, &pi);
	buf_printf(&x,
	    "<capabilities>\n"
	    "  <host>\n"
	    "    <cpu>\n"
	    "      <arch>riscv64</arch>\n"
	    "      <topology sockets='1' dies='1' cores='%u' threads='1'/>\n"
	    "    </cpu>\n"
	    "    <power_management/>\n"
	    "    <migration_features>\n"
	    "      <live/>\n"
	    "      <uri_transports>\n"
	    "        <uri_transport>xenmigr</uri_transport>\n"
	    "      </uri_transports>\n"
	    "    </migration_features>\n"
	    "  </host>\n"
	    "  <guest>\n"
	    "    <os_type>hvm</os_type>\n"
	    "    <arch name='riscv64'>\n"
	    "      <wordsize>64</wordsize>\n"
	    "      <machine>virt</machine>\n"
	    "      <domain type='xen'/>\n"
	    "    </arch>\n"
	    "  </guest>\n"
	    "</capabilities>\n", pi.nr_cpus ? pi.nr_cpus : 1);
	xdr_put_strn(c->out, buf_data(&x), buf_len(&x));
	buf_free(&x);
	return 0;
}

int
vp_get_domain_capabilities(struct virt_call *c)
{
	char		*emu, *arch, *machine, *virttype;
	uint32_t	 flags;
	struct buf	 x = BUF_INITIALIZER;
	int		 rc = 0;

	xdr_get_optstr(c->in, 4096, &emu);
	xdr_get_optstr(c->in, 64, &arch);
	xdr_get_optstr(c->in, 64, &machine);
	xdr_get_optstr(c->in, 64, &virttype);
	if (xdr_get_u32(c->in, &flags) == -1)
		rc = virt_bad_args(c);
	else if ((arch != NULL && strcmp(arch, "riscv64") != 0) ||
	    (virttype != NULL && strcmp(virttype, "xen") != 0) ||
	    (machine != NULL && strcmp(machine, "virt") != 0))
		rc = virt_error(c, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported "
		    "configuration: this host runs riscv64 'virt' guests of "
		    "domain type 'xen' only");
	else {
		buf_printf(&x,
		    "<domainCapabilities>\n"
		    "  <domain>xen</domain>\n"
		    "  <machine>virt</machine>\n"
		    "  <arch>riscv64</arch>\n"
		    "  <vcpu max='%d'/>\n"
		    "  <os supported='yes'>\n"
		    "    <loader supported='no'/>\n"
		    "  </os>\n"
		    "  <devices>\n"
		    "    <disk supported='yes'>\n"
		    "      <enum name='diskDevice'><value>disk</value>"
		    "<value>cdrom</value></enum>\n"
		    "      <enum name='bus'><value>xen</value>"
		    "<value>virtio</value></enum>\n"
		    "    </disk>\n"
		    "    <graphics supported='no'/>\n"
		    "    <video supported='no'/>\n"
		    "    <hostdev supported='no'/>\n"
		    "  </devices>\n"
		    "</domainCapabilities>\n", DOMCFG_MAX_VCPUS);
		xdr_put_strn(c->out, buf_data(&x), buf_len(&x));
	}
	buf_free(&x);
	free(emu);
	free(arch);
	free(machine);
	free(virttype);
	return rc;
}
