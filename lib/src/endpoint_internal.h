/* Helpers shared by the endpoint's files; not part of the public API. */
#ifndef STT_ENDPOINT_INTERNAL_H
#define STT_ENDPOINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/offload.h"

/* What the endpoint needs to know about an inner Ethernet frame: far less
 * than stt/inner.h decodes, and on the hot path. */
struct stt_ep_inner {
	size_t l3_off;	   /* 0 when not IP */
	bool is_ipv4, is_ipv6;
	uint8_t tos;
	uint8_t l4_proto;  /* 0 when unknown (fragment, truncated) */
	size_t l4_off;	   /* 0 when unknown */
	size_t tcp_hdr_len; /* when l4_proto is TCP and the header is present */
};

void stt_ep_inner_parse(const uint8_t *f, size_t len, struct stt_ep_inner *in);

/* Rewrite the inner IPv4 TOS (header checksum updated incrementally, RFC
 * 1624) or IPv6 traffic class. f must hold the header (parse said so). */
void stt_ep_inner_set_tos(uint8_t *f, size_t len, const struct stt_ep_inner *in, uint8_t tos);

/* Split an inner TCP super-frame (offload GSO TCPV4/TCPV6 with a partial
 * checksum) into pieces of at most max_len bytes whose payloads are whole
 * multiples of the GSO size, each a valid super-frame of its own (IP
 * lengths, IPv4 id and header checksum, TCP seq, PSH/FIN/CWR and the
 * partial checksum fixed). emit is called per piece with a scratch buffer.
 * Returns the number of pieces, or -1 when the frame is not such a
 * super-frame. */
typedef int (*stt_ep_piece_fn)(void *ctx, const uint8_t *piece, size_t len,
			       const struct stt_offload *off);
int stt_ep_split_tso(const uint8_t *f, size_t len, const struct stt_offload *off, size_t max_len,
		     uint8_t *scratch, size_t scratch_cap, stt_ep_piece_fn emit, void *ctx);

#endif
