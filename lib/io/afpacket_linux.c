/* Linux AF_PACKET underlay backend.
 *
 * Two sockets bound to the interface:
 *   rx: ETH_P_ALL, a classic BPF filter (compiled by libpcap on a dead
 *       handle) so that only STT traffic for us is copied up, PACKET_AUXDATA
 *       for the kernel's checksum verdict, recvmmsg batches.
 *   tx: protocol 0 (receives nothing), PACKET_VNET_HDR so that one
 *       super-packet with a virtio_net_hdr (gso_type TCPV4/TCPV6, gso_size,
 *       NEEDS_CSUM) is cut into segments by the kernel's GSO or the NIC's
 *       TSO, and so that our own segments can leave their checksum to the
 *       kernel (NEEDS_CSUM alone); sendmmsg for batches of those.
 * Sends gather headers and payload from where they are (iovecs): the
 * kernel copies each byte once, into page fragments that GSO shares. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io_internal.h"

#define AFP_MAX_BATCH 64 /* segments per sendmmsg() */

struct afp {
	int rx_fd, tx_fd;
	int ifindex;
	bool vnet; /* PACKET_VNET_HDR on tx_fd: checksum offload */
	bool gso;  /* ... and super-packets wanted (cfg->tso) */
	struct stt_rxbatch rx; /* the receive slots; per slot: */
	struct mmsghdr *msgs;
	struct iovec *iovs;
	struct sockaddr_ll *addrs;
	uint8_t (*ctrl)[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	uint64_t kernel_drops;
};

static struct afp *afp_of(const struct stt_underlay *u)
{
	return u->priv;
}

static int afp_fd(const struct stt_underlay *u)
{
	return afp_of(u)->rx_fd;
}

static bool afp_can_gso(const struct stt_underlay *u)
{
	return afp_of(u)->gso;
}

static bool afp_can_csum(const struct stt_underlay *u)
{
	return afp_of(u)->vnet;
}

static int afp_send(struct stt_underlay *u, const uint8_t *frame, size_t len)
{
	struct afp *a = afp_of(u);
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { (void *)frame, len } };
	struct msghdr m = { 0 };

	memset(&vh, 0, sizeof(vh));
	m.msg_iov = a->vnet ? iov : iov + 1;
	m.msg_iovlen = a->vnet ? 2 : 1;
	return sendmsg(a->tx_fd, &m, 0) < 0 ? -1 : 0;
}

static int afp_send_batch(struct stt_underlay *u, const uint8_t *const *frames, const size_t *lens,
			  unsigned n)
{
	struct afp *a = afp_of(u);
	struct virtio_net_hdr vh;
	struct mmsghdr mm[AFP_MAX_BATCH];
	struct iovec iov[AFP_MAX_BATCH][2];
	unsigned done = 0;

	memset(&vh, 0, sizeof(vh));
	while (done < n) {
		unsigned k = n - done < AFP_MAX_BATCH ? n - done : AFP_MAX_BATCH;
		memset(mm, 0, sizeof(mm[0]) * k);
		for (unsigned i = 0; i < k; i++) {
			iov[i][0].iov_base = &vh;
			iov[i][0].iov_len = sizeof(vh);
			iov[i][1].iov_base = (void *)frames[done + i];
			iov[i][1].iov_len = lens[done + i];
			mm[i].msg_hdr.msg_iov = a->vnet ? iov[i] : iov[i] + 1;
			mm[i].msg_hdr.msg_iovlen = a->vnet ? 2 : 1;
		}
		int rc = sendmmsg(a->tx_fd, mm, k, 0);
		if (rc <= 0)
			return done ? (int)done : -1;
		done += (unsigned)rc;
	}
	return (int)done;
}

static int afp_send_gso(struct stt_underlay *u, const uint8_t *hdr, size_t hdr_len,
			const uint8_t *payload, size_t payload_len, const struct stt_offload *off)
{
	struct afp *a = afp_of(u);
	/* Legacy virtio header: native byte order (what the kernel's
	 * vio_le() expects on the hosts we build for). hdr_len also tells
	 * packet_snd() how much to put in the skb's linear part: the payload
	 * goes to page fragments, which GSO then shares instead of copying. */
	struct virtio_net_hdr vh = {
		.flags = off->flags,
		.gso_type = off->gso_type,
		.hdr_len = off->hdr_len,
		.gso_size = off->gso_size,
		.csum_start = off->csum_start,
		.csum_offset = off->csum_offset,
	};
	struct iovec iov[3] = {
		{ &vh, sizeof(vh) },
		{ (void *)hdr, hdr_len },
		{ (void *)payload, payload_len },
	};
	struct msghdr m = { 0 };

	m.msg_iov = iov;
	m.msg_iovlen = payload_len ? 3 : 2;
	return sendmsg(a->tx_fd, &m, 0) < 0 ? -1 : 0;
}

