/* Inner (encapsulated) Ethernet frame decoder: just enough to summarise a
 * frame on one line in tcpdump's style and to check the STT header's
 * claims about it. Bounds-checked through cursor.h. */
#ifndef STT_INNER_H
#define STT_INNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STT_INNER_MAX_VLANS 2

struct stt_inner {
	bool eth_ok; /* at least 14 bytes of Ethernet header */
	uint8_t dst[6], src[6];
	unsigned n_vlans;
	uint16_t vlan_tpid[STT_INNER_MAX_VLANS], vlan_tci[STT_INNER_MAX_VLANS];
	uint16_t ethertype; /* after VLAN tags */
	size_t l3_off;	    /* offset of the L3 header in the inner frame */

	bool is_arp, is_ipv4, is_ipv6;
	bool l3_truncated;
	struct stt_addr ip_src, ip_dst;
	uint8_t tos;	     /* inner DSCP/ECN */
	uint8_t ttl;
	uint16_t ip_total_len; /* IPv4 total length / IPv6 payload length + 40 */
	bool ip_fragment;      /* non-first fragment: no L4 header here */
	uint8_t l4_proto;      /* after IPv6 extension headers */
	size_t l4_off;	       /* offset of the L4 header in the inner frame, 0 if none */
	bool l4_truncated;
	uint16_t sport, dport; /* TCP/UDP */
	uint8_t tcp_flags;
	uint32_t tcp_seq, tcp_ack;
	uint16_t tcp_win;
	size_t l4_payload_len; /* by the IP header's lengths */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	uint16_t arp_op;
	uint8_t arp_sha[6];
	struct stt_addr arp_spa, arp_tpa;
};

/* Decode what can be decoded; never fails, fills flags for what it saw. */
void stt_inner_decode(const uint8_t *frame, size_t len, struct stt_inner *in);

/* Summary flags. */
#define STT_SUM_NUMERIC 0x01 /* -n: (we never resolve names; kept for parity) */
#define STT_SUM_LINK 0x02    /* -e: prefix MACs, ethertype and VLANs */
#define STT_SUM_QUIET 0x04   /* -q: protocol and length only */

/* One-line summary, tcpdump style, e.g.
 *   "IP 198.51.100.1 > 198.51.100.2: ICMP echo request, id 7, seq 1, length 64"
 * Writes at most cap-1 chars plus NUL; returns the length it wanted. */
size_t stt_inner_summary(const uint8_t *frame, size_t len, const struct stt_inner *in, int flags,
			 char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
