/* stt-fuzz internals: cases (segment streams with the frames they were
 * cut from), the generators that make them, the runner that checks the
 * invariants against a reference model, shrinking and reproducers. */
#ifndef STT_FUZZ_H
#define STT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/io.h" /* stt_io_now_ns */
#include "stt/reasm.h"
#include "stt/wire.h"

/* ---- deterministic PRNG (xoshiro256**, seeded by splitmix64) ---- */

struct fz_rng {
	uint64_t s[4];
};

uint64_t fz_splitmix(uint64_t *state);
void fz_rng_seed(struct fz_rng *r, uint64_t seed);
uint64_t fz_rng_next(struct fz_rng *r);
/* Uniform in [0, n) (n >= 1). */
uint32_t fz_rng_below(struct fz_rng *r, uint32_t n);
/* True with probability num/den. */
bool fz_rng_chance(struct fz_rng *r, unsigned num, unsigned den);
void fz_rng_fill(struct fz_rng *r, uint8_t *p, size_t n);
/* The seed of case number i of a run seeded with seed. */
uint64_t fz_case_seed(uint64_t run_seed, uint64_t i);

/* ---- cases ---- */

/* One segment of a case. Either abstract (key index, seq fields and
 * payload bytes in the case arena) or a raw outer packet (Ethernet) that
 * goes through stt_outer_parse() first. */
struct fz_seg {
	uint16_t key;	    /* index into fz_case.keys (abstract segments) */
	uint16_t frame_len; /* as carried in the seq field */
	uint16_t off;
	uint32_t len;	    /* payload bytes; for raw: packet bytes */
	uint32_t data;	    /* offset of the bytes in the arena */
	uint8_t evil;	    /* payload differs from the key's reference frame */
	uint8_t raw;	    /* a whole packet, parsed at run time */
	uint8_t flood;	    /* a flood frame: must never complete */
};

struct fz_key {
	struct stt_reasm_key k;
	uint16_t ref_len;  /* the frame the generator cut: length and bytes */
	uint32_t ref;	   /* offset in the arena */
	bool honest;	   /* only the reference's bytes and length are sent */
};

enum fz_kind {
	FZ_BOUNDARY = 0, /* boundary lengths and offsets */
	FZ_OVERLAP,	 /* identical and conflicting overlaps */
	FZ_LENLIE,	 /* conflicting frame lengths under one ack id */
	FZ_ACKCOLLIDE,	 /* one ack id used by several sources */
	FZ_ZEROLEN,	 /* zero-length and out-of-range segments */
	FZ_MUTATE,	 /* header-field mutations of real packets */
	FZ_FLOOD,	 /* partial frames from many spoofed sources */
	FZ_REORDER,	 /* honest streams, duplicated and shuffled */
	FZ__KINDS
};
const char *fz_kind_name(enum fz_kind k);
/* Restrict the generators to a comma-separated list of kind names.
 * Returns 0, or -1 for an unknown name. */
int fz_set_kinds(const char *list);

struct fz_case {
	uint64_t seed;
	uint64_t number;
	enum fz_kind kind;
	size_t mem_cap;
	bool ordered_check; /* non-conflicting: arrival order must not matter */
	struct fz_key *keys;
	unsigned nkeys, capkeys;
	struct fz_seg *segs;
	unsigned nsegs, capsegs;
	unsigned *shuffle; /* a permutation of 0..nsegs-1 for the order check */
	uint8_t *arena;
	size_t arena_len, arena_cap;
};

void fz_case_init(struct fz_case *c);
void fz_case_reset(struct fz_case *c);
void fz_case_free(struct fz_case *c);
/* Reserve n bytes in the arena; returns their offset. */
uint32_t fz_case_alloc(struct fz_case *c, size_t n);
struct fz_seg *fz_case_push(struct fz_case *c);
/* A key for source number src (0: the legitimate peer), ack, family. */
unsigned fz_case_add_key(struct fz_case *c, uint32_t src, uint32_t ack, int family);
/* Where a wire run sends from and to: generators use these addresses for
 * source 0 and the destination (defaults: documentation addresses). */
