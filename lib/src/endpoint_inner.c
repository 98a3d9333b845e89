/* The endpoint's view of inner frames: where the IP and L4 headers are,
 * the TOS to map, the rewrite of that TOS at decapsulation, and the split
 * of TCP super-frames too long for one STT frame. */
#include <string.h>

#include "endpoint_internal.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/wire.h"

#define ETH_HDR_LEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define PROTO_TCP 6

static bool ipv6_ext_header(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60; /* hop-by-hop, routing, destination */
}

void stt_ep_inner_parse(const uint8_t *f, size_t len, struct stt_ep_inner *in)
{
	struct stt_cur c = stt_cur_make(f, len);
	uint16_t et;
	unsigned tags = 0;

	memset(in, 0, sizeof(*in));
	stt_cur_skip(&c, 12);
	et = stt_get_be16(&c);
	while ((et == ETHERTYPE_VLAN || et == ETHERTYPE_QINQ) && tags++ < 2) {
		stt_cur_skip(&c, 2);
		et = stt_get_be16(&c);
	}
	if (c.err)
		return;
	size_t l3 = c.off;

	if (et == ETHERTYPE_IPV4) {
		uint8_t vihl = stt_get_u8(&c);
		uint8_t tos = stt_get_u8(&c);
		stt_cur_skip(&c, 4);
		uint16_t frag = stt_get_be16(&c);
		stt_cur_skip(&c, 1);
		uint8_t proto = stt_get_u8(&c);
		size_t ihl = (size_t)(vihl & 0x0f) * 4;
		if (c.err || (vihl >> 4) != 4 || ihl < 20 || l3 + ihl > len)
			return;
		in->is_ipv4 = true;
		in->l3_off = l3;
		in->tos = tos;
		if (frag & 0x1fff)
			return; /* a later fragment has no L4 header */
		in->l4_proto = proto;
		in->l4_off = l3 + ihl;
	} else if (et == ETHERTYPE_IPV6) {
		uint32_t w = stt_get_be32(&c);
		stt_cur_skip(&c, 2);
		uint8_t nh = stt_get_u8(&c);
		stt_cur_skip(&c, 33);
		if (c.err || (w >> 28) != 6)
			return;
		in->is_ipv6 = true;
		in->l3_off = l3;
		in->tos = (uint8_t)(w >> 20);
		for (unsigned i = 0; i < 4 && ipv6_ext_header(nh); i++) {
			uint8_t next = stt_get_u8(&c);
			uint8_t hlen = stt_get_u8(&c);
			if (c.err || !stt_cur_skip(&c, (size_t)hlen * 8 + 6))
				return;
			nh = next;
		}
		if (nh == 44 || ipv6_ext_header(nh))
			return; /* fragment header or too many extensions */
		in->l4_proto = nh;
		in->l4_off = c.off;
	} else {
		return;
	}
	if (in->l4_proto == PROTO_TCP) {
		struct stt_cur t = stt_cur_make(f, len);
		stt_cur_skip(&t, in->l4_off + 12);
		size_t doff = (size_t)(stt_get_u8(&t) >> 4) * 4;
		if (!t.err && doff >= 20 && in->l4_off + doff <= len)
			in->tcp_hdr_len = doff;
	}
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), on 16-bit words. */
static uint16_t csum_replace16(uint16_t hc, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~hc;
	s += (uint16_t)~old;
	s += new_;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void stt_ep_inner_set_tos(uint8_t *f, size_t len, const struct stt_ep_inner *in, uint8_t tos)
{
	uint8_t *ip = f + in->l3_off;

	if (in->is_ipv4 && in->l3_off + 20 <= len) {
		uint16_t old = (uint16_t)(ip[0] << 8 | ip[1]);
		uint16_t new_ = (uint16_t)(ip[0] << 8 | tos);
		uint16_t hc = (uint16_t)(ip[10] << 8 | ip[11]);
		ip[1] = tos;
		stt_put_be16(ip + 10, csum_replace16(hc, old, new_));
	} else if (in->is_ipv6 && in->l3_off + 40 <= len) {
		ip[0] = (uint8_t)(0x60 | (tos >> 4));
		ip[1] = (uint8_t)((tos << 4) | (ip[1] & 0x0f));
	}
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int stt_ep_split_tso(const uint8_t *f, size_t len, const struct stt_offload *off, size_t max_len,
		     uint8_t *scratch, size_t scratch_cap, stt_ep_piece_fn emit, void *ctx)
{
	struct stt_ep_inner in;
	uint8_t gso = off->gso_type & (uint8_t)~STT_OFF_GSO_ECN;
	size_t hdr, mss = off->gso_size, chunk, pos;
	int pieces = 0;

	stt_ep_inner_parse(f, len, &in);
	if (!(off->flags & STT_OFF_F_NEEDS_CSUM) || mss == 0 || in.l4_proto != PROTO_TCP ||
	    !in.tcp_hdr_len || in.l4_off != off->csum_start ||
	    (gso == STT_OFF_GSO_TCPV4 && !in.is_ipv4) || (gso == STT_OFF_GSO_TCPV6 && !in.is_ipv6) ||
	    (gso != STT_OFF_GSO_TCPV4 && gso != STT_OFF_GSO_TCPV6))
		return -1;
	hdr = in.l4_off + in.tcp_hdr_len;
	if (hdr + mss > max_len || max_len > scratch_cap || len <= hdr)
		return -1;
	chunk = (max_len - hdr) / mss * mss;

	struct stt_addr src = { 0 }, dst = { 0 };
	const uint8_t *ip = f + in.l3_off;
	if (in.is_ipv4) {
		src.family = dst.family = 4;
		memcpy(src.a, ip + 12, 4);
		memcpy(dst.a, ip + 16, 4);
	} else {
		src.family = dst.family = 6;
		memcpy(src.a, ip + 8, 16);
		memcpy(dst.a, ip + 24, 16);
	}
	uint32_t seq0 = be32_at(f + in.l4_off + 4);
	uint16_t id0 = (uint16_t)(ip[4] << 8 | ip[5]);
	uint8_t flags0 = f[in.l4_off + 13];

	for (pos = hdr; pos < len; pos += chunk) {
		size_t n = len - pos < chunk ? len - pos : chunk;
		bool first = pos == hdr, last = pos + n >= len;
		uint8_t *p = scratch, *pip = p + in.l3_off, *tcp = p + in.l4_off;
		size_t l4_len = in.tcp_hdr_len + n;
		struct stt_offload po = *off;

		memcpy(p, f, hdr);
		memcpy(p + hdr, f + pos, n);
		if (in.is_ipv4) {
			size_t ihl = in.l4_off - in.l3_off;
			stt_put_be16(pip + 2, (uint16_t)(ihl + l4_len));
			stt_put_be16(pip + 4, (uint16_t)(id0 + (pos - hdr) / mss));
			stt_put_be16(pip + 10, 0);
			stt_put_be16(pip + 10, stt_csum_ipv4_hdr(pip, ihl));
		} else {
			stt_put_be16(pip + 4, (uint16_t)(in.l4_off - in.l3_off - 40 + l4_len));
		}
		stt_put_be32(tcp + 4, seq0 + (uint32_t)(pos - hdr));
		uint8_t fl = flags0;
		if (!last)
			fl &= (uint8_t)~(STT_TCP_FIN | STT_TCP_PSH);
		if (!first)
			fl &= (uint8_t)~STT_TCP_CWR;
		tcp[13] = fl;
		stt_put_be16(tcp + 16, stt_csum_pseudo_only(&src, &dst, PROTO_TCP, (uint32_t)l4_len));
		po.hdr_len = (uint16_t)hdr;
		if (!first)
			po.gso_type &= (uint8_t)~STT_OFF_GSO_ECN;
		if (emit(ctx, p, hdr + n, &po) < 0)
			return -1;
		pieces++;
	}
	return pieces;
}
