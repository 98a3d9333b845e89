/* STT wire format: the 18-byte STT frame header and the TCP-like segment
 * header (draft-davie-stt-02 Figures 3 and 4, restored in STT-NOTES.md).
 * Pure codecs: bytes in, structs out, and back. */
#ifndef STT_WIRE_H
#define STT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STT_DEFAULT_PORT 7471
#define STT_FRAME_HDR_LEN 18	/* includes the 2 bytes of padding */
#define STT_MAX_FRAME_LEN 65535 /* seq carries it in 16 bits */
#define STT_MAX_INNER_LEN (STT_MAX_FRAME_LEN - STT_FRAME_HDR_LEN)
#define STT_TCP_HDR_LEN 20
#define STT_EPHEMERAL_MIN 49152

/* STT frame header flags, numbered from the least significant bit. */
#define STT_F_CSUM_VERIFIED 0x01
#define STT_F_CSUM_PARTIAL 0x02
#define STT_F_IPV4 0x04
#define STT_F_TCP 0x08
#define STT_F_RSVD_MASK 0xF0

/* The 16-bit PCP|V|VLAN ID field. */
#define STT_VLAN_V 0x1000
#define STT_VLAN_ID_MASK 0x0FFF

struct stt_frame_hdr {
	uint8_t version;
	uint8_t flags;
	uint8_t l4_offset; /* from the start of the inner Ethernet frame */
	uint8_t reserved;
	uint16_t mss;
	uint16_t vlan_tci; /* PCP(3) | V(1) | VLAN ID(12), as on the wire */
	uint64_t context_id;
	uint16_t padding;
};

static inline unsigned stt_vlan_pcp(uint16_t tci) { return tci >> 13; }
static inline bool stt_vlan_valid(uint16_t tci) { return (tci & STT_VLAN_V) != 0; }
static inline unsigned stt_vlan_id(uint16_t tci) { return tci & STT_VLAN_ID_MASK; }
static inline uint16_t stt_vlan_tci(unsigned pcp, bool v, unsigned id)
{
	return (uint16_t)(((pcp & 7u) << 13) | (v ? STT_VLAN_V : 0) | (id & STT_VLAN_ID_MASK));
}

/* Decode the STT frame header from the first bytes of a (reassembled)
 * STT frame. Returns 0, or -1 when len < STT_FRAME_HDR_LEN. No field is
 * judged here: checks.h says what is wrong with a header. */
int stt_frame_hdr_decode(const uint8_t *p, size_t len, struct stt_frame_hdr *h);

/* Encode exactly STT_FRAME_HDR_LEN bytes into out. */
void stt_frame_hdr_encode(const struct stt_frame_hdr *h, uint8_t out[STT_FRAME_HDR_LEN]);

/* TCP flag bits (byte 13 of the TCP header). */
#define STT_TCP_FIN 0x01
#define STT_TCP_SYN 0x02
#define STT_TCP_RST 0x04
#define STT_TCP_PSH 0x08
#define STT_TCP_ACK 0x10
#define STT_TCP_URG 0x20
#define STT_TCP_ECE 0x40
#define STT_TCP_CWR 0x80

/* The TCP-like segment header, fields as on the wire. */
struct stt_tcp_hdr {
	uint16_t sport;	 /* stt.stream_id: flow entropy */
	uint16_t dport;	 /* stt.dport */
	uint32_t seq;	 /* frame length << 16 | segment offset */
	uint32_t ack;	 /* stt.pkt_id: frame identifier */
	uint8_t doff;	 /* data offset in 32-bit words (5 for STT) */
	uint8_t rsvd;	 /* the 4 reserved bits (and NS) under data offset */
	uint8_t flags;	 /* STT_TCP_* */
	uint16_t window;
	uint16_t csum;
	uint16_t urg;
};

static inline uint16_t stt_seq_frame_len(uint32_t seq) { return (uint16_t)(seq >> 16); }
static inline uint16_t stt_seq_offset(uint32_t seq) { return (uint16_t)seq; }
static inline uint32_t stt_seq_make(uint16_t frame_len, uint16_t off)
{
	return ((uint32_t)frame_len << 16) | off;
}

/* Decode a TCP header (at least 20 bytes). Returns 0 or -1 if short. */
int stt_tcp_hdr_decode(const uint8_t *p, size_t len, struct stt_tcp_hdr *t);
/* Encode 20 bytes (no options); doff is written as given. */
void stt_tcp_hdr_encode(const struct stt_tcp_hdr *t, uint8_t out[STT_TCP_HDR_LEN]);

/* An IPv4 or IPv6 address. IPv4 lives in a[0..3], the rest zero. */
struct stt_addr {
	uint8_t family; /* 4 or 6; 0 = unset */
	uint8_t a[16];
};

bool stt_addr_eq(const struct stt_addr *x, const struct stt_addr *y);
/* Parse a numeric IPv4 or IPv6 text address. Returns 0 or -1. */
int stt_addr_parse(const char *s, struct stt_addr *out);
/* Format into buf (at least 46 bytes); returns buf. */
char *stt_addr_format(const struct stt_addr *a, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
