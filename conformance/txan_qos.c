/* The DSCP model (RFC 2983) and the ECN encapsulation mode (RFC 6040)
 * a sender uses, from the outer TOS of each frame's first segment against
 * the inner packet's. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conform.h"
#include "stt/cursor.h"
#include "stt/qos.h"
#include "txan_int.h"

/* Compare the outer DSCP/ECN of a frame's first segment with the inner
 * packet's, for the model detection in qos_finish(). */
void cf_qos_frame(struct sender *s, const struct stt_reasm_frame *f, const struct stt_inner *in,
		      uint32_t pkt)
{
	if (!(in->is_ipv4 || in->is_ipv6) || in->l3_truncated || !f->have_first_tos)
		return;
	s->ip_frames++;
	uint8_t idscp = stt_tos_dscp(in->tos), odscp = stt_tos_dscp(f->first_tos);
	uint8_t iecn = stt_tos_ecn(in->tos), oecn = stt_tos_ecn(f->first_tos);
	s->outer_dscps |= 1ull << odscp;
	s->inner_dscps |= 1ull << idscp;
	if (idscp == odscp) {
		s->dscp_equal++;
	} else {
		if (!s->dscp_differ++) {
			s->dscp_first_differ_pkt = pkt;
			s->dscp_first_differ_in = idscp;
			s->dscp_first_differ_out = odscp;
		}
	}
	if (iecn == STT_ECN_NOT_ECT) {
		/* Both modes leave the outer Not-ECT for a Not-ECT packet. */
		if (oecn != STT_ECN_NOT_ECT && !s->ecn_bad++) {
			s->ecn_bad_pkt = pkt;
			s->ecn_bad_in = iecn;
			s->ecn_bad_out = oecn;
		}
		return;
	}
	s->ecn_ect_frames++;
	if (oecn == iecn)
		s->ecn_normal++;
	else if (oecn == STT_ECN_NOT_ECT)
		s->ecn_compat++;
	else if (iecn == STT_ECN_CE && oecn == STT_ECN_ECT0) {
		/* RFC 3168 full functionality, what Linux and OVS do. */
		if (!s->ecn_ovs_ce++)
			s->ecn_ovs_pkt = pkt;
	} else if (!s->ecn_bad++) {
		s->ecn_bad_pkt = pkt;
		s->ecn_bad_in = iecn;
		s->ecn_bad_out = oecn;
	}
}

static const char *ecn_name(uint8_t e)
{
	static const char *const n[4] = { "Not-ECT", "ECT(1)", "ECT(0)", "CE" };
	return n[e & 3];
}

/* DSCP model and ECN mode per sender; violations when neither model nor
 * mode explains what was sent. */
