/* Telling STT segments from a real TCP connection on an STT port.
 *
 * STT never opens a connection (draft section 4: no handshake, no state).
 * So a SYN, FIN or RST without payload is a TCP control packet, not an
 * STT segment, and once a client's SYN (SYN without ACK; STT segments
 * always carry ACK) has been seen on a 4-tuple, everything else on it
 * (either direction) belongs to that connection: a service
 * someone runs on 7471, or a scanner. Without this, a decoder reads its
 * sequence numbers as STT frame lengths and offsets and warns about every
 * packet. A capture that starts in the middle of a connection cannot be
 * told apart; its packets are still taken as STT.
 *
 * Bounded: at most STT_TCPCONN_MAX connections are remembered; a new one
 * replaces the one seen least recently among those it collides with.
 * Lookups cost nothing while no SYN has been seen (the usual STT capture).
 * Used by stt-dump, stt-recv and stt-conform's capture analysis, so they
 * agree on what is STT. */
#ifndef STT_TCPCONN_H
#define STT_TCPCONN_H

#include <stdint.h>

#include "stt/outer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STT_TCPCONN_MAX 1024

enum stt_tcp_kind {
	STT_TCP_IS_STT = 0,	/* take it as an STT segment */
	STT_TCP_CONTROL,	/* SYN, FIN or RST without payload */
	STT_TCP_CONNECTION,	/* on a connection whose SYN was seen */
};

struct stt_tcpconn;

struct stt_tcpconn *stt_tcpconn_new(void);
void stt_tcpconn_free(struct stt_tcpconn *t);

/* Classify a parsed TCP packet (o from stt_outer_parse) and remember a
 * connection it opens. pktno is the caller's packet number; for
 * STT_TCP_CONNECTION, *opened_at (when not NULL) is the number of the
 * packet whose SYN opened it. */
enum stt_tcp_kind stt_tcpconn_classify(struct stt_tcpconn *t, const struct stt_outer *o,
				       uint64_t pktno, uint64_t *opened_at);

#ifdef __cplusplus
}
#endif

#endif
