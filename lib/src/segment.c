/* Encapsulation: STT frame building and outer segment writing.
 *
 * Every segment of a frame shares the template's outer headers; only the
 * sequence number (frame length << 16 | offset), the IPv4 id, the last
 * segment's extra flags and the checksums change. */
#include <string.h>

#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/segment.h"

#define ETH_HDR_LEN 14
#define VLAN_TAG_LEN 4
#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define IPPROTO_TCP_NUM 6

size_t stt_frame_build(const struct stt_frame_hdr *h, const uint8_t *inner, size_t inner_len,
		       uint8_t *out, size_t cap)
{
	if (inner_len > STT_MAX_INNER_LEN || cap < STT_FRAME_HDR_LEN + inner_len)
		return 0;
	stt_frame_hdr_encode(h, out);
	if (inner_len)
		memcpy(out + STT_FRAME_HDR_LEN, inner, inner_len);
	return STT_FRAME_HDR_LEN + inner_len;
}

void stt_outer_tmpl_defaults(struct stt_outer_tmpl *t)
{
	static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memset(t, 0, sizeof(*t));
	t->with_eth = true;
	memcpy(t->eth_src, src_mac, 6);
	memcpy(t->eth_dst, dst_mac, 6);
	t->ttl = 64;
	t->dont_fragment = true;
	t->dport = STT_DEFAULT_PORT;
	t->sport = 0; /* the caller sets it, normally from stt_flow_sport() */
	t->window = 0;
	t->tcp_flags = STT_TCP_ACK;
	t->last_flags = STT_TCP_PSH;
	t->csum_mode = STT_CSUM_MODE_FULL;
}

static size_t ip_hdr_len(const struct stt_outer_tmpl *t)
{
	return t->src.family == 6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
}

size_t stt_outer_hdr_len(const struct stt_outer_tmpl *t)
{
	size_t n = ip_hdr_len(t) + STT_TCP_HDR_LEN;

	if (t->with_eth)
		n += ETH_HDR_LEN + (t->has_vlan ? VLAN_TAG_LEN : 0);
	return n;
}

size_t stt_segment_count(size_t frame_len, size_t mss)
{
	if (mss == 0)
		return 0;
	if (frame_len == 0)
		return 1;
	return (frame_len + mss - 1) / mss;
}

