/* Receive-side reassembly cases: segment order, duplicates, loss,
 * overlaps, interleaving, the largest frame, kernel GSO. */
#include <string.h>

#include "active_int.h"
#include "stt/io.h"
#include "stt/offload.h"

/* Payload giving a frame of about 400 bytes: 5 segments of 80. */
#define SMALL 320
#define MSS 80

void cf_rx_single(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 56) != 0 || cf_send_probe(a, p, 1400) != 0)
		return;
	if (cf_wait(a, p->seq, a->o->wait_ms)) {
		cf_pass(a, "STT-IMPL-DPORT", "answered on port %u", a->o->port);
		cf_pass(a, "STT-3.3-IP-PROTO", NULL);
	} else {
		cf_fail(a, "STT-IMPL-DPORT",
			"expected an answer to a one-segment frame, got none within %u ms "
			"(check --inner-target, --context, --port)",
			a->o->wait_ms);
	}
}

void cf_rx_multi(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0 || cf_send_probe(a, p, MSS) != 0)
		return;
	bool ok = cf_wait(a, p->seq, a->o->wait_ms);
	const char *reqs[] = { "STT-3.2-SEQ-LEN", "STT-3.2-SEQ-OFFSET" };
	for (int i = 0; i < 2; i++) {
		if (ok)
			cf_pass(a, reqs[i], NULL);
		else
			cf_fail(a, reqs[i], "expected a %zu-byte frame in %zu segments to be delivered, got no answer",
				p->len, (p->len + MSS - 1) / MSS);
	}
}

static void send_order(struct cf_active *a, const struct cf_probe *p, size_t mss, const unsigned *order,
		       size_t n)
{
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k], off = i * mss;
		if (off >= p->len)
			continue;
		size_t len = p->len - off < mss ? p->len - off : mss;
		size_t nseg = (p->len + mss - 1) / mss;
		cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off, len, i == nseg - 1,
			    (unsigned)i);
	}
}

void cf_rx_out_of_order(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	static const unsigned reverse[] = { 4, 3, 2, 1, 0 }, shuffled[] = { 2, 0, 4, 1, 3 };
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	send_order(a, p, MSS, reverse, 5);
	if (!cf_wait(a, p->seq, a->o->wait_ms)) {
		cf_fail(a, "STT-IMPL-OUT-OF-ORDER", "expected a frame sent in reverse segment order to be delivered, got no answer");
		return;
	}
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	send_order(a, p, MSS, shuffled, 5);
	cf_expect_delivered(a, "STT-IMPL-OUT-OF-ORDER", p, "a frame sent in shuffled segment order (2,0,4,1,3)");
}

void cf_rx_coalesced(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	/* What GRO hands up: the PSH-marked tail first, then one big
	 * coalesced segment with everything before it. */
	size_t tail = 60;
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)(p->len - tail), tail, true, 1);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, 0, p->len - tail, false, 0);
	cf_expect_delivered(a, "STT-IMPL-OUT-OF-ORDER", p, "a coalesced segment after its tail");
}

void cf_rx_duplicate(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	/* Segments 0,1,2 then 1 and 2 again and an identical overlap of
	 * 1..2: a receiver that counts bytes instead of tracking them thinks
	 * the frame is complete, the Windows datapath defect. Segments 3 and
	 * 4 never come: nothing may be delivered. */
	for (unsigned i = 0; i < 3; i++)
		cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)(i * MSS), MSS, false, i);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, MSS, MSS, false, 1);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, 2 * MSS, MSS, false, 2);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, MSS + 20, MSS, false, 5);
	if (cf_wait(a, p->seq, a->o->wait_ms)) {
		cf_fail(a, "STT-IMPL-DUP-NO-EARLY",
			"expected no delivery of a frame missing its last %zu bytes, got it delivered "
			"after duplicates (seq %u)",
			p->len - 3 * MSS, p->seq);
		return;
	}
	/* Now complete it, with another duplicate in the middle. */
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, 3 * MSS, MSS, false, 3);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, 0, MSS, false, 0);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, 4 * MSS, p->len - 4 * MSS, true, 4);
	cf_expect_delivered(a, "STT-IMPL-DUP-NO-EARLY", p, "the frame once complete (with duplicates)");
}

