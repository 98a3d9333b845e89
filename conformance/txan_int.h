/* Transmit-side analysis internals shared by txan*.c. */
#ifndef STT_CONFORM_TXAN_INT_H
#define STT_CONFORM_TXAN_INT_H

#include "conform.h"
#include "stt/inner.h"
#include "stt/reasm.h"
#include "stt/tcpconn.h"
#include "stt/wire.h"

enum scope {
	SC_SEGMENT = 0, /* every STT segment */
	SC_FRAME,	/* every reassembled frame */
	SC_FRAME_IP,	/* frames with an IPv4/IPv6 inner packet */
	SC_FRAME_TCP,	/* frames with an inner TCP packet */
	SC_FRAME_NONIP, /* frames with a non-IP inner payload */
	SC_MULTISEG,	/* frames of two segments or more */
	SC_SENDER_MULTI, /* second and later frames of one sender */
	SC_FLOW_MULTI,	/* second and later frames of one inner flow */
	SC__COUNT
};

#define FLOW_KEY_LEN 40
#define MAX_FLOWS 65536 /* a power of two; flows beyond it are not tracked */
#define MAX_SENDERS 256
#define MAX_INCOMPLETE 1024
#define MAX_RANGES 64

struct flow {
	uint8_t key[FLOW_KEY_LEN];
	bool used;
	uint16_t sport; /* of the flow's first frame */
	uint64_t frames;
};

/* One tunnel direction (outer source, destination, port) and what its
 * frames say about its DSCP and ECN encapsulation. */
struct sender {
	struct stt_addr src, dst;
	uint16_t dport;
	uint64_t frames, ip_frames;
	uint64_t dscp_equal, dscp_differ;
	uint64_t outer_dscps, inner_dscps; /* bitmaps of DSCP values seen */
	uint32_t dscp_first_differ_pkt;
	uint8_t dscp_first_differ_in, dscp_first_differ_out;
	uint64_t ecn_normal, ecn_compat, ecn_ovs_ce, ecn_bad, ecn_ect_frames;
	uint32_t ecn_bad_pkt, ecn_ovs_pkt;
	uint8_t ecn_bad_in, ecn_bad_out;
};

/* An incomplete frame given up at the end (or on timeout): kept to spot
 * one frame's segments sent under several acks. */
struct incomplete {
	struct stt_addr src, dst;
	uint16_t dport, sport, frame_len;
	uint32_t ack, first_pkt;
	unsigned n_ranges;
	uint16_t off[MAX_RANGES], len[MAX_RANGES];
};

struct cf_txan {
	struct cf_report *r;
	uint16_t port;
	struct stt_reasm *ra;
	struct stt_tcpconn *conns; /* real TCP connections on the port: not STT */
	struct stt_txcheck *tx;
	uint64_t scope_n[SC__COUNT];
	uint64_t packets, stt_segments, truncated, fragments, malformed, multicast;
	uint64_t not_stt_on_port; /* TCP control packets and connections */
	uint64_t diag[STT_CHK__COUNT];
	const struct stt_outer *cur; /* segment being checked, for OVS deviations */
	enum stt_check last_chk;
	uint32_t last_cookie;
	struct flow *flows;
	uint64_t n_flows;
	bool flows_full;
	struct sender senders[MAX_SENDERS];
	size_t n_senders;
	struct incomplete *inc;
	size_t n_inc;
	cf_frame_hook hook;
	void *hook_ctx;
	bool accept_reversed;
	uint64_t reversed_seen;
};

/* txan_flows.c: inner flows and the source-port spread across them */
void cf_flow_add(struct cf_txan *t, const struct stt_inner *in, uint16_t sport);
void cf_sport_stats(struct cf_txan *t);
/* txan_qos.c: DSCP model and ECN encapsulation mode per sender */
void cf_qos_frame(struct sender *s, const struct stt_reasm_frame *f, const struct stt_inner *in,
		  uint32_t pkt);
void cf_qos_finish(struct cf_txan *t);
/* txan_ackconst.c: one frame's segments sent under several acks */
void cf_ack_const_finish(struct cf_txan *t);

#endif