static int afp_send_csum_batch(struct stt_underlay *u, const struct stt_tx_parts *pkts,
			       unsigned n, const struct stt_offload *off)
{
	struct afp *a = afp_of(u);
	struct virtio_net_hdr vh = {
		.flags = off->flags,
		.csum_start = off->csum_start,
		.csum_offset = off->csum_offset,
	};
	struct mmsghdr mm[AFP_MAX_BATCH];
	struct iovec iov[AFP_MAX_BATCH][3];
	unsigned done = 0;

	while (done < n) {
		unsigned k = n - done < AFP_MAX_BATCH ? n - done : AFP_MAX_BATCH;
		memset(mm, 0, sizeof(mm[0]) * k);
		for (unsigned i = 0; i < k; i++) {
			const struct stt_tx_parts *p = &pkts[done + i];
			iov[i][0] = (struct iovec){ &vh, sizeof(vh) };
			iov[i][1] = (struct iovec){ (void *)p->hdr, p->hdr_len };
			iov[i][2] = (struct iovec){ (void *)p->payload, p->payload_len };
			mm[i].msg_hdr.msg_iov = iov[i];
			mm[i].msg_hdr.msg_iovlen = p->payload_len ? 3 : 2;
		}
		int rc = sendmmsg(a->tx_fd, mm, k, 0);
		if (rc <= 0)
			return done ? (int)done : -1;
		done += (unsigned)rc;
	}
	return (int)done;
}

static int afp_recv(struct stt_underlay *u, struct stt_rx_pkt *pkts, unsigned max)
{
	struct afp *a = afp_of(u);
	unsigned n = max < a->rx.n ? max : a->rx.n;
	int got;

	if (n == 0)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct msghdr *h = &a->msgs[i].msg_hdr;
		a->iovs[i].iov_base = stt_rxbatch_slot(&a->rx, i);
		a->iovs[i].iov_len = STT_IO_RX_BUF;
		memset(h, 0, sizeof(*h));
		h->msg_name = &a->addrs[i];
		h->msg_namelen = sizeof(a->addrs[i]);
		h->msg_iov = &a->iovs[i];
		h->msg_iovlen = 1;
		h->msg_control = a->ctrl[i];
		h->msg_controllen = sizeof(a->ctrl[i]);
	}
	got = recvmmsg(a->rx_fd, a->msgs, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (got < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;

	uint64_t now = stt_io_now_ns();
	for (int i = 0; i < got; i++) {
		struct msghdr *h = &a->msgs[i].msg_hdr;
		struct stt_rx_pkt *p = &pkts[i];
		size_t wire = a->msgs[i].msg_len;

		stt_rx_pkt_init(p, a->iovs[i].iov_base, wire, wire, now);
		p->outgoing = a->addrs[i].sll_pkttype == PACKET_OUTGOING;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
			    c->cmsg_len < CMSG_LEN(sizeof(struct tpacket_auxdata)))
				continue;
			struct tpacket_auxdata aux;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
				p->csum = STT_RX_CSUM_PARTIAL;
			else if (aux.tp_status & TP_STATUS_CSUM_VALID)
				p->csum = STT_RX_CSUM_VALID;
			/* With a filter snaplen the kernel may cut the copy. */
			if (aux.tp_len > p->wirelen)
				p->wirelen = aux.tp_len;
		}
	}
	return got;
}

static void afp_stats(struct stt_underlay *u, struct stt_underlay_stats *s)
{
	struct afp *a = afp_of(u);
	struct tpacket_stats ts;
	socklen_t l = sizeof(ts);

	/* The kernel resets its counters on every read: accumulate. */
	if (getsockopt(a->rx_fd, SOL_PACKET, PACKET_STATISTICS, &ts, &l) == 0)
		a->kernel_drops += ts.tp_drops;
	s->kernel_drops = a->kernel_drops;
}

static void afp_close(struct stt_underlay *u)
{
	struct afp *a = afp_of(u);
	if (!a)
		return;
	if (a->rx_fd >= 0)
		close(a->rx_fd);
	if (a->tx_fd >= 0)
		close(a->tx_fd);
	stt_rxbatch_free(&a->rx);
	free(a->msgs);
	free(a->iovs);
	free(a->addrs);
	free(a->ctrl);
	free(a);
	u->priv = NULL;
}

