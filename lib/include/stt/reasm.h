/* Bounded STT reassembly.
 *
 * Segments in, complete frames out, with the caller's clock. Keyed by
 * (outer source, outer destination, destination port, ack id) as OVS and
 * Wireshark key it (plus the port, so two tunnels on one host pair stay
 * apart). Every drop has a reason and a counter; memory held never exceeds
 * the cap; a frame is delivered once, only when every byte is present, and
 * never with bytes that conflicted with bytes seen earlier.
 *
 * Policies (docs/reassembly.md):
 *  - identical duplicate or identical overlap: absorbed, counted.
 *  - overlap with different bytes: the whole frame is discarded and the
 *    key is poisoned until its timeout, so neither party's bytes are ever
 *    delivered (RFC 5722's answer for IPv6 fragments).
 *  - segment whose frame length differs from the frame's: dropped.
 *  - zero-length segment, or offset + length > frame length: dropped.
 *  - frame length < 18 (cannot hold the STT header): dropped.
 *  - timeout measured from the frame's first segment.
 *  - over the memory cap: entries that have gone longest without a new
 *    byte are evicted, first delivered-frame remnants, then frames of any
 *    source holding more than 1/8 of the cap, then the oldest overall, so
 *    one flooding source cannot starve others and a legitimate frame in
 *    progress outlives a spoofed flood (docs/reassembly.md).
 */
#ifndef STT_REASM_H
#define STT_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STT_REASM_DEFAULT_MEM_CAP (4u * 1024u * 1024u)
#define STT_REASM_DEFAULT_TIMEOUT_NS (30ull * 1000000000ull)

struct stt_reasm_key {
	struct stt_addr src, dst;
	uint16_t dport;
	uint32_t ack;
};

/* One segment offered to the reassembler. */
struct stt_seg_in {
	struct stt_reasm_key key;
	uint16_t frame_len; /* upper half of seq */
	uint16_t offset;    /* lower half of seq */
	const uint8_t *data;
	size_t len;	  /* payload bytes (may exceed 64 KB only if malformed) */
	uint64_t ts_ns;	  /* caller's clock: capture time or CLOCK_MONOTONIC */
	uint16_t sport;
	uint8_t tcp_flags;
	uint8_t tos;	  /* outer DSCP/ECN of this segment */
	uint32_t cookie;  /* caller's id, e.g. packet number in the capture */
	uint16_t user;	  /* caller's bits carried into the segment record */
};

enum stt_seg_fate {
	STT_SEG_ACCEPTED = 0,
	STT_SEG_DUPLICATE,    /* all its bytes were already held, identical */
	STT_SEG_PARTIAL_DUP,  /* overlapped held bytes identically, added new ones */
	STT_SEG_DROPPED,      /* see the drop reason */
};

/* Record of a segment that went into a frame (for -v output and checks). */
struct stt_seg_rec {
	uint16_t offset;
	uint16_t len_lo;    /* len & 0xffff; a frame's segment is at most 65535 */
	uint32_t cookie;
	uint64_t ts_ns;
	uint16_t sport;
	uint16_t user;
	uint8_t tcp_flags;
	uint8_t tos;
	uint8_t fate;	    /* enum stt_seg_fate */
};

enum stt_drop_reason {
	STT_DROP_ZERO_LEN = 0,
	STT_DROP_OUT_OF_RANGE,	   /* offset + len > frame length */
	STT_DROP_LEN_MISMATCH,	   /* frame length differs from the frame's first segment */
	STT_DROP_OVERLAP_CONFLICT, /* overlap with different bytes: frame discarded */
	STT_DROP_POISONED,	   /* segment of a frame discarded for a conflict */
	STT_DROP_TOO_SHORT,	   /* frame length < STT_FRAME_HDR_LEN */
	STT_DROP_TIMEOUT,	   /* incomplete frame expired */
	STT_DROP_EVICTED,	   /* incomplete frame evicted for memory */
	STT_DROP_FLUSHED,	   /* incomplete at stt_reasm_flush (end of input) */
	STT_DROP_NOMEM,		   /* allocation failed / larger than the cap */
	STT_DROP__COUNT
};