static uint8_t *write_eth(const struct stt_outer_tmpl *t, uint8_t *p)
{
	memcpy(p, t->eth_dst, 6);
	memcpy(p + 6, t->eth_src, 6);
	p += 12;
	if (t->has_vlan) {
		stt_put_be16(p, ETHERTYPE_VLAN);
		stt_put_be16(p + 2, t->vlan_tci);
		p += VLAN_TAG_LEN;
	}
	stt_put_be16(p, t->src.family == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	return p + 2;
}

/* The IPv4 total length field is 16 bits. A packet longer than that (a
 * super-packet for TSO carrying a frame close to 64 KB) gets 0 there, as
 * Linux GSO packets show in captures; stt_outer_parse() reads 0 as "use the
 * captured length". */
static void write_ipv4(const struct stt_outer_tmpl *t, uint16_t id, size_t l4_len, uint8_t *p)
{
	size_t total = IPV4_HDR_LEN + l4_len;

	p[0] = 0x45;
	p[1] = t->tos;
	stt_put_be16(p + 2, total > 0xffff ? 0 : (uint16_t)total);
	stt_put_be16(p + 4, id);
	stt_put_be16(p + 6, t->dont_fragment ? 0x4000 : 0);
	p[8] = t->ttl ? t->ttl : 64;
	p[9] = IPPROTO_TCP_NUM;
	stt_put_be16(p + 10, 0);
	memcpy(p + 12, t->src.a, 4);
	memcpy(p + 16, t->dst.a, 4);
	stt_put_be16(p + 10, stt_csum_ipv4_hdr(p, IPV4_HDR_LEN));
}

/* IPv6 payload length likewise becomes 0 beyond 65535 (no jumbogram
 * option is written: the packet is meant for a local offload engine). */
static void write_ipv6(const struct stt_outer_tmpl *t, size_t l4_len, uint8_t *p)
{
	uint32_t w = (6u << 28) | ((uint32_t)t->tos << 20) | (t->flowlabel & 0xfffff);

	stt_put_be32(p, w);
	stt_put_be16(p + 4, l4_len > 0xffff ? 0 : (uint16_t)l4_len);
	p[6] = IPPROTO_TCP_NUM;
	p[7] = t->ttl ? t->ttl : 64;
	memcpy(p + 8, t->src.a, 16);
	memcpy(p + 24, t->dst.a, 16);
}

size_t stt_segment_write(const struct stt_outer_tmpl *t, uint16_t frame_len_field, uint16_t off,
			 const uint8_t *payload, size_t len, bool is_last, unsigned index,
			 uint8_t *out, size_t cap)
{
	size_t hdr = stt_outer_hdr_len(t);
	size_t l4_len = STT_TCP_HDR_LEN + len;
	struct stt_tcp_hdr th;
	uint8_t *ip, *tcp;

	if ((t->src.family != 4 && t->src.family != 6) || t->dst.family != t->src.family)
		return 0;
	/* Enough for a frame of 64 KB and its TCP header, never more: the
	 * IPv6 jumbogram route is not taken. */
	if (len > STT_MAX_FRAME_LEN || cap < hdr || cap - hdr < len)
		return 0;

	ip = t->with_eth ? write_eth(t, out) : out;
	tcp = ip + ip_hdr_len(t);
	if (t->src.family == 4)
		write_ipv4(t, (uint16_t)(t->ip_id + index), l4_len, ip);
	else
		write_ipv6(t, l4_len, ip);

	th.sport = t->sport;
	th.dport = t->dport;
	th.seq = stt_seq_make(frame_len_field, off);
	th.ack = t->ack;
	th.doff = STT_TCP_HDR_LEN / 4;
	th.rsvd = 0;
	th.flags = (uint8_t)(t->tcp_flags | (is_last ? t->last_flags : 0));
	th.window = t->window;
	th.csum = 0;
	th.urg = t->urg;
	stt_tcp_hdr_encode(&th, tcp);
	if (len)
		memcpy(tcp + STT_TCP_HDR_LEN, payload, len);

	switch (t->csum_mode) {
	case STT_CSUM_MODE_FULL:
		th.csum = stt_csum_l4(&t->src, &t->dst, IPPROTO_TCP_NUM, tcp, l4_len);
		break;
	case STT_CSUM_MODE_PSEUDO:
		th.csum = stt_csum_pseudo_only(&t->src, &t->dst, IPPROTO_TCP_NUM, (uint32_t)l4_len);
		break;
	case STT_CSUM_MODE_ZERO:
	default:
		th.csum = 0;
		break;
	}
	stt_put_be16(tcp + 16, th.csum);
	return hdr + len;
}

size_t stt_segment_build(const struct stt_outer_tmpl *t, const uint8_t *frame, size_t frame_len,
			 size_t mss, size_t i, uint8_t *out, size_t cap)
{
	size_t n = stt_segment_count(frame_len, mss);
	size_t off, len;

	if (frame_len > STT_MAX_FRAME_LEN || n == 0 || i >= n)
		return 0;
	off = i * mss;
	len = frame_len - off < mss ? frame_len - off : mss;
	return stt_segment_write(t, (uint16_t)frame_len, (uint16_t)off, frame + off, len, i == n - 1,
				 (unsigned)i, out, cap);
}

size_t stt_superpacket_build(const struct stt_outer_tmpl *t, const uint8_t *frame,
			     size_t frame_len, uint8_t *out, size_t cap)
{
	if (frame_len > STT_MAX_FRAME_LEN)
		return 0;
	/* One segment holding everything: it is the last, so it carries PSH;
	 * GSO/TSO copies the flags to every segment and clears PSH on all
	 * but the final one. */
	return stt_segment_write(t, (uint16_t)frame_len, 0, frame, frame_len, true, 0, out, cap);
}
