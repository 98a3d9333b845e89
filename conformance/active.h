/* Active mode: stt-conform as a peer tunnel endpoint. It sends STT frames
 * over raw sockets (the AF_PACKET underlay of stt/io.h) whose inner packets
 * draw an answer from a host behind the target (ICMP echo, ARP, TCP SYN),
 * and judges the target by what comes back. */
#ifndef STT_CONFORM_ACTIVE_H
#define STT_CONFORM_ACTIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "conform.h"
#include "stt/wire.h"

struct cf_active_opts {
	struct stt_addr target;	      /* the implementation's underlay address */
	struct stt_addr local;	      /* ours (family 0: found by routing) */
	struct stt_addr inner_target; /* host behind the target that answers */
	struct stt_addr inner_src;    /* our inner address (default: inner_target's /24 .200) */
	uint8_t inner_mac[6];	      /* our inner MAC */
	uint64_t context;
	const char *iface;	      /* NULL: the interface holding local */
	uint16_t port;
	unsigned wait_ms;	      /* how long to wait for an answer */
	bool slow;		      /* run cases that take minutes (rx.timeout) */
	const char *keep_pcaps;	      /* directory for per-case captures, or NULL */
	const char *replay;	      /* capture whose STT segments are replayed first */
	const char *glob;	      /* --case */
};

/* Returns 0, or -1 after a one-line error (cannot open the underlay...). */
int cf_active_run(struct cf_report *r, const struct cf_active_opts *o);

struct cf_active;

/* Active part of a TX case (case_tx_entropy.c). */
void cf_tx_flow_entropy(struct cf_active *a, const struct cf_case *c);

/* RX cases (case_rx_*.c). */
void cf_rx_single(struct cf_active *a, const struct cf_case *c);
void cf_rx_multi(struct cf_active *a, const struct cf_case *c);
void cf_rx_out_of_order(struct cf_active *a, const struct cf_case *c);
void cf_rx_coalesced(struct cf_active *a, const struct cf_case *c);
void cf_rx_duplicate(struct cf_active *a, const struct cf_case *c);
void cf_rx_interleaved(struct cf_active *a, const struct cf_case *c);
void cf_rx_lost(struct cf_active *a, const struct cf_case *c);
void cf_rx_overlap_conflict(struct cf_active *a, const struct cf_case *c);
void cf_rx_gso(struct cf_active *a, const struct cf_case *c);
void cf_rx_largest(struct cf_active *a, const struct cf_case *c);
void cf_rx_reserved(struct cf_active *a, const struct cf_case *c);
void cf_rx_window_urg(struct cf_active *a, const struct cf_case *c);
void cf_rx_flags(struct cf_active *a, const struct cf_case *c);
void cf_rx_version(struct cf_active *a, const struct cf_case *c);
void cf_rx_zero_len(struct cf_active *a, const struct cf_case *c);
void cf_rx_out_of_range(struct cf_active *a, const struct cf_case *c);
void cf_rx_short_frame(struct cf_active *a, const struct cf_case *c);
void cf_rx_len_mismatch(struct cf_active *a, const struct cf_case *c);
void cf_rx_bad_csum(struct cf_active *a, const struct cf_case *c);
void cf_rx_ack_reuse(struct cf_active *a, const struct cf_case *c);
void cf_rx_unknown_context(struct cf_active *a, const struct cf_case *c);
void cf_rx_non_ip(struct cf_active *a, const struct cf_case *c);
void cf_rx_non_stt(struct cf_active *a, const struct cf_case *c);
void cf_rx_dscp(struct cf_active *a, const struct cf_case *c);
void cf_rx_ecn(struct cf_active *a, const struct cf_case *c);
void cf_rx_timeout(struct cf_active *a, const struct cf_case *c);
void cf_rx_robustness(struct cf_active *a, const struct cf_case *c);

#endif