const char *stt_drop_reason_name(enum stt_drop_reason r); /* stable, snake_case */

struct stt_reasm_stats {
	uint64_t segments;	/* offered */
	uint64_t accepted;
	uint64_t duplicates;	/* identical duplicates absorbed */
	uint64_t partial_dups;
	uint64_t frames_started;
	uint64_t frames_delivered;
	uint64_t bytes_delivered;
	uint64_t drops[STT_DROP__COUNT];
	size_t mem_held;	/* bytes charged now */
	size_t mem_peak;
	size_t frames_held;
	/* Of duplicates: copies of segments of a frame already delivered,
	 * absorbed by the small entry it leaves until its timeout (no
	 * callback follows for these). */
	uint64_t late_duplicates;
};

/* A complete frame, valid only during the deliver callback. */
struct stt_reasm_frame {
	struct stt_reasm_key key;
	const uint8_t *data; /* STT frame: header + inner Ethernet frame */
	size_t len;
	uint64_t first_ts_ns, last_ts_ns; /* first segment; the one that completed it */
	unsigned nsegs;			  /* segment records below (accepted + dups) */
	const struct stt_seg_rec *segs;	  /* in arrival order */
	unsigned accepted_segs;
	unsigned duplicate_segs;
	bool sport_varied;	/* source port not constant across segments */
	bool any_ce;		/* some segment's outer ECN was CE */
	bool have_first_tos;	/* the offset-0 segment was seen (always, for a complete frame) */
	uint8_t first_tos;	/* outer TOS of the segment at offset 0 */
};

/* An incomplete or refused frame being given up, with what was held. */
struct stt_reasm_drop {
	enum stt_drop_reason reason;
	struct stt_reasm_key key;
	uint16_t frame_len;
	size_t bytes_held;
	uint64_t first_ts_ns, ts_ns; /* first segment; now */
	unsigned nsegs;
	const struct stt_seg_rec *segs; /* may be NULL for single-segment drops */
	const struct stt_seg_in *seg;	/* the segment refused, for per-segment drops; else NULL */
};

struct stt_reasm_ops {
	void (*deliver)(void *ctx, const struct stt_reasm_frame *f);
	void (*drop)(void *ctx, const struct stt_reasm_drop *d); /* may be NULL */
};

struct stt_reasm_config {
	size_t mem_cap;	     /* bytes; 0 means the default */
	uint64_t timeout_ns; /* 0 means the default */
	bool keep_seg_records; /* record per-segment metadata (costs memory, charged) */
};

struct stt_reasm;

struct stt_reasm *stt_reasm_new(const struct stt_reasm_config *cfg, const struct stt_reasm_ops *ops,
				void *ctx);
void stt_reasm_free(struct stt_reasm *r);

/* Offer one segment. Expires frames older than seg->ts_ns - timeout
 * first. May call deliver/drop before returning. Returns the segment's fate. */
enum stt_seg_fate stt_reasm_add(struct stt_reasm *r, const struct stt_seg_in *seg);

/* Expire frames whose first segment is older than now - timeout. */
void stt_reasm_expire(struct stt_reasm *r, uint64_t now_ns);

/* Give up every held frame (reason FLUSHED), e.g. at end of a capture. */
void stt_reasm_flush(struct stt_reasm *r, uint64_t now_ns);

const struct stt_reasm_stats *stt_reasm_stats(const struct stt_reasm *r);

struct stt_outer; /* stt/outer.h; declared here so reasm.h stays independent of the parser */

/* Fill *s from a parsed STT segment: the key (outer addresses,
 * destination port, ack), frame length and offset from seq, the payload,
 * source port, TCP flags and outer TOS, with the caller's clock ts_ns.
 * Every other field (cookie, user) is zeroed for the caller to set.
 * One definition for every receiver (endpoint, stt-dump, stt-recv,
 * stt-conform, stt-fuzz), so that they key segments identically. */
void stt_seg_in_from_outer(struct stt_seg_in *s, const struct stt_outer *o, uint64_t ts_ns);

#ifdef __cplusplus
}
#endif
#endif
