/* Check definitions: the stable names (JSON keys), the requirement each
 * one enforces, its level and a one-line summary. The checks themselves
 * live in checks_segment.c, checks_frame.c and txcheck.c. */
#include <string.h>

#include "stt/checks.h"

#define DEF(id, name, req, lvl, sum) [id] = { id, name, req, lvl, sum }

static const struct stt_check_def defs[STT_CHK__COUNT] = {
	DEF(STT_CHK_TCP_WINDOW_NONZERO, "tcp_window_nonzero", "STT-3.2-WINDOW-ZERO", STT_LVL_SHOULD,
	    "TCP window is not zero"),
	DEF(STT_CHK_TCP_URG_NONZERO, "tcp_urg_nonzero", "STT-3.2-URG-ZERO", STT_LVL_SHOULD,
	    "TCP urgent pointer is not zero"),
	DEF(STT_CHK_TCP_ACK_MISSING, "tcp_ack_missing", "STT-3.2-ACK-FLAG", STT_LVL_SHOULD,
	    "ACK flag not set"),
	DEF(STT_CHK_TCP_PSH_MISSING_LAST, "tcp_psh_missing_last", "STT-3.2-PSH-LAST",
	    STT_LVL_RECOMMENDED, "PSH flag not set on the last segment of a frame"),
	DEF(STT_CHK_TCP_PSH_NOT_LAST, "tcp_psh_not_last", "STT-3.2-PSH-LAST", STT_LVL_RECOMMENDED,
	    "PSH flag set on a segment that is not the last of its frame"),
	DEF(STT_CHK_TCP_FLAGS_OTHER, "tcp_flags_other", "STT-3.2-FLAGS-OTHER-ZERO", STT_LVL_SHOULD,
	    "TCP flags other than ACK/PSH set (SYN, FIN, RST, URG, ECE or CWR)"),
	DEF(STT_CHK_TCP_OPTIONS, "tcp_options", "STT-IMPL-TCP-NO-OPTIONS", STT_LVL_SHOULD,
	    "TCP data offset is not 5 (options present)"),
	DEF(STT_CHK_TCP_CSUM_BAD, "tcp_csum_bad", "STT-3.2-TCP-CSUM", STT_LVL_MUST,
	    "TCP checksum is neither correct nor an offloaded pseudo-header sum"),
	DEF(STT_CHK_SPORT_NOT_EPHEMERAL, "sport_not_ephemeral", "STT-3.2-SPORT-EPHEMERAL",
	    STT_LVL_RECOMMENDED, "source port outside the ephemeral range 49152-65535"),
	DEF(STT_CHK_SEG_ZERO_LEN, "seg_zero_len", "STT-IMPL-SEG-NONEMPTY", STT_LVL_SHOULD,
	    "segment carries no payload"),
	DEF(STT_CHK_SEG_OUT_OF_RANGE, "seg_out_of_range", "STT-3.2-SEQ-OFFSET", STT_LVL_MUST,
	    "segment offset + length exceeds the frame length"),
	DEF(STT_CHK_FRAME_TOO_SHORT, "frame_too_short", "STT-IMPL-FRAME-MIN-LEN", STT_LVL_SHOULD,
	    "frame length cannot hold the 18-byte STT frame header"),
	DEF(STT_CHK_IP_FRAGMENTED, "ip_fragmented", "STT-IMPL-NO-OUTER-FRAG", STT_LVL_SHOULD,
	    "outer IP fragment to the STT port"),
	DEF(STT_CHK_VERSION_NONZERO, "version_nonzero", "STT-3.1-VERSION-ZERO", STT_LVL_MUST,
	    "STT version is not 0"),
	DEF(STT_CHK_FLAGS_RESERVED, "flags_reserved", "STT-3.1-FLAGS-RSVD-ZERO", STT_LVL_MUST,
	    "reserved flag bits (0xF0) set"),
	DEF(STT_CHK_RESERVED_NONZERO, "reserved_nonzero", "STT-3.1-RSVD-ZERO", STT_LVL_MUST,
	    "reserved byte is not zero"),
	DEF(STT_CHK_PADDING_NONZERO, "padding_nonzero", "STT-IMPL-PADDING-ZERO", STT_LVL_SHOULD,
	    "padding is not zero"),
	DEF(STT_CHK_VLAN_ID_WITHOUT_V, "vlan_id_without_v", "STT-IMPL-VLAN-V", STT_LVL_SHOULD,
	    "PCP or VLAN ID non-zero while V is clear"),
	DEF(STT_CHK_CSUM_FLAGS_BOTH, "csum_flags_both", "STT-3.1-CSUM-FLAGS-EXCL", STT_LVL_MUST,
	    "checksum-verified and checksum-partial both set"),
	DEF(STT_CHK_L4OFF_PARTIAL_ZERO, "l4off_partial_zero", "STT-IMPL-L4OFF-PARTIAL",
	    STT_LVL_SHOULD, "checksum-partial set but L4 offset is 0"),
	DEF(STT_CHK_L4OFF_WITHOUT_PARTIAL, "l4off_without_partial", "STT-IMPL-L4OFF-PARTIAL",
	    STT_LVL_SHOULD, "L4 offset non-zero but checksum-partial clear"),
	DEF(STT_CHK_L4OFF_OUTSIDE, "l4off_outside", "STT-3.1-L4OFF", STT_LVL_MUST,
	    "L4 offset points beyond the inner frame"),
	DEF(STT_CHK_L4OFF_MISMATCH, "l4off_mismatch", "STT-3.1-L4OFF", STT_LVL_MUST,
	    "L4 offset disagrees with the inner packet's TCP/UDP header"),
	DEF(STT_CHK_MSS_WITHOUT_PARTIAL, "mss_without_partial", "STT-IMPL-MSS-PARTIAL",
	    STT_LVL_SHOULD, "MSS non-zero but checksum-partial clear"),
	DEF(STT_CHK_TSO_WITHOUT_PARTIAL, "tso_without_partial", "STT-3.1-CSUM-PARTIAL-TSO",
	    STT_LVL_MUST, "inner TCP packet needs segmentation (TSO) but checksum-partial is clear"),
	DEF(STT_CHK_FLAG_IPV4_MISMATCH, "flag_ipv4_mismatch", "STT-3.1-FLAG-IPV4", STT_LVL_MUST,
	    "IPv4 flag disagrees with the inner packet"),
	DEF(STT_CHK_FLAG_TCP_MISMATCH, "flag_tcp_mismatch", "STT-3.1-FLAG-TCP", STT_LVL_MUST,
	    "TCP flag disagrees with the inner packet"),
	DEF(STT_CHK_FLAGS_NON_IP, "flags_non_ip", "STT-3.1.1-NONIP-ZERO", STT_LVL_MUST,
	    "IP-assist fields set for a non-IP payload"),
	DEF(STT_CHK_INNER_TOO_SHORT, "inner_too_short", "STT-3.1-PAYLOAD-ETH", STT_LVL_MUST,
	    "inner frame shorter than an Ethernet header"),
	DEF(STT_CHK_SPORT_VARIED, "sport_varied", "STT-3.2-SPORT-CONST", STT_LVL_MUST,
	    "source port not constant across the segments of a frame"),
	DEF(STT_CHK_FRAME_LEN_MISMATCH, "frame_len_mismatch", "STT-3.2-SEQ-LEN", STT_LVL_MUST,
	    "segment's frame length differs from its frame's"),
	DEF(STT_CHK_OVERLAP_CONFLICT, "overlap_conflict", NULL, STT_LVL_INFO,
	    "overlapping segments with different bytes: frame discarded"),
	DEF(STT_CHK_INCOMPLETE_TIMEOUT, "incomplete_timeout", NULL, STT_LVL_INFO,
	    "incomplete frame expired"),
	DEF(STT_CHK_INCOMPLETE_EOF, "incomplete_eof", NULL, STT_LVL_INFO,
	    "incomplete frame at end of input"),
	DEF(STT_CHK_EVICTED, "evicted", NULL, STT_LVL_INFO,
	    "incomplete frame evicted for memory"),
	DEF(STT_CHK_ACK_REUSED, "ack_reused", "STT-3.2-ACK-UNIQUE", STT_LVL_MUST,
	    "ack (frame id) reused recently for another frame"),
	DEF(STT_CHK_SPORT_FLOW_UNSTABLE, "sport_flow_unstable", "STT-3.2-SPORT-FLOW", STT_LVL_SHOULD,
	    "one inner flow sent with several source ports"),
};

