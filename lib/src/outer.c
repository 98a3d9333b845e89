/* Outer packet parser: link layer (outer_link.c) -> IPv4/IPv6 -> TCP-like
 * header -> payload and checksum verdict.
 *
 * Lengths: the IP header's length fields say where the segment ends
 * (Ethernet padding after it is not payload). A length field of 0 is what
 * TSO/GRO packets show in captures when the packet is longer than the
 * field can say, so it means "up to the end of the packet on the wire".
 * caplen bounds what we read; wirelen bounds what the IP header may claim.
 * A header cut by the snaplen is TRUNCATED, a header that could not fit
 * even in the original packet is MALFORMED. */
#include <string.h>

#include "outer_link.h"
#include "stt/csum.h"

#define IPV4_MIN_HDR 20
#define IPV6_HDR_LEN 40
#define IPPROTO_TCP_NUM 6
#define IPV6_HOPOPTS 0
#define IPV6_ROUTING 43
#define IPV6_FRAGMENT 44
#define IPV6_AH 51
#define IPV6_DSTOPTS 60

const char *stt_csum_verdict_name(enum stt_csum_verdict v)
{
	switch (v) {
	case STT_CSUM_UNCHECKED:
		return "unchecked";
	case STT_CSUM_OK:
		return "ok";
	case STT_CSUM_PARTIAL:
		return "partial";
	case STT_CSUM_BAD:
		return "bad";
	}
	return "unknown";
}

static enum stt_parse_status parse_ipv4(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
					size_t *ip_end, const char **why)
{
	size_t l3 = c->off, ihl, total, avail = wirelen - c->off;
	const uint8_t *fixed;
	struct stt_cur h;
	uint8_t vihl, proto;

	if (!stt_cur_has(c, IPV4_MIN_HDR))
		return stt_outer_short(l3 + IPV4_MIN_HDR, wirelen, why, "IPv4 header cut short",
				       "IPv4 header: packet ends inside it");
	vihl = stt_peek_u8(c, 0);
	ihl = (size_t)(vihl & 0x0f) * 4;
	total = (size_t)stt_peek_u8(c, 2) << 8 | stt_peek_u8(c, 3);

	/* The fixed part is all there: fill the fields before judging them. */
	fixed = stt_cur_take(c, IPV4_MIN_HDR);
	h = stt_cur_make(fixed, IPV4_MIN_HDR);
	stt_cur_skip(&h, 1);
	o->ip_version = 4;
	o->tos = stt_get_u8(&h);
	stt_cur_skip(&h, 2); /* total length, read above */
	o->ip_id = stt_get_be16(&h);
	o->ip_frag = stt_get_be16(&h);
	o->ttl = stt_get_u8(&h);
	proto = stt_get_u8(&h);
	stt_cur_skip(&h, 2); /* header checksum: verified over the whole header below */
	o->src.family = o->dst.family = 4;
	memcpy(o->src.a, stt_cur_take(&h, 4), 4);
	memcpy(o->dst.a, stt_cur_take(&h, 4), 4);

	if (vihl >> 4 != 4) {
		*why = "IPv4 version field is not 4";
		return STT_PARSE_MALFORMED;
	}
	if (ihl < IPV4_MIN_HDR) {
		*why = "IPv4 header length (IHL) < 5";
		return STT_PARSE_MALFORMED;
	}
	if (total == 0) {
		total = avail; /* TSO/GRO capture: length left for the NIC to fill */
	} else if (total > avail) {
		*why = "IPv4 total length exceeds the packet length";
		return STT_PARSE_MALFORMED;
	}
	if (total < ihl) {
		*why = "IPv4 total length is less than the header length (IHL)";
		return STT_PARSE_MALFORMED;
	}
	o->ip_hdr_len = ihl;
	if (!stt_cur_has(c, ihl - IPV4_MIN_HDR))
		return stt_outer_short(l3 + ihl, wirelen, why, "IPv4 options cut short",
				       "IPv4 options: packet ends inside them");
	stt_cur_skip(c, ihl - IPV4_MIN_HDR);
	/* fixed part and options are contiguous: ihl bytes from fixed */
	o->ipv4_csum_ok = stt_csum_ipv4_hdr(fixed, ihl) == 0;
	*ip_end = l3 + total;

	if (proto != IPPROTO_TCP_NUM) {
		*why = "IPv4 protocol is not TCP";
		return STT_PARSE_NOT_TCP;
	}
	if (o->ip_frag & 0x3fff) {
		o->l4_off = c->off;
		*why = "IPv4 fragment (more-fragments flag or fragment offset set)";
		return STT_PARSE_FRAGMENT;
	}
	return STT_PARSE_OK;
}

