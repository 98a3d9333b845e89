/* Inner Ethernet frames for stt-send: generated (ICMP echo, UDP, TCP SYN,
 * ARP request; IPv4 or IPv6) or read from a pcap file. Payload bytes come
 * from a seeded stream so that the same options give the same frames. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stt/capture.h"
#include "stt/inner_build.h"
#include "send.h"

/* Header builders are libstt's (stt/inner_build.h), shared with the other
 * tools; what is here is stt-send's choice of field values and the order
 * in which it draws from its seeded stream (which the golden pcaps fix). */
#define ETH_HDR_LEN STT_ETH_HDR_LEN

struct inner_src {
	const struct send_opts *o;
	uint64_t produced;
	uint64_t rng;
	struct stt_cap *cap;
	int linktype;
};

struct inner_src *inner_src_open(const struct send_opts *o)
{
	struct inner_src *s = calloc(1, sizeof(*s));
	if (!s)
		stt_cli_die("out of memory");
	s->o = o;
	s->rng = o->seed ^ 0x696e6e6572ull; /* "inner": its own stream */
	if (o->inner_pcap) {
		char err[STT_CAP_ERRLEN];
		struct stt_cap_opts copts = { 0 };
		s->cap = stt_cap_open_file(o->inner_pcap, &copts, err);
		if (!s->cap)
			stt_cli_die("%s", err);
		s->linktype = stt_cap_linktype(s->cap);
		if (s->linktype != STT_LINK_ETHERNET && s->linktype != STT_LINK_RAW &&
		    s->linktype != STT_LINK_RAW_DLT && s->linktype != STT_LINK_IPV4 &&
		    s->linktype != STT_LINK_IPV6)
			stt_cli_die("%s: link type %d (%s) is not supported for inner frames "
				    "(Ethernet or raw IP only)",
				    o->inner_pcap, s->linktype, stt_cap_link_name(s->linktype));
	}
	return s;
}

void inner_src_close(struct inner_src *s)
{
	if (!s)
		return;
	if (s->cap)
		stt_cap_close(s->cap);
	free(s);
}

static void fill_payload(struct inner_src *s, uint8_t *p, size_t n)
{
	while (n) {
		uint64_t r = send_rng_next(&s->rng);
		size_t k = n < 8 ? n : 8;
		memcpy(p, &r, k);
		p += k;
		n -= k;
	}
}

/* L4 header length for the generator, and protocol numbers. */
static size_t l4_hdr_len(enum send_gen g)
{
	switch (g) {
	case GEN_PING:
		return 8;
	case GEN_UDP:
		return 8;
	case GEN_TCP_SYN:
		return 20;
	default:
		return 0;
	}
}

static uint8_t l4_proto(enum send_gen g, bool v6)
{
	switch (g) {
	case GEN_PING:
		return v6 ? STT_IPPROTO_ICMPV6 : STT_IPPROTO_ICMP;
	case GEN_UDP:
		return STT_IPPROTO_UDP;
	default:
		return STT_IPPROTO_TCP;
	}
}

size_t inner_min_ip_size(const struct send_opts *o)
{
	return (o->inner_ipv6 ? 40 : 20) + l4_hdr_len(o->gen);
}

static size_t gen_arp(struct inner_src *s, uint8_t *buf, size_t cap)
{
	const struct send_opts *o = s->o;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	if (!stt_build_eth(buf, cap, bcast, o->inner_src_mac, STT_ETHERTYPE_ARP) ||
	    !stt_build_arp(buf + ETH_HDR_LEN, cap - ETH_HDR_LEN, STT_ARP_REQUEST, o->inner_src_mac,
			   o->inner_src.a, NULL, o->inner_dst.a))
		stt_cli_die("an ARP request does not fit in %zu bytes", cap);
	return ETH_HDR_LEN + STT_ARP_LEN;
}

/* The caller has checked that ETH_HDR_LEN + o->size fits in cap, and
 * option parsing that o->size holds the IP and L4 headers. */
