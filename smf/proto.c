/* svc.startd's control protocol: framing shared by the daemon and the commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "smf/proto.h"

static const struct ctl_type_info types[CTL_NTYPES] = {
	[CTL_PING] = { .name = "ping", .flags_arg = -1 },
	[CTL_ENABLE] = { .name = "enable", .min_args = 1, .max_args = 2,
	    .flags_arg = 1, .flags = "rst" },
	[CTL_DISABLE] = { .name = "disable", .min_args = 1, .max_args = 2,
	    .flags_arg = 1, .flags = "st" },
	[CTL_RESTART] = { .name = "restart", .min_args = 1, .max_args = 1,
	    .flags_arg = -1 },
	[CTL_REFRESH] = { .name = "refresh", .min_args = 1, .max_args = 1,
	    .flags_arg = -1 },
	[CTL_CLEAR] = { .name = "clear", .min_args = 1, .max_args = 1,
	    .flags_arg = -1 },
	[CTL_MARK] = { .name = "mark", .min_args = 2, .max_args = 3,
	    .flags_arg = 2, .flags = "It" },
	[CTL_RELOAD] = { .name = "reload", .flags_arg = -1 },
};

const struct ctl_type_info *
ctl_type_info(uint32_t type)
{
	if (type == 0 || type >= CTL_NTYPES)
		return NULL;
	return &types[type];
}

const char *
ctl_type_name(uint32_t type)
{
	const struct ctl_type_info *t = ctl_type_info(type);

	return t != NULL ? t->name : NULL;
}

int
ctl_decode(uint32_t type, const uint8_t *payload, size_t len,
    struct ctl_req *req, char **cause)
{
	const char	*p = (const char *)payload, *end = p + len;
	const char	*nul;

	memset(req, 0, sizeof(*req));
	req->type = type;
	if (len > CTL_MAX_PAYLOAD) {
		xasprintf(cause, "payload of %zu bytes (limit %d)", len,
		    CTL_MAX_PAYLOAD);
		goto bad;
	}
	if (len > 0 && payload[len - 1] != '\0') {
		xasprintf(cause, "payload does not end with NUL");
		goto bad;
	}
	while (p < end) {
		if (req->argc == CTL_MAX_ARGS) {
			xasprintf(cause, "more than %d arguments",
			    CTL_MAX_ARGS);
			goto bad;
		}
		nul = memchr(p, '\0', (size_t)(end - p));
		req->argv[req->argc++] = p;
		p = nul + 1;
	}
	return 0;
bad:
	errno = EBADMSG;
	return -1;
}

int
ctl_encode(struct buf *b, uint32_t type, int argc, const char *const *argv)
{
	struct ctl_hdr	 h;
	size_t		 len = 0;
	int		 i;

	if (argc < 0 || argc > CTL_MAX_ARGS) {
		errno = E2BIG;
		return -1;
	}
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (len > CTL_MAX_PAYLOAD) {
		errno = E2BIG;
		return -1;
	}
	h.type = type;
	h.len = (uint32_t)len;
	buf_add(b, &h, sizeof(h));
	for (i = 0; i < argc; i++)
		buf_add(b, argv[i], strlen(argv[i]) + 1);
	if (buf_error(b) != 0) {
		errno = buf_error(b);
		return -1;
	}
	return 0;
}

int
ctl_call(const char *sockpath, uint32_t type, int argc,
    const char *const *argv, char **msg)
{
	struct buf	 b;
	struct ctl_hdr	 h;
	char		*text;
	int		 fd, saved;

	*msg = NULL;
	buf_init(&b, 0);
	if (ctl_encode(&b, type, argc, argv) == -1) {
		buf_free(&b);
		return -1;
	}
	if ((fd = sock_connect_unix(sockpath)) == -1) {
		buf_free(&b);
		return -1;
	}
	if (fd_write_all(fd, buf_data(&b), buf_len(&b)) == -1 ||
	    fd_read_all(fd, &h, sizeof(h)) == -1)
		goto fail;
	if (h.len > CTL_MAX_PAYLOAD) {
		errno = EBADMSG;
		goto fail;
	}
	text = xmalloc(h.len + 1);
	if (fd_read_all(fd, text, h.len) == -1) {
		free(text);
		goto fail;
	}
	text[h.len] = '\0';
	close(fd);
	buf_free(&b);
	*msg = text;
	return (int)h.type;
fail:
	saved = errno;
	close(fd);
	buf_free(&b);
	errno = saved;
	return -1;
}
