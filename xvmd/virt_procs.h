/* The libvirt procedures xvmd serves, by file; the table is virt_procs.c. */
#ifndef XVM_XVMD_VIRT_PROCS_H
#define XVM_XVMD_VIRT_PROCS_H

struct virt_call;

/* virt_conn.c */
int	 vp_open(struct virt_call *);
int	 vp_close(struct virt_call *);
int	 vp_get_type(struct virt_call *);
int	 vp_get_version(struct virt_call *);
int	 vp_get_lib_version(struct virt_call *);
int	 vp_get_hostname(struct virt_call *);
int	 vp_get_uri(struct virt_call *);
int	 vp_get_max_vcpus(struct virt_call *);
int	 vp_is_secure(struct virt_call *);
int	 vp_is_alive(struct virt_call *);
int	 vp_supports_feature(struct virt_call *);
int	 vp_auth_list(struct virt_call *);
int	 vp_ok(struct virt_call *);
int	 vp_node_get_info(struct virt_call *);
int	 vp_node_get_free_memory(struct virt_call *);
int	 vp_get_capabilities(struct virt_call *);
int	 vp_get_domain_capabilities(struct virt_call *);

/* virt_dom.c: lookups, lists and reading a domain */
int	 vp_list_all_domains(struct virt_call *);
int	 vp_num_of_domains(struct virt_call *);
int	 vp_list_domains(struct virt_call *);
int	 vp_num_of_defined(struct virt_call *);
int	 vp_list_defined(struct virt_call *);
int	 vp_lookup_by_id(struct virt_call *);
int	 vp_lookup_by_name(struct virt_call *);
int	 vp_lookup_by_uuid(struct virt_call *);
int	 vp_get_info(struct virt_call *);
int	 vp_get_state(struct virt_call *);
int	 vp_get_os_type(struct virt_call *);
int	 vp_is_active(struct virt_call *);
int	 vp_is_persistent(struct virt_call *);
int	 vp_zero(struct virt_call *);
int	 vp_get_autostart(struct virt_call *);
int	 vp_get_max_memory(struct virt_call *);
int	 vp_get_max_vcpus_dom(struct virt_call *);
int	 vp_get_vcpus_flags(struct virt_call *);
int	 vp_get_xml_desc(struct virt_call *);
int	 vp_get_vcpus(struct virt_call *);
int	 vp_get_scheduler_type(struct virt_call *);

/* virt_domctl.c: changing a domain */
int	 vp_create(struct virt_call *);
int	 vp_create_with_flags(struct virt_call *);
int	 vp_create_xml(struct virt_call *);
int	 vp_define_xml(struct virt_call *);
int	 vp_define_xml_flags(struct virt_call *);
int	 vp_undefine(struct virt_call *);
int	 vp_undefine_flags(struct virt_call *);
int	 vp_destroy(struct virt_call *);
int	 vp_destroy_flags(struct virt_call *);
int	 vp_shutdown(struct virt_call *);
int	 vp_shutdown_flags(struct virt_call *);
int	 vp_reboot(struct virt_call *);
int	 vp_suspend(struct virt_call *);
int	 vp_resume(struct virt_call *);
int	 vp_set_autostart(struct virt_call *);
int	 vp_set_memory(struct virt_call *);
int	 vp_set_memory_flags(struct virt_call *);
int	 vp_set_max_memory(struct virt_call *);
int	 vp_set_vcpus(struct virt_call *);
int	 vp_set_vcpus_flags(struct virt_call *);
int	 vp_save(struct virt_call *);
int	 vp_save_flags(struct virt_call *);
int	 vp_restore(struct virt_call *);
int	 vp_restore_flags(struct virt_call *);

/* virt_event.c */
int	 vp_event_register(struct virt_call *);
int	 vp_event_deregister(struct virt_call *);
int	 vp_event_register_any(struct virt_call *);
int	 vp_event_deregister_any(struct virt_call *);
int	 vp_event_cb_register_any(struct virt_call *);
int	 vp_event_cb_deregister_any(struct virt_call *);

/* virt_stream.c */
int	 vp_open_console(struct virt_call *);

/* virt_migrate.c, virt_job.c */
int	 vp_migrate_begin3_params(struct virt_call *);
int	 vp_migrate_prepare3_params(struct virt_call *);
int	 vp_migrate_perform3_params(struct virt_call *);
int	 vp_migrate_finish3_params(struct virt_call *);
int	 vp_migrate_confirm3_params(struct virt_call *);
int	 vp_get_job_info(struct virt_call *);
int	 vp_get_job_stats(struct virt_call *);
int	 vp_abort_job(struct virt_call *);

/* virt_pool.c, virt_vol.c */
int	 vp_list_all_pools(struct virt_call *);
int	 vp_num_of_pools(struct virt_call *);
int	 vp_list_pools(struct virt_call *);
int	 vp_pool_lookup_by_name(struct virt_call *);
int	 vp_pool_lookup_by_uuid(struct virt_call *);
int	 vp_pool_lookup_by_volume(struct virt_call *);
int	 vp_pool_get_info(struct virt_call *);
int	 vp_pool_get_xml_desc(struct virt_call *);
int	 vp_pool_is_active(struct virt_call *);
int	 vp_pool_is_persistent(struct virt_call *);
int	 vp_pool_get_autostart(struct virt_call *);
int	 vp_pool_refresh(struct virt_call *);
int	 vp_pool_define_xml(struct virt_call *);
int	 vp_pool_undefine(struct virt_call *);
int	 vp_pool_destroy(struct virt_call *);
int	 vp_pool_create(struct virt_call *);
int	 vp_pool_build(struct virt_call *);
int	 vp_pool_set_autostart(struct virt_call *);
int	 vp_pool_list_all_volumes(struct virt_call *);
int	 vp_pool_num_of_volumes(struct virt_call *);
int	 vp_pool_list_volumes(struct virt_call *);
int	 vp_vol_lookup_by_name(struct virt_call *);
int	 vp_vol_lookup_by_path(struct virt_call *);
int	 vp_vol_lookup_by_key(struct virt_call *);
int	 vp_vol_get_info(struct virt_call *);
int	 vp_vol_get_xml_desc(struct virt_call *);
int	 vp_vol_get_path(struct virt_call *);
int	 vp_vol_create_xml(struct virt_call *);
int	 vp_vol_delete(struct virt_call *);

#endif
