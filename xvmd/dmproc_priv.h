/* Inside dmproc: what dmproc.c (boot) and dmproc_hot.c (hot-plug) share. */
#ifndef XVM_XVMD_DMPROC_PRIV_H
#define XVM_XVMD_DMPROC_PRIV_H

#include <stdint.h>
#include <sys/types.h>

#include <xvm/privcmd.h>

struct disk_spec;
struct event;
struct vif_spec;
struct vm;
struct xvmd;

struct dm_slot {
	int		 fd;		/* until passed to the model */
	const char	*kind;		/* "vbd", "vif"; NULL: a free slot */
	int64_t		 devid;
	char		 spec[1024];	/* for messages: target, or tap name */
	int		 writable, shared;
	int		 disk;
	int		 connected;	/* a driver set DRIVER_OK */
	char		 vifname[32];	/* vif: the config's, or "" */
	char		 tap[16];	/* vif: vifD.N or the vifname */
	char		 bridge[64];
	char		 mac[18];
};

struct dmproc {
	struct xvmd	*xd;
	struct vm	*vm;
	int		 domid;
	pid_t		 pid;
	int		 fd;
	struct event	*ev;
	unsigned	 n;
	struct dm_slot	 slot[PRIVCMD_VIRTIO_SLOTS];
	int		 vnc_port;	/* its VNC server's, or -1 */
	char		 vnc_listen[64];
};

/* Open disk d into s (devcheck_open_disk: the one policy); -1 with
 * *cause. */
int	 dm_open_disk(const struct vm *, const struct disk_spec *,
	    struct dm_slot *, char **cause);
/* A vif into s; its tap is made by plug_slot. */
void	 dm_prepare_vif(const struct vif_spec *, int64_t devid,
	    const uint8_t mac[6], struct dm_slot *);
/* Hand slot i to the running model; -1 with *cause. */
int	 dm_plug_slot(struct dmproc *, unsigned i, char **cause);
/* Start the model and follow its events; -1 with *cause. */
int	 dm_run_model(struct dmproc *, char **cause);
/* One request (fd passed when not -1) and its reply; -1 with *cause. */
int	 dm_call(struct dmproc *, const char *req, int fd, char **cause);

#endif
