/* gso-send: hand the kernel one large STT "TCP" super-packet through an
 * AF_PACKET socket with PACKET_VNET_HDR, the way a TSO-using STT sender
 * does, so that the kernel (GSO on the egress veth, GRO on the peer) does
 * the segmenting and coalescing that pcaps/capture-gro.sh records.
 *
 * A capture-making helper only: standalone (no libstt), built by
 * capture-gro.sh with the system compiler. Everything it writes is
 * deterministic (payload pattern, IDs) so that captures are comparable
 * between runs except for timestamps.
 *
 * Usage: gso-send -i DEV -s SRC_IP -d DST_IP -m DST_MAC [-l FRAME_LEN]
 *                 [-M MSS] [-a ACK] [-p SPORT] [-P DPORT] [-c CONTEXT]
 *                 [-n FRAMES] */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ETH_LEN 14
#define IP4_LEN 20
#define TCP_LEN 20
#define STT_HDR_LEN 18
#define OUTER_LEN (ETH_LEN + IP4_LEN + TCP_LEN)
#define MAX_FRAME 65535
/* An IPv4 packet carries at most 65535 bytes, headers included. */
#define MAX_FRAME_IP4 (65535 - IP4_LEN - TCP_LEN)

struct opts {
	const char *dev;
	struct in_addr src, dst;
	uint8_t dst_mac[6];
	unsigned frame_len, mss, frames;
	uint32_t ack;
	uint16_t sport, dport;
	uint64_t context;
};

static void die(const char *msg)
{
	fprintf(stderr, "gso-send: %s\n", msg);
	exit(2);
}

static void die_errno(const char *what)
{
	fprintf(stderr, "gso-send: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned long parse_num(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "gso-send: %s: bad number '%s' (max %lu)\n", opt, s, max);
		exit(2);
	}
	return v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One's-complement sum of a byte range, not folded. */
static uint32_t sum_bytes(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header sum (not complemented): what an offloading sender leaves
 * in the checksum field for the NIC or GSO to finish. */
static uint16_t pseudo_sum(const uint8_t *ip, unsigned l4_len, uint8_t proto)
{
	uint32_t sum = sum_bytes(ip + 12, 8, 0);

	sum += proto;
	sum += l4_len;
	return fold(sum);
}

/* The inner Ethernet/IPv4/TCP packet: a TSO-sized inner TCP segment with
 * its checksum left partial, as OVS would encapsulate it. */
static void build_inner(uint8_t *p, unsigned len, unsigned seqno)
{
	static const uint8_t dmac[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x02 };
	static const uint8_t smac[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 };
	uint8_t *ip = p + ETH_LEN, *tcp = ip + IP4_LEN;
	unsigned i;

	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	put16(p + 12, 0x0800);
	memset(ip, 0, IP4_LEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(len - ETH_LEN));
	put16(ip + 4, (uint16_t)(0x100 + seqno));
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, 0xc6336401); /* 198.51.100.1 */
	put32(ip + 16, 0xc6336402); /* 198.51.100.2 */
	put16(ip + 10, (uint16_t)~fold(sum_bytes(ip, IP4_LEN, 0)));
	memset(tcp, 0, TCP_LEN);
	put16(tcp, 40000);
	put16(tcp + 2, 5201);
	put32(tcp + 4, 1000 + seqno * 65536u);
	put32(tcp + 8, 1);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* ACK|PSH */
	put16(tcp + 14, 502);
	for (i = ETH_LEN + IP4_LEN + TCP_LEN; i < len; i++)
		p[i] = (uint8_t)('a' + (i - (ETH_LEN + IP4_LEN + TCP_LEN)) % 26);
	put16(tcp + 16, pseudo_sum(ip, len - ETH_LEN - IP4_LEN, 6));
}

static size_t build_packet(const struct opts *o, const uint8_t smac[6], unsigned seqno,
			   uint8_t *pkt)
{
	uint8_t *ip = pkt + ETH_LEN, *tcp = ip + IP4_LEN, *stt = tcp + TCP_LEN;
	unsigned inner_len = o->frame_len - STT_HDR_LEN;

	memcpy(pkt, o->dst_mac, 6);
	memcpy(pkt + 6, smac, 6);
	put16(pkt + 12, 0x0800);

	memset(ip, 0, IP4_LEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(IP4_LEN + TCP_LEN + o->frame_len));
	put16(ip + 4, (uint16_t)(0x1000 + seqno * 0x100));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &o->src, 4);
	memcpy(ip + 16, &o->dst, 4);
	put16(ip + 10, (uint16_t)~fold(sum_bytes(ip, IP4_LEN, 0)));

	/* STT frame header: checksum partial, inner IPv4 + TCP, L4 offset
	 * 34, MSS of the inner TCP flow, no VLAN. */
	memset(stt, 0, STT_HDR_LEN);
	stt[1] = 0x02 | 0x04 | 0x08;
	stt[2] = ETH_LEN + IP4_LEN;
	put16(stt + 4, 1448);
	put32(stt + 8, (uint32_t)(o->context >> 32));
	put32(stt + 12, (uint32_t)o->context);
	build_inner(stt + STT_HDR_LEN, inner_len, seqno);

	memset(tcp, 0, TCP_LEN);
	put16(tcp, o->sport);
	put16(tcp + 2, o->dport);
	put32(tcp + 4, (uint32_t)o->frame_len << 16);
	put32(tcp + 8, o->ack + seqno);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* ACK|PSH: GSO keeps PSH on the last segment only */
	put16(tcp + 16, pseudo_sum(ip, TCP_LEN + o->frame_len, 6));
	return OUTER_LEN + o->frame_len;
}

