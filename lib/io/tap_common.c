/* What the two TAP backends share (tap_linux.c with offloads,
 * tap_portable.c without): the device record, its accessors, and setting
 * MTU and IFF_UP through an ordinary datagram socket, which Linux, the
 * BSDs and macOS all accept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io_internal.h"

int stt_io_tap_set_link(const char *name, unsigned mtu, bool up, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int rc = 0;

	if (fd < 0) {
		stt_io_err(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
#ifdef SIOCSIFMTU
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(fd, SIOCSIFMTU, &ifr) < 0) {
			stt_io_err(err, errlen, "set MTU %u on %s: %s", mtu, name, strerror(errno));
			rc = -1;
		}
	}
#else
	(void)mtu; /* left to ifconfig(8) */
#endif
	if (rc == 0 && up) {
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
			stt_io_err(err, errlen, "%s: SIOCGIFFLAGS: %s", name, strerror(errno));
			rc = -1;
		} else {
			/* read-modify-write keeps the other flags (and, on
			 * FreeBSD, ifr_flagshigh) as they were */
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
				stt_io_err(err, errlen, "bring %s up: %s", name, strerror(errno));
				rc = -1;
			}
		}
	}
	close(fd);
	return rc;
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
	return t->offload;
}
