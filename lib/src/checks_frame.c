/* Checks on a reassembled STT frame: the 18-byte STT frame header (draft
 * 3.1, 3.1.1) judged against the inner frame it describes, and the
 * per-frame facts the reassembler recorded (source port constancy, 3.2). */
#include <string.h>

#include "checks_internal.h"

/* Inner packets longer than this cannot have left a standard-MTU Ethernet
 * link unsegmented: a TCP packet this large without checksum-partial was
 * built for TSO without saying so (docs/requirements.md). */
#define STD_MTU 1500

/* Cookie of the segment that carried the STT header (offset 0). */
static uint32_t header_cookie(const struct stt_reasm_frame *f)
{
	for (unsigned i = 0; f && f->segs && i < f->nsegs; i++)
		if (f->segs[i].offset == 0)
			return f->segs[i].cookie;
	return 0;
}

static void check_header(const struct stt_frame_hdr *h, uint32_t ck, stt_finding_fn fn, void *ctx)
{
	if (h->version != 0)
		stt_finding_emit(fn, ctx, STT_CHK_VERSION_NONZERO, ck, "version: expected 0, got %u",
				 h->version);
	if (h->flags & STT_F_RSVD_MASK)
		stt_finding_emit(fn, ctx, STT_CHK_FLAGS_RESERVED, ck,
				 "flags: expected reserved bits 0xf0 clear, got 0x%02x", h->flags);
	if (h->reserved != 0)
		stt_finding_emit(fn, ctx, STT_CHK_RESERVED_NONZERO, ck,
				 "reserved: expected 0, got 0x%02x", h->reserved);
	if (h->padding != 0)
		stt_finding_emit(fn, ctx, STT_CHK_PADDING_NONZERO, ck,
				 "padding: expected 0, got 0x%04x", h->padding);
	if (!stt_vlan_valid(h->vlan_tci) && (h->vlan_tci & ~STT_VLAN_V) != 0)
		stt_finding_emit(fn, ctx, STT_CHK_VLAN_ID_WITHOUT_V, ck,
				 "vlan: expected PCP 0 and VLAN ID 0 with V clear, got PCP %u, VLAN ID %u",
				 stt_vlan_pcp(h->vlan_tci), stt_vlan_id(h->vlan_tci));
	bool partial = h->flags & STT_F_CSUM_PARTIAL;
	if (partial && (h->flags & STT_F_CSUM_VERIFIED))
		stt_finding_emit(fn, ctx, STT_CHK_CSUM_FLAGS_BOTH, ck,
				 "flags: expected at most one of csum-verified (0x01) and csum-partial (0x02), got 0x%02x",
				 h->flags);
	if (partial && h->l4_offset == 0)
		stt_finding_emit(fn, ctx, STT_CHK_L4OFF_PARTIAL_ZERO, ck,
				 "l4 offset: expected non-zero with csum-partial, got 0");
	if (!partial && h->l4_offset != 0)
		stt_finding_emit(fn, ctx, STT_CHK_L4OFF_WITHOUT_PARTIAL, ck,
				 "l4 offset: expected 0 without csum-partial, got %u", h->l4_offset);
	if (!partial && h->mss != 0)
		stt_finding_emit(fn, ctx, STT_CHK_MSS_WITHOUT_PARTIAL, ck,
				 "mss: expected 0 without csum-partial, got %u", h->mss);
}

static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case 6: return "TCP";
	case 17: return "UDP";
	case 1: return "ICMP";
	case 58: return "ICMPv6";
	default: return "other";
	}
}

