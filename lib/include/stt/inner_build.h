/* Builders for the inner frames that tools put inside STT: Ethernet, ARP
 * (Ethernet/IPv4), IPv4 and IPv6 headers, ICMP echo, UDP and TCP headers,
 * and the L4 checksum.
 *
 * stt-send, stt-fuzz's probe, the conformance tests and the benchmarks all
 * built these by hand; this is the one copy. The builders are pure: they
 * write into the caller's buffer, check it against cap and return the
 * bytes written, or 0 (writing nothing) when it does not fit or a field
 * cannot be represented. Headers are built separately so that a caller
 * keeps control of its payload bytes and of the order in which it draws
 * random numbers; the L4 checksum is set last, over header and payload.
 */
#ifndef STT_INNER_BUILD_H
#define STT_INNER_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STT_ETH_HDR_LEN 14
#define STT_ARP_LEN 28	      /* Ethernet/IPv4 ARP body */
#define STT_IPV4_HDR_LEN 20   /* without options */
#define STT_IPV6_HDR_LEN 40
#define STT_ICMP_ECHO_HDR_LEN 8
#define STT_UDP_HDR_LEN 8

#define STT_ETHERTYPE_IPV4 0x0800
#define STT_ETHERTYPE_ARP 0x0806
#define STT_ETHERTYPE_IPV6 0x86dd

#define STT_IPPROTO_ICMP 1
#define STT_IPPROTO_TCP 6
#define STT_IPPROTO_UDP 17
#define STT_IPPROTO_ICMPV6 58

#define STT_ARP_REQUEST 1
#define STT_ARP_REPLY 2

/* dst, src, ethertype: 14 bytes. */
size_t stt_build_eth(uint8_t *buf, size_t cap, const uint8_t dst[6], const uint8_t src[6],
		     uint16_t ethertype);

/* ARP body for Ethernet/IPv4 (28 bytes, after an Ethernet header of type
 * STT_ETHERTYPE_ARP). tha NULL writes zeros, as a request carries. */
size_t stt_build_arp(uint8_t *buf, size_t cap, uint16_t op, const uint8_t sha[6],
		     const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4]);

/* What an IP header says. src.family (4 or 6, equal to dst.family)
 * selects the header. */
struct stt_ip_fields {
	struct stt_addr src, dst;
	uint8_t proto;	    /* IPv4 protocol / IPv6 next header */
	uint8_t tos;	    /* IPv4 TOS / IPv6 traffic class: DSCP << 2 | ECN */
	uint8_t ttl;	    /* TTL / hop limit */
	uint16_t id;	    /* IPv4 identification */
	uint16_t frag;	    /* IPv4 flags + fragment offset, e.g. 0x4000 for DF */
	uint32_t flowlabel; /* IPv6, 20 bits */
};

/* An IPv4 header (20 bytes, header checksum set) or IPv6 header (40
 * bytes) for l4_len bytes of payload after it. 0 when the length does not
 * fit the header's length field or the families are wrong. */
size_t stt_build_ip(uint8_t *buf, size_t cap, const struct stt_ip_fields *ip, size_t l4_len);

/* ICMP or ICMPv6 (v6) echo request, or reply, header: 8 bytes with the
 * checksum 0 until stt_l4_csum_set. */
size_t stt_build_icmp_echo(uint8_t *buf, size_t cap, bool v6, bool reply, uint16_t id,
			   uint16_t seq);

/* UDP header for l4_len bytes of header and payload; checksum 0 (which
 * means "none" over IPv4) until stt_l4_csum_set. */
size_t stt_build_udp(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport, size_t l4_len);

/* TCP header without options (20 bytes); checksum and urgent pointer 0. */
size_t stt_build_tcp(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport, uint32_t seq,
		     uint32_t ack, uint8_t flags, uint16_t window);

/* The 802.1Q tag and the STT header's VLAN field (draft section 2.2: the
 * tag "to be applied" by the endpoint that sends the frame on). An
 * encapsulating endpoint moves a frame's outer 802.1Q tag (TPID 0x8100)
 * into the header, as Open vSwitch does with the tag it keeps as packet
 * metadata; the decapsulating one puts it back. The field has no room for
 * the tag's DEI bit (V sits there): it travels as 0.
 *
 * stt_vlan_tag_of: the STT VLAN field for the frame's outer 802.1Q tag
 * (V set), or 0 when it has none (or an 802.1ad one, which stays in the
 * frame).
 * stt_vlan_insert: the frame with an 802.1Q tag for tci (PCP and VLAN ID;
 * V and DEI ignored) after its MAC addresses, into out[cap]. Returns the
 * new length (len + 4), or 0 when it does not fit or len < 12. out may
 * equal in (the bytes are moved), but must not otherwise overlap it. */
uint16_t stt_vlan_tag_of(const uint8_t *f, size_t len);
size_t stt_vlan_insert(const uint8_t *in, size_t len, uint16_t tci, uint8_t *out, size_t cap);

/* Set the checksum of the L4 segment at l4 (l4_len bytes: header and
 * payload) for ip->proto: ICMPv4 without a pseudo-header; ICMPv6, UDP and
 * TCP with one. A UDP checksum that comes out 0 is sent as 0xffff.
 * Returns 0, or -1 for another protocol or a segment shorter than its
 * header. */
int stt_l4_csum_set(uint8_t *l4, size_t l4_len, const struct stt_ip_fields *ip);

#ifdef __cplusplus
}
#endif
#endif
