/* Interface facts from getifaddrs()/ioctl(): portable enough for every
 * system libpcap runs on. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_packet.h>
#else
#include <net/if_dl.h>
#endif

#include "io_internal.h"

static bool sockaddr_is(const struct sockaddr *sa, const struct stt_addr *a)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET && a->family == 4) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		return memcmp(&s4->sin_addr, a->a, 4) == 0;
	}
	if (sa->sa_family == AF_INET6 && a->family == 6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		return memcmp(&s6->sin6_addr, a->a, 16) == 0;
	}
	return false;
}

int stt_io_iface_by_addr(const struct stt_addr *a, char *name, size_t cap, char *err,
			 size_t errlen)
{
	struct ifaddrs *ifs, *i;
	char buf[48];
	int rc = -1;

	if (getifaddrs(&ifs) < 0) {
		stt_io_err(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (i = ifs; i; i = i->ifa_next) {
		if (sockaddr_is(i->ifa_addr, a)) {
			snprintf(name, cap, "%s", i->ifa_name);
			rc = 0;
			break;
		}
	}
	freeifaddrs(ifs);
	if (rc < 0)
		stt_io_err(err, errlen, "no interface holds %s (give --iface)",
			   stt_addr_format(a, buf, sizeof(buf)));
	return rc;
}

int stt_io_iface_info(const char *name, uint8_t mac[6], unsigned *mtu, char *err, size_t errlen)
{
	struct ifaddrs *ifs, *i;
	struct ifreq ifr;
	bool found = false;
	int fd;

	if (getifaddrs(&ifs) < 0) {
		stt_io_err(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	memset(mac, 0, 6);
	for (i = ifs; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, name) != 0 || !i->ifa_addr)
			continue;
#ifdef __linux__
		if (i->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)i->ifa_addr;
			if (ll->sll_halen == 6)
				memcpy(mac, ll->sll_addr, 6);
			found = true;
		}
#else
		if (i->ifa_addr->sa_family == AF_LINK) {
			const struct sockaddr_dl *dl = (const struct sockaddr_dl *)(const void *)i->ifa_addr;
			if (dl->sdl_alen == 6)
				memcpy(mac, LLADDR(dl), 6);
			found = true;
		}
#endif
	}
	freeifaddrs(ifs);
	if (!found) {
		stt_io_err(err, errlen, "interface '%s' not found", name);
		return -1;
	}
	*mtu = 1500;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
			*mtu = (unsigned)ifr.ifr_mtu;
		close(fd);
	}
	return 0;
}

#ifdef STT_LINUX_IO
/* Without the Linux backends the lookup asks on the wire itself and the
 * kernel's table is never read: see neigh_portable.c. */
void stt_io_neigh_solicit(const struct stt_addr *ip)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (ip->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(9); /* discard */
		memcpy(&s4->sin_addr, ip->a, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(9);
		memcpy(&s6->sin6_addr, ip->a, 16);
		sl = sizeof(*s6);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return;
	(void)!sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&ss, sl);
	close(fd);
}
#endif