void cf_rx_interleaved(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	static struct cf_probe p2;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0 || cf_probe_build(a, &p2, 0, SMALL + 40) != 0)
		return;
	for (unsigned i = 0; i < 6; i++) {
		size_t off = i * MSS;
		if (off < p->len)
			cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off,
				    p->len - off < MSS ? p->len - off : MSS, off + MSS >= p->len, i);
		if (off < p2.len)
			cf_send_seg(a, &p2.t, p2.frame, (uint16_t)p2.len, (uint16_t)off,
				    p2.len - off < MSS ? p2.len - off : MSS, off + MSS >= p2.len, i);
	}
	bool one = cf_wait(a, p->seq, a->o->wait_ms), two = cf_wait(a, p2.seq, a->o->wait_ms);
	if (one && two)
		cf_pass(a, "STT-IMPL-REASM-KEY", NULL);
	else
		cf_fail(a, "STT-IMPL-REASM-KEY",
			"expected both interleaved frames (acks 0x%08x, 0x%08x) delivered, got %s",
			p->t.ack, p2.t.ack, one ? "only the first" : two ? "only the second" : "neither");
}

void cf_rx_lost(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	static const unsigned but_two[] = { 0, 1, 3, 4 };
	send_order(a, p, MSS, but_two, 4);
	bool delivered = cf_wait(a, p->seq, a->o->wait_ms);
	if (delivered) {
		/* 3.3.2 allows handing up a partial TCP payload; this is ICMP. */
		cf_fail(a, "STT-IMPL-INCOMPLETE-DROP",
			"expected nothing delivered with segment 2 of 5 lost, got an answer (seq %u)",
			p->seq);
		cf_pass(a, "STT-3.3.2-PARTIAL-DELIVERY", "the target delivered a partial frame");
		return;
	}
	cf_skip(a, "STT-3.3.2-PARTIAL-DELIVERY",
		"the target does not deliver partial frames (allowed: MAY)");
	if (!cf_ping(a, SMALL, MSS))
		cf_fail(a, "STT-IMPL-INCOMPLETE-DROP",
			"expected the next frame to be delivered after a lost segment, got no answer");
	else
		cf_pass(a, "STT-IMPL-INCOMPLETE-DROP", NULL);
}

void cf_rx_overlap_conflict(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, SMALL) != 0)
		return;
	/* Segment 1 arrives twice: first with altered bytes (the ICMP
	 * checksum fails with them), then the original. Keeping the first
	 * copy (OVS) or discarding the frame draws no answer; only a receiver
	 * that let the later, conflicting bytes replace held ones answers. */
	static uint8_t alt[STT_MAX_FRAME_LEN];
	memcpy(alt, p->frame, p->len);
	for (size_t i = MSS; i < 2 * MSS; i++)
		alt[i] ^= 0xA5;
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, 0, MSS, false, 0);
	cf_send_seg(a, &p->t, alt, (uint16_t)p->len, MSS, MSS, false, 1);
	cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, MSS, MSS, false, 1);
	for (unsigned i = 2; i < 5; i++) {
		size_t off = i * MSS;
		cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off,
			    p->len - off < MSS ? p->len - off : MSS, i == 4, i);
	}
	cf_expect_dropped(a, "STT-IMPL-OVERLAP-CONFLICT", p, "a frame with conflicting overlapping bytes");
}

void cf_rx_gso(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	if (!stt_underlay_can_gso(a->u)) {
		cf_skip(a, "STT-3.2-SEQ-OFFSET", "the underlay cannot send GSO super-packets");
		return;
	}
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, 3000) != 0)
		return;
	static uint8_t sp[STT_MAX_FRAME_LEN + 256];
	struct stt_outer_tmpl t = p->t;
	t.csum_mode = STT_CSUM_MODE_PSEUDO;
	size_t n = stt_superpacket_build(&t, p->frame, p->len, sp, sizeof(sp));
	if (!n)
		return;
	size_t hdr = stt_outer_hdr_len(&t);
	struct stt_offload off = {
		.flags = STT_OFF_F_NEEDS_CSUM,
		.gso_type = t.dst.family == 6 ? STT_OFF_GSO_TCPV6 : STT_OFF_GSO_TCPV4,
		.hdr_len = (uint16_t)hdr,
		.gso_size = 1400,
		.csum_start = (uint16_t)(hdr - STT_TCP_HDR_LEN),
		.csum_offset = 16,
	};
	cf_keep(a, sp, n);
	if (stt_underlay_send_gso(a->u, sp, n, &off) != 0) {
		cf_skip(a, "STT-3.2-SEQ-OFFSET", "the kernel refused the GSO super-packet");
		return;
	}
	cf_expect_delivered(a, "STT-3.2-SEQ-OFFSET", p, "a frame segmented by kernel GSO");
}

void cf_rx_largest(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	/* 18 + 14 + 20 + 8 + payload = 65535 */
	if (cf_probe_build(a, p, 0, STT_MAX_FRAME_LEN - 18 - 14 - 28) != 0)
		return;
	if (p->len != STT_MAX_FRAME_LEN)
		return;
	cf_send_probe(a, p, 1400);
	cf_expect_delivered(a, "STT-3.2-SEQ-LEN", p, "a 65535-byte frame");
}