/* The header's claims about the inner packet. */
static void check_inner(const struct stt_frame_hdr *h, const struct stt_inner *in,
			size_t inner_len, uint32_t ck, stt_finding_fn fn, void *ctx)
{
	bool partial = h->flags & STT_F_CSUM_PARTIAL;

	if (h->l4_offset != 0 && h->l4_offset >= inner_len)
		stt_finding_emit(fn, ctx, STT_CHK_L4OFF_OUTSIDE, ck,
				 "l4 offset: expected < inner frame length %zu, got %u", inner_len,
				 h->l4_offset);

	bool is_ip = in->is_ipv4 || in->is_ipv6;
	if (!is_ip) {
		/* 3.1.1: every IP-assist field zero */
		uint8_t ipf = h->flags & (STT_F_IPV4 | STT_F_TCP | STT_F_CSUM_VERIFIED |
					  STT_F_CSUM_PARTIAL);
		if (ipf || h->l4_offset || h->mss)
			stt_finding_emit(fn, ctx, STT_CHK_FLAGS_NON_IP, ck,
					 "non-IP payload (ethertype 0x%04x): expected IP fields 0, got flags 0x%02x, l4 offset %u, mss %u",
					 in->ethertype, ipf, h->l4_offset, h->mss);
		return;
	}

	bool f4 = h->flags & STT_F_IPV4;
	if (f4 != in->is_ipv4)
		stt_finding_emit(fn, ctx, STT_CHK_FLAG_IPV4_MISMATCH, ck,
				 "flags: expected IPv4 flag (0x04) %s for an %s inner packet, got %s",
				 in->is_ipv4 ? "set" : "clear", in->is_ipv4 ? "IPv4" : "IPv6",
				 f4 ? "set" : "clear");
	if (in->l3_truncated)
		return; /* the L4 protocol is unknown: nothing more to compare */

	bool ftcp = h->flags & STT_F_TCP, is_tcp = in->l4_proto == 6;
	if (ftcp != is_tcp)
		stt_finding_emit(fn, ctx, STT_CHK_FLAG_TCP_MISMATCH, ck,
				 "flags: expected TCP flag (0x08) %s for an inner %s packet (protocol %u), got %s",
				 is_tcp ? "set" : "clear", l4_name(in->l4_proto), in->l4_proto,
				 ftcp ? "set" : "clear");

	bool has_l4 = !in->ip_fragment && in->l4_off != 0 &&
		      (in->l4_proto == 6 || in->l4_proto == 17);
	if (partial && h->l4_offset != 0 && has_l4 && h->l4_offset != in->l4_off)
		stt_finding_emit(fn, ctx, STT_CHK_L4OFF_MISMATCH, ck,
				 "l4 offset: expected %zu (inner %s header), got %u", in->l4_off,
				 l4_name(in->l4_proto), h->l4_offset);

	/* TSO without checksum-partial (docs/requirements.md has the rule) */
	if (!partial && is_tcp && has_l4 && !in->l4_truncated) {
		bool over_mss = h->mss != 0 && in->l4_payload_len > h->mss;
		bool over_mtu = h->mss == 0 && in->ip_total_len > STD_MTU;
		if (over_mss)
			stt_finding_emit(fn, ctx, STT_CHK_TSO_WITHOUT_PARTIAL, ck,
					 "flags: expected csum-partial for %zu TCP payload bytes > mss %u, got 0x%02x",
					 in->l4_payload_len, h->mss, h->flags);
		else if (over_mtu)
			stt_finding_emit(fn, ctx, STT_CHK_TSO_WITHOUT_PARTIAL, ck,
					 "flags: expected csum-partial for a %u-byte inner TCP packet (> %u, no mss), got 0x%02x",
					 in->ip_total_len, STD_MTU, h->flags);
	}
}

static void check_sport(const struct stt_reasm_frame *f, stt_finding_fn fn, void *ctx)
{
	if (!f->sport_varied)
		return;
	if (!f->segs || f->nsegs == 0) {
		stt_finding_emit(fn, ctx, STT_CHK_SPORT_VARIED, 0,
				 "source port: expected constant within the frame, got several");
		return;
	}
	uint16_t first = f->segs[0].sport;
	for (unsigned i = 1; i < f->nsegs; i++) {
		if (f->segs[i].sport != first) {
			stt_finding_emit(fn, ctx, STT_CHK_SPORT_VARIED, f->segs[i].cookie,
					 "source port: expected %u (as the frame's first segment), got %u",
					 first, f->segs[i].sport);
			return;
		}
	}
}

void stt_check_frame(const struct stt_reasm_frame *f, const struct stt_frame_hdr *h,
		     const struct stt_inner *in, stt_finding_fn fn, void *ctx)
{
	struct stt_frame_hdr hdr;
	struct stt_inner local;

	if (!f)
		return;
	if (!h) {
		if (stt_frame_hdr_decode(f->data, f->len, &hdr) != 0)
			return; /* cannot happen for a delivered frame (>= 18 bytes) */
		h = &hdr;
	}
	uint32_t ck = header_cookie(f);
	size_t inner_len = f->len > STT_FRAME_HDR_LEN ? f->len - STT_FRAME_HDR_LEN : 0;

	check_header(h, ck, fn, ctx);
	check_sport(f, fn, ctx);
	if (inner_len < 14) {
		stt_finding_emit(fn, ctx, STT_CHK_INNER_TOO_SHORT, ck,
				 "inner frame length: expected >= 14, got %zu", inner_len);
		return;
	}
	if (!in) {
		stt_inner_decode(f->data + STT_FRAME_HDR_LEN, inner_len, &local);
		in = &local;
	}
	check_inner(h, in, inner_len, ck, fn, ctx);
}
