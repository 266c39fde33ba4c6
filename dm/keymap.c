/*
 * X keysyms (the RFB protocol's key events, RFC 6143 7.5.4) as Linux key
 * codes, for a US keyboard layout: what a guest's default keymap expects.
 * A keysym names a character or a function key; the key is found here,
 * and the modifiers are the client's own key events (Shift, Control, Alt
 * are keysyms too).  Table-driven: ranges first, then single keysyms.
 */
#include <stddef.h>
#include <stdint.h>

#include "dm/input.h"

/* Printable ASCII 0x20-0x7e: the key that types it (shifted or not). */
static const uint8_t ascii[0x5f] = {
	/* ' ' ! " # $ % & ' ( ) * + , - . / */
	57, 2, 40, 4, 5, 6, 8, 40, 10, 11, 9, 13, 51, 12, 52, 53,
	/* 0-9 */
	11, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	/* : ; < = > ? @ */
	39, 39, 51, 13, 52, 53, 3,
	/* A-Z */
	30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25,
	16, 19, 31, 20, 22, 47, 17, 45, 21, 44,
	/* [ \ ] ^ _ ` */
	26, 43, 27, 7, 12, 41,
	/* a-z */
	30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25,
	16, 19, 31, 20, 22, 47, 17, 45, 21, 44,
	/* { | } ~ */
	26, 43, 27, 41,
};

static const struct {
	uint16_t	keysym;		/* 0xffXX / 0xfeXX function keys */
	uint8_t		code;
} special[] = {
	{ 0xff08, 14 },		/* BackSpace */
	{ 0xff09, 15 },		/* Tab */
	{ 0xfe20, 15 },		/* ISO_Left_Tab (Shift+Tab) */
	{ 0xff0d, 28 },		/* Return */
	{ 0xff13, 119 },	/* Pause */
	{ 0xff14, 70 },		/* Scroll_Lock */
	{ 0xff15, 99 },		/* Sys_Req */
	{ 0xff1b, 1 },		/* Escape */
	{ 0xff50, 102 },	/* Home */
	{ 0xff51, 105 },	/* Left */
	{ 0xff52, 103 },	/* Up */
	{ 0xff53, 106 },	/* Right */
	{ 0xff54, 108 },	/* Down */
	{ 0xff55, 104 },	/* Page_Up */
	{ 0xff56, 109 },	/* Page_Down */
	{ 0xff57, 107 },	/* End */
	{ 0xff61, 99 },		/* Print */
	{ 0xff63, 110 },	/* Insert */
	{ 0xff67, 127 },	/* Menu (KEY_COMPOSE) */
	{ 0xff7f, 69 },		/* Num_Lock */
	{ 0xff8d, 96 },		/* KP_Enter */
	{ 0xffaa, 55 },		/* KP_Multiply */
	{ 0xffab, 78 },		/* KP_Add */
	{ 0xffad, 74 },		/* KP_Subtract */
	{ 0xffae, 83 },		/* KP_Decimal */
	{ 0xffaf, 98 },		/* KP_Divide */
	{ 0xffb0, 82 }, { 0xffb1, 79 }, { 0xffb2, 80 }, { 0xffb3, 81 },
	{ 0xffb4, 75 }, { 0xffb5, 76 }, { 0xffb6, 77 }, { 0xffb7, 71 },
	{ 0xffb8, 72 }, { 0xffb9, 73 },		/* KP_0 .. KP_9 */
	{ 0xffbe, 59 }, { 0xffbf, 60 }, { 0xffc0, 61 }, { 0xffc1, 62 },
	{ 0xffc2, 63 }, { 0xffc3, 64 }, { 0xffc4, 65 }, { 0xffc5, 66 },
	{ 0xffc6, 67 }, { 0xffc7, 68 }, { 0xffc8, 87 }, { 0xffc9, 88 },
				/* F1 .. F12 */
	{ 0xffe1, 42 },		/* Shift_L */
	{ 0xffe2, 54 },		/* Shift_R */
	{ 0xffe3, 29 },		/* Control_L */
	{ 0xffe4, 97 },		/* Control_R */
	{ 0xffe5, 58 },		/* Caps_Lock */
	{ 0xffe7, 125 },	/* Meta_L */
	{ 0xffe8, 126 },	/* Meta_R */
	{ 0xffe9, 56 },		/* Alt_L */
	{ 0xffea, 100 },	/* Alt_R */
	{ 0xffeb, 125 },	/* Super_L */
	{ 0xffec, 126 },	/* Super_R */
	{ 0xff7e, 100 },	/* Mode_switch (AltGr) */
	{ 0xfe03, 100 },	/* ISO_Level3_Shift (AltGr) */
	{ 0xffff, 111 },	/* Delete */
};

unsigned
input_keysym_code(uint32_t keysym)
{
	size_t	i;

	if (keysym >= 0x20 && keysym <= 0x7e)
		return ascii[keysym - 0x20];
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (special[i].keysym == keysym)
			return special[i].code;
	return 0;
}

void
input_key_bits(uint8_t map[32])
{
	size_t	i;

	for (i = 0; i < sizeof(ascii); i++)
		map[ascii[i] / 8] |= (uint8_t)(1u << (ascii[i] % 8));
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		map[special[i].code / 8] |=
		    (uint8_t)(1u << (special[i].code % 8));
}
