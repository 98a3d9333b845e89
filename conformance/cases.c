/* The case table: which case checks which requirements.
 *
 * TX cases judge what an implementation transmits: in passive mode over a
 * capture, in active mode over what the target sends back. Their
 * requirements come from the checks they report (stt_check_def()->req_id)
 * plus the ones they judge themselves (listed in reqs).
 *
 * RX cases send crafted traffic to a target (active mode) and judge what it
 * delivers. tests/conform/test_catalogue.c asserts that every requirement
 * has a case and every case a requirement. */
#include <string.h>

#include "conform.h"
#include "active.h"

#define END STT_CHK__COUNT
#define REQS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define CHECKS(...) ((const enum stt_check[]){ __VA_ARGS__, END })

static const struct cf_case cases[] = {
	/* transmit side */
	{ "tx.segment-header", CF_MODE_TX,
	  "TCP-like header of every segment: window, urgent pointer, ACK and other flags, options, checksum, port, IP carriage",
	  REQS("STT-3.3-IP-PROTO", "STT-IMPL-DPORT", "STT-3.4-MULTICAST"),
	  CHECKS(STT_CHK_TCP_WINDOW_NONZERO, STT_CHK_TCP_URG_NONZERO, STT_CHK_TCP_ACK_MISSING,
		 STT_CHK_TCP_FLAGS_OTHER, STT_CHK_TCP_OPTIONS, STT_CHK_TCP_CSUM_BAD,
		 STT_CHK_IP_FRAGMENTED),
	  NULL },
	{ "tx.psh-last", CF_MODE_TX, "PSH on the last segment of each frame and only there", NULL,
	  CHECKS(STT_CHK_TCP_PSH_MISSING_LAST, STT_CHK_TCP_PSH_NOT_LAST), NULL },
	{ "tx.segmentation", CF_MODE_TX,
	  "SEQ carries frame length and offset: segments non-empty, in range, consistent frame length, frame long enough for the header",
	  NULL,
	  CHECKS(STT_CHK_SEG_ZERO_LEN, STT_CHK_SEG_OUT_OF_RANGE, STT_CHK_FRAME_TOO_SHORT,
		 STT_CHK_FRAME_LEN_MISMATCH),
	  NULL },
	{ "tx.ack-id", CF_MODE_TX,
	  "ack (frame identifier) constant within a frame and not reused recently for another frame",
	  REQS("STT-3.2-ACK-CONST"), CHECKS(STT_CHK_ACK_REUSED), NULL },
	{ "tx.source-port", CF_MODE_TX,
	  "source port constant within a frame, stable per inner flow, ephemeral; entropy across flows",
	  NULL, CHECKS(STT_CHK_SPORT_VARIED, STT_CHK_SPORT_FLOW_UNSTABLE, STT_CHK_SPORT_NOT_EPHEMERAL),
	  NULL },
	{ "tx.flow-entropy", CF_MODE_TX,
	  "source ports spread over inner flows: distinct ports and a chi-square test over 80 flows or more (active mode draws answers on 100 inner TCP flows)",
	  REQS("STT-3.2-SPORT-ENTROPY"), NULL, cf_tx_flow_entropy },
	{ "tx.frame-header", CF_MODE_TX,
	  "STT frame header: version, reserved flags and byte, padding, VLAN field, untagged Ethernet payload",
	  NULL,
	  CHECKS(STT_CHK_VERSION_NONZERO, STT_CHK_FLAGS_RESERVED, STT_CHK_RESERVED_NONZERO,
		 STT_CHK_PADDING_NONZERO, STT_CHK_VLAN_ID_WITHOUT_V, STT_CHK_INNER_TOO_SHORT),
	  NULL },
	{ "tx.offload-fields", CF_MODE_TX,
	  "checksum flags, L4 offset, MSS, IPv4/TCP flags agree with the inner packet; non-IP payloads leave them zero",
	  NULL,
	  CHECKS(STT_CHK_CSUM_FLAGS_BOTH, STT_CHK_L4OFF_PARTIAL_ZERO, STT_CHK_L4OFF_WITHOUT_PARTIAL,
		 STT_CHK_L4OFF_OUTSIDE, STT_CHK_L4OFF_MISMATCH, STT_CHK_MSS_WITHOUT_PARTIAL,
		 STT_CHK_TSO_WITHOUT_PARTIAL, STT_CHK_FLAG_IPV4_MISMATCH, STT_CHK_FLAG_TCP_MISMATCH,
		 STT_CHK_FLAGS_NON_IP),
	  NULL },
	{ "tx.qos", CF_MODE_TX,
	  "outer DSCP/ECN against the inner packet's: detect the DSCP model (uniform/pipe) and the RFC 6040 encapsulation mode",
	  REQS("STT-3.3.1-DSCP-UNIFORM-ENCAP", "STT-3.3.1-DSCP-PIPE-ENCAP", "STT-3.3.1-ECN-RFC6040",
	       "STT-3.3.1-ECN-ENCAP-NORMAL", "STT-3.3.1-ECN-ENCAP-COMPAT"),
	  NULL, NULL },

	/* receive side (active mode) */
	{ "rx.single-segment", CF_MODE_RX,
	  "one-segment frame with an ICMP echo request: the inner target answers through the tunnel",
	  REQS("STT-IMPL-DPORT", "STT-3.3-IP-PROTO"), NULL, cf_rx_single },
	{ "rx.multi-segment", CF_MODE_RX, "frame cut into several segments, in order",
	  REQS("STT-3.2-SEQ-LEN", "STT-3.2-SEQ-OFFSET"), NULL, cf_rx_multi },
	{ "rx.out-of-order", CF_MODE_RX, "segments in reverse and shuffled order",
	  REQS("STT-IMPL-OUT-OF-ORDER"), NULL, cf_rx_out_of_order },
	{ "rx.coalesced", CF_MODE_RX,
	  "an LRO/GRO-style coalesced segment followed by the tail, tail first",
	  REQS("STT-IMPL-OUT-OF-ORDER"), NULL, cf_rx_coalesced },
	{ "rx.duplicate", CF_MODE_RX,
	  "duplicated and identically overlapping segments: delivered once, never completed early",
	  REQS("STT-IMPL-DUP-NO-EARLY"), NULL, cf_rx_duplicate },
	{ "rx.interleaved", CF_MODE_RX, "segments of two frames (two acks) interleaved",
	  REQS("STT-IMPL-REASM-KEY"), NULL, cf_rx_interleaved },
	{ "rx.lost-segment", CF_MODE_RX,
	  "one segment missing: nothing delivered, and the next frame still works",
	  REQS("STT-IMPL-INCOMPLETE-DROP", "STT-3.3.2-PARTIAL-DELIVERY"), NULL, cf_rx_lost },
	{ "rx.overlap-conflict", CF_MODE_RX,
	  "overlapping segment with different bytes: the conflicting bytes are never delivered",
	  REQS("STT-IMPL-OVERLAP-CONFLICT"), NULL, cf_rx_overlap_conflict },
	{ "rx.gso", CF_MODE_RX, "a frame segmented by the kernel's GSO from one TSO super-packet",
	  REQS("STT-3.2-SEQ-OFFSET"), NULL, cf_rx_gso },
	{ "rx.largest-frame", CF_MODE_RX, "a frame of 65535 bytes, the largest SEQ can describe",
	  REQS("STT-3.2-SEQ-LEN"), NULL, cf_rx_largest },
	{ "rx.reserved-ignored", CF_MODE_RX,
	  "reserved byte and reserved flag bits set: the frame is still delivered",
	  REQS("STT-3.1-RSVD-IGNORED", "STT-3.1-FLAGS-RSVD-IGNORED"), NULL, cf_rx_reserved },
	{ "rx.window-urg-ignored", CF_MODE_RX, "window and urgent pointer non-zero: still delivered",
	  REQS("STT-3.2-WINDOW-IGNORED", "STT-3.2-URG-IGNORED"), NULL, cf_rx_window_urg },
	{ "rx.flags-ignored", CF_MODE_RX,
	  "URG/ECE/CWR set and ACK clear on the segments: still delivered",
	  REQS("STT-3.2-FLAGS-OTHER-IGNORED"), NULL, cf_rx_flags },
	{ "rx.version-drop", CF_MODE_RX, "STT version 1: not delivered",
	  REQS("STT-IMPL-VERSION-DROP"), NULL, cf_rx_version },
	{ "rx.zero-length", CF_MODE_RX, "a zero-length segment among a frame's segments is dropped",
	  REQS("STT-IMPL-ZERO-LEN-DROP"), NULL, cf_rx_zero_len },
	{ "rx.out-of-range", CF_MODE_RX, "a segment past the frame's end is dropped",
	  REQS("STT-IMPL-RANGE-DROP"), NULL, cf_rx_out_of_range },
	{ "rx.short-frame", CF_MODE_RX, "a frame length below 18 is dropped",
	  REQS("STT-IMPL-SHORT-FRAME-DROP"), NULL, cf_rx_short_frame },
	{ "rx.len-mismatch", CF_MODE_RX,
	  "a segment claiming another frame length is not merged into the frame",
	  REQS("STT-IMPL-LEN-MISMATCH-DROP"), NULL, cf_rx_len_mismatch },
	{ "rx.bad-checksum", CF_MODE_RX, "a segment with a wrong TCP checksum is dropped",
	  REQS("STT-IMPL-CSUM-BAD-DROP"), NULL, cf_rx_bad_csum },
	{ "rx.ack-reuse", CF_MODE_RX, "the ack of a completed frame used again: the new frame is accepted",
	  REQS("STT-IMPL-ACK-REUSE-AFTER-COMPLETE"), NULL, cf_rx_ack_reuse },
	{ "rx.unknown-context", CF_MODE_RX, "a frame for a context the target does not serve is not delivered",
	  REQS("STT-IMPL-CONTEXT-UNKNOWN-DROP"), NULL, cf_rx_unknown_context },
	{ "rx.non-ip", CF_MODE_RX,
	  "ARP request with the IP-assist fields set: still delivered (and answered)",
	  REQS("STT-3.1.1-NONIP-IGNORED"), NULL, cf_rx_non_ip },
	{ "rx.non-stt-tcp", CF_MODE_RX, "a TCP SYN to the STT port from a non-peer draws no RST",
	  REQS("STT-IMPL-NON-STT-NO-RST"), NULL, cf_rx_non_stt },
	{ "rx.dscp", CF_MODE_RX,
	  "outer DSCP differing per segment: detect uniform (first segment's DSCP) or pipe",
	  REQS("STT-3.3.1-DSCP-MODELS", "STT-3.3.1-DSCP-UNIFORM-DECAP", "STT-3.3.1-DSCP-FIRST-SEG",
	       "STT-3.3.1-DSCP-PIPE-DECAP"),
	  NULL, cf_rx_dscp },
	{ "rx.ecn", CF_MODE_RX,
	  "the RFC 6040 decapsulation table, CE on a non-first segment, CE over Not-ECT dropped",
	  REQS("STT-3.3.1-ECN-RFC6040", "STT-3.3.1-ECN-DECAP-TABLE", "STT-3.3.1-ECN-DECAP-DROP",
	       "STT-3.3.1-ECN-ANY-CE"),
	  NULL, cf_rx_ecn },
	{ "rx.timeout", CF_MODE_RX,
	  "reassembly timeout measured: a frame completed after the timeout is not delivered (needs --slow)",
	  REQS("STT-IMPL-REASM-TIMEOUT"), NULL, cf_rx_timeout },
	{ "rx.robustness", CF_MODE_RX,
	  "bursts of malformed segments and a flood of partial frames: the target still answers",
	  REQS("STT-IMPL-REASM-MEMORY"), NULL, cf_rx_robustness },
};

size_t cf_case_count(void)
{
	return sizeof(cases) / sizeof(cases[0]);
}

const struct cf_case *cf_case_at(size_t i)
{
	return i < cf_case_count() ? &cases[i] : NULL;
}

const struct cf_case *cf_case_find(const char *name)
{
	for (size_t i = 0; i < cf_case_count(); i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

const struct stt_requirement *cf_check_requirement(enum stt_check chk)
{
	const struct stt_check_def *d = stt_check_def(chk);
	return d && d->req_id ? stt_requirement_find(d->req_id) : NULL;
}

bool cf_case_has_check(const struct cf_case *c, enum stt_check chk)
{
	for (const enum stt_check *k = c->checks; k && *k != END; k++)
		if (*k == chk)
			return true;
	return false;
}

bool cf_case_covers(const struct cf_case *c, const char *req_id)
{
	for (const char *const *q = c->reqs; q && *q; q++)
		if (!strcmp(*q, req_id))
			return true;
	for (const enum stt_check *k = c->checks; k && *k != END; k++) {
		const struct stt_check_def *d = stt_check_def(*k);
		if (d && d->req_id && !strcmp(d->req_id, req_id))
			return true;
	}
	return false;
}