void cf_qos_finish(struct cf_txan *t)
{
	struct cf_report *r = t->r;
	uint64_t uniform = 0, pipe = 0, ambiguous = 0, ip = 0, ecn_frames = 0;
	uint64_t normal = 0, compat = 0;
	char a[48], b[48];
	for (size_t i = 0; i < t->n_senders; i++) {
		struct sender *s = &t->senders[i];
		if (!s->ip_frames)
			continue;
		ip += s->ip_frames;
		stt_addr_format(&s->src, a, sizeof(a));
		stt_addr_format(&s->dst, b, sizeof(b));
		bool one_outer = __builtin_popcountll(s->outer_dscps) == 1;
		bool one_inner = __builtin_popcountll(s->inner_dscps) == 1;
		if (!s->dscp_differ && one_inner) {
			ambiguous++;
		} else if (!s->dscp_differ) {
			uniform++;
			if (r->expect_dscp == CF_DSCP_PIPE)
				cf_report_violation(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "tx.qos", false,
						    "expected the pipe model (--expect-dscp pipe): one outer DSCP, "
						    "got the outer DSCP following the inner (uniform model, %s > %s)",
						    a, b);
			cf_report_note_pass(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP",
					    "uniform model: outer DSCP follows the inner (%s > %s)", a,
					    b);
		} else if (one_outer) {
			pipe++;
			if (r->expect_dscp == CF_DSCP_UNIFORM)
				cf_report_violation(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "tx.qos", false,
						    "expected the uniform model (--expect-dscp uniform): outer DSCP = inner, "
						    "got outer %u for inner %u (packet %u; pipe model)",
						    s->dscp_first_differ_out, s->dscp_first_differ_in,
						    s->dscp_first_differ_pkt);
			cf_report_note_pass(r, "STT-3.3.1-DSCP-PIPE-ENCAP",
					    "pipe model: outer DSCP %d whatever the inner (%s > %s)",
					    __builtin_ctzll(s->outer_dscps), a, b);
		} else {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "expected outer DSCP = inner DSCP (uniform) or one constant (pipe), "
				 "got outer %u for inner %u (packet %u)",
				 s->dscp_first_differ_out, s->dscp_first_differ_in,
				 s->dscp_first_differ_pkt);
			cf_report_violation(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "tx.qos", false, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "tx.qos", false, "%s", msg);
		}
		ecn_frames += s->ecn_ect_frames;
		normal += s->ecn_normal;
		compat += s->ecn_compat;
		if (s->ecn_bad) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "expected outer ECN = inner (normal) or Not-ECT (compatibility), "
				 "got %s for inner %s (packet %u)",
				 ecn_name(s->ecn_bad_out), ecn_name(s->ecn_bad_in), s->ecn_bad_pkt);
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "tx.qos", false, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "tx.qos", false, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-ECN-RFC6040", "tx.qos", false, "%s", msg);
		}
		if (s->ecn_ovs_ce) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "expected outer CE for inner CE (normal mode), got ECT(0) as RFC 3168, "
				 "Linux and OVS do (packet %u)",
				 s->ecn_ovs_pkt);
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "tx.qos", true, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-ECN-RFC6040", "tx.qos", true, "%s", msg);
		}
	}
	/* A claimed model: the other model's requirement is not this
	 * target's, and what was sent under it counts against the claim. */
	if (r->expect_dscp == CF_DSCP_UNIFORM) {
		cf_report_exercise(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", uniform + pipe);
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP",
				      "the target claims the uniform model (--expect-dscp)");
	} else if (r->expect_dscp == CF_DSCP_PIPE) {
		cf_report_exercise(r, "STT-3.3.1-DSCP-PIPE-ENCAP", uniform + pipe);
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP",
				      "the target claims the pipe model (--expect-dscp)");
	} else {
		cf_report_exercise(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", uniform);
		cf_report_exercise(r, "STT-3.3.1-DSCP-PIPE-ENCAP", pipe);
	}
	if (ambiguous && !uniform && !pipe) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP",
				      "inner DSCP never varied: cannot tell uniform from pipe");
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP",
				      "inner DSCP never varied: cannot tell uniform from pipe");
	} else if (uniform && !pipe) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "the sender uses the uniform model");
	} else if (pipe && !uniform) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "the sender uses the pipe model");
	}
	if (!ip) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "no frame with an inner IP packet");
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "no frame with an inner IP packet");
	}
	/* ECN: only ECN-capable inner packets tell the modes apart. */
	cf_report_exercise(r, "STT-3.3.1-ECN-RFC6040", ip);
	if (r->expect_ecn == CF_ECN_NORMAL) {
		cf_report_exercise(r, "STT-3.3.1-ECN-ENCAP-NORMAL", normal + compat);
		if (compat)
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "tx.qos", false,
					    "expected normal mode (--expect-ecn normal): outer ECN = inner, "
					    "got Not-ECT for %llu ECN-capable frames (compatibility mode)",
					    (unsigned long long)compat);
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-COMPAT",
				      "the target claims normal mode (--expect-ecn)");
	} else if (r->expect_ecn == CF_ECN_COMPAT) {
		cf_report_exercise(r, "STT-3.3.1-ECN-ENCAP-COMPAT", normal + compat);
		if (normal)
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "tx.qos", false,
					    "expected compatibility mode (--expect-ecn compat): outer Not-ECT, "
					    "got the inner ECN copied for %llu ECN-capable frames (normal mode)",
					    (unsigned long long)normal);
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-NORMAL",
				      "the target claims compatibility mode (--expect-ecn)");
	} else {
		cf_report_exercise(r, "STT-3.3.1-ECN-ENCAP-NORMAL", normal);
		cf_report_exercise(r, "STT-3.3.1-ECN-ENCAP-COMPAT", compat);
	}
	if (normal && !compat)
		cf_report_note_pass(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "normal mode detected (%llu ECN-capable frames)",
				    (unsigned long long)normal);
	if (compat && !normal)
		cf_report_note_pass(r, "STT-3.3.1-ECN-ENCAP-COMPAT",
				    "compatibility mode detected (%llu ECN-capable frames)",
				    (unsigned long long)compat);
	if (normal && !compat)
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "the sender uses normal mode");
	if (compat && !normal)
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "the sender uses compatibility mode");
	if (!ecn_frames) {
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "no ECN-capable inner packet");
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "no ECN-capable inner packet");
	}
	if (uniform + pipe + ambiguous)
		cf_report_stat(r, "tx.dscp_model", "%s",
			       uniform && pipe ? "mixed (per sender)"
			       : uniform       ? "uniform"
			       : pipe	       ? "pipe"
					       : "undetermined (inner DSCP constant)");
	if (ecn_frames)
		cf_report_stat(r, "tx.ecn_mode", "%s",
			       normal && compat ? "mixed"
			       : normal		? "normal"
			       : compat		? "compatibility"
						: "none");
}
