/*
 * Fuzz target: what libvirt clients send xvmd — XDR argument decoding
 * (byte 0 even: the rest is walked by the reader, each 4-byte word
 * choosing the next read) and domain XML (byte 0 odd: translated to an xm
 * config, which must then parse or fail with a reason).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xvmd/domcfg.h"
#include "xvmd/virt_xdr.h"
#include "xvmd/virt_xml.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
xdr_walk(const uint8_t *data, size_t len)
{
	struct xdr_in	 x;
	const uint8_t	*p;
	uint64_t	 u64;
	uint32_t	 op, u32;
	uint8_t		 fixed[16];
	size_t		 n;
	char		*s;

	xdr_in_init(&x, data, len);
	while (!x.bad && xdr_get_u32(&x, &op) == 0) {
		s = NULL;
		switch (op % 6) {
		case 0:
			(void)xdr_get_u32(&x, &u32);
			break;
		case 1:
			(void)xdr_get_u64(&x, &u64);
			break;
		case 2:
			(void)xdr_get_fixed(&x, fixed, sizeof(fixed));
			break;
		case 3:
			if (xdr_get_opaque(&x, 4096, &p, &n) == 0 &&
			    p + n > data + len)
				abort();	/* a read past the message */
			break;
		case 4:
			if (xdr_get_str(&x, XDR_STRING_MAX, &s) == 0 &&
			    s == NULL)
				abort();
			break;
		default:
			(void)xdr_get_optstr(&x, 64, &s);
			break;
		}
		free(s);
		if (x.off > x.len)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct domcfg	*dc;
	char		*text, *cause = NULL;

	if (len == 0)
		return 0;
	if ((data[0] & 1) == 0) {
		xdr_walk(data + 1, len - 1);
		return 0;
	}
	text = virt_xml_to_xm((const char *)data + 1, len - 1, &cause);
	if (text == NULL) {
		if (cause == NULL)
			abort();	/* every refusal has a reason */
		free(cause);
		return 0;
	}
	dc = domcfg_parse("xml", text, strlen(text), &cause);
	if (dc == NULL && cause == NULL)
		abort();
	domcfg_free(dc);
	free(cause);
	free(text);
	return 0;
}
