/* Receive-side field cases: what must be ignored is ignored, what must be
 * dropped is dropped (and the target answers the next good frame). */
#include <string.h>

#include "active_int.h"
#include "stt/csum.h"
#include "stt/cursor.h"

#define SMALL 320
#define MSS 80

void cf_rx_reserved(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	p->h.reserved = 0xA5;
	cf_probe_rehdr(p);
	cf_send_probe(a, p, 1400);
	cf_expect_delivered(a, "STT-3.1-RSVD-IGNORED", p, "a frame with reserved byte 0xa5");
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	p->h.flags |= 0xF0;
	cf_probe_rehdr(p);
	cf_send_probe(a, p, 1400);
	cf_expect_delivered(a, "STT-3.1-FLAGS-RSVD-IGNORED", p, "a frame with flag bits 0xf0 set");
}

void cf_rx_window_urg(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	p->t.window = 0xFFFF;
	cf_send_probe(a, p, MSS);
	cf_expect_delivered(a, "STT-3.2-WINDOW-IGNORED", p, "segments with window 0xffff");
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	p->t.urg = 0x1234;
	cf_send_probe(a, p, MSS);
	cf_expect_delivered(a, "STT-3.2-URG-IGNORED", p, "segments with urgent pointer 0x1234");
}

void cf_rx_flags(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	p->t.tcp_flags = STT_TCP_URG | STT_TCP_ECE | STT_TCP_CWR; /* and no ACK */
	p->t.last_flags = 0;					/* nor PSH */
	cf_send_probe(a, p, MSS);
	cf_expect_delivered(a, "STT-3.2-FLAGS-OTHER-IGNORED", p,
			    "segments with URG|ECE|CWR set, ACK and PSH clear");
}

void cf_rx_version(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	p->h.version = 1;
	cf_probe_rehdr(p);
	cf_send_probe(a, p, 1400);
	cf_expect_dropped(a, "STT-IMPL-VERSION-DROP", p, "a version 1 frame");
}

void cf_rx_zero_len(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	/* A zero-length segment in the middle must not disturb the frame;
	 * then a frame whose only segment is empty must not be delivered
	 * (nothing to deliver), and the target keeps answering. */
	size_t n = (p->len + MSS - 1) / MSS;
	for (size_t i = 0; i < n; i++) {
		size_t off = i * MSS, len = p->len - off < MSS ? p->len - off : MSS;
		if (i == 2)
			cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off, 0, false, 9);
		cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off, len, i == n - 1,
			    (unsigned)i);
	}
	if (!cf_wait(a, p->seq, a->o->wait_ms)) {
		cf_fail(a, "STT-IMPL-ZERO-LEN-DROP",
			"expected a frame with an extra zero-length segment to be delivered, got no answer");
		return;
	}
	cf_pass(a, "STT-IMPL-ZERO-LEN-DROP", NULL);
}

void cf_rx_out_of_range(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	/* All segments but the last; then the last one claiming 40 bytes
	 * more than the frame has (offset + length > frame length). A
	 * receiver that copies it anyway completes the frame by count. */
	size_t n = (p->len + MSS - 1) / MSS, last_off = (n - 1) * MSS;
	for (size_t i = 0; i + 1 < n; i++)
		cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)(i * MSS), MSS, false,
			    (unsigned)i);
	static uint8_t big[STT_MAX_FRAME_LEN + 64];
	memcpy(big, p->frame, p->len);
	memset(big + p->len, 0, 40);
	uint8_t pkt[2048];
	struct stt_outer_tmpl t = p->t;
	size_t len = p->len - last_off + 40;
	size_t w = stt_segment_write(&t, (uint16_t)(p->len + 40), (uint16_t)last_off, big + last_off,
				     len, true, (unsigned)n - 1, pkt, sizeof(pkt));
	if (!w)
		return;
	/* Put the true frame length back into SEQ, fix the checksum. */
	size_t tcp = stt_outer_hdr_len(&t) - STT_TCP_HDR_LEN;
	stt_put_be16(pkt + tcp + 4, (uint16_t)p->len);
	stt_put_be16(pkt + tcp + 16, 0);
	stt_put_be16(pkt + tcp + 16, stt_csum_l4(&t.src, &t.dst, 6, pkt + tcp, w - tcp));
	cf_send_raw(a, pkt, w);
	cf_expect_dropped(a, "STT-IMPL-RANGE-DROP", p, "a frame whose last segment runs past its end");
}

