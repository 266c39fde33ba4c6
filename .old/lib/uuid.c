/* UUIDs as Xen tools write them: 36 characters, lower-case hex. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lib/uuid.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
uuid_parse(const char *s, uint8_t uuid[16])
{
	uint8_t	 out[16];
	int	 i, n = 0, hi, lo;

	if (strlen(s) != 36)
		return -1;
	for (i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -1;
			continue;
		}
		if ((hi = hexval(s[i])) == -1 || (lo = hexval(s[i + 1])) == -1)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(uuid, out, 16);
	return 0;
}

void
uuid_format(const uint8_t u[16], char out[UUID_STR_LEN])
{
	snprintf(out, UUID_STR_LEN, "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
	    u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	    u[15]);
}

int
uuid_generate(uint8_t uuid[16])
{
	ssize_t	 n;

	do {
		n = getrandom(uuid, 16, 0);
	} while (n == -1 && errno == EINTR);
	if (n != 16) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);	/* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	return 0;
}

int
uuid_is_nil(const uint8_t uuid[16])
{
	int	 i;

	for (i = 0; i < 16; i++)
		if (uuid[i] != 0)
			return 0;
	return 1;
}
