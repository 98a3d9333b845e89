/* TAP and firewall without the Linux backends (-DSTT_LINUX_IO=OFF).
 * On the BSDs a TAP is a plain character device (/dev/tapN) without
 * offloads; on Linux without STT_LINUX_IO we say clearly what is missing.
 * The firewall rule is never installed here: the error carries the
 * command to run by hand. */
#ifndef STT_LINUX_IO
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_internal.h"

struct stt_tap {
	int fd;
	char name[32];
};

struct stt_tap *stt_tap_open(const struct stt_tap_config *cfg, char *err, size_t errlen)
{
#if defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || defined(__APPLE__)
	char path[64];
	struct stt_tap *t;
	const char *name = cfg->name && *cfg->name ? cfg->name : "tap0";

	if (strncmp(name, "tap", 3) != 0) {
		stt_io_err(err, errlen, "TAP name '%s': on this system it must be tapN", name);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		stt_io_err(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(path, sizeof(path), "/dev/%s", name);
	t->fd = open(path, O_RDWR | O_NONBLOCK);
	if (t->fd < 0) {
		stt_io_err(err, errlen, "open %s: %s", path, strerror(errno));
		free(t);
		return NULL;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	(void)cfg->mtu; /* set with ifconfig on these systems */
	return t;
#else
	(void)cfg;
	stt_io_err(err, errlen,
		   "TAP devices need the Linux I/O backends on this system (rebuild with "
		   "-DSTT_LINUX_IO=ON)");
	return NULL;
#endif
}

void stt_tap_close(struct stt_tap *t)
{
	if (!t)
		return;
	close(t->fd);
	free(t);
}

int stt_tap_fd(const struct stt_tap *t)
{
	return t->fd;
}

const char *stt_tap_name(const struct stt_tap *t)
{
	return t->name;
}

bool stt_tap_has_offload(const struct stt_tap *t)
{
	(void)t;
	return false;
}

long stt_tap_read(struct stt_tap *t, uint8_t *buf, size_t cap, struct stt_offload *off)
{
	memset(off, 0, sizeof(*off));
	ssize_t n = read(t->fd, buf, cap);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
	return (long)n;
}

int stt_tap_write(struct stt_tap *t, const uint8_t *frame, size_t len, const struct stt_offload *off)
{
	(void)off;
	return write(t->fd, frame, len) < 0 ? -1 : 0;
}

struct stt_nft *stt_nft_install(const struct stt_addr *local, uint16_t port, char *err,
				size_t errlen, char *cmd, size_t cmdlen)
{
	char a[48];
	stt_io_err(err, errlen, "no firewall backend built in");
	if (cmd)
		snprintf(cmd, cmdlen, "a rule dropping inbound TCP to %s port %u",
			 local && local->family ? stt_addr_format(local, a, sizeof(a)) : "any", port);
	return NULL;
}

void stt_nft_remove(struct stt_nft *n)
{
	(void)n;
}

const char *stt_nft_table(const struct stt_nft *n)
{
	(void)n;
	return "";
}
#else
/* ISO C forbids an empty translation unit. */
typedef int stt_tap_nft_portable_unused;
#endif
