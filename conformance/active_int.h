/* Active mode internals shared by active.c and the case_rx_*.c files. */
#ifndef STT_CONFORM_ACTIVE_INT_H
#define STT_CONFORM_ACTIVE_INT_H

#include <stdarg.h>

#include "active.h"
#include "stt/capture.h"
#include "stt/inner.h"
#include "stt/io.h" /* stt_io_now_ns */
#include "stt/segment.h"
#include "stt/wire.h"

/* One probe: an STT frame around an ICMP echo request with a unique
 * sequence number, and the outer template its segments share. */
struct cf_probe {
	uint16_t seq;
	struct stt_frame_hdr h;
	struct stt_outer_tmpl t;
	uint8_t frame[STT_MAX_FRAME_LEN];
	size_t len;
};

#define CF_ENTROPY_FLOWS 100 /* inner flows tx.flow-entropy draws answers on */

struct cf_active {
	struct cf_report *r;
	const struct cf_active_opts *o;
	struct stt_underlay *u;
	struct cf_txan *tx;
	struct stt_capw *keep;
	char ifname[64];
	uint8_t mac[6], target_mac[6], inner_dst_mac[6];
	struct stt_addr local, inner_src;
	uint32_t ack;
	uint16_t icmp_id, next_seq, ip_id, syn_port;
	uint8_t answered[65536];
	uint8_t answer_tos[65536];
	uint64_t arp_answers, arp_replies_sent, frames_from_target, saw_rst, send_errors;
	uint32_t rx_pkt;
	bool baseline, replay_failed, case_failed;
	const char *cur_case;
	struct cf_probe scratch;
	/* tx.flow-entropy: our inner TCP source ports flow_base + i, and
	 * which of those flows came back */
	uint16_t flow_base;
	uint8_t flow_answered[CF_ENTROPY_FLOWS];
	unsigned flows_answered;
};

bool cf_wait(struct cf_active *a, int seq, unsigned ms);
int cf_send_raw(struct cf_active *a, const uint8_t *pkt, size_t len);
/* Record a packet in the case's --keep-pcaps capture. */
void cf_keep(struct cf_active *a, const uint8_t *pkt, size_t len);
size_t cf_inner_arp(struct cf_active *a, uint8_t *b);
void cf_tmpl(struct cf_active *a, struct stt_outer_tmpl *t, const uint8_t *inner, size_t ilen);
int cf_probe_build(struct cf_active *a, struct cf_probe *p, uint8_t tos, size_t payload);
void cf_probe_rehdr(struct cf_probe *p);
int cf_send_seg(struct cf_active *a, const struct stt_outer_tmpl *t, const uint8_t *frame,
		uint16_t flen_field, uint16_t off, size_t len, bool last, unsigned idx);
int cf_send_probe(struct cf_active *a, const struct cf_probe *p, size_t mss);
bool cf_ping(struct cf_active *a, size_t payload, size_t mss);
/* A frame of the target on one of tx.flow-entropy's flows: count it. */
bool cf_flow_answer(struct cf_active *a, const struct stt_inner *in);

void cf_pass(struct cf_active *a, const char *req, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cf_fail(struct cf_active *a, const char *req, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cf_skip(struct cf_active *a, const char *req, const char *why);
void cf_expect_dropped(struct cf_active *a, const char *req, const struct cf_probe *bad,
		       const char *what);
void cf_expect_delivered(struct cf_active *a, const char *req, const struct cf_probe *p,
			 const char *what);

#endif
