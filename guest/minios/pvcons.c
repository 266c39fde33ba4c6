/*
 * The PV console ring.  Output goes into out[]: a newline goes out as
 * CR LF, as a terminal on the far pty expects.  When the ring is full the
 * writer kicks the backend and waits for it, but only for a second in
 * all: a console daemon that is gone must not stop the guest, so what
 * does not fit then is dropped and counted.  Input is what the backend
 * puts in in[] (keys typed on the pty); its event only posts REQ_CONSOLE,
 * and the shell reads the bytes on the boot vCPU.
 */
#include <xvm/xencons.h>

#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/evtchn.h"
#include "guest/minios/hypercall.h"
#include "guest/minios/kernel.h"
#include "guest/minios/mm.h"
#include "guest/minios/pvcons.h"
#include "guest/minios/ring.h"
#include "guest/minios/sbi.h"

static struct xencons_interface *intf;
static struct ring out, in;
static uint32_t evtchn;
static uint64_t dropped;
static int broken;

static int
put(const char *s, size_t len, uint64_t deadline)
{
	long n;

	while (len > 0) {
		n = ring_put(&out, s, len);
		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
		evtchn_notify(evtchn);
		if (len == 0)
			break;
		if (n == 0) {
			if (rdtime() > deadline) {
				dropped += len;
				return 0;
			}
			(void)hyp_poll(evtchn, 10);
		}
	}
	return 0;
}

/* Called with the console lock held. */
static void
sink(const char *s, size_t len)
{
	uint64_t deadline = rdtime() + timebase_hz;
	size_t i, start = 0;

	if (broken) {
		sbi_console_write(s, len);
		return;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		if (put(s + start, i - start, deadline) != 0 ||
		    (i < len && put("\r\n", 2, deadline) != 0)) {
			/* The backend scribbled on the indexes: stop trusting
			 * the ring and say so where someone may see it. */
			static const char msg[] = "pvcons: ring indexes "
			    "corrupt; back to the SBI console\n";

			broken = 1;
			sbi_console_write(msg, sizeof(msg) - 1);
			sbi_console_write(s + start, len - start);
			return;
		}
		start = i + 1;
	}
}

static void
input_event(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	kernel_request(REQ_CONSOLE);
}

long
pvcons_read(char *buf, size_t len)
{
	long n;

	if (intf == NULL)
		return 0;
	if ((n = ring_get(&in, buf, len)) < 0) {
		static int said;

		if (!said++)
			kprintf("pvcons: input ring indexes corrupt; input "
			    "ignored");
		return -1;
	}
	if (n > 0)
		evtchn_notify(evtchn);	/* room in in[] for the backend */
	return n;
}

int
pvcons_init(uint64_t pfn, uint32_t port, int keep_sbi)
{
	uint64_t pa = pfn << PAGE_SHIFT;

	if (!mm_is_ram(pa, PAGE_SIZE)) {
		kprintf("pvcons: ring page %#lx is not RAM", (unsigned long)pa);
		return -1;
	}
	intf = (struct xencons_interface *)(uintptr_t)pa;
	out.buf = intf->out;
	out.size = XENCONS_OUT_SIZE;
	out.cons = &intf->out_cons;
	out.prod = &intf->out_prod;
	in.buf = intf->in;
	in.size = XENCONS_IN_SIZE;
	in.cons = &intf->in_cons;
	in.prod = &intf->in_prod;
	evtchn = port;
	if (evtchn_bind(port, input_event, NULL) != 0)
		return -1;
	/* Keys typed before we bound the port raised no event we saw. */
	kernel_request(REQ_CONSOLE);
	kprintf("pvcons: ring at %#lx, event channel %u%s", (unsigned long)pa,
	    port, keep_sbi ? "; console stays on SBI (console=sbi)" : "");
	if (!keep_sbi)
		console_set_sink(sink);
	return 0;
}

uint64_t
pvcons_dropped(void)
{
	return dropped;
}
