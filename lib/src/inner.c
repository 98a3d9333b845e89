/* Inner Ethernet frame decoder: Ethernet (up to two VLAN tags), ARP, IPv4
 * (with options), IPv6 (extension headers skipped), TCP, UDP, ICMP and
 * ICMPv6. Every read goes through stt/cursor.h; whatever is cut short is
 * flagged (l3_truncated / l4_truncated) and decoding stops there. */
#include <string.h>

#include "stt/cursor.h"
#include "stt/inner.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

/* Limit on IPv6 extension headers walked, so a crafted chain cannot make
 * us loop for long (the cursor bounds it anyway). */
#define MAX_IPV6_EXT 8

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200;
}

static void decode_arp(struct stt_cur *c, struct stt_inner *in)
{
	uint16_t htype = stt_get_be16(c);
	uint16_t ptype = stt_get_be16(c);
	uint8_t hlen = stt_get_u8(c);
	uint8_t plen = stt_get_u8(c);

	in->is_arp = true;
	in->arp_op = stt_get_be16(c);
	if (c->err) {
		in->l3_truncated = true;
		return;
	}
	/* Only Ethernet/IPv4 ARP has addresses we keep. */
	if (htype != 1 || ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
		return;
	const uint8_t *sha = stt_cur_take(c, 6);
	const uint8_t *spa = stt_cur_take(c, 4);
	stt_cur_skip(c, 6); /* target hardware address */
	const uint8_t *tpa = stt_cur_take(c, 4);
	if (c->err) {
		in->l3_truncated = true;
		return;
	}
	memcpy(in->arp_sha, sha, 6);
	in->arp_spa.family = 4;
	memcpy(in->arp_spa.a, spa, 4);
	in->arp_tpa.family = 4;
	memcpy(in->arp_tpa.a, tpa, 4);
}

static bool is_echo(uint8_t proto, uint8_t type)
{
	if (proto == PROTO_ICMP)
		return type == 0 || type == 8;
	return type == 128 || type == 129;
}

/* L4 header at c->off; ip_plen = bytes of IP payload from here on, by the
 * IP header's lengths. */
static void decode_l4(struct stt_cur *c, struct stt_inner *in, size_t ip_plen)
{
	in->l4_off = c->off;
	switch (in->l4_proto) {
	case PROTO_TCP: {
		in->sport = stt_get_be16(c);
		in->dport = stt_get_be16(c);
		in->tcp_seq = stt_get_be32(c);
		in->tcp_ack = stt_get_be32(c);
		uint8_t doff = stt_get_u8(c) >> 4;
		in->tcp_flags = stt_get_u8(c);
		in->tcp_win = stt_get_be16(c);
		stt_cur_skip(c, 4); /* checksum, urgent pointer */
		if (c->err) {
			in->l4_truncated = true;
			return;
		}
		size_t hl = (size_t)doff * 4;
		in->l4_payload_len = ip_plen > hl ? ip_plen - hl : 0;
		break;
	}
	case PROTO_UDP: {
		in->sport = stt_get_be16(c);
		in->dport = stt_get_be16(c);
		stt_cur_skip(c, 4); /* length, checksum */
		if (c->err) {
			in->l4_truncated = true;
			return;
		}
		in->l4_payload_len = ip_plen > 8 ? ip_plen - 8 : 0;
		break;
	}
	case PROTO_ICMP:
	case PROTO_ICMPV6: {
		in->icmp_type = stt_get_u8(c);
		in->icmp_code = stt_get_u8(c);
		stt_cur_skip(c, 2); /* checksum */
		if (c->err) {
			in->l4_truncated = true;
			return;
		}
		/* id/seq only mean something for echo, which needs them */
		if (stt_cur_has(c, 4)) {
			in->icmp_id = stt_get_be16(c);
			in->icmp_seq = stt_get_be16(c);
		} else if (is_echo(in->l4_proto, in->icmp_type)) {
			in->l4_truncated = true;
			return;
		}
		in->l4_payload_len = ip_plen; /* the whole ICMP message, as tcpdump counts */
		break;
	}
	default:
		in->l4_payload_len = ip_plen;
		break;
	}
}

static void decode_ipv4(struct stt_cur *c, struct stt_inner *in)
{
	uint8_t vihl = stt_get_u8(c);
	in->tos = stt_get_u8(c);
	in->ip_total_len = stt_get_be16(c);
	stt_cur_skip(c, 2); /* identification */
	uint16_t frag = stt_get_be16(c);
	in->ttl = stt_get_u8(c);
	in->l4_proto = stt_get_u8(c);
	stt_cur_skip(c, 2); /* header checksum */
	const uint8_t *src = stt_cur_take(c, 4);
	const uint8_t *dst = stt_cur_take(c, 4);

	in->is_ipv4 = true;
	if (c->err) {
		in->l3_truncated = true;
		return;
	}
	in->ip_src.family = in->ip_dst.family = 4;
	memcpy(in->ip_src.a, src, 4);
	memcpy(in->ip_dst.a, dst, 4);

	size_t hl = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || hl < 20 || in->ip_total_len < hl) {
		/* bad version, header length or total length: nothing below is
		 * trustworthy (the summary says which) */
		in->l3_truncated = true;
		return;
	}
	if (!stt_cur_skip(c, hl - 20)) {
		in->l3_truncated = true;
		return;
	}
	in->ip_fragment = (frag & 0x1fff) != 0;
	if (in->ip_fragment)
		return;
	decode_l4(c, in, in->ip_total_len - hl);
}