static void parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		die("-m: expected a MAC address like 02:00:00:00:00:0b");
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			die("-m: MAC byte out of range");
		mac[i] = (uint8_t)b[i];
	}
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;
	bool have_src = false, have_dst = false, have_mac = false;

	memset(o, 0, sizeof(*o));
	o->frame_len = 20000;
	o->mss = 1448;
	o->frames = 1;
	o->ack = 0x5a5a0001;
	o->sport = 50000;
	o->dport = 7471;
	o->context = 42;
	while ((c = getopt(argc, argv, "i:s:d:m:l:M:a:p:P:c:n:")) != -1) {
		switch (c) {
		case 'i': o->dev = optarg; break;
		case 's': have_src = inet_pton(AF_INET, optarg, &o->src) == 1; break;
		case 'd': have_dst = inet_pton(AF_INET, optarg, &o->dst) == 1; break;
		case 'm': parse_mac(optarg, o->dst_mac); have_mac = true; break;
		case 'l': o->frame_len = (unsigned)parse_num("-l", optarg, MAX_FRAME_IP4); break;
		case 'M': o->mss = (unsigned)parse_num("-M", optarg, 65535); break;
		case 'a': o->ack = (uint32_t)parse_num("-a", optarg, 0xffffffffUL); break;
		case 'p': o->sport = (uint16_t)parse_num("-p", optarg, 65535); break;
		case 'P': o->dport = (uint16_t)parse_num("-P", optarg, 65535); break;
		case 'c': o->context = strtoull(optarg, NULL, 0); break;
		case 'n': o->frames = (unsigned)parse_num("-n", optarg, 100); break;
		default: die("usage: gso-send -i DEV -s SRC -d DST -m DSTMAC [-l LEN] [-M MSS] "
			     "[-a ACK] [-p SPORT] [-P DPORT] [-c CTX] [-n FRAMES]");
		}
	}
	if (!o->dev || !have_src || !have_dst || !have_mac)
		die("-i, -s, -d (IPv4) and -m are required");
	if (o->frame_len < STT_HDR_LEN + ETH_LEN + IP4_LEN + TCP_LEN)
		die("-l: frame too short to hold the STT header and an inner TCP/IPv4 packet");
	if (o->mss < 1)
		die("-M: MSS must be at least 1");
}

int main(int argc, char **argv)
{
	static uint8_t buf[sizeof(struct virtio_net_hdr) + OUTER_LEN + MAX_FRAME];
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;
	uint8_t *pkt = buf + sizeof(*vh);
	struct sockaddr_ll sll;
	struct opts o;
	uint8_t smac[6];
	int fd, one = 1;
	unsigned i;
	FILE *f;
	char path[IF_NAMESIZE + 40];

	parse_opts(argc, argv, &o);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die_errno("socket(AF_PACKET)");
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0)
		die_errno("PACKET_VNET_HDR");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(o.dev);
	if (!sll.sll_ifindex)
		die_errno(o.dev);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die_errno("bind");

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", o.dev);
	f = fopen(path, "r");
	if (!f)
		die_errno(path);
	{
		char line[64];

		if (!fgets(line, sizeof(line), f))
			die("cannot read the device's MAC address");
		parse_mac(line, smac);
	}
	fclose(f);

	for (i = 0; i < o.frames; i++) {
		size_t n = build_packet(&o, smac, i, pkt);

		memset(vh, 0, sizeof(*vh));
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->hdr_len = OUTER_LEN;
		vh->csum_start = ETH_LEN + IP4_LEN;
		vh->csum_offset = 16;
		if (o.frame_len > o.mss) {
			vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
			vh->gso_size = (uint16_t)o.mss;
		}
		if (send(fd, buf, sizeof(*vh) + n, 0) < 0)
			die_errno("send");
	}
	close(fd);
	return 0;
}
