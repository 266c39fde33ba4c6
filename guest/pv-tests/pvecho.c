/*
 * PV test guest: event channels and grants with dom0.  The toolstack
 * puts an unbound port for dom0 in HVM_PARAM_CONSOLE_EVTCHN.  The guest
 * registers its shared_info, grants dom0 page "data" as ref 8 (frame
 * list on page "gnt"), says "pvecho: ready", then answers every event
 * from dom0 with one back until it has seen 'rounds' (HVM_PARAM_STORE_PFN,
 * default 1000) and powers off.  Blocked between events, it costs nothing.
 */
#include "pv.h"

static struct shared_info sh __attribute__((aligned(4096)));
static struct grant_entry_v1 gnt[512] __attribute__((aligned(4096)));
static char data[4096] __attribute__((aligned(4096)));

int	guest_main(unsigned long, unsigned long);

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	static struct gnttab_setup_table st;
	static uint64_t frames[1];
	static uint32_t send_port;
	uint64_t port, rounds, seen = 0;
	const char *msg = "written by the guest";
	int i;

	(void)hartid;
	(void)fdt;
	if (hcall(__HYPERVISOR_xen_version, XENVER_version, 0, 0) !=
	    (3 << 16 | 4))
		pv_shutdown(SHUTDOWN_crash);
	if (pv_map_shared_info(&sh) != 0)
		pv_shutdown(SHUTDOWN_crash);
	frames[0] = (unsigned long)gnt >> 12;
	st.dom = DOMID_SELF;
	st.nr_frames = 1;
	st.frame_list = (unsigned long)frames;
	if (hcall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
	    (unsigned long)&st, 1) != 0 || st.status != GNTST_okay)
		pv_shutdown(SHUTDOWN_crash);
	for (i = 0; msg[i]; i++)
		data[i] = msg[i];
	gnt[8].domid = 0;
	gnt[8].frame = (uint32_t)((unsigned long)data >> 12);
	__atomic_store_n(&gnt[8].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
	if (pv_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) != 0 || port == 0)
		pv_shutdown(SHUTDOWN_crash);
	if (pv_get_param(HVM_PARAM_STORE_PFN, &rounds) != 0 || rounds == 0)
		rounds = 1000;
	send_port = (uint32_t)port;
	pv_print("pvecho: ready");
	while (seen < rounds) {
		pv_ack(&sh);
		if (!pv_test_and_clear(&sh, (unsigned)port)) {
			hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
			continue;
		}
		seen++;
		hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
		    (unsigned long)&send_port, 0);
	}
	pv_print("pvecho: done");
	pv_shutdown(SHUTDOWN_poweroff);
}
