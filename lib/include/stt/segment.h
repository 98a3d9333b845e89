/* Encapsulation: inner frame -> STT frame -> outer segments.
 *
 * Pure builders. The caller owns every buffer; nothing allocates. One
 * template describes the outer headers shared by all segments of a frame;
 * stt_segment_build() writes segment i of n into a caller buffer. */
#ifndef STT_SEGMENT_H
#define STT_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Build an STT frame (header + inner Ethernet frame) into out.
 * Returns the frame length, or 0 if inner_len > STT_MAX_INNER_LEN or the
 * buffer is too small. */
size_t stt_frame_build(const struct stt_frame_hdr *h, const uint8_t *inner, size_t inner_len,
		       uint8_t *out, size_t cap);

enum stt_csum_mode {
	STT_CSUM_MODE_FULL = 0,	    /* a correct TCP checksum */
	STT_CSUM_MODE_PSEUDO,	    /* pseudo-header sum only, as an offloading sender leaves it */
	STT_CSUM_MODE_ZERO,	    /* zero (e.g. for the kernel to fill in) */
};

/* Outer headers shared by the segments of one frame. */
struct stt_outer_tmpl {
	bool with_eth; /* false: the segment starts at the IP header */
	uint8_t eth_dst[6], eth_src[6];
	uint16_t vlan_tci;   /* 802.1Q tag on the outer frame; used when has_vlan */
	bool has_vlan;
	struct stt_addr src, dst; /* family selects IPv4 / IPv6 */
	uint8_t tos;		  /* DSCP << 2 | ECN */
	uint8_t ttl;		  /* 0 means 64 */
	uint16_t ip_id;		  /* first segment's IPv4 id; +1 per segment */
	bool dont_fragment;
	uint32_t flowlabel;
	uint16_t sport, dport;
	uint32_t ack;	     /* frame identifier */
	uint16_t window;
	uint16_t urg;
	uint8_t tcp_flags;   /* flags on every segment (normally ACK) */
	uint8_t last_flags;  /* extra flags on the last segment (normally PSH) */
	enum stt_csum_mode csum_mode;
};

/* Fill a template with the values STT-NOTES.md recommends: ACK on every
 * segment, PSH on the last, window 0, TTL 64, DF set, full checksums, dport
 * 7471, Ethernet with locally administered zero MACs. */
void stt_outer_tmpl_defaults(struct stt_outer_tmpl *t);

/* Bytes of outer headers (Ethernet/VLAN + IP + TCP) the template produces. */
size_t stt_outer_hdr_len(const struct stt_outer_tmpl *t);

/* Number of segments for a frame of frame_len bytes with payload mss per
 * segment (mss >= 1). A frame of 0 bytes still takes one segment. */
size_t stt_segment_count(size_t frame_len, size_t mss);

/* Write one outer packet carrying frame[off, off+len) of a frame of
 * frame_len bytes. is_last adds t->last_flags. seq = frame_len << 16 | off.
 * ip_id is t->ip_id + index (index given by caller). Returns the packet
 * length, or 0 if cap is too small, len > 65535 or the template's src/dst
 * families are unset or differ. frame_len_field is carried as given, even
 * when off+len exceeds it, so that impairment and fuzzing tools can lie. */
size_t stt_segment_write(const struct stt_outer_tmpl *t, uint16_t frame_len_field, uint16_t off,
			 const uint8_t *payload, size_t len, bool is_last, unsigned index,
			 uint8_t *out, size_t cap);

/* Convenience: segment i of the frame at mss bytes per segment. */
size_t stt_segment_build(const struct stt_outer_tmpl *t, const uint8_t *frame, size_t frame_len,
			 size_t mss, size_t i, uint8_t *out, size_t cap);

/* One "TCP" super-packet carrying the whole frame, for TSO/GSO: seq is
 * frame_len << 16, PSH set (GSO clears it on all but the last), and the
 * checksum per csum_mode (PSEUDO for the kernel to finish). When the
 * packet is too long for the IPv4 total length (or IPv6 payload length)
 * field, 0 is written there, as Linux GSO packets show in captures;
 * stt_outer_parse() reads 0 as "up to the end of the packet". */
size_t stt_superpacket_build(const struct stt_outer_tmpl *t, const uint8_t *frame,
			     size_t frame_len, uint8_t *out, size_t cap);

/* Source port from a hash of the inner flow (IPv4/IPv6 addresses and
 * TCP/UDP ports; Ethernet addresses for non-IP), in 49152-65535. seed
 * varies the hash per endpoint. Same flow -> same port. */
uint16_t stt_flow_sport(const uint8_t *inner, size_t inner_len, uint32_t seed);

#ifdef __cplusplus
}
#endif
#endif
