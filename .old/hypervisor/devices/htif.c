/*
 * HTIF, the Berkeley host-target interface as riscv-tests and spike use
 * it: a 'tohost' word in RAM (found by ELF symbol) that the guest writes
 * and the host consumes.  device 0 command 0 with bit 0 set is "exit with
 * code payload >> 1" (0 = pass); device 1 command 1 writes a character.
 * The host answers by clearing tohost (and setting fromhost for the
 * console), which is what guests spin on.  It has no bus window: the MMU
 * never caches the page holding tohost, so every store to it lands here.
 */
#include <stdint.h>
#include <string.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"

void
htif_store(struct machine *m, uint64_t tohost, uint64_t fromhost)
{
	uint64_t	*t, *f, cmd, dev, payload, val;
	char		 c;

	if ((t = machine_gpa(m, tohost, 8)) == NULL)
		return;
	val = __atomic_load_n(t, __ATOMIC_ACQUIRE);
	if (val == 0)
		return;
	dev = val >> 56;
	cmd = (val >> 48) & 0xff;
	payload = val & 0xffffffffffffULL;
	if (dev == 0 && cmd == 0 && (payload & 1)) {
		payload >>= 1;
		machine_shutdown(m, payload == 0 ? MACHINE_POWEROFF :
		    MACHINE_FAIL, (int)(payload > 255 ? 255 : payload));
		return;
	}
	if (dev == 1 && cmd == 1) {
		c = (char)(payload & 0xff);
		machine_console_write(m, &c, 1);
		if (fromhost != 0 &&
		    (f = machine_gpa(m, fromhost, 8)) != NULL)
			__atomic_store_n(f, (dev << 56) | (cmd << 48),
			    __ATOMIC_RELEASE);
	}
	/* anything else (proxied syscalls) is not served: just consume it */
	__atomic_store_n(t, 0, __ATOMIC_RELEASE);
}
