/*
 * Test helper: create a domain, build it with xc_dom_build, unpause it and
 * print its domid — what xvmd will do, with nothing else around it.
 *
 *	xc-dom-boot KERNEL MEM_MIB VCPUS CMDLINE [RAMDISK]
 *	xc-dom-boot --destroy DOMID
 *	xc-dom-boot --list	(the hypervisor's view: "DOMID FLAGS UUID" lines)
 *
 * Exits 1 with one line naming the step that failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xc_dom.h>
#include <xvm/xenctrl.h>

#include "lib/paths.h"
#include "lib/str.h"

/* Every domain but Domain-0, as the hypervisor has it. */
static int
list(void)
{
	static xc_domaininfo_t	 info[1024];
	xc_interface		*xch;
	int			 n, i, k;

	if (xvm_paths_init(NULL) == -1 ||
	    (xch = xc_interface_open(NULL, NULL, 0)) == NULL ||
	    (n = xc_domain_getinfolist(xch, 1, 1024, info)) < 0) {
		fprintf(stderr, "xc-dom-boot: list: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		printf("%u %#x ", info[i].domain, info[i].flags);
		for (k = 0; k < 16; k++)
			printf("%02x%s", info[i].handle[k],
			    k == 3 || k == 5 || k == 7 || k == 9 ? "-" : "");
		printf("\n");
	}
	xc_interface_close(xch);
	return 0;
}

int
main(int argc, char **argv)
{
	struct xen_domctl_createdomain	 create = { 0 };
	struct xc_dom_config		 cfg = { 0 };
	struct xc_dom_image		 img;
	xc_interface			*xch = NULL;
	uint64_t			 mib, vcpus;
	uint32_t			 domid = 0;

	if (argc == 2 && strcmp(argv[1], "--list") == 0)
		return list();
	if (argc == 3 && strcmp(argv[1], "--destroy") == 0) {
		if (str_to_u64(argv[2], 1, 65535, &mib) == -1 ||
		    xvm_paths_init(NULL) == -1 ||
		    (xch = xc_interface_open(NULL, NULL, 0)) == NULL ||
		    xc_domain_destroy(xch, (uint32_t)mib) == -1) {
			fprintf(stderr, "xc-dom-boot: destroy %s: %s\n",
			    argv[2], strerror(errno));
			xc_interface_close(xch);
			return 1;
		}
		xc_interface_close(xch);
		return 0;
	}
	if (argc < 5 || argc > 6 ||
	    str_to_u64(argv[2], 4, 4096, &mib) == -1 ||
	    str_to_u64(argv[3], 1, 64, &vcpus) == -1) {
		fprintf(stderr, "usage: xc-dom-boot KERNEL MEM_MIB VCPUS "
		    "CMDLINE [RAMDISK]\n");
		return 1;
	}
	if (xvm_paths_init(NULL) == -1 ||
	    (xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		fprintf(stderr, "xc-dom-boot: hypervisor: %s\n",
		    strerror(errno));
		return 1;
	}
	create.max_vcpus = (uint32_t)vcpus;
	create.max_mem_kb = mib * 1024;
	if (xc_domain_create(xch, &domid, &create) == -1) {
		fprintf(stderr, "xc-dom-boot: create: %s\n", strerror(errno));
		xc_interface_close(xch);
		return 1;
	}
	cfg.kernel = argv[1];
	cfg.cmdline = argv[4];
	cfg.ramdisk = argc == 6 ? argv[5] : NULL;
	cfg.vcpus = (unsigned)vcpus;
	cfg.mem_kb = mib * 1024;
	if (xc_dom_build(xch, domid, &cfg, &img) == -1) {
		fprintf(stderr, "xc-dom-boot: build: %s\n", strerror(errno));
		xc_domain_destroy(xch, domid);
		xc_interface_close(xch);
		return 1;
	}
	if (xc_domain_unpause(xch, domid) == -1) {
		fprintf(stderr, "xc-dom-boot: unpause: %s\n", strerror(errno));
		xc_domain_destroy(xch, domid);
		xc_interface_close(xch);
		return 1;
	}
	printf("%u console_pfn=%#llx console_port=%u store_pfn=%#llx "
	    "store_port=%u dtb=%#llx\n", domid,
	    (unsigned long long)img.console_pfn, img.console_port,
	    (unsigned long long)img.store_pfn, img.store_port,
	    (unsigned long long)img.dtb_addr);
	xc_interface_close(xch);
	return 0;
}
