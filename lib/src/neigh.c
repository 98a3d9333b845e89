/* ARP (RFC 826) and IPv6 Neighbor Discovery (RFC 4861) frames: what the
 * portable neighbour resolution sends and what it accepts as an answer.
 * Every byte of a received frame is read through the bounds-checked
 * cursor. */
#include <string.h>

#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/neigh.h"

#define ETH_HLEN 14
#define ETYPE_ARP 0x0806
#define ETYPE_IPV6 0x86dd
#define ARP_LEN 28
#define ETH_MIN_FRAME 60 /* without FCS: shorter frames are padded */
#define IPV6_HLEN 40
#define PROTO_ICMPV6 58
#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_HOP_LIMIT 255 /* RFC 4861 7.1.1: proves the sender is on-link */

static uint8_t *put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	stt_put_be16(p + 12, type);
	return p + ETH_HLEN;
}

static size_t build_arp(uint8_t *buf, size_t cap, const uint8_t mac[6],
			const struct stt_addr *src, const struct stt_addr *target)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *p;

	if (cap < ETH_MIN_FRAME)
		return 0;
	memset(buf, 0, ETH_MIN_FRAME);
	p = put_eth(buf, bcast, mac, ETYPE_ARP);
	stt_put_be16(p, 1);	     /* hardware: Ethernet */
	stt_put_be16(p + 2, 0x0800); /* protocol: IPv4 */
	p[4] = 6;
	p[5] = 4;
	stt_put_be16(p + 6, 1); /* request */
	memcpy(p + 8, mac, 6);
	memcpy(p + 14, src->a, 4);
	/* target hardware address stays zero: that is the question */
	memcpy(p + 24, target->a, 4);
	return ETH_MIN_FRAME;
}

static size_t build_ns(uint8_t *buf, size_t cap, const uint8_t mac[6], const struct stt_addr *src,
		       const struct stt_addr *target)
{
	const size_t icmp_len = 4 + 4 + 16 + 8; /* header, reserved, target, SLLA option */
	const size_t len = ETH_HLEN + IPV6_HLEN + icmp_len;
	uint8_t dmac[6] = { 0x33, 0x33, 0xff, target->a[13], target->a[14], target->a[15] };
	struct stt_addr group = { .family = 6 };
	uint8_t *ip, *icmp;

	if (cap < len)
		return 0;
	/* the solicited-node group: ff02::1:ffXX:XXXX from target's low 24 bits */
	group.a[0] = 0xff;
	group.a[1] = 0x02;
	group.a[11] = 0x01;
	group.a[12] = 0xff;
	memcpy(group.a + 13, target->a + 13, 3);

	memset(buf, 0, len);
	ip = put_eth(buf, dmac, mac, ETYPE_IPV6);
	ip[0] = 0x60;
	stt_put_be16(ip + 4, (uint16_t)icmp_len);
	ip[6] = PROTO_ICMPV6;
	ip[7] = ND_HOP_LIMIT;
	memcpy(ip + 8, src->a, 16);
	memcpy(ip + 24, group.a, 16);
	icmp = ip + IPV6_HLEN;
	icmp[0] = ND_NS;
	memcpy(icmp + 8, target->a, 16);
	icmp[24] = ND_OPT_SLLA; /* so the target can answer without asking back */
	icmp[25] = 1;		/* in units of 8 bytes */
	memcpy(icmp + 26, mac, 6);
	stt_put_be16(icmp + 2, stt_csum_l4(src, &group, PROTO_ICMPV6, icmp, icmp_len));
	return len;
}

size_t stt_neigh_build_request(uint8_t *buf, size_t cap, const uint8_t src_mac[6],
			       const struct stt_addr *src_ip, const struct stt_addr *target)
{
	if (src_ip->family != target->family)
		return 0;
	if (target->family == 4)
		return build_arp(buf, cap, src_mac, src_ip, target);
	if (target->family == 6)
		return build_ns(buf, cap, src_mac, src_ip, target);
	return 0;
}

static int parse_arp(struct stt_cur *c, const struct stt_addr *target, uint8_t mac[6])
{
	uint16_t htype = stt_get_be16(c), ptype = stt_get_be16(c);
	uint8_t hlen = stt_get_u8(c), plen = stt_get_u8(c);
	uint16_t op = stt_get_be16(c);
	const uint8_t *sha = stt_cur_take(c, 6);
	const uint8_t *spa = stt_cur_take(c, 4);

	/* the target's half too: a packet cut short is no ARP packet */
	stt_cur_skip(c, 6 + 4);
	if (c->err || htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
		return 1;
	if (op != 1 && op != 2)
		return 1;
	if (target->family != 4 || memcmp(spa, target->a, 4) != 0)
		return 1;
	/* an all-zero or group sender address is no answer */
	if ((sha[0] & 1) || !(sha[0] | sha[1] | sha[2] | sha[3] | sha[4] | sha[5]))
		return 1;
	memcpy(mac, sha, 6);
	return 0;
}

static int parse_na(struct stt_cur *c, const uint8_t eth_src[6], const struct stt_addr *target,
		    uint8_t mac[6])
{
	const uint8_t *ip = stt_cur_take(c, IPV6_HLEN);
	struct stt_addr src = { .family = 6 }, dst = { .family = 6 };
	const uint8_t *icmp, *ll = NULL;
	uint16_t plen;

	if (!ip || (ip[0] >> 4) != 6 || ip[6] != PROTO_ICMPV6 || ip[7] != ND_HOP_LIMIT)
		return 1;
	plen = (uint16_t)((ip[4] << 8) | ip[5]);
	/* ICMPv6 header, flags, target; the frame may carry Ethernet padding */
	if (plen < 24 || !(icmp = stt_cur_take(c, plen)))
		return 1;
	if (icmp[0] != ND_NA || icmp[1] != 0)
		return 1;
	memcpy(src.a, ip + 8, 16);
	memcpy(dst.a, ip + 24, 16);
	if (stt_csum_l4(&src, &dst, PROTO_ICMPV6, icmp, plen) != 0)
		return 1;
	if (target->family != 6 || memcmp(icmp + 8, target->a, 16) != 0)
		return 1;
	struct stt_cur o = stt_cur_make(icmp + 24, plen - 24u);
	while (stt_cur_left(&o) > 0) {
		uint8_t type = stt_get_u8(&o), units = stt_get_u8(&o);
		/* RFC 4861 4.6: a zero length is invalid and ends the packet */
		if (o.err || units == 0)
			return 1;
		const uint8_t *body = stt_cur_take(&o, (size_t)units * 8 - 2);
		if (!body)
			return 1;
		if (type == ND_OPT_TLLA && units == 1)
			ll = body;
	}
	/* Without the option (allowed in answers to unicast solicitations)
	 * the frame's own source is the target's interface. */
	if (!ll)
		ll = eth_src;
	if ((ll[0] & 1) || !(ll[0] | ll[1] | ll[2] | ll[3] | ll[4] | ll[5]))
		return 1;
	memcpy(mac, ll, 6);
	return 0;
}

int stt_neigh_parse_reply(const uint8_t *frame, size_t len, const struct stt_addr *target,
			  uint8_t mac[6])
{
	struct stt_cur c = stt_cur_make(frame, len);
	const uint8_t *eth = stt_cur_take(&c, ETH_HLEN);
	uint16_t type;

	if (!eth)
		return 1;
	type = (uint16_t)((eth[12] << 8) | eth[13]);
	if (type == ETYPE_ARP)
		return parse_arp(&c, target, mac);
	if (type == ETYPE_IPV6)
		return parse_na(&c, eth + 6, target, mac);
	return 1;
}
