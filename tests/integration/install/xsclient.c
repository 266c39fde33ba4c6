/*
 * A program built outside the tree against the installed headers and
 * libraries (pkg-config xvmctrl xvmstore): prints the name the store holds
 * for each running domain, as "<domid> <name>".  tests/integration/install.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xvm/xenctrl.h>
#include <xvm/xenstore.h>

int
main(void)
{
	xc_interface		*xch;
	struct xs_handle	*xsh;
	xc_domaininfo_t		 info[64];
	char			 path[64], *name;
	unsigned int		 len;
	int			 n, i;

	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		perror("xc_interface_open");
		return 1;
	}
	if ((xsh = xs_open(0)) == NULL) {
		perror("xs_open");
		return 1;
	}
	if ((n = xc_domain_getinfolist(xch, 0, 64, info)) < 0) {
		perror("xc_domain_getinfolist");
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/name",
		    info[i].domain);
		name = xs_read(xsh, XBT_NULL, path, &len);
		printf("%u %s\n", info[i].domain, name ? name : "-");
		free(name);
	}
	xs_close(xsh);
	xc_interface_close(xch);
	return 0;
}