void fz_set_endpoints(const struct stt_addr *src, const struct stt_addr *dst, uint16_t dport,
		      uint64_t context);
uint64_t fz_context(void);
/* Wire runs: half of the "spoofed" sources use our real address (a
 * target drops segments from strangers before reassembly). */
void fz_set_wire(bool wire);
bool fz_is_wire(void);

/* Make case number `number` of the run: kind and contents from seed. */
void fz_generate(struct fz_case *c, uint64_t seed, uint64_t number);

/* ---- running a case against a reassembler ---- */

enum fz_broken {
	FZ_BROKEN_NONE = 0,
	FZ_BROKEN_OVERLAP, /* last writer wins: delivers over conflicting overlaps */
	FZ_BROKEN_CAP,	   /* the real reassembler run with 4x the cap it was given */
	FZ_BROKEN_ORDER,   /* drops segments that arrive before their offset-0 segment */
};

/* The reassembler under test, behind the calls stt-fuzz makes. */
struct fz_reasm;
struct fz_reasm *fz_reasm_new(enum fz_broken b, const struct stt_reasm_config *cfg,
			      const struct stt_reasm_ops *ops, void *ctx);
void fz_reasm_free(struct fz_reasm *r);
enum stt_seg_fate fz_reasm_add(struct fz_reasm *r, const struct stt_seg_in *s);
const struct stt_reasm_stats *fz_reasm_stats(const struct fz_reasm *r);

struct fz_finding {
	const char *invariant; /* "overlap", "bytes", "cap", "order", "complete", "parse" */
	char detail[256];
	unsigned seg;	       /* arrival index (in the subset run) where seen */
};

/* Run the subset `keep` (NULL: all) of case c; returns true and fills *f
 * on a finding. */
bool fz_run_case(const struct fz_case *c, const bool *keep, enum fz_broken b,
		 struct fz_finding *f);

/* What the runs so far went through (for the summary line). */
struct fz_totals {
	uint64_t segments;  /* offered to the reassembler */
	uint64_t expected;  /* frames the model completed */
	uint64_t delivered; /* frames the reassembler delivered */
	uint64_t conflicts; /* conflicting overlaps the model saw */
};
const struct fz_totals *fz_get_totals(void);

/* Materialise segment i as a reassembler input (raw packets are parsed;
 * returns false when the packet does not parse as an STT segment). */
bool fz_seg_input(const struct fz_case *c, unsigned i, struct stt_seg_in *in);

/* ---- shrinking and reproducers ---- */

/* Delta debugging: remove segments while still_fails(keep) says the
 * finding persists. keep[] comes in all true and leaves minimal-ish.
 * max_trials bounds the work (0: no bound). Returns the segments kept. */
typedef bool (*fz_still_fails_fn)(void *ctx, const bool *keep);
unsigned fz_shrink(unsigned n, bool *keep, fz_still_fails_fn fn, void *ctx, unsigned max_trials);

/* Build segment i as an outer Ethernet packet into out. Returns length. */
size_t fz_seg_packet(const struct fz_case *c, unsigned i, uint8_t *out, size_t cap);
void fz_seg_tmpl_macs(const uint8_t src[6], const uint8_t dst[6]);
/* XORed into every abstract segment's ack when building packets: replays
 * on the wire get fresh frame ids. */
void fz_set_ack_salt(uint32_t salt);
/* Write the kept segments (in arrival order, or in the shuffled order when
 * shuffled) to path as a pcap. Returns 0, or -1 with a warning printed. */
int fz_write_pcap(const char *path, const struct fz_case *c, const bool *keep, bool shuffled);
/* mkdir -p for one level; returns 0 or -1 (warning printed). */
int fz_mkdir(const char *dir);

/* ---- time ---- */

#endif
