/* Inner frame builders (stt/inner_build.h). */
#include "stt/inner_build.h"

#include <string.h>

#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/wire.h"

size_t stt_build_eth(uint8_t *buf, size_t cap, const uint8_t dst[6], const uint8_t src[6],
		     uint16_t ethertype)
{
	if (cap < STT_ETH_HDR_LEN)
		return 0;
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	stt_put_be16(buf + 12, ethertype);
	return STT_ETH_HDR_LEN;
}

size_t stt_build_arp(uint8_t *buf, size_t cap, uint16_t op, const uint8_t sha[6],
		     const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	if (cap < STT_ARP_LEN)
		return 0;
	stt_put_be16(buf, 1); /* hardware: Ethernet */
	stt_put_be16(buf + 2, STT_ETHERTYPE_IPV4);
	buf[4] = 6;
	buf[5] = 4;
	stt_put_be16(buf + 6, op);
	memcpy(buf + 8, sha, 6);
	memcpy(buf + 14, spa, 4);
	if (tha)
		memcpy(buf + 18, tha, 6);
	else
		memset(buf + 18, 0, 6);
	memcpy(buf + 24, tpa, 4);
	return STT_ARP_LEN;
}

size_t stt_build_ip(uint8_t *buf, size_t cap, const struct stt_ip_fields *ip, size_t l4_len)
{
	if (ip->src.family != ip->dst.family)
		return 0;
	if (ip->src.family == 6) {
		if (cap < STT_IPV6_HDR_LEN || l4_len > 0xffff)
			return 0;
		stt_put_be32(buf, (6u << 28) | ((uint32_t)ip->tos << 20) | (ip->flowlabel & 0xfffff));
		stt_put_be16(buf + 4, (uint16_t)l4_len);
		buf[6] = ip->proto;
		buf[7] = ip->ttl;
		memcpy(buf + 8, ip->src.a, 16);
		memcpy(buf + 24, ip->dst.a, 16);
		return STT_IPV6_HDR_LEN;
	}
	if (ip->src.family != 4 || cap < STT_IPV4_HDR_LEN ||
	    l4_len > 0xffff - STT_IPV4_HDR_LEN)
		return 0;
	buf[0] = 0x45; /* version 4, 5 words: no options */
	buf[1] = ip->tos;
	stt_put_be16(buf + 2, (uint16_t)(STT_IPV4_HDR_LEN + l4_len));
	stt_put_be16(buf + 4, ip->id);
	stt_put_be16(buf + 6, ip->frag);
	buf[8] = ip->ttl;
	buf[9] = ip->proto;
	stt_put_be16(buf + 10, 0);
	memcpy(buf + 12, ip->src.a, 4);
	memcpy(buf + 16, ip->dst.a, 4);
	stt_put_be16(buf + 10, stt_csum_ipv4_hdr(buf, STT_IPV4_HDR_LEN));
	return STT_IPV4_HDR_LEN;
}

size_t stt_build_icmp_echo(uint8_t *buf, size_t cap, bool v6, bool reply, uint16_t id,
			   uint16_t seq)
{
	if (cap < STT_ICMP_ECHO_HDR_LEN)
		return 0;
	if (v6)
		buf[0] = reply ? 129 : 128;
	else
		buf[0] = reply ? 0 : 8;
	buf[1] = 0;
	stt_put_be16(buf + 2, 0);
	stt_put_be16(buf + 4, id);
	stt_put_be16(buf + 6, seq);
	return STT_ICMP_ECHO_HDR_LEN;
}

size_t stt_build_udp(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport, size_t l4_len)
{
	if (cap < STT_UDP_HDR_LEN || l4_len < STT_UDP_HDR_LEN || l4_len > 0xffff)
		return 0;
	stt_put_be16(buf, sport);
	stt_put_be16(buf + 2, dport);
	stt_put_be16(buf + 4, (uint16_t)l4_len);
	stt_put_be16(buf + 6, 0);
	return STT_UDP_HDR_LEN;
}

size_t stt_build_tcp(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport, uint32_t seq,
		     uint32_t ack, uint8_t flags, uint16_t window)
{
	if (cap < STT_TCP_HDR_LEN)
		return 0;
	memset(buf, 0, STT_TCP_HDR_LEN);
	stt_put_be16(buf, sport);
	stt_put_be16(buf + 2, dport);
	stt_put_be32(buf + 4, seq);
	stt_put_be32(buf + 8, ack);
	buf[12] = (STT_TCP_HDR_LEN / 4) << 4;
	buf[13] = flags;
	stt_put_be16(buf + 14, window);
	return STT_TCP_HDR_LEN;
}

int stt_l4_csum_set(uint8_t *l4, size_t l4_len, const struct stt_ip_fields *ip)
{
	size_t at, hdr_len;
	switch (ip->proto) {
	case STT_IPPROTO_ICMP:
	case STT_IPPROTO_ICMPV6:
		at = 2, hdr_len = STT_ICMP_ECHO_HDR_LEN;
		break;
	case STT_IPPROTO_UDP:
		at = 6, hdr_len = STT_UDP_HDR_LEN;
		break;
	case STT_IPPROTO_TCP:
		at = 16, hdr_len = STT_TCP_HDR_LEN;
		break;
	default:
		return -1;
	}
	if (l4_len < hdr_len)
		return -1;
	stt_put_be16(l4 + at, 0);
	uint16_t c;
	if (ip->proto == STT_IPPROTO_ICMP) {
		c = stt_csum_fold(stt_csum_add(0, l4, l4_len)); /* ICMPv4: no pseudo-header */
	} else {
		c = stt_csum_l4(&ip->src, &ip->dst, ip->proto, l4, l4_len);
		if (c == 0 && ip->proto == STT_IPPROTO_UDP)
			c = 0xffff; /* UDP: 0 means "no checksum" */
	}
	stt_put_be16(l4 + at, c);
	return 0;
}

uint16_t stt_vlan_tag_of(const uint8_t *f, size_t len)
{
	if (len < 18 || f[12] != 0x81 || f[13] != 0x00)
		return 0;
	uint16_t tci = (uint16_t)(f[14] << 8 | f[15]);
	return stt_vlan_tci(tci >> 13, true, tci & STT_VLAN_ID_MASK);
}

size_t stt_vlan_insert(const uint8_t *in, size_t len, uint16_t tci, uint8_t *out, size_t cap)
{
	uint16_t tag = (uint16_t)((tci & 0xe000) | (tci & STT_VLAN_ID_MASK)); /* DEI 0 */

	if (len < 12 || len + 4 > cap)
		return 0;
	if (out == in) {
		memmove(out + 16, in + 12, len - 12);
	} else {
		memcpy(out, in, 12);
		memcpy(out + 16, in + 12, len - 12);
	}
	out[12] = 0x81;
	out[13] = 0x00;
	out[14] = (uint8_t)(tag >> 8);
	out[15] = (uint8_t)tag;
	return len + 4;
}
