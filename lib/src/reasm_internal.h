/* Internals of the reassembler shared by reasm.c (segments in, frames
 * out) and reasm_mem.c (charging, storage, eviction). Not a public API. */
#ifndef STT_REASM_INTERNAL_H
#define STT_REASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stt/reasm.h"

#include "reasm_cover.h"

#define HEAVY_MAX 8 /* more than cap/8 each: at most 7 sources at once */
#define CHUNK_POOL_MAX 64
#define FRAME_POOL_MAX 32
#define FLAT_POOL_MAX 4
/* Frames this long get a flat buffer of the largest size, from a small
 * free list: no malloc (nor page faults) per frame for big frames, at
 * most a third more charged than needed. */
#define FLAT_BIG_MIN 49152

struct reasm_src;

enum frame_state {
	FRAME_LIVE = 0, /* being reassembled */
	FRAME_POISONED, /* discarded for a conflict: refuses its key until timeout */
	FRAME_DONE,	/* delivered: absorbs late duplicates until timeout */
};

/* A delivered frame keeps a sample of its bytes (all of the first 64, then
 * one every 1024) so that a late copy of one of its segments is recognised
 * and absorbed instead of starting a frame that would only time out, while
 * a new frame reusing the ack (a sender's MUST violation, but it happens)
 * differs somewhere in the sample and replaces the entry. */
#define DONE_HEAD 64
#define DONE_STRIDE 1024

/* The lists a frame is on, each doubly linked through link[which]. */
enum {
	L_AGE,	/* all entries, first-seen order: expiry */
	L_LRU,	/* all entries, least recently given a new byte first: eviction */
	L_SRC,	/* its source's entries, same order as L_LRU */
	L_DONE, /* FRAME_DONE entries, oldest first */
	L__COUNT
};

struct reasm_link {
	struct reasm_frame *prev, *next;
};

struct reasm_list {
	struct reasm_frame *head, *tail;
};

struct reasm_frame {
	struct reasm_frame *hnext, **hpprev; /* hash chain; hnext also links free records */
	struct reasm_link link[L__COUNT];
	struct reasm_src *src;
	struct stt_reasm_key key;
	uint64_t hash;
	uint64_t first_ts, last_ts;
	size_t charged;
	uint32_t have; /* bytes held */
	uint16_t frame_len;
	uint16_t first_sport;
	uint8_t state; /* enum frame_state */
	bool sport_varied, any_ce, have_first_tos;
	uint8_t first_tos;
	unsigned accepted, dups;
	struct stt_seg_rec *recs;
	unsigned nrecs, caprecs;
	uint8_t *samples; /* FRAME_DONE */
	size_t nsamples;
	uint64_t *flat_bits; /* promoted: the whole frame's bitmap, then its bytes */
	uint8_t *flat_data;
	/* A flat frame that has only ever grown from offset 0 needs no bitmap:
	 * it holds [0, prefix). The bitmap is built the first time a segment
	 * lands beyond the prefix (bits_live). */
	bool bits_live;
	uint32_t prefix;
	struct reasm_chunk *chunks[REASM_MAX_CHUNKS];
};

struct reasm_src {
	struct reasm_src *hnext;
	struct stt_addr addr;
	uint64_t hash;
	size_t mem; /* charged to this source, its own record included */
	struct reasm_list frames; /* L_SRC */
	int heavy_slot; /* index in r->heavy, or -1 */
};

struct stt_reasm {
	struct stt_reasm_config cfg;
	struct stt_reasm_ops ops;
	void *ctx;
	uint64_t seed;
	struct stt_reasm_stats st;

	struct reasm_frame **fbuckets;
	struct reasm_src **sbuckets;
	size_t nfbuckets, nsbuckets; /* powers of two */

	struct reasm_list age, lru, done;
	struct reasm_frame *last; /* looked up last: bursts of one frame skip the hash */
	struct reasm_src *heavy[HEAVY_MAX];
	size_t heavy_threshold;

	struct reasm_chunk *chunk_pool;
	unsigned chunk_pool_n;
	struct reasm_frame *frame_pool;
	unsigned frame_pool_n;
	void *flat_pool[FLAT_POOL_MAX];
	unsigned flat_pool_n;

	uint8_t *outbuf; /* STT_MAX_FRAME_LEN: multi-chunk frames are delivered from here */
};

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static inline uint64_t hash_addr(uint64_t h, const struct stt_addr *a)
{
	uint64_t w0, w1;

	memcpy(&w0, a->a, 8);
	memcpy(&w1, a->a + 8, 8);
	h = mix64(h ^ w0 ^ ((uint64_t)a->family << 56));
	return mix64(h ^ w1);
}

static inline bool addr_same(const struct stt_addr *x, const struct stt_addr *y)
{
	uint64_t x0, x1, y0, y1;

	memcpy(&x0, x->a, 8);
	memcpy(&x1, x->a + 8, 8);
	memcpy(&y0, y->a, 8);
	memcpy(&y1, y->a + 8, 8);
	return ((x0 ^ y0) | (x1 ^ y1)) == 0 && x->family == y->family;
}

static inline bool key_same(const struct stt_reasm_key *x, const struct stt_reasm_key *y)
{
	return x->ack == y->ack && x->dport == y->dport && addr_same(&x->src, &y->src) &&
	       addr_same(&x->dst, &y->dst);
}

static inline void list_append(struct reasm_list *l, struct reasm_frame *f, int w)
{
	f->link[w].next = NULL;
	f->link[w].prev = l->tail;
	if (l->tail)
		l->tail->link[w].next = f;
	else
		l->head = f;
	l->tail = f;
}

static inline void list_remove(struct reasm_list *l, struct reasm_frame *f, int w)
{
	struct reasm_link *k = &f->link[w];

	if (k->prev)
		k->prev->link[w].next = k->next;
	else
		l->head = k->next;
	if (k->next)
		k->next->link[w].prev = k->prev;
	else
		l->tail = k->prev;
	k->prev = k->next = NULL;
}

static inline unsigned chunks_for(size_t len)
{
	return (unsigned)((len + REASM_CHUNK_SIZE - 1) >> REASM_CHUNK_SHIFT);
}

/* reasm_mem.c */
void reasm_charge(struct stt_reasm *r, struct reasm_frame *f, size_t n);
void reasm_uncharge(struct stt_reasm *r, struct reasm_frame *f, size_t n);
struct reasm_src *reasm_src_get(struct stt_reasm *r, const struct stt_addr *a);
void reasm_src_put(struct stt_reasm *r, struct reasm_src *s);
struct reasm_chunk *reasm_chunk_get(struct stt_reasm *r);
void reasm_chunk_put(struct stt_reasm *r, struct reasm_chunk *c);
size_t reasm_flat_size(size_t frame_len);
void *reasm_flat_get(struct stt_reasm *r, size_t frame_len);
void reasm_flat_put(struct stt_reasm *r, void *p, size_t frame_len);
void reasm_frame_release_data(struct stt_reasm *r, struct reasm_frame *f);
void reasm_frame_destroy(struct stt_reasm *r, struct reasm_frame *f);
void reasm_frame_drop(struct stt_reasm *r, struct reasm_frame *f, enum stt_drop_reason why,
		      uint64_t now, const struct stt_seg_in *seg);
void reasm_frame_give_up(struct stt_reasm *r, struct reasm_frame *f, enum stt_drop_reason why,
			 uint64_t now);
bool reasm_make_room(struct stt_reasm *r, size_t n, const struct reasm_frame *keep, uint64_t now);

#endif
