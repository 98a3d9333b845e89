/* Shared helpers of the reassembler tests: a context that records every
 * delivery (copying the bytes, which are valid only in the callback) and
 * every drop, a deterministic PRNG, and segment builders. */
#ifndef STT_REASM_TESTLIB_H
#define STT_REASM_TESTLIB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stt/reasm.h"

#define RT_MAX_EVENTS 4096

struct rt_delivery {
	struct stt_reasm_key key;
	uint8_t *data;
	const uint8_t *at; /* where the reassembler delivered it from */
	size_t len;
	unsigned nsegs, accepted, dups;
	bool sport_varied, any_ce, have_first_tos;
	uint8_t first_tos;
	uint64_t first_ts, last_ts;
	struct stt_seg_rec recs[16]; /* the first ones, for checks */
};

struct rt_dropev {
	enum stt_drop_reason reason;
	struct stt_reasm_key key;
	uint16_t frame_len;
	size_t bytes_held;
	unsigned nsegs;
	bool had_seg;
};

struct rt_ctx {
	unsigned ndel, ndrop;
	struct rt_delivery del[RT_MAX_EVENTS];
	struct rt_dropev drop[RT_MAX_EVENTS];
	bool keep_bytes; /* copy delivered bytes (tests comparing them) */
	uint64_t delivered_total;
};

static inline void rt_on_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	struct rt_ctx *c = ctx;

	c->delivered_total++;
	if (c->ndel >= RT_MAX_EVENTS)
		return;
	struct rt_delivery *d = &c->del[c->ndel++];
	d->key = f->key;
	d->len = f->len;
	d->at = f->data;
	d->data = NULL;
	if (c->keep_bytes) {
		d->data = malloc(f->len ? f->len : 1);
		memcpy(d->data, f->data, f->len);
	}
	d->nsegs = f->nsegs;
	d->accepted = f->accepted_segs;
	d->dups = f->duplicate_segs;
	d->sport_varied = f->sport_varied;
	d->any_ce = f->any_ce;
	d->have_first_tos = f->have_first_tos;
	d->first_tos = f->first_tos;
	d->first_ts = f->first_ts_ns;
	d->last_ts = f->last_ts_ns;
	for (unsigned i = 0; i < f->nsegs && i < 16; i++)
		d->recs[i] = f->segs[i];
}

static inline void rt_on_drop(void *ctx, const struct stt_reasm_drop *dr)
{
	struct rt_ctx *c = ctx;

	if (c->ndrop >= RT_MAX_EVENTS)
		return;
	struct rt_dropev *d = &c->drop[c->ndrop++];
	d->reason = dr->reason;
	d->key = dr->key;
	d->frame_len = dr->frame_len;
	d->bytes_held = dr->bytes_held;
	d->nsegs = dr->nsegs;
	d->had_seg = dr->seg != NULL;
}

static inline void rt_reset(struct rt_ctx *c)
{
	for (unsigned i = 0; i < c->ndel && i < RT_MAX_EVENTS; i++)
		free(c->del[i].data);
	c->ndel = c->ndrop = 0;
	c->delivered_total = 0;
}

static inline struct stt_reasm *rt_new(struct rt_ctx *c, size_t cap, uint64_t timeout, bool recs)
{
	struct stt_reasm_config cfg = { .mem_cap = cap, .timeout_ns = timeout,
					.keep_seg_records = recs };
	struct stt_reasm_ops ops = { .deliver = rt_on_deliver, .drop = rt_on_drop };

	return stt_reasm_new(&cfg, &ops, c);
}

/* splitmix64: deterministic, seedable. */
static inline uint64_t rt_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t rt_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rt_rand(s) % n) : 0;
}

static inline void rt_fill(uint8_t *p, size_t n, uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rt_rand(s);
}

static inline struct stt_reasm_key rt_key(uint32_t src4, uint32_t ack)
{
	struct stt_reasm_key k;

	memset(&k, 0, sizeof(k));
	k.src.family = 4;
	k.src.a[0] = 198; /* 198.51.100.x and beyond: documentation range */
	k.src.a[1] = 51;
	k.src.a[2] = (uint8_t)(100 + (src4 >> 8));
	k.src.a[3] = (uint8_t)src4;
	k.dst.family = 4;
	k.dst.a[0] = 203;
	k.dst.a[1] = 0;
	k.dst.a[2] = 113;
	k.dst.a[3] = 1;
	k.dport = 7471;
	k.ack = ack;
	return k;
}

static inline struct stt_seg_in rt_seg(struct stt_reasm_key k, const uint8_t *frame,
				       uint16_t frame_len, uint16_t off, size_t len, uint64_t ts)
{
	struct stt_seg_in s;

	memset(&s, 0, sizeof(s));
	s.key = k;
	s.frame_len = frame_len;
	s.offset = off;
	s.data = frame + off;
	s.len = len;
	s.ts_ns = ts;
	s.sport = 50000;
	return s;
}

static inline void rt_shuffle(size_t *v, size_t n, uint64_t *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rt_below(s, (uint32_t)i);
		size_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static inline uint64_t rt_per_seg_drops(const struct stt_reasm_stats *st)
{
	/* Reasons that always refuse the segment being added. NOMEM may also
	 * name a frame given up during an add; tests using this avoid it. */
	return st->drops[STT_DROP_ZERO_LEN] + st->drops[STT_DROP_OUT_OF_RANGE] +
	       st->drops[STT_DROP_LEN_MISMATCH] + st->drops[STT_DROP_OVERLAP_CONFLICT] +
	       st->drops[STT_DROP_POISONED] + st->drops[STT_DROP_TOO_SHORT] +
	       st->drops[STT_DROP_NOMEM];
}

#endif
