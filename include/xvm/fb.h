/* The xvm-riscv machine's linear framebuffer (docs/vnc.md): where it is and how its pixels are laid out; the guest ABI. */
#ifndef XVM_FB_H
#define XVM_FB_H

/*
 * A domain built with a framebuffer (vfb = [...] or vnc = 1) has video
 * memory at XVM_FB_BASE, outside RAM, in QEMU virt's PCIe MMIO window
 * (unused on this machine): plain memory to the guest's loads and
 * stores, described in the device tree as a "simple-framebuffer" node
 * under /chosen (reg, width, height, stride, format = "x8r8g8b8"), so
 * Linux's simplefb and fbcon use it unchanged.  Pixels are 32-bit little
 * endian words 0x00RRGGBB, rows XVM_FB_STRIDE(width) bytes apart, row 0 at
 * the top.  The device model reads it through foreign mapping of its
 * frames (gfn XVM_FB_BASE >> 12 onwards) and serves it over VNC.
 */
#define XVM_FB_BASE		0x40000000ULL
#define XVM_FB_MAX_BYTES	0x2000000ULL	/* 32 MiB */
#define XVM_FB_BPP		4		/* bytes per pixel */
#define XVM_FB_FORMAT		"x8r8g8b8"
#define XVM_FB_STRIDE(w)	((unsigned long long)(w) * XVM_FB_BPP)
/* Video memory for a w x h screen: whole pages. */
#define XVM_FB_BYTES(w, h)	((XVM_FB_STRIDE(w) * (unsigned long long)(h) \
	    + 0xfffULL) & ~0xfffULL)
/* Xen's xenfb defaults (XENFB_WIDTH, XENFB_HEIGHT). */
#define XVM_FB_DEF_WIDTH	800
#define XVM_FB_DEF_HEIGHT	600
#define XVM_FB_MIN_SIDE		64
#define XVM_FB_MAX_SIDE		2560

#endif
