/* Neighbour resolution on the wire with libpcap: inject an ARP request or
 * a Neighbor Solicitation and wait (bounded) for the answer. Works on any
 * system libpcap can inject on, so it is what the build without the Linux
 * I/O backends uses in place of the kernel's neighbour table. The frames
 * themselves are built and parsed in lib/src/neigh.c. */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "io_internal.h"
#include "stt/neigh.h"

static bool sa_addr(const struct sockaddr *sa, int family, uint8_t *out)
{
	if (!sa || sa->sa_family != (family == 4 ? AF_INET : AF_INET6))
		return false;
	if (family == 4)
		memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	else
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	return true;
}

/* An address of ifname to ask from: one in target's subnet if there is
 * one (the target answers to it directly), else the first of the family. */
static int local_addr(const char *ifname, const struct stt_addr *target, struct stt_addr *out)
{
	struct ifaddrs *ifs, *i;
	size_t alen = target->family == 4 ? 4 : 16;
	bool have = false;

	if (getifaddrs(&ifs) < 0)
		return -1;
	for (i = ifs; i; i = i->ifa_next) {
		struct stt_addr a = { .family = target->family };
		uint8_t mask[16];
		bool same = true;

		if (strcmp(i->ifa_name, ifname) != 0 || !sa_addr(i->ifa_addr, target->family, a.a))
			continue;
		if (!sa_addr(i->ifa_netmask, target->family, mask))
			memset(mask, 0xff, sizeof(mask));
		for (size_t k = 0; k < alen; k++)
			same = same && ((a.a[k] ^ target->a[k]) & mask[k]) == 0;
		if (!have || same) {
			*out = a;
			have = true;
		}
		if (same)
			break;
	}
	freeifaddrs(ifs);
	return have ? 0 : -1;
}

static pcap_t *open_listener(const char *ifname, int family, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	/* only answers can be of use; the parse checks the rest */
	const char *expr = family == 4 ? "arp" : "icmp6 and ip6[6] == 58 and ip6[40] == 136";
	pcap_t *p = pcap_create(ifname, ebuf);

	if (!p) {
		stt_io_err(err, errlen, "pcap %s: %s", ifname, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, 512);
	pcap_set_promisc(p, 0);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, 256 << 10);
	if (pcap_activate(p) < 0) {
		stt_io_err(err, errlen, "pcap %s: %s", ifname, pcap_geterr(p));
		goto fail;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		stt_io_err(err, errlen, "pcap %s: not Ethernet", ifname);
		goto fail;
	}
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		stt_io_err(err, errlen, "filter '%s': %s", expr, pcap_geterr(p));
		goto fail;
	}
	int set = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (set < 0) {
		stt_io_err(err, errlen, "filter '%s': %s", expr, pcap_geterr(p));
		goto fail;
	}
	pcap_setdirection(p, PCAP_D_IN);
	if (pcap_setnonblock(p, 1, ebuf) < 0) {
		stt_io_err(err, errlen, "pcap %s: %s", ifname, ebuf);
		goto fail;
	}
	return p;
fail:
	pcap_close(p);
	return NULL;
}

struct probe_wait {
	const struct stt_addr *target;
	uint8_t *mac;
	bool found;
};

static void on_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct probe_wait *w = (struct probe_wait *)(void *)arg;
	if (!w->found && stt_neigh_parse_reply(bytes, h->caplen, w->target, w->mac) == 0)
		w->found = true;
}

int stt_io_neigh_probe(const char *ifname, const struct stt_addr *ip, uint8_t mac[6],
		       unsigned timeout_ms, char *err, size_t errlen)
{
	uint8_t src_mac[6], req[STT_NEIGH_REQ_MAX];
	struct stt_addr src;
	struct probe_wait w = { ip, mac, false };
	unsigned mtu;
	size_t len;
	pcap_t *p;

	if (ip->family != 4 && ip->family != 6) {
		stt_io_err(err, errlen, "neighbour: not an IP address");
		return -1;
	}
	if (stt_io_iface_info(ifname, src_mac, &mtu, err, errlen) < 0)
		return -1;
	if (local_addr(ifname, ip, &src) < 0) {
		stt_io_err(err, errlen, "%s has no IPv%d address to ask from", ifname, ip->family);
		return -1;
	}
	len = stt_neigh_build_request(req, sizeof(req), src_mac, &src, ip);
	/* listen first, so that a quick answer cannot slip past */
	p = open_listener(ifname, ip->family, err, errlen);
	if (!p)
		return -1;
	if (len == 0 || pcap_inject(p, req, len) < 0) {
		stt_io_err(err, errlen, "send on %s: %s", ifname, len ? pcap_geterr(p) : "no frame");
		pcap_close(p);
		return -1;
	}
	int fd = pcap_get_selectable_fd(p);
	uint64_t end = (stt_io_now_ns() / 1000000u) + timeout_ms;
	for (;;) {
		if (pcap_dispatch(p, -1, on_frame, (u_char *)(void *)&w) < 0)
			break;
		uint64_t now = (stt_io_now_ns() / 1000000u);
		if (w.found || now >= end)
			break;
		if (fd < 0) {
			/* no selectable descriptor on some systems: look every 10 ms */
			struct timespec d = { 0, 10 * 1000000L };
			nanosleep(&d, NULL);
			continue;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)(end - now)) < 0 && errno != EINTR)
			break;
	}
	pcap_close(p);
	return w.found ? 0 : 1;
}