static bool ipv6_ext_header(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60 || nh == 135;
}

static void decode_ipv6(struct stt_cur *c, struct stt_inner *in)
{
	uint32_t vtcfl = stt_get_be32(c);
	uint16_t plen = stt_get_be16(c);
	uint8_t nh = stt_get_u8(c);
	in->ttl = stt_get_u8(c);
	const uint8_t *src = stt_cur_take(c, 16);
	const uint8_t *dst = stt_cur_take(c, 16);

	in->is_ipv6 = true;
	if (c->err) {
		in->l3_truncated = true;
		return;
	}
	in->tos = (uint8_t)(vtcfl >> 20);
	in->ip_total_len = (uint16_t)(plen + 40 > 0xffff ? 0xffff : plen + 40);
	in->ip_src.family = in->ip_dst.family = 6;
	memcpy(in->ip_src.a, src, 16);
	memcpy(in->ip_dst.a, dst, 16);
	if ((vtcfl >> 28) != 6) {
		in->l3_truncated = true;
		return;
	}

	size_t left = plen; /* IP payload bytes after the headers walked so far */
	for (unsigned i = 0; ipv6_ext_header(nh); i++) {
		if (i == MAX_IPV6_EXT) {
			in->l3_truncated = true;
			return;
		}
		uint8_t next = stt_get_u8(c);
		uint8_t hlen = stt_get_u8(c);
		size_t ext_len;
		if (nh == 44) { /* fragment header: fixed 8 bytes */
			uint16_t off = stt_get_be16(c);
			if ((off & 0xfff8) != 0)
				in->ip_fragment = true;
			ext_len = 8;
			stt_cur_skip(c, 4);
		} else {
			ext_len = nh == 51 ? ((size_t)hlen + 2) * 4 : ((size_t)hlen + 1) * 8;
			stt_cur_skip(c, ext_len - 2);
		}
		if (c->err) {
			in->l3_truncated = true;
			return;
		}
		left = left > ext_len ? left - ext_len : 0;
		nh = next;
	}
	in->l4_proto = nh;
	if (in->ip_fragment)
		return;
	decode_l4(c, in, left);
}

void stt_inner_decode(const uint8_t *frame, size_t len, struct stt_inner *in)
{
	struct stt_cur c = stt_cur_make(frame, len);

	memset(in, 0, sizeof(*in));
	const uint8_t *dst = stt_cur_take(&c, 6);
	const uint8_t *src = stt_cur_take(&c, 6);
	uint16_t type = stt_get_be16(&c);
	if (c.err)
		return;
	in->eth_ok = true;
	memcpy(in->dst, dst, 6);
	memcpy(in->src, src, 6);

	while (is_vlan_tpid(type) && in->n_vlans < STT_INNER_MAX_VLANS) {
		uint16_t tci = stt_get_be16(&c);
		uint16_t next = stt_get_be16(&c);
		if (c.err) {
			/* the tag is cut: report the TPID as the ethertype */
			in->ethertype = type;
			in->l3_off = len;
			in->l3_truncated = true;
			return;
		}
		in->vlan_tpid[in->n_vlans] = type;
		in->vlan_tci[in->n_vlans] = tci;
		in->n_vlans++;
		type = next;
	}
	in->ethertype = type;
	in->l3_off = c.off;

	switch (type) {
	case ETHERTYPE_ARP:
		decode_arp(&c, in);
		break;
	case ETHERTYPE_IPV4:
		decode_ipv4(&c, in);
		break;
	case ETHERTYPE_IPV6:
		decode_ipv6(&c, in);
		break;
	default:
		break;
	}
}
