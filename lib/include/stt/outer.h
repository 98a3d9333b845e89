/* Outer packet parser: link layer -> IPv4/IPv6 -> TCP-like header.
 *
 * Link types are pcap LINKTYPE_* numbers so that the same parser serves
 * capture files, live libpcap handles and AF_PACKET sockets (which hand
 * us Ethernet). */
#ifndef STT_OUTER_H
#define STT_OUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pcap LINKTYPE_* values we decode. */
#define STT_LINK_NULL 0	    /* BSD loopback, host-order AF_ */
#define STT_LINK_ETHERNET 1
#define STT_LINK_RAW 101    /* raw IPv4/IPv6, version from the first nibble */
#define STT_LINK_RAW_DLT 12 /* DLT_RAW as some writers store it */
#define STT_LINK_LOOP 108   /* OpenBSD loopback, network-order AF_ */
#define STT_LINK_LINUX_SLL 113
#define STT_LINK_IPV4 228
#define STT_LINK_IPV6 229
#define STT_LINK_LINUX_SLL2 276

bool stt_link_supported(int linktype);
const char *stt_link_name(int linktype);

#define STT_MAX_VLAN_TAGS 2

enum stt_parse_status {
	STT_PARSE_OK = 0,
	STT_PARSE_UNSUPPORTED_LINK, /* linktype we do not decode */
	STT_PARSE_NOT_IP,	    /* ARP, LLDP...: not ours, not an error */
	STT_PARSE_NOT_TCP,	    /* IP but not TCP: not ours */
	STT_PARSE_FRAGMENT,	    /* IP fragment: cannot be an STT segment as is */
	STT_PARSE_TRUNCATED,	    /* headers cut by the capture's snaplen */
	STT_PARSE_MALFORMED,	    /* lengths or fields that cannot be right */
};

enum stt_csum_verdict {
	STT_CSUM_UNCHECKED = 0, /* payload not fully captured */
	STT_CSUM_OK,
	STT_CSUM_PARTIAL, /* holds only the pseudo-header sum: offloaded on the sender */
	STT_CSUM_BAD,
};

const char *stt_csum_verdict_name(enum stt_csum_verdict v);

struct stt_outer {
	int linktype;
	/* link layer (Ethernet, or SLL address where that is all there is) */
	bool has_eth;
	uint8_t eth_dst[6], eth_src[6];
	unsigned n_vlans;
	uint16_t vlan_tpid[STT_MAX_VLAN_TAGS];
	uint16_t vlan_tci[STT_MAX_VLAN_TAGS];
	uint16_t ethertype;	/* of the IP layer (0x0800 / 0x86dd) */
	uint16_t sll_pkttype;	/* SLL/SLL2 packet type, else 0 */
	size_t l3_off;		/* offset of the IP header in the packet */

	/* IP */
	uint8_t ip_version; /* 4 or 6 */
	struct stt_addr src, dst;
	uint8_t tos;	    /* IPv4 TOS / IPv6 traffic class: DSCP << 2 | ECN */
	uint8_t ttl;	    /* TTL / hop limit */
	uint16_t ip_id;	    /* IPv4 identification */
	uint16_t ip_frag;   /* IPv4 flags + fragment offset field */
	uint32_t flowlabel; /* IPv6 */
	size_t ip_hdr_len;  /* including IPv4 options / IPv6 extension headers */
	bool ipv4_csum_ok;  /* IPv4 header checksum verified (true when not checkable) */

	/* TCP-like header */
	size_t l4_off;
	struct stt_tcp_hdr tcp;
	size_t tcp_hdr_len; /* doff * 4 */

	/* payload: bytes of it present in the buffer, and what the IP
	 * header says it should be (they differ when snaplen cut it, or when
	 * GRO made a packet whose IP length is 0 beyond 64 KB) */
	const uint8_t *payload;
	size_t payload_len;
	size_t payload_wire_len;
	bool truncated; /* payload_len < payload_wire_len */

	enum stt_csum_verdict csum;
};

/* Parse one captured packet. caplen is the bytes present, wirelen the
 * original length (pass caplen when unknown). On STT_PARSE_OK *o is filled;
 * on other results *o is partially filled and *why (if non-NULL) points to
 * a static one-line reason naming the field. verify_csum: compute the TCP
 * checksum verdict when the payload is complete. */
enum stt_parse_status stt_outer_parse(int linktype, const uint8_t *pkt, size_t caplen,
				      size_t wirelen, bool verify_csum, struct stt_outer *o,
				      const char **why);

#ifdef __cplusplus
}
#endif
#endif
