/* libvirt procedures that change domains, through the shared domain operations (domops.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/domcfg.h"
#include "xvmd/domops.h"
#include "xvmd/save.h"
#include "xvmd/vm.h"
#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"
#include "xvmd/virt_xml.h"
#include "xvmd/xvmd.h"

/* Flags that must be zero, or exactly the ones we honour. */
static int
flags_only(struct virt_call *c, uint32_t flags, uint32_t ok)
{
	if (flags & ~ok)
		return virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: "
		    "unsupported flags (0x%x) in function %s", flags & ~ok,
		    virt_proc_find(c->proc)->name);
	return 0;
}

static int
not_running(struct virt_call *c)
{
	return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
	    "operation is not valid: domain '%s' is not running",
	    c->vm->name);
}

/* A trailing u32 flags argument. */
static int
get_flags(struct virt_call *c, uint32_t *flags)
{
	if (xdr_get_u32(c->in, flags) == -1)
		return virt_bad_args(c);
	return 0;
}

static int
start(struct virt_call *c, uint32_t flags)
{
	int	 err;
	char	*cause = NULL;

	if (flags_only(c, flags, 1) == -1)	/* VIR_DOMAIN_START_PAUSED */
		return -1;
	if (c->vm->domid >= 0)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: domain is already running");
	if ((err = dom_start(c->xd, c->vm, flags & 1, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

int
vp_create(struct virt_call *c)
{
	return start(c, 0);
}

int
vp_create_with_flags(struct virt_call *c)
{
	uint32_t	 flags;

	if (get_flags(c, &flags) == -1 || start(c, flags) == -1)
		return -1;
	virt_put_dom(c->out, c->xd, c->vm);
	return 0;
}

/* The xm config of a posted XML; NULL with the call's error. */
static char *
xml_config(struct virt_call *c, const char *xml)
{
	char	*text, *cause = NULL;

	if ((text = virt_xml_to_xm(xml, strlen(xml), &cause)) == NULL) {
		virt_error(c, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported "
		    "configuration: %s", cause);
		free(cause);
	}
	return text;
}

/* The arguments of CREATE_XML and DEFINE_XML(_FLAGS): xml [, flags]. */
static int
xml_args(struct virt_call *c, char **xml, int with_flags, uint32_t *flags)
{
	*flags = 0;
	if (xdr_get_str(c->in, XDR_STRING_MAX, xml) == -1 ||
	    (with_flags && xdr_get_u32(c->in, flags) == -1))
		return virt_bad_args(c);
	return 0;
}

/* A config error from domcfg: name the XML, not an xm file. */
static int
config_error(struct virt_call *c, int err, char *cause)
{
	if (err == EINVAL) {
		virt_error(c, VIR_ERR_CONFIG_UNSUPPORTED, "unsupported "
		    "configuration: %s", cause);
		free(cause);
		return -1;
	}
	return virt_errno(c, err, cause);
}

int
vp_create_xml(struct virt_call *c)
{
	struct vm	*vm;
	char		*xml = NULL, *text, *cause = NULL;
	uint32_t	 flags;
	int		 err;

	text = NULL;
	if (xml_args(c, &xml, 1, &flags) == -1 ||
	    flags_only(c, flags, 1) == -1 ||
	    (text = xml_config(c, xml)) == NULL)
		goto out;
	if ((err = dom_create(c->xd, "domain XML", text, flags & 1, &vm,
	    &cause)) != 0) {
		config_error(c, err, cause);
		goto out;
	}
	virt_put_dom(c->out, c->xd, vm);
out:
	free(xml);
	free(text);
	return c->code ? -1 : 0;
}

static int
define(struct virt_call *c, int with_flags)
{
	struct vm	*vm, *old;
	char		*xml = NULL, *text, *cause = NULL, *keep;
	char		 name[DOMCFG_NAME_MAX];
	uint32_t	 flags = 0;
	int		 err;

	/* Flag VALIDATE (1): we always validate. */
	text = NULL;
	if (xml_args(c, &xml, with_flags, &flags) == -1 ||
	    flags_only(c, flags, 1) == -1 ||
	    (text = xml_config(c, xml)) == NULL)
		goto out;
	/* Autostart is not in the XML: a redefinition keeps it. */
	if (virt_xml_name(xml, strlen(xml), name, sizeof(name)) == 0 &&
	    (old = vm_by_name(c->xd, name)) != NULL && old->managed &&
	    old->cfg->on_xend_start == XEND_START_START) {
		xasprintf(&keep, "%son_xend_start = \"start\"\n", text);
		free(text);
		text = keep;
	}
	vm = NULL;
	if ((err = dom_define(c->xd, "domain XML", text, 1, &vm, &cause)) !=
	    0) {
		config_error(c, err, cause);
		goto out;
	}
	log_info("%s: defined %s", __func__, vm->name);
	virt_put_dom(c->out, c->xd, vm);
out:
	free(xml);
	free(text);
	return c->code ? -1 : 0;
}

int
vp_define_xml(struct virt_call *c)
{
	return define(c, 0);
}

int
vp_define_xml_flags(struct virt_call *c)
{
	return define(c, 1);
}

static int
undefine(struct virt_call *c, uint32_t flags)
{
	struct vm	*vm = c->vm;
	char		*cause = NULL;
	int		 err;

	/* MANAGED_SAVE, SNAPSHOTS_METADATA, NVRAM, KEEP_NVRAM,
	 * CHECKPOINTS_METADATA, TPM: there are none of those here. */
	if (flags_only(c, flags, 0x7f) == -1)
		return -1;
	if (!vm->managed)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: cannot undefine transient domain");
	if (vm->domid >= 0) {
		/* libvirt: a running domain becomes transient. */
		if ((err = dom_forget(c->xd, vm, &cause)) != 0)
			return virt_errno(c, err, cause);
		return 0;
	}
	if ((err = dom_undefine(c->xd, vm, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

int
vp_undefine(struct virt_call *c)
{
	return undefine(c, 0);
}

int
vp_undefine_flags(struct virt_call *c)
{
	uint32_t	 flags;

	if (get_flags(c, &flags) == -1)
		return -1;
	return undefine(c, flags);
}

static int
destroy(struct virt_call *c, uint32_t flags)
{
	char	*cause = NULL;
	int	 err;

	if (flags_only(c, flags, 1) == -1)	/* GRACEFUL: it is quick */
		return -1;
	if (c->vm->domid < 0)
		return not_running(c);
	if ((err = dom_destroy(c->xd, c->vm, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

int
vp_destroy(struct virt_call *c)
{
	return destroy(c, 0);
}

int
vp_destroy_flags(struct virt_call *c)
{
	uint32_t	 flags;

	if (get_flags(c, &flags) == -1)
		return -1;
	return destroy(c, flags);
}

static int
shutdown_like(struct virt_call *c, const char *how, uint32_t flags)
{
	char	*cause = NULL;
	int	 err;

	/* DEFAULT, or PARAVIRT (4): the store's control/shutdown. */
	if (flags != 0 && flags != 4)
		return virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: "
		    "xVM shuts guests down through the store only (the "
		    "paravirt method)");
	if (c->vm->domid < 0)
		return not_running(c);
	if ((err = dom_shutdown(c->xd, c->vm, how, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

int
vp_shutdown(struct virt_call *c)
{
	return shutdown_like(c, "poweroff", 0);
}

int
vp_shutdown_flags(struct virt_call *c)
{
	uint32_t	 flags;

	if (get_flags(c, &flags) == -1)
		return -1;
	return shutdown_like(c, "poweroff", flags);
}

int
vp_reboot(struct virt_call *c)
{
	uint32_t	 flags;

	if (get_flags(c, &flags) == -1)
		return -1;
	return shutdown_like(c, "reboot", flags);
}

static int
pause_like(struct virt_call *c, int pause)
{
	char	*cause = NULL;
	int	 err;

	if (c->vm->domid < 0)
		return not_running(c);
	if ((err = dom_pause(c->xd, c->vm, pause, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

int
vp_suspend(struct virt_call *c)
{
	return pause_like(c, 1);
}

int
vp_resume(struct virt_call *c)
{
	return pause_like(c, 0);
}

/* Memory in KiB from the wire, to MiB; the running domain's. */
static int
memory(struct virt_call *c, uint64_t kib, uint32_t flags, int max)
{
	char	*cause = NULL;
	int	 err;

	/* LIVE and CURRENT; CONFIG would need a second config. */
	if (flags & 2)
		return virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED,
		    "argument unsupported: xVM changes the running domain "
		    "only (--live); edit the config with define");
	if (c->vm->domid < 0)
		return not_running(c);
	if (kib / 1024 > INT64_MAX / 2)
		return virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: "
		    "memory %llu KiB", (unsigned long long)kib);
	err = max || (flags & 4) ?
	    dom_set_maxmem(c->xd, c->vm, (int64_t)((kib + 1023) / 1024),
	    &cause) :
	    dom_set_memory(c->xd, c->vm, (int64_t)((kib + 1023) / 1024),
	    &cause);
	return err ? virt_errno(c, err, cause) : 0;
}

int
vp_set_memory(struct virt_call *c)
{
	uint64_t	 kib;

	if (xdr_get_u64(c->in, &kib) == -1)
		return virt_bad_args(c);
	return memory(c, kib, 0, 0);
}

int
vp_set_max_memory(struct virt_call *c)
{
	uint64_t	 kib;

	if (xdr_get_u64(c->in, &kib) == -1)
		return virt_bad_args(c);
	return memory(c, kib, 0, 1);
}

int
vp_set_memory_flags(struct virt_call *c)
{
	uint64_t	 kib;
	uint32_t	 flags;

	if (xdr_get_u64(c->in, &kib) == -1 || get_flags(c, &flags) == -1)
		return virt_bad_args(c);
	return memory(c, kib, flags, 0);
}

static int
vcpus(struct virt_call *c, uint32_t n, uint32_t flags)
{
	char	*cause = NULL;
	int	 err;

	if (flags & ~(uint32_t)(1 | 8))		/* LIVE, GUEST */
		return virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED,
		    "argument unsupported: xVM sets the vCPUs of the running "
		    "domain only (--live), up to its maximum");
	if (c->vm->domid < 0)
		return not_running(c);
	if ((err = dom_set_vcpus(c->xd, c->vm, n, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

int
vp_set_vcpus(struct virt_call *c)
{
	uint32_t	 n;

	if (xdr_get_u32(c->in, &n) == -1)
		return virt_bad_args(c);
	return vcpus(c, n, 0);
}

int
vp_set_vcpus_flags(struct virt_call *c)
{
	uint32_t	 n, flags;

	if (xdr_get_u32(c->in, &n) == -1 || get_flags(c, &flags) == -1)
		return virt_bad_args(c);
	return vcpus(c, n, flags);
}

int
vp_set_autostart(struct virt_call *c)
{
	int32_t	 on;
	char	*cause = NULL;
	int	 err;

	if (xdr_get_i32(c->in, &on) == -1)
		return virt_bad_args(c);
	if (!c->vm->managed)
		return virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested "
		    "operation is not valid: cannot set autostart for "
		    "transient domain");
	if ((err = dom_set_autostart(c->xd, c->vm, on != 0, &cause)) != 0)
		return virt_errno(c, err, cause);
	return 0;
}

static int
save(struct virt_call *c, uint32_t flags)
{
	char	*to = NULL, *cause = NULL;
	int	 err;

	if (xdr_get_str(c->in, 4096, &to) == -1)
		return virt_bad_args(c);
	if (flags_only(c, flags, 0) == -1) {
		free(to);
		return -1;
	}
	if (c->vm->domid < 0) {
		free(to);
		return not_running(c);
	}
	err = save_begin(c->xd, c->vm, to, 0, virt_later_done,
	    virt_later_new(c), &cause);
	free(to);
	if (err != 0) {
		virt_later_cancel(c);
		return virt_errno(c, err, cause);
	}
	return 0;
}

int
vp_save(struct virt_call *c)
{
	return save(c, 0);
}

int
vp_save_flags(struct virt_call *c)
{
	char		*dxml = NULL;
	uint32_t	 flags;
	size_t		 at = c->in->off;

	/* to, dxml, flags: read ahead for the flags, then rewind. */
	(void)xdr_get_str(c->in, 4096, &dxml);
	free(dxml);
	dxml = NULL;
	if (xdr_get_optstr(c->in, XDR_STRING_MAX, &dxml) == -1 ||
	    get_flags(c, &flags) == -1) {
		free(dxml);
		return virt_bad_args(c);
	}
	if (dxml != NULL) {
		free(dxml);
		return virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED,
		    "argument unsupported: xVM saves the domain's own config "
		    "(no --xml)");
	}
	c->in->off = at;
	if (save(c, flags & ~(uint32_t)6) == -1)	/* RUNNING, PAUSED */
		return -1;
	c->in->off = c->in->len;
	return 0;
}

static int
restore(struct virt_call *c, int with_flags)
{
	char		*from = NULL, *dxml = NULL, *cause = NULL;
	uint32_t	 flags = 0;
	int		 err;

	if (xdr_get_str(c->in, 4096, &from) == -1 || (with_flags &&
	    (xdr_get_optstr(c->in, XDR_STRING_MAX, &dxml) == -1 ||
	    get_flags(c, &flags) == -1))) {
		virt_bad_args(c);
		goto out;
	}
	if (dxml != NULL) {
		virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED, "argument "
		    "unsupported: xVM restores the saved config (no --xml)");
		goto out;
	}
	/* BYPASS_CACHE 1, RUNNING 2, PAUSED 4: the last two we honour.
	 * Read in a job: the reply comes when it is done. */
	if ((err = save_restore(c->xd, from, (flags & 4) != 0,
	    virt_later_done, virt_later_new(c), &cause)) != 0) {
		virt_later_cancel(c);
		virt_errno(c, err, cause);
		goto out;
	}
out:
	free(from);
	free(dxml);
	return c->code ? -1 : 0;
}

int
vp_restore(struct virt_call *c)
{
	return restore(c, 0);
}

int
vp_restore_flags(struct virt_call *c)
{
	return restore(c, 1);
}
