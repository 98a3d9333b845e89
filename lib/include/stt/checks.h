/* The rule catalogue: every normative statement of draft-davie-stt-02
 * sections 3.1-3.4 (and the RFC 6040 / RFC 2983 rules it invokes) as a
 * requirement with an ID, and every check that stt-dump warns with and
 * stt-conform reports against. Each rule is written once, here: stt-dump's
 * warnings and stt-conform's transmit-side verdicts call the same
 * functions.
 *
 * Requirement IDs look like "STT-3.2-ACK-CONST": section, then a short
 * name. Check names ("tcp_window_nonzero") are the stable keys of JSON
 * output. */
#ifndef STT_CHECKS_H
#define STT_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/inner.h"
#include "stt/outer.h"
#include "stt/reasm.h"
#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

enum stt_level {
	STT_LVL_MUST = 0, /* MUST / MUST NOT / REQUIRED */
	STT_LVL_SHOULD,	  /* SHOULD / SHOULD NOT */
	STT_LVL_RECOMMENDED,
	STT_LVL_MAY,
	STT_LVL_INFO, /* not normative: diagnostics (incomplete frame...) */
};
const char *stt_level_name(enum stt_level l); /* "MUST", "SHOULD", ... */

enum stt_req_side {
	STT_SIDE_TX = 1, /* checkable on what an implementation sends */
	STT_SIDE_RX = 2, /* checkable only by sending to it and watching */
};

struct stt_requirement {
	const char *id;	     /* "STT-3.2-ACK-CONST" */
	const char *section; /* "3.2" or "RFC6040-4.2" */
	enum stt_level level;
	unsigned sides;	     /* STT_SIDE_* bits */
	const char *text;    /* the rule in our words */
};

size_t stt_requirement_count(void);
const struct stt_requirement *stt_requirement_at(size_t i);
const struct stt_requirement *stt_requirement_find(const char *id);

/* Checks applied to observed traffic (the warnings). */
enum stt_check {
	/* per segment: the TCP-like header */
	STT_CHK_TCP_WINDOW_NONZERO = 0,
	STT_CHK_TCP_URG_NONZERO,
	STT_CHK_TCP_ACK_MISSING,
	STT_CHK_TCP_PSH_MISSING_LAST,
	STT_CHK_TCP_PSH_NOT_LAST,
	STT_CHK_TCP_FLAGS_OTHER,  /* SYN/FIN/RST/URG/ECE/CWR set */
	STT_CHK_TCP_OPTIONS,	  /* data offset != 5 */
	STT_CHK_TCP_CSUM_BAD,	  /* neither full nor pseudo-header-only */
	STT_CHK_SPORT_NOT_EPHEMERAL,
	STT_CHK_SEG_ZERO_LEN,
	STT_CHK_SEG_OUT_OF_RANGE,
	STT_CHK_FRAME_TOO_SHORT,
	STT_CHK_IP_FRAGMENTED,	  /* outer IP fragment on the STT port */
	/* per frame: the STT frame header and the inner packet */
	STT_CHK_VERSION_NONZERO,
	STT_CHK_FLAGS_RESERVED,
	STT_CHK_RESERVED_NONZERO,
	STT_CHK_PADDING_NONZERO,
	STT_CHK_VLAN_ID_WITHOUT_V,
	STT_CHK_CSUM_FLAGS_BOTH,
	STT_CHK_L4OFF_PARTIAL_ZERO,    /* partial set, l4 offset 0 (Wireshark) */
	STT_CHK_L4OFF_WITHOUT_PARTIAL, /* partial clear, l4 offset non-zero (Wireshark) */
	STT_CHK_L4OFF_OUTSIDE,	       /* l4 offset beyond the inner frame */
	STT_CHK_L4OFF_MISMATCH,	       /* disagrees with the inner packet's L4 header */
	STT_CHK_MSS_WITHOUT_PARTIAL,   /* Wireshark */
	STT_CHK_TSO_WITHOUT_PARTIAL,   /* inner TCP payload > MSS but partial clear */
	STT_CHK_FLAG_IPV4_MISMATCH,
	STT_CHK_FLAG_TCP_MISMATCH,
	STT_CHK_FLAGS_NON_IP,	       /* IP flags/fields set for a non-IP payload */
	STT_CHK_INNER_TOO_SHORT,       /* inner frame shorter than an Ethernet header */
	STT_CHK_SPORT_VARIED,	       /* source port not constant within a frame */
	/* reassembly outcomes */
	STT_CHK_FRAME_LEN_MISMATCH,
	STT_CHK_OVERLAP_CONFLICT,
	STT_CHK_INCOMPLETE_TIMEOUT,
	STT_CHK_INCOMPLETE_EOF,
	STT_CHK_EVICTED,
	/* across frames of one sender */
	STT_CHK_ACK_REUSED,	    /* ack id reused recently for another frame */
	STT_CHK_SPORT_FLOW_UNSTABLE, /* one inner flow, several source ports */
	STT_CHK__COUNT
};

struct stt_check_def {
	enum stt_check id;
	const char *name;    /* stable JSON key, snake_case */
	const char *req_id;  /* requirement it enforces, or NULL (diagnostic) */
	enum stt_level level;
	const char *summary; /* one line, no trailing period */
};

const struct stt_check_def *stt_check_def(enum stt_check c);
const struct stt_check_def *stt_check_find(const char *name);

/* A finding: one check that fired, with "expected X, got Y" detail. */
struct stt_finding {
	enum stt_check id;
	uint32_t cookie; /* packet number (1-based) where it was seen, 0 if frame-wide */
	char detail[160];
};

typedef void (*stt_finding_fn)(void *ctx, const struct stt_finding *f);

/* Checks on one outer segment (TCP-like header, checksum, lengths). */
void stt_check_segment(const struct stt_outer *o, uint32_t cookie, stt_finding_fn fn, void *ctx);

/* Checks on a reassembled frame: STT header, inner consistency, and the
 * per-frame facts the reassembler recorded (source port constancy). in
 * may be NULL (decoded here). */
void stt_check_frame(const struct stt_reasm_frame *f, const struct stt_frame_hdr *h,
		     const struct stt_inner *in, stt_finding_fn fn, void *ctx);

/* Map a reassembler drop to its check (or STT_CHK__COUNT if none). */
enum stt_check stt_check_for_drop(enum stt_drop_reason r);

/* Cross-frame checks per sender: ack id reuse and source-port stability
 * per inner flow, over a sliding window of recent frames (bounded). */
struct stt_txcheck;
struct stt_txcheck *stt_txcheck_new(uint64_t window_ns, size_t max_entries);
void stt_txcheck_free(struct stt_txcheck *t);
void stt_txcheck_frame(struct stt_txcheck *t, const struct stt_reasm_frame *f,
		       const struct stt_inner *in, stt_finding_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
