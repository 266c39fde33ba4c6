/*
 * The dispatch table of the libvirt front-end: procedure numbers of
 * libvirt's remote_protocol.x (REMOTE_PROC_*), each checked against it,
 * with the handler and the prologue's flags (virt.h).  A number not here
 * gets VIR_ERR_NO_SUPPORT.  docs/libvirt.md lists them.
 */
#include <stddef.h>

#include "xvmd/virt.h"
#include "xvmd/virt_procs.h"

#define D	P_DOM
#define W	P_WRITE
#define N0	P_NOT_DOM0

static const struct virt_proc procs[] = {
	[1] = { "CONNECT_OPEN", vp_open, P_OPEN },
	[2] = { "CONNECT_CLOSE", vp_close, 0 },
	[3] = { "CONNECT_GET_TYPE", vp_get_type, 0 },
	[4] = { "CONNECT_GET_VERSION", vp_get_version, 0 },
	[5] = { "CONNECT_GET_MAX_VCPUS", vp_get_max_vcpus, 0 },
	[6] = { "NODE_GET_INFO", vp_node_get_info, 0 },
	[7] = { "CONNECT_GET_CAPABILITIES", vp_get_capabilities, 0 },
	[9] = { "DOMAIN_CREATE", vp_create, D | W | N0 },
	[10] = { "DOMAIN_CREATE_XML", vp_create_xml, W },
	[11] = { "DOMAIN_DEFINE_XML", vp_define_xml, W },
	[12] = { "DOMAIN_DESTROY", vp_destroy, D | W | N0 },
	[14] = { "DOMAIN_GET_XML_DESC", vp_get_xml_desc, D },
	[15] = { "DOMAIN_GET_AUTOSTART", vp_get_autostart, D },
	[16] = { "DOMAIN_GET_INFO", vp_get_info, D },
	[17] = { "DOMAIN_GET_MAX_MEMORY", vp_get_max_memory, D },
	[18] = { "DOMAIN_GET_MAX_VCPUS", vp_get_max_vcpus_dom, D },
	[19] = { "DOMAIN_GET_OS_TYPE", vp_get_os_type, D },
	[20] = { "DOMAIN_GET_VCPUS", vp_get_vcpus, D },
	[21] = { "CONNECT_LIST_DEFINED_DOMAINS", vp_list_defined, 0 },
	[22] = { "DOMAIN_LOOKUP_BY_ID", vp_lookup_by_id, 0 },
	[23] = { "DOMAIN_LOOKUP_BY_NAME", vp_lookup_by_name, 0 },
	[24] = { "DOMAIN_LOOKUP_BY_UUID", vp_lookup_by_uuid, 0 },
	[25] = { "CONNECT_NUM_OF_DEFINED_DOMAINS", vp_num_of_defined, 0 },
	[27] = { "DOMAIN_REBOOT", vp_reboot, D | W | N0 },
	[28] = { "DOMAIN_RESUME", vp_resume, D | W | N0 },
	[29] = { "DOMAIN_SET_AUTOSTART", vp_set_autostart, D | W | N0 },
	[30] = { "DOMAIN_SET_MAX_MEMORY", vp_set_max_memory, D | W | N0 },
	[31] = { "DOMAIN_SET_MEMORY", vp_set_memory, D | W | N0 },
	[32] = { "DOMAIN_SET_VCPUS", vp_set_vcpus, D | W | N0 },
	[33] = { "DOMAIN_SHUTDOWN", vp_shutdown, D | W | N0 },
	[34] = { "DOMAIN_SUSPEND", vp_suspend, D | W | N0 },
	[35] = { "DOMAIN_UNDEFINE", vp_undefine, D | W | N0 },
	[37] = { "CONNECT_LIST_DOMAINS", vp_list_domains, 0 },
	[51] = { "CONNECT_NUM_OF_DOMAINS", vp_num_of_domains, 0 },
	[54] = { "DOMAIN_RESTORE", vp_restore, W },
	[55] = { "DOMAIN_SAVE", vp_save, D | W | N0 },
	[56] = { "DOMAIN_GET_SCHEDULER_TYPE", vp_get_scheduler_type, D },
	[59] = { "CONNECT_GET_HOSTNAME", vp_get_hostname, 0 },
	[60] = { "CONNECT_SUPPORTS_FEATURE", vp_supports_feature, P_OPEN },
	[66] = { "AUTH_LIST", vp_auth_list, P_OPEN },
	[71] = { "CONNECT_NUM_OF_STORAGE_POOLS", vp_num_of_pools, 0 },
	[72] = { "CONNECT_LIST_STORAGE_POOLS", vp_list_pools, 0 },
	[77] = { "STORAGE_POOL_DEFINE_XML", vp_pool_define_xml, W },
	[78] = { "STORAGE_POOL_CREATE", vp_pool_create, W },
	[79] = { "STORAGE_POOL_BUILD", vp_pool_build, W },
	[80] = { "STORAGE_POOL_DESTROY", vp_pool_destroy, W },
	[82] = { "STORAGE_POOL_UNDEFINE", vp_pool_undefine, W },
	[83] = { "STORAGE_POOL_REFRESH", vp_pool_refresh, 0 },
	[84] = { "STORAGE_POOL_LOOKUP_BY_NAME", vp_pool_lookup_by_name, 0 },
	[85] = { "STORAGE_POOL_LOOKUP_BY_UUID", vp_pool_lookup_by_uuid, 0 },
	[86] = { "STORAGE_POOL_LOOKUP_BY_VOLUME", vp_pool_lookup_by_volume, 0 },
	[87] = { "STORAGE_POOL_GET_INFO", vp_pool_get_info, 0 },
	[88] = { "STORAGE_POOL_GET_XML_DESC", vp_pool_get_xml_desc, 0 },
	[89] = { "STORAGE_POOL_GET_AUTOSTART", vp_pool_get_autostart, 0 },
	[90] = { "STORAGE_POOL_SET_AUTOSTART", vp_pool_set_autostart, W },
	[91] = { "STORAGE_POOL_NUM_OF_VOLUMES", vp_pool_num_of_volumes, 0 },
	[92] = { "STORAGE_POOL_LIST_VOLUMES", vp_pool_list_volumes, 0 },
	[93] = { "STORAGE_VOL_CREATE_XML", vp_vol_create_xml, W },
	[94] = { "STORAGE_VOL_DELETE", vp_vol_delete, W },
	[95] = { "STORAGE_VOL_LOOKUP_BY_NAME", vp_vol_lookup_by_name, 0 },
	[96] = { "STORAGE_VOL_LOOKUP_BY_KEY", vp_vol_lookup_by_key, 0 },
	[97] = { "STORAGE_VOL_LOOKUP_BY_PATH", vp_vol_lookup_by_path, 0 },
	[98] = { "STORAGE_VOL_GET_INFO", vp_vol_get_info, 0 },
	[99] = { "STORAGE_VOL_GET_XML_DESC", vp_vol_get_xml_desc, 0 },
	[100] = { "STORAGE_VOL_GET_PATH", vp_vol_get_path, 0 },
	[102] = { "NODE_GET_FREE_MEMORY", vp_node_get_free_memory, 0 },
	[105] = { "CONNECT_DOMAIN_EVENT_REGISTER", vp_event_register, 0 },
	[106] = { "CONNECT_DOMAIN_EVENT_DEREGISTER", vp_event_deregister, 0 },
	[110] = { "CONNECT_GET_URI", vp_get_uri, 0 },
	[149] = { "CONNECT_IS_SECURE", vp_is_secure, 0 },
	[150] = { "DOMAIN_IS_ACTIVE", vp_is_active, D },
	[151] = { "DOMAIN_IS_PERSISTENT", vp_is_persistent, D },
	[154] = { "STORAGE_POOL_IS_ACTIVE", vp_pool_is_active, 0 },
	[155] = { "STORAGE_POOL_IS_PERSISTENT", vp_pool_is_persistent, 0 },
	[157] = { "CONNECT_GET_LIB_VERSION", vp_get_lib_version, 0 },
	[167] = { "CONNECT_DOMAIN_EVENT_REGISTER_ANY", vp_event_register_any, 0 },
	[168] = { "CONNECT_DOMAIN_EVENT_DEREGISTER_ANY", vp_event_deregister_any, 0 },
	[183] = { "DOMAIN_HAS_MANAGED_SAVE_IMAGE", vp_zero, D },
	[196] = { "DOMAIN_CREATE_WITH_FLAGS", vp_create_with_flags, D | W | N0 },
	[199] = { "DOMAIN_SET_VCPUS_FLAGS", vp_set_vcpus_flags, D | W | N0 },
	[200] = { "DOMAIN_GET_VCPUS_FLAGS", vp_get_vcpus_flags, D },
	[201] = { "DOMAIN_OPEN_CONSOLE", vp_open_console, D | W | N0 },
	[202] = { "DOMAIN_IS_UPDATED", vp_zero, D },
	[204] = { "DOMAIN_SET_MEMORY_FLAGS", vp_set_memory_flags, D | W | N0 },
	[212] = { "DOMAIN_GET_STATE", vp_get_state, D },
	[231] = { "DOMAIN_UNDEFINE_FLAGS", vp_undefine_flags, D | W | N0 },
	[232] = { "DOMAIN_SAVE_FLAGS", vp_save_flags, D | W | N0 },
	[233] = { "DOMAIN_RESTORE_FLAGS", vp_restore_flags, W },
	[234] = { "DOMAIN_DESTROY_FLAGS", vp_destroy_flags, D | W | N0 },
	[258] = { "DOMAIN_SHUTDOWN_FLAGS", vp_shutdown_flags, D | W | N0 },
	[273] = { "CONNECT_LIST_ALL_DOMAINS", vp_list_all_domains, 0 },
	[281] = { "CONNECT_LIST_ALL_STORAGE_POOLS", vp_list_all_pools, 0 },
	[282] = { "STORAGE_POOL_LIST_ALL_VOLUMES", vp_pool_list_all_volumes, 0 },
	[316] = { "CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY", vp_event_cb_register_any, 0 },
	[317] = { "CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY", vp_event_cb_deregister_any, 0 },
	[342] = { "CONNECT_GET_DOMAIN_CAPABILITIES", vp_get_domain_capabilities, 0 },
	[350] = { "DOMAIN_DEFINE_XML_FLAGS", vp_define_xml_flags, W },
	[360] = { "CONNECT_REGISTER_CLOSE_CALLBACK", vp_ok, 0 },
	[361] = { "CONNECT_UNREGISTER_CLOSE_CALLBACK", vp_ok, 0 },
};

const struct virt_proc *
virt_proc_find(uint32_t proc)
{
	if (proc >= sizeof(procs) / sizeof(procs[0]) ||
	    procs[proc].fn == NULL)
		return NULL;
	return &procs[proc];
}
