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
	static struct {
		uint16_t domid, size;
		uint32_t space;
		uint64_t idx, gpfn;
	} atp;
	static struct {
		uint16_t dom, pad;
		uint32_t nr_frames;
		int16_t status;
		uint16_t pad2[3];
		uint64_t frame_list;
	} st;
	static uint64_t frames[1];
	static uint32_t send_port;
	uint64_t port, rounds, seen = 0;
	const char *msg = "written by the guest";
	int i;

	(void)hartid;
	(void)fdt;
	if (hcall(HC_xen_version, 0, 0, 0) != (3 << 16 | 4))
		pv_shutdown(3);
	atp.domid = DOMID_SELF;
	atp.space = 0;			/* XENMAPSPACE_shared_info */
	atp.gpfn = (unsigned long)&sh >> 12;
	if (hcall(HC_memory_op, 7, (unsigned long)&atp, 0) != 0)
		pv_shutdown(3);
	frames[0] = (unsigned long)gnt >> 12;
	st.dom = DOMID_SELF;
	st.nr_frames = 1;
	st.frame_list = (unsigned long)frames;
	if (hcall(HC_grant_table_op, 2, (unsigned long)&st, 1) != 0 ||
	    st.status != 0)
		pv_shutdown(3);
	for (i = 0; msg[i]; i++)
		data[i] = msg[i];
	gnt[8].domid = 0;
	gnt[8].frame = (uint32_t)((unsigned long)data >> 12);
	__atomic_store_n(&gnt[8].flags, 1, __ATOMIC_SEQ_CST);	/* permit */
	if (pv_get_param(18, &port) != 0 || port == 0)
		pv_shutdown(3);
	if (pv_get_param(1, &rounds) != 0 || rounds == 0)
		rounds = 1000;
	send_port = (uint32_t)port;
	pv_print("pvecho: ready");
	while (seen < rounds) {
		pv_ack(&sh);
		if (!pv_test_and_clear(&sh, (unsigned)port)) {
			hcall(HC_sched_op, 1, 0, 0);	/* SCHEDOP_block */
			continue;
		}
		seen++;
		hcall(HC_event_channel_op, 4, (unsigned long)&send_port, 0);
	}
	pv_print("pvecho: done");
	pv_shutdown(0);
}
