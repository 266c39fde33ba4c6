/* A domain's display: xm's vfb = ['vnc=1,...'] entry and the HVM-style vnc, vncdisplay, vncunused, vnclisten, vncpasswd keys. */
#ifndef XVM_XVMD_VFBSPEC_H
#define XVM_XVMD_VFBSPEC_H

#include <stdint.h>

#define VFB_PORT_BASE	5900	/* VNC display N listens on 5900 + N */

struct vfb_spec {
	int		 vnc;		/* a framebuffer served over VNC */
	int		 display;	/* vncdisplay; -1: the domain id */
	int		 unused;	/* vncunused: the first free port */
	char		 listen[64];	/* vnclisten; "": xend's vnc-listen */
	char		 passwd[64];	/* vncpasswd, when has_passwd */
	int		 has_passwd;	/*  ("" then means: no password) */
};

/*
 * Apply one setting (a vfb entry's KEY=VALUE, or a top-level key with its
 * value as text): vnc, type (vnc), vncdisplay, vncunused, vnclisten,
 * vncpasswd, sdl (0 only), keymap (en-us only), display and xauthority
 * (SDL's, accepted and unused).  0, or -1 with *cause (caller frees), a
 * reason without location.
 */
int	 vfb_set(struct vfb_spec *, const char *key, const char *value,
	    char **cause);

/* A whole vfb entry 'vnc=1,vncdisplay=1,...'; same contract. */
int	 vfb_spec_parse(const char *, struct vfb_spec *, char **cause);

#endif
