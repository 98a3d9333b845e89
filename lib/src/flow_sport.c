/* STT source port from the inner flow (STT-NOTES.md: constant per inner
 * flow, in 49152-65535, from a hash of inner addresses and ports).
 *
 * The inner frame is parsed with bounds-checked reads: Ethernet, up to two
 * VLAN tags, IPv4/IPv6 (IPv6 extension headers skipped) and the TCP/UDP/
 * SCTP ports. Whatever cannot be parsed falls back to hashing what was
 * read: MAC addresses and EtherType at least. */
#include "stt/cursor.h"
#include "stt/segment.h"

#define FLOW_MAX_VLANS 2
#define FLOW_MAX_EXT_HDRS 8

/* Multiply-xorshift mixing: each 32-bit word is folded in with an odd
 * multiplier and rotation, then a final avalanche makes every input bit
 * affect every output bit (constants from the well-known "lowbias32"
 * integer hash family; the construction here is our own). */
struct flow_hash {
	uint32_t h;
};

static uint32_t rotl32(uint32_t x, unsigned r)
{
	return (x << r) | (x >> (32 - r));
}

static void fh_word(struct flow_hash *fh, uint32_t w)
{
	w *= 0x9e3779b1u;
	w = rotl32(w, 15);
	fh->h ^= w;
	fh->h = rotl32(fh->h, 13) * 5u + 0x6b43a9b5u;
}

static void fh_bytes(struct flow_hash *fh, const uint8_t *p, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		fh_word(fh, ((uint32_t)p[i] << 24) | ((uint32_t)p[i + 1] << 16) |
				    ((uint32_t)p[i + 2] << 8) | p[i + 3]);
	if (i < n) {
		uint32_t w = 0;

		for (; i < n; i++)
			w = (w << 8) | p[i];
		fh_word(fh, w | 0x80000000u); /* tail marker: "ab" != "ab\0" */
	}
}

static uint32_t fh_final(const struct flow_hash *fh, uint32_t total_words)
{
	uint32_t x = fh->h ^ total_words;

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136; /* TCP UDP SCTP UDP-Lite */
}

/* Hash the L3/L4 flow starting at the IP header; false if it is not IP or
 * the IP header is not all there. */
static bool hash_ip(struct flow_hash *fh, struct stt_cur *c, uint16_t ethertype)
{
	const uint8_t *addrs;
	uint8_t proto;
	bool ports_follow = false;

	if (ethertype == 0x0800) {
		uint8_t vihl = stt_peek_u8(c, 0);
		size_t ihl = (size_t)(vihl & 0x0f) * 4;
		uint16_t frag;

		if (!stt_cur_has(c, 20) || vihl >> 4 != 4 || ihl < 20)
			return false;
		frag = (uint16_t)((stt_peek_u8(c, 6) << 8) | stt_peek_u8(c, 7));
		proto = stt_peek_u8(c, 9);
		stt_cur_skip(c, 12);
		addrs = stt_cur_take(c, 8);
		if (!addrs || !stt_cur_skip(c, ihl - 20))
			return false;
		fh_bytes(fh, addrs, 8);
		/* Only the first fragment has ports; hashing them for it but not
		 * for the rest would split one datagram across two ports. */
		ports_follow = (frag & 0x3fff) == 0;
	} else if (ethertype == 0x86dd) {
		unsigned n;

		if (!stt_cur_has(c, 40) || stt_peek_u8(c, 0) >> 4 != 6)
			return false;
		/* The flow label identifies the flow too, but senders differ in
		 * setting it; addresses and ports are enough. */
		proto = stt_peek_u8(c, 6);
		stt_cur_skip(c, 8);
		addrs = stt_cur_take(c, 32);
		if (!addrs)
			return false;
		fh_bytes(fh, addrs, 32);
		ports_follow = true;
		for (n = 0; n < FLOW_MAX_EXT_HDRS; n++) {
			if (proto == 0 || proto == 43 || proto == 60) {
				uint8_t nh = stt_peek_u8(c, 0);
				size_t l = ((size_t)stt_peek_u8(c, 1) + 1) * 8;

				if (!stt_cur_skip(c, l))
					break;
				proto = nh;
			} else if (proto == 44) { /* fragment header */
				uint8_t nh = stt_peek_u8(c, 0);
				uint16_t fo = (uint16_t)((stt_peek_u8(c, 2) << 8) | stt_peek_u8(c, 3));

				if (!stt_cur_skip(c, 8))
					break;
				proto = nh;
				ports_follow = (fo & 0xfff8) == 0;
			} else {
				break;
			}
		}
	} else {
		return false;
	}

	fh_word(fh, proto);
	if (ports_follow && has_ports(proto) && stt_cur_has(c, 4))
		fh_bytes(fh, stt_cur_take(c, 4), 4);
	return true;
}

uint16_t stt_flow_sport(const uint8_t *inner, size_t inner_len, uint32_t seed)
{
	struct stt_cur c = stt_cur_make(inner, inner_len);
	struct flow_hash fh = { seed ^ 0x5bd1e995u };
	const uint8_t *macs = stt_cur_take(&c, 12);
	uint16_t ethertype = stt_get_be16(&c);
	unsigned nv = 0;
	uint32_t h;

	if (!macs) {
		/* Not even an Ethernet header: hash what there is. */
		fh_bytes(&fh, inner ? inner : (const uint8_t *)"", inner ? inner_len : 0);
		h = fh_final(&fh, 1);
	} else {
		while (!c.err && is_vlan_tpid(ethertype) && nv < FLOW_MAX_VLANS) {
			uint16_t tci = stt_get_be16(&c);

			/* The VLAN ID is part of the flow (same addresses on two
			 * VLANs are different flows); the priority bits are not. */
			fh_word(&fh, tci & 0x0fffu);
			ethertype = stt_get_be16(&c);
			nv++;
		}
		if (c.err || !hash_ip(&fh, &c, ethertype)) {
			fh_bytes(&fh, macs, 12);
			fh_word(&fh, ethertype);
			h = fh_final(&fh, 2);
		} else {
			h = fh_final(&fh, 3);
		}
	}
	return (uint16_t)(STT_EPHEMERAL_MIN + (h >> 18)); /* top 14 bits: 16384 ports */
}