static const struct stt_underlay_backend_ops afp_ops = {
	.fd = afp_fd,
	.can_gso = afp_can_gso,
	.can_csum = afp_can_csum,
	.send_csum_batch = afp_send_csum_batch,
	.send = afp_send,
	.send_batch = afp_send_batch,
	.send_gso = afp_send_gso,
	.recv = afp_recv,
	.stats = afp_stats,
	.close = afp_close,
};

/* Compile the pcap expression into classic BPF and attach it. */
static int attach_filter(int fd, const char *expr, char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	struct bpf_program prog;
	struct sock_fprog fp;
	int rc = -1;

	if (!dead) {
		stt_io_err(err, errlen, "pcap_open_dead failed");
		return -1;
	}
	if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		stt_io_err(err, errlen, "filter '%s': %s", expr, pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	/* struct bpf_insn and struct sock_filter have the same layout. */
	fp.len = (unsigned short)prog.bf_len;
	fp.filter = (struct sock_filter *)(void *)prog.bf_insns;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
		stt_io_err(err, errlen, "SO_ATTACH_FILTER: %s", strerror(errno));
	else
		rc = 0;
	pcap_freecode(&prog);
	pcap_close(dead);
	return rc;
}

static int open_rx(struct afp *a, const struct stt_underlay_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_ll sll = { 0 };
	char expr[256];
	int one = 1, rcvbuf = 8 << 20;
	uint8_t drain[64];

	/* Protocol 0 first: an unbound ETH_P_ALL socket would queue traffic
	 * of every interface before the filter and bind take effect. */
	a->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->rx_fd < 0) {
		stt_io_err(err, errlen, "AF_PACKET socket: %s%s", strerror(errno),
			   errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -1;
	}
	stt_io_filter_expr(cfg, expr, sizeof(expr));
	if (attach_filter(a->rx_fd, expr, err, errlen) < 0)
		return -1;
	setsockopt(a->rx_fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
#ifdef PACKET_IGNORE_OUTGOING
	/* Best effort (Linux 4.20+): recv() still marks outgoing packets. */
	if (cfg->ignore_outgoing)
		setsockopt(a->rx_fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
#endif
	if (setsockopt(a->rx_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(a->rx_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = a->ifindex;
	if (bind(a->rx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		stt_io_err(err, errlen, "bind AF_PACKET to %s: %s", cfg->ifname, strerror(errno));
		return -1;
	}
	while (recv(a->rx_fd, drain, sizeof(drain), MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;

	int slots = stt_rxbatch_init(&a->rx, cfg->batch);
	a->msgs = calloc(a->rx.n, sizeof(*a->msgs));
	a->iovs = calloc(a->rx.n, sizeof(*a->iovs));
	a->addrs = calloc(a->rx.n, sizeof(*a->addrs));
	a->ctrl = calloc(a->rx.n, sizeof(*a->ctrl));
	if (slots < 0 || !a->msgs || !a->iovs || !a->addrs || !a->ctrl) {
		stt_io_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int open_tx(struct afp *a, const struct stt_underlay_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_ll sll = { 0 };
	int one = 1, sndbuf = 8 << 20;

	a->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->tx_fd < 0) {
		stt_io_err(err, errlen, "AF_PACKET socket: %s%s", strerror(errno),
			   errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -1;
	}
	/* Even without TSO: the header also carries checksum offload. */
	if (setsockopt(a->tx_fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) == 0) {
		a->vnet = true;
		a->gso = cfg->tso;
	}
	if (setsockopt(a->tx_fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(a->tx_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0; /* send only */
	sll.sll_ifindex = a->ifindex;
	if (bind(a->tx_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		stt_io_err(err, errlen, "bind AF_PACKET to %s: %s", cfg->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

int stt_afpacket_open(struct stt_underlay *u, const struct stt_underlay_config *cfg, char *err,
		      size_t errlen)
{
	struct afp *a = calloc(1, sizeof(*a));

	if (!a) {
		stt_io_err(err, errlen, "out of memory");
		return -1;
	}
	a->rx_fd = a->tx_fd = -1;
	u->priv = a;
	u->ops = &afp_ops;
	a->ifindex = (int)if_nametoindex(cfg->ifname);
	if (!a->ifindex) {
		stt_io_err(err, errlen, "interface '%s': %s", cfg->ifname, strerror(errno));
		afp_close(u);
		return -1;
	}
	if (open_tx(a, cfg, err, errlen) < 0 || (cfg->rx && open_rx(a, cfg, err, errlen) < 0)) {
		afp_close(u);
		return -1;
	}
	return 0;
}
