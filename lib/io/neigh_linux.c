/* Neighbour (ARP/NDP) table lookup over rtnetlink. */
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io_internal.h"

static int scan_neigh(const uint8_t *buf, size_t len, int ifindex, const struct stt_addr *ip,
		      uint8_t mac[6], bool *done)
{
	size_t alen = ip->family == 4 ? 4 : 16;

	for (const struct nlmsghdr *nh = (const void *)buf; NLMSG_OK(nh, len);
	     nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR) {
			*done = true;
			return 1;
		}
		if (nh->nlmsg_type != RTM_NEWNEIGH)
			continue;
		const struct ndmsg *nd = NLMSG_DATA(nh);
		if (nd->ndm_ifindex != ifindex ||
		    !(nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
				       NUD_PERMANENT | NUD_NOARP)))
			continue;
		const uint8_t *dst = NULL, *ll = NULL;
		size_t dlen = 0, lllen = 0;
		int rl = (int)RTM_PAYLOAD(nh);
		for (const struct rtattr *ra = RTM_RTA(nd); RTA_OK(ra, rl); ra = RTA_NEXT(ra, rl)) {
			if (ra->rta_type == NDA_DST) {
				dst = RTA_DATA(ra);
				dlen = RTA_PAYLOAD(ra);
			} else if (ra->rta_type == NDA_LLADDR) {
				ll = RTA_DATA(ra);
				lllen = RTA_PAYLOAD(ra);
			}
		}
		if (dst && dlen == alen && memcmp(dst, ip->a, alen) == 0 && ll && lllen == 6) {
			memcpy(mac, ll, 6);
			*done = true;
			return 0;
		}
	}
	return 1;
}

int stt_io_neigh_lookup(const char *ifname, const struct stt_addr *ip, uint8_t mac[6])
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
	} req;
	uint8_t buf[16384];
	int fd, ifindex = (int)if_nametoindex(ifname);
	int rc = 1;
	bool done = false;

	if (!ifindex || (ip->family != 4 && ip->family != 6))
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.nd));
	req.nh.nlmsg_type = RTM_GETNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nd.ndm_family = ip->family == 4 ? AF_INET : AF_INET6;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		close(fd);
		return -1;
	}
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			rc = -1;
			break;
		}
		rc = scan_neigh(buf, (size_t)n, ifindex, ip, mac, &done);
		if (rc == 0) {
			/* drain the rest of the dump so the socket closes cleanly */
			break;
		}
	}
	close(fd);
	return rc;
}
