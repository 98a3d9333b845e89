/* Inner Ethernet frames for stt-send: generated (ICMP echo, UDP, TCP SYN,
 * ARP request; IPv4 or IPv6) or read from a pcap file. Payload bytes come
 * from a seeded stream so that the same options give the same frames. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stt/capture.h"
#include "send.h"

#define ETH_HDR_LEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806

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

static void put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	stt_put_be16(p + 12, type);
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
		return v6 ? 58 : 1;
	case GEN_UDP:
		return 17;
	default:
		return 6;
	}
}

size_t inner_min_ip_size(const struct send_opts *o)
{
	return (o->inner_ipv6 ? 40 : 20) + l4_hdr_len(o->gen);
}

static size_t gen_arp(struct inner_src *s, uint8_t *buf)
{
	const struct send_opts *o = s->o;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	put_eth(buf, bcast, o->inner_src_mac, ETHERTYPE_ARP);
	uint8_t *a = buf + ETH_HDR_LEN;
	stt_put_be16(a, 1);	  /* Ethernet */
	stt_put_be16(a + 2, ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	stt_put_be16(a + 6, 1);	  /* request */
	memcpy(a + 8, o->inner_src_mac, 6);
	memcpy(a + 14, o->inner_src.a, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, o->inner_dst.a, 4);
	return ETH_HDR_LEN + 28;
}

static size_t gen_ip(struct inner_src *s, uint8_t *buf)
{
	const struct send_opts *o = s->o;
	bool v6 = o->inner_ipv6;
	size_t ip_hlen = v6 ? 40 : 20;
	size_t ip_len = o->size;
	size_t l4_len = ip_len - ip_hlen;
	uint8_t proto = l4_proto(o->gen, v6);
	uint16_t seq = (uint16_t)(s->produced + 1);

	put_eth(buf, o->inner_dst_mac, o->inner_src_mac, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	uint8_t *ip = buf + ETH_HDR_LEN;
	uint8_t *l4 = ip + ip_hlen;
	memset(ip, 0, ip_hlen);
	if (v6) {
		stt_put_be32(ip, (6u << 28) | ((uint32_t)o->inner_tos << 20));
		stt_put_be16(ip + 4, (uint16_t)l4_len);
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, o->inner_src.a, 16);
		memcpy(ip + 24, o->inner_dst.a, 16);
	} else {
		ip[0] = 0x45;
		ip[1] = o->inner_tos;
		stt_put_be16(ip + 2, (uint16_t)ip_len);
		stt_put_be16(ip + 4, seq);
		stt_put_be16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, o->inner_src.a, 4);
		memcpy(ip + 16, o->inner_dst.a, 4);
		stt_put_be16(ip + 10, stt_csum_ipv4_hdr(ip, 20));
	}

	size_t hl = l4_hdr_len(o->gen);
	memset(l4, 0, hl);
	fill_payload(s, l4 + hl, l4_len - hl);
	size_t csum_at;
	switch (o->gen) {
	case GEN_PING:
		l4[0] = v6 ? 128 : 8; /* echo request */
		stt_put_be16(l4 + 4, 0x5354); /* id "ST" */
		stt_put_be16(l4 + 6, seq);
		csum_at = 2;
		break;
	case GEN_UDP:
		stt_put_be16(l4, o->inner_sport);
		stt_put_be16(l4 + 2, o->inner_dport);
		stt_put_be16(l4 + 4, (uint16_t)l4_len);
		csum_at = 6;
		break;
	default: /* GEN_TCP_SYN */
		stt_put_be16(l4, o->inner_sport);
		stt_put_be16(l4 + 2, o->inner_dport);
		stt_put_be32(l4 + 4, (uint32_t)send_rng_next(&s->rng));
		l4[12] = 5 << 4;
		l4[13] = STT_TCP_SYN;
		stt_put_be16(l4 + 14, 64240);
		csum_at = 16;
		break;
	}
	uint16_t c;
	if (o->gen == GEN_PING && !v6) {
		c = stt_csum_fold(stt_csum_add(0, l4, l4_len)); /* ICMPv4: no pseudo-header */
	} else {
		c = stt_csum_l4(&o->inner_src, &o->inner_dst, proto, l4, l4_len);
		if (c == 0 && o->gen == GEN_UDP)
			c = 0xffff; /* UDP: 0 means "no checksum" */
	}
	stt_put_be16(l4 + csum_at, c);
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
	uint16_t type = (pkt.data[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
	put_eth(buf, s->o->inner_dst_mac, s->o->inner_src_mac, type);
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
		n = gen_arp(s, buf);
	} else {
		if (ETH_HDR_LEN + o->size > cap)
			stt_cli_die("--size %zu does not fit in an STT frame", o->size);
		n = gen_ip(s, buf);
	}
	if (n)
		s->produced++;
	return n;
}
