/* Receive-side QoS cases: which DSCP model the target decapsulates with
 * (RFC 2983) and the RFC 6040 decapsulation table, read from the DSCP/ECN
 * of the inner target's answers (an ICMP echo reply carries the request's
 * TOS on Linux; stt-recv --echo returns the decapsulated frame itself). */
#include <string.h>

#include "active_int.h"
#include "stt/qos.h"

#define MSS 80

static const char *ecn_name(int e)
{
	static const char *const n[4] = { "Not-ECT", "ECT(1)", "ECT(0)", "CE" };
	return e < 0 ? "drop" : n[e & 3];
}

/* Send p with outer TOS first_tos on the first segment and rest_tos on
 * the others. */
static void send_tos(struct cf_active *a, struct cf_probe *p, uint8_t first_tos, uint8_t rest_tos)
{
	size_t n = (p->len + MSS - 1) / MSS;
	for (size_t i = 0; i < n; i++) {
		struct stt_outer_tmpl t = p->t;
		t.tos = i == 0 ? first_tos : rest_tos;
		size_t off = i * MSS, len = p->len - off < MSS ? p->len - off : MSS;
		cf_send_seg(a, &t, p->frame, (uint16_t)p->len, (uint16_t)off, len, i == n - 1,
			    (unsigned)i);
	}
}

/* The model the answer shows, against the one the target claims
 * (--expect-dscp): the claimed model's requirements fail when the other
 * one shows, and the other one's are not for this target. */
static void judge_dscp(struct cf_active *a, unsigned got)
{
	enum cf_dscp_model want = a->r->expect_dscp;
	enum cf_dscp_model seen = got == 0 ? CF_DSCP_PIPE : CF_DSCP_UNIFORM;
	cf_report_stat(a->r, "rx.dscp_model", "%s", cf_dscp_model_name(seen));
	if (want == CF_DSCP_UNIFORM && seen == CF_DSCP_PIPE) {
		cf_fail(a, "STT-3.3.1-DSCP-UNIFORM-DECAP",
			"expected the uniform model (--expect-dscp uniform): inner DSCP 46 from the outer, got %u (pipe model)",
			got);
		cf_fail(a, "STT-3.3.1-DSCP-FIRST-SEG",
			"expected DSCP 46 of the first segment (--expect-dscp uniform), got %u", got);
		cf_skip(a, "STT-3.3.1-DSCP-PIPE-DECAP", "the target claims the uniform model (--expect-dscp)");
		return;
	}
	if (want == CF_DSCP_PIPE && seen == CF_DSCP_UNIFORM) {
		cf_fail(a, "STT-3.3.1-DSCP-PIPE-DECAP",
			"expected the pipe model (--expect-dscp pipe): inner DSCP 0 kept, got %u (uniform model)",
			got);
		cf_skip(a, "STT-3.3.1-DSCP-UNIFORM-DECAP", "the target claims the pipe model (--expect-dscp)");
		cf_skip(a, "STT-3.3.1-DSCP-FIRST-SEG", "the target claims the pipe model (--expect-dscp)");
		return;
	}
	if (seen == CF_DSCP_PIPE) {
		cf_pass(a, "STT-3.3.1-DSCP-PIPE-DECAP", "pipe model: inner DSCP left at 0");
		cf_skip(a, "STT-3.3.1-DSCP-UNIFORM-DECAP", "the target uses the pipe model");
		cf_skip(a, "STT-3.3.1-DSCP-FIRST-SEG", "the target uses the pipe model");
		return;
	}
	cf_pass(a, "STT-3.3.1-DSCP-UNIFORM-DECAP", "uniform model: inner DSCP set from the outer");
	cf_skip(a, "STT-3.3.1-DSCP-PIPE-DECAP", "the target uses the uniform model");
	if (got == 46)
		cf_pass(a, "STT-3.3.1-DSCP-FIRST-SEG", NULL);
	else
		cf_fail(a, "STT-3.3.1-DSCP-FIRST-SEG",
			"expected DSCP 46 of the first segment, got 10 of a later one");
}

