/* TAP without the Linux I/O backends (-DSTT_LINUX_IO=OFF): a plain
 * Ethernet TAP with no offloads, the same device on every system.
 *   Linux        /dev/net/tun with IFF_TAP|IFF_NO_PI: no virtio-net header,
 *                no TUNSETOFFLOAD, so the kernel hands us whole frames with
 *                finished checksums, like a BSD tap.
 *   BSD, macOS   the character device /dev/tapN (the name must be tapN).
 * MTU and link state are set with SIOCSIFMTU / SIOCSIFFLAGS on an ordinary
 * socket, which all of these systems have. The caller finishes partial
 * checksums and segments super-frames itself (stt_tap_has_offload() is
 * false). */
#ifndef STT_LINUX_IO
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_tun.h>
#endif

#include "io_internal.h"

#if defined(__linux__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
	defined(__NetBSD__) || defined(__APPLE__)
#define TAP_SUPPORTED 1
#endif

#ifdef __linux__
static int open_dev(struct stt_tap *t, const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;

	t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		stt_io_err(err, errlen, "open /dev/net/tun: %s%s", strerror(errno),
			   errno == EACCES || errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	/* no IFF_VNET_HDR: frames only, as on the BSDs */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (name && *name) {
		if (strlen(name) >= IFNAMSIZ) {
			stt_io_err(err, errlen, "TAP name '%s' is longer than %d bytes", name,
				   IFNAMSIZ - 1);
			return -1;
		}
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	}
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		stt_io_err(err, errlen, "create TAP '%s': %s", name ? name : "", strerror(errno));
		return -1;
	}
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	return 0;
}
#elif defined(TAP_SUPPORTED)
static int open_dev(struct stt_tap *t, const char *name, char *err, size_t errlen)
{
	char path[64];

	if (!name || !*name)
		name = "tap0";
	if (strncmp(name, "tap", 3) != 0 || strlen(name) >= sizeof(t->name)) {
		stt_io_err(err, errlen, "TAP name '%s': on this system it must be tapN", name);
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/%s", name);
	t->fd = open(path, O_RDWR | O_NONBLOCK);
	if (t->fd < 0) {
		stt_io_err(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	return 0;
}
#endif

struct stt_tap *stt_tap_open(const struct stt_tap_config *cfg, char *err, size_t errlen)
{
#ifdef TAP_SUPPORTED
	struct stt_tap *t = calloc(1, sizeof(*t));

	if (!t) {
		stt_io_err(err, errlen, "out of memory");
		return NULL;
	}
	t->fd = -1;
	/* cfg->offload and cfg->gso_max need the Linux backend: ignored, and
	 * stt_tap_has_offload() tells the caller so */
	if (open_dev(t, cfg->name, err, errlen) < 0 ||
	    stt_io_tap_set_link(t->name, cfg->mtu, cfg->up, err, errlen) < 0) {
		if (t->fd >= 0)
			close(t->fd);
		free(t);
		return NULL;
	}
	return t;
#else
	(void)cfg;
	stt_io_err(err, errlen, "no TAP device support on this system");
	return NULL;
#endif
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
	(void)off; /* no offload: the caller finished the checksum */
	return write(t->fd, frame, len) < 0 ? -1 : 0;
}
#else
/* ISO C forbids an empty translation unit. */
typedef int stt_tap_portable_unused;
#endif