/* RFC 8200 8.1: with a routing header that still has segments left, the
 * upper-layer checksum covers the final destination, not the address in
 * the IPv6 header: the last address for types 0 and 2, the first entry of
 * the segment list for type 4 (SRH, which stores it reversed). */
static void routing_final_dst(const uint8_t *rh, size_t len, struct stt_addr *csum_dst)
{
	struct stt_cur r = stt_cur_make(rh, len);
	uint8_t type = stt_peek_u8(&r, 2), left = stt_peek_u8(&r, 3);
	size_t n = (size_t)stt_peek_u8(&r, 1) / 2, pick;
	const uint8_t *a;

	if (left == 0 || n == 0 || (type != 0 && type != 2 && type != 4))
		return;
	pick = type == 4 ? 0 : n - 1;
	stt_cur_skip(&r, 8 + pick * 16);
	a = stt_cur_take(&r, 16);
	if (a)
		memcpy(csum_dst->a, a, 16);
}

static enum stt_parse_status parse_ipv6(struct stt_cur *c, size_t wirelen, struct stt_outer *o,
					size_t *ip_end, struct stt_addr *csum_dst, const char **why)
{
	size_t l3 = c->off, plen;
	uint32_t w;
	uint8_t nh;

	if (!stt_cur_has(c, IPV6_HDR_LEN))
		return stt_outer_short(l3 + IPV6_HDR_LEN, wirelen, why, "IPv6 header cut short",
				       "IPv6 header: packet ends inside it");
	w = stt_get_be32(c);
	o->ip_version = 6;
	o->tos = (uint8_t)(w >> 20);
	o->flowlabel = w & 0xfffff;
	plen = stt_get_be16(c);
	nh = stt_get_u8(c);
	o->ttl = stt_get_u8(c);
	o->src.family = o->dst.family = 6;
	memcpy(o->src.a, stt_cur_take(c, 16), 16);
	memcpy(o->dst.a, stt_cur_take(c, 16), 16);
	*csum_dst = o->dst;

	if (w >> 28 != 6) {
		*why = "IPv6 version field is not 6";
		return STT_PARSE_MALFORMED;
	}
	if (plen == 0) {
		/* Jumbogram or TSO/GRO capture: the packet on the wire ends it. */
		plen = wirelen - c->off;
	} else if (plen > wirelen - c->off) {
		*why = "IPv6 payload length exceeds the packet length";
		return STT_PARSE_MALFORMED;
	}
	*ip_end = c->off + plen;

	/* Skip the extension headers that may precede TCP. Each is at least
	 * 8 bytes, so the loop ends within the packet. */
	while (nh == IPV6_HOPOPTS || nh == IPV6_ROUTING || nh == IPV6_DSTOPTS || nh == IPV6_AH ||
	       nh == IPV6_FRAGMENT) {
		size_t left = *ip_end - c->off, len;
		const uint8_t *eh;
		uint8_t next;

		if (left < 8) {
			*why = "IPv6 extension header extends past the payload length";
			return STT_PARSE_MALFORMED;
		}
		if (!stt_cur_has(c, 2))
			return stt_outer_short(c->off + 8, wirelen, why,
					       "IPv6 extension header cut short",
					       "IPv6 extension header: packet ends inside it");
		next = stt_peek_u8(c, 0);
		if (nh == IPV6_FRAGMENT) {
			/* l3_off + ip_hdr_len points at the fragment's payload, as
			 * for IPv4, so that a caller can peek at a first fragment's
			 * ports. */
			stt_cur_skip(c, 8);
			o->ip_hdr_len = c->off - l3;
			o->l4_off = c->off;
			if (next != IPPROTO_TCP_NUM) {
				*why = "IPv6 next header (after the fragment header) is not TCP";
				return STT_PARSE_NOT_TCP;
			}
			*why = "IPv6 fragment header present";
			return STT_PARSE_FRAGMENT;
		}
		if (nh == IPV6_AH)
			len = ((size_t)stt_peek_u8(c, 1) + 2) * 4;
		else
			len = ((size_t)stt_peek_u8(c, 1) + 1) * 8;
		if (len > left) {
			*why = "IPv6 extension header length exceeds the payload length";
			return STT_PARSE_MALFORMED;
		}
		eh = stt_cur_take(c, len);
		if (!eh)
			return stt_outer_short(c->off + len, wirelen, why,
					       "IPv6 extension header cut short",
					       "IPv6 extension header: packet ends inside it");
		if (nh == IPV6_ROUTING)
			routing_final_dst(eh, len, csum_dst);
		nh = next;
	}
	o->ip_hdr_len = c->off - l3;
	if (nh != IPPROTO_TCP_NUM) {
		*why = "IPv6 next header is not TCP";
		return STT_PARSE_NOT_TCP;
	}
	return STT_PARSE_OK;
}

