/* Unit tests for dm/keymap.c: X keysyms as Linux key codes (US layout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dm/input.h"

static const struct {
	uint32_t	keysym;
	unsigned	code;
} cases[] = {
	{ 'a', 30 }, { 'A', 30 }, { 'z', 44 }, { 'Z', 44 }, { 'q', 16 },
	{ '1', 2 }, { '!', 2 }, { '0', 11 }, { ')', 11 }, { ' ', 57 },
	{ '-', 12 }, { '_', 12 }, { '/', 53 }, { '?', 53 }, { '~', 41 },
	{ '$', 5 }, { '*', 9 }, { '|', 43 }, { '"', 40 },
	{ 0xff0d, 28 },		/* Return */
	{ 0xff08, 14 },		/* BackSpace */
	{ 0xff1b, 1 },		/* Escape */
	{ 0xffe1, 42 },		/* Shift_L */
	{ 0xffe3, 29 },		/* Control_L */
	{ 0xff52, 103 },	/* Up */
	{ 0xffbe, 59 },		/* F1 */
	{ 0xffc9, 88 },		/* F12 */
	{ 0xffff, 111 },	/* Delete */
	{ 0x00e9, 0 },		/* eacute: no key on a US keyboard */
	{ 0x1f, 0 }, { 0x7f, 0 }, { 0xff00, 0 },
};

static void
test_keysyms(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (input_keysym_code(cases[i].keysym) != cases[i].code)
			fail_msg("keysym %#x: got %u, want %u", cases[i].keysym,
			    input_keysym_code(cases[i].keysym), cases[i].code);
}

/* The keyboard offers exactly the keys the table can produce. */
static void
test_bits(void **state)
{
	uint8_t		map[32];
	unsigned	c, n = 0;

	(void)state;
	memset(map, 0, sizeof(map));
	input_key_bits(map);
	for (c = 0; c < 256; c++)
		n += (map[c / 8] >> (c % 8)) & 1;
	assert_true(map[30 / 8] & (1u << (30 % 8)));	/* KEY_A */
	assert_true(map[42 / 8] & (1u << (42 % 8)));	/* KEY_LEFTSHIFT */
	assert_false(map[0] & 1);			/* KEY_RESERVED */
	assert_true(n > 90 && n < 120);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keysyms),
		cmocka_unit_test(test_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
