/* The requirement catalogue: every normative statement of
 * draft-davie-stt-02 sections 3.1-3.4, the RFC 6040 / RFC 2983 rules that
 * section 3.3.1 invokes, and the receive behaviours of the deployed
 * implementations (STT-NOTES.md) that a conformance run checks.
 *
 * IDs are stable: conformance cases and JSON reports refer to them. Add new
 * entries; never rename or renumber. Rules that are not in the draft's text
 * carry section "impl" and level SHOULD. docs/requirements.md is the
 * human-readable copy (test_checks verifies it lists every ID). */
#include <string.h>

#include "stt/checks.h"

#define TX STT_SIDE_TX
#define RX STT_SIDE_RX

static const struct stt_requirement requirements[] = {
	/* 3.1 STT frame format */
	{ "STT-3.1-VERSION-ZERO", "3.1", STT_LVL_MUST, TX,
	  "The Version field is 0, the only version defined (\"currently 0\")" },
	{ "STT-3.1-RSVD-ZERO", "3.1", STT_LVL_MUST, TX,
	  "The Reserved byte MUST be zero on transmission" },
	{ "STT-3.1-RSVD-IGNORED", "3.1", STT_LVL_MUST, RX,
	  "The Reserved byte MUST be ignored on receipt (a frame with it non-zero is delivered)" },
	{ "STT-3.1-CSUM-PARTIAL-TSO", "3.1", STT_LVL_MUST, TX,
	  "The checksum-partial flag (0x02) MUST be set if the sender used TSO" },
	{ "STT-3.1-CSUM-FLAGS-EXCL", "3.1", STT_LVL_MUST, TX,
	  "Checksum-verified (0x01) and checksum-partial (0x02) cannot both be set" },
	{ "STT-3.1-FLAG-IPV4", "3.1", STT_LVL_MUST, TX,
	  "Flag 0x04 is set if the encapsulated packet is IPv4 and clear if it is IPv6" },
	{ "STT-3.1-FLAG-TCP", "3.1", STT_LVL_MUST, TX,
	  "Flag 0x08 is set if the encapsulated packet is TCP, clear otherwise (UDP, ICMP...)" },
	{ "STT-3.1-FLAGS-RSVD-ZERO", "3.1", STT_LVL_MUST, TX,
	  "Flag bits 4-7 (0xF0) MUST be zero on transmission" },
	{ "STT-3.1-FLAGS-RSVD-IGNORED", "3.1", STT_LVL_MUST, RX,
	  "Flag bits 4-7 (0xF0) MUST be ignored on receipt (a frame with them set is delivered)" },
	{ "STT-3.1-L4OFF", "3.1", STT_LVL_MUST, TX,
	  "L4 Offset locates the encapsulated TCP/UDP header (counted from the start of the inner Ethernet frame, as deployed; see STT-NOTES.md)" },
	{ "STT-3.1-PAYLOAD-ETH", "3.1", STT_LVL_MUST, TX,
	  "The payload of the STT frame is an untagged Ethernet frame (at least a 14-byte Ethernet header); a VLAN travels in the header's PCP/V/VLAN ID field" },
	{ "STT-3.1.1-NONIP-ZERO", "3.1.1", STT_LVL_MUST, TX,
	  "For non-IP payloads the IP-assist fields (flags 0x04/0x08, L4 Offset, checksum flags, MSS) MUST be set to zero" },
	{ "STT-3.1.1-NONIP-IGNORED", "3.1.1", STT_LVL_MUST, RX,
	  "For non-IP payloads the IP-assist fields MUST be ignored on receipt (an ARP frame with them set is still delivered)" },

	/* 3.2 usage of the TCP header */
	{ "STT-3.2-SPORT-CONST", "3.2", STT_LVL_MUST, TX,
	  "The source port MUST be constant for all segments of one STT frame" },
	{ "STT-3.2-SPORT-FLOW", "3.2", STT_LVL_SHOULD, TX,
	  "The source port SHOULD be the same for all frames of one inner flow" },
	{ "STT-3.2-SPORT-ENTROPY", "3.2", STT_LVL_SHOULD, TX,
	  "The source port SHOULD spread different inner flows evenly over the port range (the draft: \"a random distribution of source port numbers\", e.g. a hash of the inner addresses and ports), for ECMP" },
	{ "STT-3.2-SPORT-EPHEMERAL", "3.2", STT_LVL_RECOMMENDED, TX,
	  "The source port is RECOMMENDED to be in the ephemeral range 49152-65535" },
	{ "STT-3.2-ACK-CONST", "3.2", STT_LVL_MUST, TX,
	  "The acknowledgment number (frame identifier) MUST be constant for all segments of one frame" },
	{ "STT-3.2-ACK-UNIQUE", "3.2", STT_LVL_MUST, TX,
	  "The acknowledgment number MUST differ from any value used recently for other frames on this tunnel" },
	{ "STT-3.2-SEQ-LEN", "3.2", STT_LVL_MUST, TX,
	  "The upper 16 bits of SEQ carry the STT frame length, the same in every segment of the frame" },
	{ "STT-3.2-SEQ-OFFSET", "3.2", STT_LVL_MUST, TX,
	  "The lower 16 bits of SEQ carry the segment's byte offset within the STT frame (offset + length <= frame length)" },
	{ "STT-3.2-WINDOW-ZERO", "3.2", STT_LVL_SHOULD, TX,
	  "The Window field SHOULD be zero on transmit" },
	{ "STT-3.2-WINDOW-IGNORED", "3.2", STT_LVL_SHOULD, RX,
	  "The Window field SHOULD be ignored on receipt" },
	{ "STT-3.2-URG-ZERO", "3.2", STT_LVL_SHOULD, TX,
	  "The Urgent Pointer SHOULD be zero on transmit" },
	{ "STT-3.2-URG-IGNORED", "3.2", STT_LVL_SHOULD, RX,
	  "The Urgent Pointer SHOULD be ignored on receipt" },
	{ "STT-3.2-PSH-LAST", "3.2", STT_LVL_RECOMMENDED, TX,
	  "PSH is RECOMMENDED on the last segment of a frame (and only there)" },
	{ "STT-3.2-ACK-FLAG", "3.2", STT_LVL_SHOULD, TX,
	  "The ACK flag SHOULD be set on every segment" },
	{ "STT-3.2-FLAGS-OTHER-ZERO", "3.2", STT_LVL_SHOULD, TX,
	  "TCP flags other than ACK and PSH (SYN, FIN, RST, URG, ECE, CWR) SHOULD be zero on transmit" },
	{ "STT-3.2-FLAGS-OTHER-IGNORED", "3.2", STT_LVL_SHOULD, RX,
	  "TCP flags other than ACK and PSH SHOULD be ignored on receipt" },
	{ "STT-3.2-TCP-CSUM", "3.2", STT_LVL_MUST, TX,
	  "Fields after ACK keep their TCP meaning: the checksum is the ordinary TCP checksum (a pseudo-header-only value is tolerated as offloaded)" },

	/* 3.3 encapsulation in IP */
	{ "STT-3.3-IP-PROTO", "3.3", STT_LVL_MUST, TX,
	  "STT segments are carried with IPv4 protocol / IPv6 next header 6 (TCP)" },
	{ "STT-3.3.1-DSCP-MODELS", "3.3.1", STT_LVL_SHOULD, TX | RX,
	  "Both the RFC 2983 uniform and pipe DSCP models SHOULD be supported" },
	{ "STT-3.3.1-DSCP-UNIFORM-ENCAP", "RFC2983", STT_LVL_SHOULD, TX,
	  "Uniform model: the inner DSCP is copied to the outer header at encapsulation" },
	{ "STT-3.3.1-DSCP-UNIFORM-DECAP", "RFC2983", STT_LVL_SHOULD, RX,
	  "Uniform model: the outer DSCP is copied back to the inner header at decapsulation" },
	{ "STT-3.3.1-DSCP-FIRST-SEG", "3.3.1", STT_LVL_RECOMMENDED, RX,
	  "Uniform model: the DSCP of the frame's first segment is RECOMMENDED for the decapsulated packet" },
	{ "STT-3.3.1-DSCP-PIPE-ENCAP", "RFC2983", STT_LVL_SHOULD, TX,
	  "Pipe model: the outer DSCP is set by local policy, independent of the inner DSCP" },
	{ "STT-3.3.1-DSCP-PIPE-DECAP", "RFC2983", STT_LVL_SHOULD, RX,
	  "Pipe model: the inner DSCP is left unchanged at decapsulation" },
	{ "STT-3.3.1-ECN-RFC6040", "3.3.1", STT_LVL_SHOULD, TX | RX,
	  "RFC 6040 ECN behaviour SHOULD be followed" },
	{ "STT-3.3.1-ECN-ENCAP-NORMAL", "RFC6040-4.1", STT_LVL_MUST, TX,
	  "Normal mode encapsulation: the outer ECN field is a copy of the inner one (CE copied as CE)" },
	{ "STT-3.3.1-ECN-ENCAP-COMPAT", "RFC6040-4.1", STT_LVL_MUST, TX,
	  "Compatibility mode encapsulation: the outer ECN field is Not-ECT" },
	{ "STT-3.3.1-ECN-DECAP-TABLE", "RFC6040-4.2", STT_LVL_MUST, RX,
	  "Decapsulation sets the inner ECN per the RFC 6040 table (inner row x outer column)" },
	{ "STT-3.3.1-ECN-DECAP-DROP", "RFC6040-4.2", STT_LVL_MUST, RX,
	  "Outer CE over a Not-ECT inner packet: the frame is dropped" },
	{ "STT-3.3.1-ECN-ANY-CE", "3.3.1", STT_LVL_RECOMMENDED, RX,
	  "CE on any segment of a frame counts as CE for the frame at decapsulation" },
	{ "STT-3.3.2-PARTIAL-DELIVERY", "3.3.2", STT_LVL_MAY, RX,
	  "A receiving endpoint is not required to deliver only complete frames: it MAY hand a partial TCP payload up (deployed implementations do not; see STT-IMPL-INCOMPLETE-DROP)" },
	{ "STT-3.4-MULTICAST", "3.4", STT_LVL_MAY, TX | RX,
	  "A tunnel MAY use an IP multicast destination address (point-to-multipoint)" },

	/* behaviours of the deployed implementations (STT-NOTES.md) */
	{ "STT-IMPL-DPORT", "impl", STT_LVL_SHOULD, TX | RX,
	  "The destination port is 7471 unless configured otherwise" },
	{ "STT-IMPL-TCP-NO-OPTIONS", "impl", STT_LVL_SHOULD, TX,
	  "The TCP-like header has data offset 5 (no options)" },
	{ "STT-IMPL-NO-OUTER-FRAG", "impl", STT_LVL_SHOULD, TX,
	  "STT segments are not IP-fragmented (STT segmentation replaces fragmentation)" },
	{ "STT-IMPL-SEG-NONEMPTY", "impl", STT_LVL_SHOULD, TX,
	  "Every segment carries at least one byte of the STT frame" },
	{ "STT-IMPL-FRAME-MIN-LEN", "impl", STT_LVL_SHOULD, TX,
	  "The frame length is at least 18 (the STT frame header)" },
	{ "STT-IMPL-PADDING-ZERO", "impl", STT_LVL_SHOULD, TX,
	  "The 2 padding bytes of the STT frame header are zero" },
	{ "STT-IMPL-VLAN-V", "impl", STT_LVL_SHOULD, TX,
	  "PCP and VLAN ID are zero when V is clear (they are only valid with V)" },
	{ "STT-IMPL-L4OFF-PARTIAL", "impl", STT_LVL_SHOULD, TX,
	  "L4 Offset is non-zero when checksum-partial is set and zero when it is clear (Wireshark's rule)" },
	{ "STT-IMPL-MSS-PARTIAL", "impl", STT_LVL_SHOULD, TX,
	  "MSS is zero unless checksum-partial is set (Wireshark's rule)" },
	{ "STT-IMPL-VERSION-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A frame whose version is not 0 is dropped" },
	{ "STT-IMPL-INCOMPLETE-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A frame is delivered only when every byte of it has arrived; incomplete frames are never delivered" },
	{ "STT-IMPL-OUT-OF-ORDER", "impl", STT_LVL_SHOULD, RX,
	  "Segments are reassembled whatever their arrival order (GRO/LRO can deliver the tail first)" },
	{ "STT-IMPL-REASM-KEY", "impl", STT_LVL_SHOULD, RX,
	  "Reassembly is keyed by (outer source, outer destination, ack): equal acks from different sources never mix" },
	{ "STT-IMPL-CONTEXT-UNKNOWN-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A frame for a context ID the endpoint does not serve is not delivered" },
	{ "STT-IMPL-ZERO-LEN-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A zero-length segment is dropped" },
	{ "STT-IMPL-RANGE-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A segment whose offset + length exceeds the frame length is dropped" },
	{ "STT-IMPL-SHORT-FRAME-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A frame whose length cannot hold the 18-byte STT header is dropped" },
	{ "STT-IMPL-LEN-MISMATCH-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A segment whose frame length differs from its frame's is not merged into it" },
	{ "STT-IMPL-DUP-NO-EARLY", "impl", STT_LVL_SHOULD, RX,
	  "A duplicate or overlapping segment never completes a frame early (the Windows datapath defect)" },
	{ "STT-IMPL-OVERLAP-CONFLICT", "impl", STT_LVL_SHOULD, RX,
	  "Bytes of an overlap that conflict with bytes already held are never delivered" },
	{ "STT-IMPL-REASM-TIMEOUT", "impl", STT_LVL_SHOULD, RX,
	  "An incomplete frame expires after a timeout (30 s from the first segment in OVS); late segments do not complete it" },
	{ "STT-IMPL-REASM-MEMORY", "impl", STT_LVL_SHOULD, RX,
	  "Reassembly memory is bounded; incomplete frames are evicted when over the limit" },
	{ "STT-IMPL-ACK-REUSE-AFTER-COMPLETE", "impl", STT_LVL_SHOULD, RX,
	  "An ack reused after its frame was completed starts a new frame, which is accepted" },
	{ "STT-IMPL-CSUM-BAD-DROP", "impl", STT_LVL_SHOULD, RX,
	  "A segment with a bad outer TCP checksum is dropped" },
	{ "STT-IMPL-NON-STT-NO-RST", "impl", STT_LVL_SHOULD, RX,
	  "Non-STT TCP to the STT port is consumed and dropped; the host does not answer with RST" },
};

#undef TX
#undef RX

size_t stt_requirement_count(void)
{
	return sizeof(requirements) / sizeof(requirements[0]);
}

const struct stt_requirement *stt_requirement_at(size_t i)
{
	return i < stt_requirement_count() ? &requirements[i] : NULL;
}

const struct stt_requirement *stt_requirement_find(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < stt_requirement_count(); i++)
		if (strcmp(requirements[i].id, id) == 0)
			return &requirements[i];
	return NULL;
}

const char *stt_level_name(enum stt_level l)
{
	switch (l) {
	case STT_LVL_MUST: return "MUST";
	case STT_LVL_SHOULD: return "SHOULD";
	case STT_LVL_RECOMMENDED: return "RECOMMENDED";
	case STT_LVL_MAY: return "MAY";
	case STT_LVL_INFO: return "INFO";
	}
	return "?";
}
