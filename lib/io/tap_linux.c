/* Linux TAP device with virtio_net_hdr offloads: the kernel hands us TCP
 * super-frames of up to 64 KB (TUN_F_TSO4/TSO6) with partial checksums
 * (TUN_F_CSUM), and takes them back the same way, re-segmenting them
 * itself. The device is not persistent: it goes away with the fd. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io_internal.h"



/* One RTM_NEWLINK setting a u32 attribute; 0 or -1 (errno from the
 * kernel's answer). */
static int link_set_u32(int ifindex, unsigned short attr, uint32_t val)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		struct rtattr ra;
		uint32_t val;
	} req;
	uint8_t buf[512];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int rc = -1;

	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	req.ra.rta_type = attr;
	req.ra.rta_len = RTA_LENGTH(sizeof(uint32_t));
	req.val = val;
	if (send(fd, &req, sizeof(req), 0) == (ssize_t)sizeof(req)) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nh = (const void *)buf;
		if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);
			errno = -e->error;
			rc = e->error == 0 ? 0 : -1;
		}
	}
	close(fd);
	return rc;
}

struct stt_tap *stt_tap_open(const struct stt_tap_config *cfg, char *err, size_t errlen)
{
	struct stt_tap *t = calloc(1, sizeof(*t));
	struct ifreq ifr;

	if (!t) {
		stt_io_err(err, errlen, "out of memory");
		return NULL;
	}
	t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		stt_io_err(err, errlen, "open /dev/net/tun: %s%s", strerror(errno),
			   errno == EACCES || errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		free(t);
		return NULL;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (cfg->offload ? IFF_VNET_HDR : 0);
	if (cfg->name && *cfg->name) {
		if (strlen(cfg->name) >= IFNAMSIZ) {
			stt_io_err(err, errlen, "TAP name '%s' is longer than %d bytes", cfg->name,
				   IFNAMSIZ - 1);
			goto fail;
		}
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->name);
	}
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		stt_io_err(err, errlen, "create TAP '%s': %s", cfg->name ? cfg->name : "", strerror(errno));
		goto fail;
	}
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	if (cfg->offload) {
		int hsz = (int)sizeof(struct virtio_net_hdr);
		unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
		if (ioctl(t->fd, TUNSETVNETHDRSZ, &hsz) < 0 ||
		    (ioctl(t->fd, TUNSETOFFLOAD, off) < 0 &&
		     ioctl(t->fd, TUNSETOFFLOAD, off & ~TUN_F_TSO_ECN) < 0)) {
			stt_io_err(err, errlen, "TAP %s offloads: %s", t->name, strerror(errno));
			goto fail;
		}
		t->offload = true;
	}
	if (cfg->gso_max) {
		/* Best effort (kernels before 5.19 refuse it): keeps the TAP's
		 * super-frames within one STT frame and one GSO super-packet.
		 * Without it the endpoint splits what is too long. */
		int ifindex = (int)if_nametoindex(t->name);
		link_set_u32(ifindex, IFLA_GSO_MAX_SIZE, cfg->gso_max);
#ifdef IFLA_GSO_IPV4_MAX_SIZE
		link_set_u32(ifindex, IFLA_GSO_IPV4_MAX_SIZE, cfg->gso_max);
#endif
	}
	if (stt_io_tap_set_link(t->name, cfg->mtu, cfg->up, err, errlen) < 0)
		goto fail;
	return t;
fail:
	close(t->fd);
	free(t);
	return NULL;
}

long stt_tap_read(struct stt_tap *t, uint8_t *buf, size_t cap, struct stt_offload *off)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { buf, cap } };
	ssize_t n;

	memset(off, 0, sizeof(*off));
	n = readv(t->fd, t->offload ? iov : iov + 1, t->offload ? 2 : 1);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
	if (t->offload) {
		if ((size_t)n < sizeof(vh))
			return 0;
		n -= (ssize_t)sizeof(vh);
		off->flags = vh.flags;
		off->gso_type = vh.gso_type;
		off->hdr_len = vh.hdr_len;
		off->gso_size = vh.gso_size;
		off->csum_start = vh.csum_start;
		off->csum_offset = vh.csum_offset;
	}
	return (long)n;
}

int stt_tap_write(struct stt_tap *t, const uint8_t *frame, size_t len, const struct stt_offload *off)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)frame, len } };

	memset(&vh, 0, sizeof(vh));
	if (off && t->offload) {
		vh.flags = off->flags;
		vh.gso_type = off->gso_type;
		vh.hdr_len = off->hdr_len;
		vh.gso_size = off->gso_size;
		vh.csum_start = off->csum_start;
		vh.csum_offset = off->csum_offset;
	}
	if (writev(t->fd, t->offload ? iov : iov + 1, t->offload ? 2 : 1) < 0)
		return -1;
	return 0;
}