#undef DEF

const struct stt_check_def *stt_check_def(enum stt_check c)
{
	if ((unsigned)c >= STT_CHK__COUNT)
		return NULL;
	return &defs[c];
}

const struct stt_check_def *stt_check_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < STT_CHK__COUNT; i++)
		if (defs[i].name && strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

enum stt_check stt_check_for_drop(enum stt_drop_reason r)
{
	switch (r) {
	case STT_DROP_ZERO_LEN: return STT_CHK_SEG_ZERO_LEN;
	case STT_DROP_OUT_OF_RANGE: return STT_CHK_SEG_OUT_OF_RANGE;
	case STT_DROP_LEN_MISMATCH: return STT_CHK_FRAME_LEN_MISMATCH;
	case STT_DROP_OVERLAP_CONFLICT: return STT_CHK_OVERLAP_CONFLICT;
	case STT_DROP_TOO_SHORT: return STT_CHK_FRAME_TOO_SHORT;
	case STT_DROP_TIMEOUT: return STT_CHK_INCOMPLETE_TIMEOUT;
	case STT_DROP_EVICTED: return STT_CHK_EVICTED;
	case STT_DROP_FLUSHED: return STT_CHK_INCOMPLETE_EOF;
	case STT_DROP_POISONED: /* already reported as overlap_conflict */
	case STT_DROP_NOMEM:
	case STT_DROP__COUNT:
		break;
	}
	return STT_CHK__COUNT;
}