static size_t gen_ip(struct inner_src *s, uint8_t *buf, size_t cap)
{
	const struct send_opts *o = s->o;
	bool v6 = o->inner_ipv6;
	size_t ip_hlen = v6 ? STT_IPV6_HDR_LEN : STT_IPV4_HDR_LEN;
	size_t ip_len = o->size;
	size_t l4_len = ip_len - ip_hlen;
	uint16_t seq = (uint16_t)(s->produced + 1);
	struct stt_ip_fields ipf = {
		.src = o->inner_src,
		.dst = o->inner_dst,
		.proto = l4_proto(o->gen, v6),
		.tos = o->inner_tos,
		.ttl = 64,
		.id = seq,
		.frag = 0x4000, /* DF */
	};

	uint8_t *ip = buf + ETH_HDR_LEN;
	uint8_t *l4 = ip + ip_hlen;
	size_t l4_cap = cap - ETH_HDR_LEN - ip_hlen;
	if (!stt_build_eth(buf, cap, o->inner_dst_mac, o->inner_src_mac,
			   v6 ? STT_ETHERTYPE_IPV6 : STT_ETHERTYPE_IPV4) ||
	    !stt_build_ip(ip, cap - ETH_HDR_LEN, &ipf, l4_len))
		stt_cli_die("--size %zu does not fit in an STT frame", o->size);

	/* Payload first: a TCP SYN's sequence number is the draw after it. */
	size_t hl = l4_hdr_len(o->gen);
	fill_payload(s, l4 + hl, l4_len - hl);
	switch (o->gen) {
	case GEN_PING:
		stt_build_icmp_echo(l4, l4_cap, v6, false, 0x5354 /* "ST" */, seq);
		break;
	case GEN_UDP:
		stt_build_udp(l4, l4_cap, o->inner_sport, o->inner_dport, l4_len);
		break;
	default: /* GEN_TCP_SYN */
		stt_build_tcp(l4, l4_cap, o->inner_sport, o->inner_dport,
			      (uint32_t)send_rng_next(&s->rng), 0, STT_TCP_SYN, 64240);
		break;
	}
	stt_l4_csum_set(l4, l4_len, &ipf);
	return ETH_HDR_LEN + ip_len;
}

static size_t next_from_pcap(struct inner_src *s, uint8_t *buf, size_t cap)
{
	struct stt_cap_pkt pkt;
	enum stt_cap_result rc = stt_cap_next(s->cap, &pkt);
	if (rc == STT_CAP_EOF)
		return 0;
	if (rc != STT_CAP_PACKET)
		stt_cli_die("%s", stt_cap_error(s->cap));
	const char *file = s->o->inner_pcap;
	unsigned long long no = (unsigned long long)pkt.number;
	if (pkt.caplen < pkt.wirelen)
		stt_cli_die("%s: packet %llu: truncated by the capture (%zu of %zu bytes); "
			    "an inner frame must be whole",
			    file, no, pkt.caplen, pkt.wirelen);
	size_t n = pkt.caplen;
	if (s->linktype == STT_LINK_ETHERNET) {
		if (n < ETH_HDR_LEN)
			stt_cli_die("%s: packet %llu: %zu bytes is shorter than an Ethernet header",
				    file, no, n);
		if (n > cap)
			goto too_long;
		memcpy(buf, pkt.data, n);
		return n;
	}
	/* raw IP: give it an Ethernet header with the inner MACs */
	if (n < 1)
		stt_cli_die("%s: packet %llu: empty", file, no);
	if (n + ETH_HDR_LEN > cap)
		goto too_long;
	uint16_t type = (pkt.data[0] >> 4) == 6 ? STT_ETHERTYPE_IPV6 : STT_ETHERTYPE_IPV4;
	stt_build_eth(buf, cap, s->o->inner_dst_mac, s->o->inner_src_mac, type);
	memcpy(buf + ETH_HDR_LEN, pkt.data, n);
	return n + ETH_HDR_LEN;
too_long:
	stt_cli_die("%s: packet %llu: %zu bytes is longer than an STT frame can carry (%d)", file,
		    no, n, STT_MAX_INNER_LEN);
}

size_t inner_src_next(struct inner_src *s, uint8_t *buf, size_t cap)
{
	const struct send_opts *o = s->o;
	if (o->count && s->produced >= o->count)
		return 0;
	size_t n;
	if (s->cap) {
		n = next_from_pcap(s, buf, cap);
	} else if (o->gen == GEN_ARP) {
		n = gen_arp(s, buf, cap);
	} else {
		if (ETH_HDR_LEN + o->size > cap)
			stt_cli_die("--size %zu does not fit in an STT frame", o->size);
		n = gen_ip(s, buf, cap);
	}
	if (n)
		s->produced++;
	return n;
}
