/*
 * The SiFive test device ("sifive,test0", QEMU hw/misc/sifive_test.c's
 * register, as DESIGN.md §4 describes): one register at offset 0, written
 * with 16- or 32-bit stores (OpenSBI 1.1 powers off with a 16-bit store
 * of 0x5555; byte stores are ignored).  0x5555 powers off
 * (status 0), 0x7777 reboots, code << 16 | 0x3333 fails with exit status
 * 'code' (a 16-bit store carries no code).  Linux drives it through the
 * DT's syscon-poweroff and syscon-reboot nodes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"

#define TEST_FAIL	0x3333
#define TEST_PASS	0x5555
#define TEST_RESET	0x7777

static void *
syscon_create(struct machine *m)
{
	return m;
}

static void
syscon_destroy(void *st)
{
	(void)st;
}

static int
syscon_read(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t *val)
{
	(void)st;
	(void)v;
	(void)off;
	(void)size;
	*val = 0;
	return 0;
}

static int
syscon_write(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t val)
{
	struct machine *m = st;

	(void)v;
	if (off != 0 || size < 2)
		return 0;
	if (size == 2)
		val &= 0xffff;
	switch (val & 0xffff) {
	case TEST_PASS:
		machine_shutdown(m, MACHINE_POWEROFF, 0);
		break;
	case TEST_RESET:
		machine_shutdown(m, MACHINE_REBOOT, 0);
		break;
	case TEST_FAIL:
		machine_shutdown(m, MACHINE_FAIL, (int)((val >> 16) & 0xffff));
		break;
	default:
		break;
	}
	return 0;
}

const struct device_ops syscon_ops = {
	.name = "syscon",
	.base = 0x100000,
	.size = 0x1000,
	.create = syscon_create,
	.destroy = syscon_destroy,
	.read = syscon_read,
	.write = syscon_write,
};