/* OK when the checksum verifies; PARTIAL when the field holds what a
 * sender with checksum offload leaves there (Linux __tcp_v4_send_check()
 * under CHECKSUM_PARTIAL: the folded pseudo-header sum, not complemented);
 * BAD otherwise. 0x0000 and 0xffff are the two one's complement zeros, so
 * a pseudo sum of 0xffff may be stored as either. */
static enum stt_csum_verdict tcp_verdict(const struct stt_outer *o, const struct stt_addr *dst,
					 const uint8_t *seg, size_t l4_len)
{
	uint16_t pseudo;

	if (stt_csum_l4(&o->src, dst, IPPROTO_TCP_NUM, seg, l4_len) == 0)
		return STT_CSUM_OK;
	pseudo = stt_csum_pseudo_only(&o->src, dst, IPPROTO_TCP_NUM, (uint32_t)l4_len);
	if (o->tcp.csum == pseudo || (pseudo == 0xffff && o->tcp.csum == 0))
		return STT_CSUM_PARTIAL;
	return STT_CSUM_BAD;
}

static enum stt_parse_status parse_tcp(struct stt_cur *c, size_t wirelen, size_t ip_end,
				       bool verify_csum, const struct stt_addr *csum_dst,
				       struct stt_outer *o, const char **why)
{
	size_t l4 = c->off, start, present;
	const uint8_t *th;

	o->l4_off = l4;
	if (ip_end - l4 < STT_TCP_HDR_LEN) {
		*why = "TCP header extends past the IP payload";
		return STT_PARSE_MALFORMED;
	}
	th = stt_cur_take(c, STT_TCP_HDR_LEN);
	if (!th)
		return stt_outer_short(l4 + STT_TCP_HDR_LEN, wirelen, why, "TCP header cut short",
				       "TCP header: packet ends inside it");
	stt_tcp_hdr_decode(th, STT_TCP_HDR_LEN, &o->tcp);
	o->tcp_hdr_len = (size_t)o->tcp.doff * 4;
	if (o->tcp.doff < 5) {
		*why = "TCP data offset < 5";
		return STT_PARSE_MALFORMED;
	}
	if (o->tcp_hdr_len > ip_end - l4) {
		*why = "TCP data offset points beyond the IP payload";
		return STT_PARSE_MALFORMED;
	}
	if (!stt_cur_skip(c, o->tcp_hdr_len - STT_TCP_HDR_LEN))
		return stt_outer_short(l4 + o->tcp_hdr_len, wirelen, why, "TCP options cut short",
				       "TCP options: packet ends inside them");

	start = c->off;
	o->payload_wire_len = ip_end - start;
	present = stt_cur_left(c);
	if (present > o->payload_wire_len)
		present = o->payload_wire_len; /* bytes past ip_end are link padding */
	o->payload = stt_cur_take(c, present);
	o->payload_len = present;
	o->truncated = present < o->payload_wire_len;

	if (verify_csum && !o->truncated) {
		struct stt_cur seg = stt_cur_make(c->p, c->len);
		const uint8_t *s;

		stt_cur_skip(&seg, l4);
		s = stt_cur_take(&seg, ip_end - l4);
		if (s)
			o->csum = tcp_verdict(o, csum_dst, s, ip_end - l4);
	}
	return STT_PARSE_OK;
}

enum stt_parse_status stt_outer_parse(int linktype, const uint8_t *pkt, size_t caplen,
				      size_t wirelen, bool verify_csum, struct stt_outer *o,
				      const char **why)
{
	struct stt_cur c = stt_cur_make(pkt, pkt ? caplen : 0);
	enum stt_parse_status st;
	const char *why_unused;
	size_t ip_end = 0;
	struct stt_addr csum_dst;

	if (!why)
		why = &why_unused;
	*why = NULL;
	memset(o, 0, sizeof(*o));
	o->linktype = linktype;
	o->ipv4_csum_ok = true;
	o->csum = STT_CSUM_UNCHECKED;
	if (wirelen < c.len)
		wirelen = c.len; /* an original length shorter than the capture is not credible */

	st = stt_outer_link(linktype, &c, wirelen, o, why);
	if (st != STT_PARSE_OK)
		return st;
	if (o->ethertype == 0x0800) {
		st = parse_ipv4(&c, wirelen, o, &ip_end, why);
		csum_dst = o->dst;
	} else {
		st = parse_ipv6(&c, wirelen, o, &ip_end, &csum_dst, why);
	}
	if (st != STT_PARSE_OK)
		return st;
	return parse_tcp(&c, wirelen, ip_end, verify_csum, &csum_dst, o, why);
}