void cf_rx_short_frame(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	/* Frame length 10: cannot hold the header. */
	cf_send_seg(a, &p->t, p->frame, 10, 0, 10, true, 0);
	if (!cf_ping(a, 56, 1400))
		cf_fail(a, "STT-IMPL-SHORT-FRAME-DROP",
			"expected the target to answer after a 10-byte frame, got no answer");
	else
		cf_pass(a, "STT-IMPL-SHORT-FRAME-DROP", NULL);
}

void cf_rx_len_mismatch(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	/* Segment 3 claims a frame 8 bytes longer: merged by count (OVS
	 * does not check), it completes the frame; a receiver that keeps
	 * frame lengths apart never completes it. */
	size_t n = (p->len + MSS - 1) / MSS;
	for (size_t i = 0; i < n; i++) {
		size_t off = i * MSS, len = p->len - off < MSS ? p->len - off : MSS;
		cf_send_seg(a, &p->t, p->frame, (uint16_t)(i == 3 ? p->len + 8 : p->len),
			    (uint16_t)off, len, i == n - 1, (unsigned)i);
	}
	cf_expect_dropped(a, "STT-IMPL-LEN-MISMATCH-DROP", p,
			  "a frame one of whose segments claims another frame length");
}

void cf_rx_bad_csum(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	uint8_t pkt[2048];
	size_t w = stt_segment_write(&p->t, (uint16_t)p->len, 0, p->frame, p->len, true, 0, pkt,
				     sizeof(pkt));
	if (!w)
		return;
	size_t tcp = stt_outer_hdr_len(&p->t) - STT_TCP_HDR_LEN;
	pkt[tcp + 16] ^= 0x5A;
	cf_send_raw(a, pkt, w);
	cf_expect_dropped(a, "STT-IMPL-CSUM-BAD-DROP", p, "a segment with a wrong TCP checksum");
}

void cf_rx_ack_reuse(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	cf_send_probe(a, p, MSS);
	if (!cf_wait(a, p->seq, a->o->wait_ms)) {
		cf_skip(a, "STT-IMPL-ACK-REUSE-AFTER-COMPLETE", "the first frame was not answered");
		return;
	}
	uint32_t ack = p->t.ack;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	p->t.ack = ack;
	cf_send_probe(a, p, MSS);
	cf_expect_delivered(a, "STT-IMPL-ACK-REUSE-AFTER-COMPLETE", p,
			    "a new frame reusing a completed frame's ack");
}

void cf_rx_unknown_context(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 56) != 0)
		return;
	p->h.context_id = a->o->context ^ 0x5A5A5A5A00000001ull;
	cf_probe_rehdr(p);
	cf_send_probe(a, p, 1400);
	cf_expect_dropped(a, "STT-IMPL-CONTEXT-UNKNOWN-DROP", p, "a frame for an unknown context");
}

void cf_rx_non_ip(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	uint8_t arp[64];
	size_t alen = cf_inner_arp(a, arp);
	memset(&p->h, 0, sizeof(p->h));
	p->h.context_id = a->o->context;
	/* IP-assist fields set on an ARP frame: to be ignored. */
	p->h.flags = STT_F_IPV4 | STT_F_TCP;
	p->h.l4_offset = 34;
	p->len = stt_frame_build(&p->h, arp, alen, p->frame, sizeof(p->frame));
	cf_tmpl(a, &p->t, arp, alen);
	uint64_t before = a->arp_answers;
	cf_send_probe(a, p, 1400);
	cf_wait(a, -1, a->o->wait_ms);
	if (a->arp_answers > before)
		cf_pass(a, "STT-3.1.1-NONIP-IGNORED", "ARP answered");
	else
		cf_fail(a, "STT-3.1.1-NONIP-IGNORED",
			"expected an ARP reply to a request with IPv4/TCP flags and L4 offset 34 set, got none");
}