void cf_rx_dscp(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, stt_tos_make(0, 0), 320) != 0)
		return;
	send_tos(a, p, stt_tos_make(46, 0), stt_tos_make(10, 0));
	if (!cf_wait(a, p->seq, a->o->wait_ms)) {
		cf_fail(a, "STT-3.3.1-DSCP-UNIFORM-DECAP",
			"expected an answer to a frame whose segments carry DSCP 46 then 10, got none");
		cf_fail(a, "STT-3.3.1-DSCP-PIPE-DECAP",
			"expected an answer to a frame whose segments carry DSCP 46 then 10, got none");
		return;
	}
	unsigned got = stt_tos_dscp(a->answer_tos[p->seq]);
	cf_skip(a, "STT-3.3.1-DSCP-MODELS",
		"one run sees the model the target is configured with: run again with the other");
	if (got == 0 || got == 46 || got == 10) {
		judge_dscp(a, got);
	} else {
		cf_fail(a, "STT-3.3.1-DSCP-UNIFORM-DECAP",
			"expected inner DSCP 0 (pipe) or 46 (uniform), got %u", got);
		cf_fail(a, "STT-3.3.1-DSCP-PIPE-DECAP",
			"expected inner DSCP 0 (pipe) or 46 (uniform), got %u", got);
	}
	/* An answer whose inner DSCP is 26 under either model (outer and
	 * inner agree): how the target encapsulates it shows its transmit
	 * model to tx.qos, even when its decapsulation kept every inner
	 * DSCP at 0. */
	if (cf_probe_build(a, p, stt_tos_make(26, 0), 56) != 0)
		return;
	send_tos(a, p, stt_tos_make(26, 0), stt_tos_make(26, 0));
	cf_wait(a, p->seq, a->o->wait_ms);
}

void cf_rx_ecn(struct cf_active *a, const struct cf_case *c)
{
	(void)c;
	struct cf_probe *p = &a->scratch;
	static const struct stt_qos normal = { STT_DSCP_PIPE, 0, STT_ECN_NORMAL };
	(void)normal;
	/* Does the answer reflect the inner ECN at all? ECT(0) inside a
	 * Not-ECT outer stays ECT(0) under RFC 6040. */
	if (cf_probe_build(a, p, stt_tos_make(0, STT_ECN_ECT0), 56) != 0)
		return;
	send_tos(a, p, 0, 0);
	bool reflects = cf_wait(a, p->seq, a->o->wait_ms) &&
			stt_tos_ecn(a->answer_tos[p->seq]) == STT_ECN_ECT0;

	unsigned checked = 0, bad = 0;
	char first_bad[160] = "";
	for (int in = 0; in < 4; in++) {
		for (int out = 0; out < 4; out++) {
			int want = stt_ecn_decap((uint8_t)in, (uint8_t)out);
			if (!reflects && want >= 0)
				continue;
			if (cf_probe_build(a, p, stt_tos_make(0, (uint8_t)in), 56) != 0)
				return;
			send_tos(a, p, stt_tos_make(0, (uint8_t)out), stt_tos_make(0, (uint8_t)out));
			bool ans = cf_wait(a, p->seq, want < 0 ? a->o->wait_ms : a->o->wait_ms);
			int got = ans ? stt_tos_ecn(a->answer_tos[p->seq]) : -1;
			checked++;
			if (got != want) {
				if (!bad++)
					snprintf(first_bad, sizeof(first_bad),
						 "inner %s, outer %s: expected %s, got %s%s",
						 ecn_name(in), ecn_name(out), ecn_name(want),
						 ans ? ecn_name(got) : "no answer",
						 want < 0 ? "" : "");
			}
			if (want < 0) {
				if (ans)
					cf_fail(a, "STT-3.3.1-ECN-DECAP-DROP",
						"expected outer CE over a Not-ECT inner packet to be dropped, got it delivered");
				else
					cf_pass(a, "STT-3.3.1-ECN-DECAP-DROP", NULL);
			}
		}
	}
	if (!reflects) {
		cf_skip(a, "STT-3.3.1-ECN-DECAP-TABLE",
			"the inner target's answers do not carry the request's ECN field");
		cf_skip(a, "STT-3.3.1-ECN-ANY-CE",
			"the inner target's answers do not carry the request's ECN field");
	} else {
		if (bad)
			cf_fail(a, "STT-3.3.1-ECN-DECAP-TABLE", "%u of %u cells wrong; first: %s", bad,
				checked, first_bad);
		else
			cf_pass(a, "STT-3.3.1-ECN-DECAP-TABLE", "%u cells as RFC 6040 says", checked);
		/* CE on a later segment only. */
		if (cf_probe_build(a, p, stt_tos_make(0, STT_ECN_ECT0), 320) != 0)
			return;
		send_tos(a, p, stt_tos_make(0, STT_ECN_ECT0), stt_tos_make(0, STT_ECN_CE));
		if (cf_wait(a, p->seq, a->o->wait_ms) &&
		    stt_tos_ecn(a->answer_tos[p->seq]) == STT_ECN_CE)
			cf_pass(a, "STT-3.3.1-ECN-ANY-CE", NULL);
		else
			cf_fail(a, "STT-3.3.1-ECN-ANY-CE",
				"expected CE after CE on a non-first segment, got %s",
				cf_wait(a, p->seq, 1) ? ecn_name(stt_tos_ecn(a->answer_tos[p->seq]))
						      : "no answer");
	}
	if (bad)
		cf_fail(a, "STT-3.3.1-ECN-RFC6040", "%s", first_bad);
	else
		cf_pass(a, "STT-3.3.1-ECN-RFC6040", NULL);
}
