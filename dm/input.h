/* The keyboard and tablet of a domain's console: virtio-input events, and X keysyms as Linux key codes. */
#ifndef XVM_DM_INPUT_H
#define XVM_DM_INPUT_H

#include <stdint.h>

struct dm_dev;

/* An event as virtio-input carries it (5.8.6): little-endian. */
struct input_event {
	uint16_t	type;
	uint16_t	code;
	uint32_t	value;
};

/* Linux's input event codes (include/uapi/linux/input-event-codes.h). */
#define EV_SYN		0x00
#define EV_KEY		0x01
#define EV_REL		0x02
#define EV_ABS		0x03
#define EV_REP		0x14
#define SYN_REPORT	0
#define REL_WHEEL	0x08
#define ABS_X		0x00
#define ABS_Y		0x01
#define BTN_LEFT	0x110
#define BTN_RIGHT	0x111
#define BTN_MIDDLE	0x112
#define KEY_LEFTSHIFT	42

/* The tablet's axes run 0 .. INPUT_ABS_MAX over the screen (as QEMU's). */
#define INPUT_ABS_MAX	0x7fff

/*
 * Queue n events for the driver of dev (a "vkbd" or "vtablet" device);
 * they reach it as soon as it has buffers.  0, or -1 when dev is not an
 * input device.  Without a running driver the events are dropped.
 */
int	dm_input_send(struct dm_dev *dev, const struct input_event *,
	    unsigned n);
int	dm_input_is_tablet(const struct dm_dev *);

/*
 * keymap.c: the Linux key code for an X keysym (<rfb/keysym.h>), 0 when
 * it has none.  Letters of either case give the letter's key and shifted
 * symbols their key on a US keyboard: the client sends Shift itself.
 */
unsigned input_keysym_code(uint32_t keysym);
/* Set in map (32 bytes, codes 0-255) every code input_keysym_code gives. */
void	input_key_bits(uint8_t map[32]);

#endif
