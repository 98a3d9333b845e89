/* Bounded STT reassembly (see stt/reasm.h for the policies and
 * docs/reassembly.md for the reasoning). This file: segments in, frames
 * out. reasm_mem.c: charging, storage free lists, eviction. reasm_cover.c:
 * byte coverage bitmaps.
 *
 * Layout of the state:
 *  - frames live in a hash table keyed by (src, dst, dport, ack), with a
 *    seeded hash so that a sender cannot aim all its keys at one bucket;
 *  - every entry is on the age list (first-seen order: expiry pops the
 *    head, O(1) per frame), on the LRU list and on its source's list
 *    (both least recently given a new byte first: eviction order);
 *  - a frame's bytes live either in 2 KiB chunks allocated as bytes for
 *    them arrive, each with its own coverage bitmap (reasm_cover.c), or in
 *    one flat buffer. Chunks are the rule under memory pressure: a segment
 *    claiming a 64 KB frame costs only the chunks it touches, so partial
 *    frames from a flood are cheap to hold and cheap to evict. A frame
 *    goes flat at once when memory is plentiful, or once a quarter of it
 *    is there; it then fills in place and is delivered without a copy
 *    (and, while it only grows from offset 0, without a bitmap); a frame
 *    whose first segment holds all of it takes no storage and is
 *    delivered straight from the caller's bytes;
 *  - a delivered frame leaves a small entry (a sample of its bytes) until
 *    its timeout, so that late copies of its segments are absorbed as
 *    duplicates instead of starting a frame that can only time out; a
 *    conflicting frame leaves a poisoned entry, likewise;
 *  - everything is charged: frame records, chunks, segment records,
 *    samples, and source records. The hash bucket arrays (sized from the
 *    cap at creation), the delivery buffer and the small free lists are
 *    fixed overhead outside the cap.
 *
 * Eviction (when a charge would pass the cap), never touching the frame
 * the current segment belongs to. "Oldest" means longest without a new
 * byte, so a frame that is progressing is never the oldest for long:
 *  0. delivered entries first, oldest first: they only absorb duplicates;
 *  1. a "heavy" source, one holding more than 1/8 of the cap, loses its
 *     oldest frame (the heaviest such source first): a single flooding
 *     source pays for its own flood, even one spoofing a peer's address,
 *     as the peer's frame in progress keeps getting younger;
 *  2. otherwise the oldest frame overall goes. This is the case of a flood
 *     spread over many spoofed sources: each holds a sliver, and a
 *     per-source rule would pick the legitimate peer (whose frame in
 *     progress is then the largest holder) as the victim every time.
 *     Oldest-first evicts the stale partial frames of the flood while a
 *     legitimate frame, whose segments arrive back to back, keeps moving
 *     to the young end.
 * tests/unit/test_reasm_props.c measures this under 10:1 floods.
 *
 * Callbacks must not call back into the same reassembler: the state is
 * mid-update while they run. */
#include <stdlib.h>
#include <string.h>

#include "reasm_internal.h"

const char *stt_drop_reason_name(enum stt_drop_reason r)
{
	static const char *const names[STT_DROP__COUNT] = {
		[STT_DROP_ZERO_LEN] = "zero_len",
		[STT_DROP_OUT_OF_RANGE] = "out_of_range",
		[STT_DROP_LEN_MISMATCH] = "len_mismatch",
		[STT_DROP_OVERLAP_CONFLICT] = "overlap_conflict",
		[STT_DROP_POISONED] = "poisoned",
		[STT_DROP_TOO_SHORT] = "too_short",
		[STT_DROP_TIMEOUT] = "timeout",
		[STT_DROP_EVICTED] = "evicted",
		[STT_DROP_FLUSHED] = "flushed",
		[STT_DROP_NOMEM] = "nomem",
	};
	return (unsigned)r < STT_DROP__COUNT ? names[r] : "unknown";
}

/* ---- hashing ---------------------------------------------------------- */

/* Per segment: a multiply-rotate chain over the key's words under the
 * seed, then a full mix. Not cryptographic; the seed is what a remote
 * sender does not know. */
static uint64_t hash_key(const struct stt_reasm *r, const struct stt_reasm_key *k)
{
	uint64_t w[5], h = r->seed;

	memcpy(&w[0], k->src.a, 8);
	memcpy(&w[1], k->src.a + 8, 8);
	memcpy(&w[2], k->dst.a, 8);
	memcpy(&w[3], k->dst.a + 8, 8);
	w[4] = (uint64_t)k->ack | (uint64_t)k->dport << 32 | (uint64_t)k->src.family << 48 |
	       (uint64_t)k->dst.family << 56;
	for (int i = 0; i < 5; i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
		h = (h << 31) | (h >> 33);
	}
	return mix64(h);
}

/* ---- public API ------------------------------------------------------- */

static size_t clamp_size(size_t v, size_t lo, size_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

struct stt_reasm *stt_reasm_new(const struct stt_reasm_config *cfg, const struct stt_reasm_ops *ops,
				void *ctx)
{
	struct stt_reasm *r = calloc(1, sizeof(*r));
	char stack_marker; /* only its address is used */

	if (!r)
		return NULL;
	if (cfg)
		r->cfg = *cfg;
	if (!r->cfg.mem_cap)
		r->cfg.mem_cap = STT_REASM_DEFAULT_MEM_CAP;
	if (!r->cfg.timeout_ns)
		r->cfg.timeout_ns = STT_REASM_DEFAULT_TIMEOUT_NS;
	if (ops)
		r->ops = *ops;
	r->ctx = ctx;
	r->heavy_threshold = r->cfg.mem_cap / 8;
	/* Not secret, but unknown to a remote sender (ASLR), which is what
	 * keeps it from choosing keys that share a bucket. */
	r->seed = mix64((uint64_t)(uintptr_t)r ^ ((uint64_t)(uintptr_t)&stack_marker << 29) ^
			0x5354542d72656173ull);

	/* The smallest charged entry (a delivered or poisoned frame's) costs
	 * over 512 bytes: one frame bucket per 256 bytes of cap keeps chains
	 * under half an entry long on average, one source bucket per 512. */
	r->nfbuckets = pow2_at_least(clamp_size(r->cfg.mem_cap / 256, 64, 1u << 22));
	r->nsbuckets = pow2_at_least(clamp_size(r->cfg.mem_cap / 512, 64, 1u << 21));
	r->fbuckets = calloc(r->nfbuckets, sizeof(*r->fbuckets));
	r->sbuckets = calloc(r->nsbuckets, sizeof(*r->sbuckets));
	r->outbuf = malloc(STT_MAX_FRAME_LEN);
	if (!r->fbuckets || !r->sbuckets || !r->outbuf) {
		stt_reasm_free(r);
		return NULL;
	}
	return r;
}

void stt_reasm_free(struct stt_reasm *r)
{
	if (!r)
		return;
	if (r->fbuckets) {
		while (r->age.head)
			reasm_frame_destroy(r, r->age.head);
	}
	while (r->chunk_pool) {
		struct reasm_chunk *c = r->chunk_pool;

		r->chunk_pool = c->u.next_free;
		free(c);
	}
	while (r->flat_pool_n)
		free(r->flat_pool[--r->flat_pool_n]);
	while (r->frame_pool) {
		struct reasm_frame *f = r->frame_pool;

		r->frame_pool = f->hnext;
		free(f);
	}
	free(r->fbuckets);
	free(r->sbuckets);
	free(r->outbuf);
	free(r);
}

const struct stt_reasm_stats *stt_reasm_stats(const struct stt_reasm *r)
{
	return &r->st;
}

static bool expired(const struct stt_reasm *r, const struct reasm_frame *f, uint64_t now)
{
	return now > f->first_ts && now - f->first_ts > r->cfg.timeout_ns;
}

void stt_reasm_expire(struct stt_reasm *r, uint64_t now_ns)
{
	/* First-seen order: the head is the oldest. If the caller's clock
	 * went backwards, a later frame may be older; it waits for its turn
	 * at the head, as the list order is what bounds the cost. */
	while (r->age.head && expired(r, r->age.head, now_ns))
		reasm_frame_give_up(r, r->age.head, STT_DROP_TIMEOUT, now_ns);
}

void stt_reasm_flush(struct stt_reasm *r, uint64_t now_ns)
{
	while (r->age.head)
		reasm_frame_give_up(r, r->age.head, STT_DROP_FLUSHED, now_ns);
}

static enum stt_seg_fate seg_drop(struct stt_reasm *r, const struct stt_seg_in *s,
				  enum stt_drop_reason why, const struct reasm_frame *f)
{
	r->st.drops[why]++;
	if (r->ops.drop) {
		struct stt_reasm_drop d = {
			.reason = why,
			.key = s->key,
			.frame_len = s->frame_len,
			.bytes_held = f ? f->have : 0,
			.first_ts_ns = f ? f->first_ts : s->ts_ns,
			.ts_ns = s->ts_ns,
			.seg = s,
		};
		r->ops.drop(r->ctx, &d);
	}
	return STT_SEG_DROPPED;
}

/* What a frame of this length costs when complete (records aside). */
static size_t full_charge(uint16_t frame_len)
{
	size_t chunked = (size_t)chunks_for(frame_len) * sizeof(struct reasm_chunk);
	size_t flat = reasm_flat_size(frame_len);

	return sizeof(struct reasm_frame) + sizeof(struct reasm_src) +
	       (chunked > flat ? chunked : flat);
}

/* Move a frame that has shown a quarter of its bytes (or is about to)
 * from chunks to one flat buffer, so that it fills in place and is
 * delivered without a copy. An attacker must send real bytes, a quarter of
 * the frame, to be charged for all of it; until then partial frames cost
 * only the chunks they touch. Best effort: without room it stays chunked. */
static void frame_promote(struct stt_reasm *r, struct reasm_frame *f, uint64_t now)
{
	size_t words = ((size_t)f->frame_len + 63) / 64, need = reasm_flat_size(f->frame_len);
	uint64_t *bits;
	uint8_t *data;

	if (!reasm_make_room(r, need, f, now) || !(bits = reasm_flat_get(r, f->frame_len)))
		return;
	data = (uint8_t *)(bits + words);
	f->bits_live = f->have != 0;
	f->prefix = 0;
	for (unsigned i = 0; f->bits_live && i < REASM_MAX_CHUNKS; i++) {
		struct reasm_chunk *c = f->chunks[i];
		size_t base = (size_t)i << REASM_CHUNK_SHIFT, w = (size_t)i * REASM_CHUNK_WORDS;
		size_t nw = words - w < REASM_CHUNK_WORDS ? words - w : REASM_CHUNK_WORDS;

		if (w >= words)
			break;
		if (!c) {
			memset(bits + w, 0, nw * 8);
			continue;
		}
		memcpy(bits + w, c->u.bits, nw * 8);
		memcpy(data + base, c->data,
		       f->frame_len - base < REASM_CHUNK_SIZE ? f->frame_len - base
							    : REASM_CHUNK_SIZE);
		reasm_chunk_put(r, c);
		f->chunks[i] = NULL;
		reasm_uncharge(r, f, sizeof(*c));
	}
	f->flat_bits = bits;
	f->flat_data = data;
	reasm_charge(r, f, need);
}

static struct reasm_frame *frame_new(struct stt_reasm *r, const struct stt_seg_in *s, uint64_t h)
{
	struct reasm_frame *f;
	struct reasm_src *src;
	size_t b = h & (r->nfbuckets - 1);

	/* Room for the frame record and, if it is new, the source's. */
	if (full_charge(s->frame_len) > r->cfg.mem_cap ||
	    !reasm_make_room(r, sizeof(*f) + sizeof(*src), NULL, s->ts_ns)) {
		seg_drop(r, s, STT_DROP_NOMEM, NULL);
		return NULL;
	}
	src = reasm_src_get(r, &s->key.src);
	if (!src) {
		seg_drop(r, s, STT_DROP_NOMEM, NULL);
		return NULL;
	}
	if (r->frame_pool) {
		f = r->frame_pool;
		r->frame_pool = f->hnext;
		r->frame_pool_n--;
		memset(f, 0, sizeof(*f));
	} else {
		f = calloc(1, sizeof(*f));
		if (!f) {
			reasm_src_put(r, src);
			seg_drop(r, s, STT_DROP_NOMEM, NULL);
			return NULL;
		}
	}
	f->key = s->key;
	f->hash = h;
	f->frame_len = s->frame_len;
	f->first_ts = f->last_ts = s->ts_ns;
	f->first_sport = s->sport;
	f->src = src;

	f->hnext = r->fbuckets[b];
	f->hpprev = &r->fbuckets[b];
	if (f->hnext)
		f->hnext->hpprev = &f->hnext;
	r->fbuckets[b] = f;
	list_append(&r->age, f, L_AGE);
	list_append(&r->lru, f, L_LRU);
	list_append(&src->frames, f, L_SRC);

	reasm_charge(r, f, sizeof(*f));
	r->st.frames_held++;
	r->st.frames_started++;
	return f;
}

/* Discard a frame's bytes for a conflicting overlap and keep only a small
 * poisoned entry until its timeout. */
static enum stt_seg_fate frame_poison(struct stt_reasm *r, struct reasm_frame *f,
				      const struct stt_seg_in *s)
{
	r->st.drops[STT_DROP_OVERLAP_CONFLICT]++;
	if (r->ops.drop) {
		struct stt_reasm_drop d = {
			.reason = STT_DROP_OVERLAP_CONFLICT,
			.key = f->key,
			.frame_len = f->frame_len,
			.bytes_held = f->have,
			.first_ts_ns = f->first_ts,
			.ts_ns = s->ts_ns,
			.nsegs = f->nrecs,
			.segs = f->recs,
			.seg = s,
		};
		r->ops.drop(r->ctx, &d);
	}
	reasm_frame_release_data(r, f);
	f->state = FRAME_POISONED;
	f->have = 0;
	r->st.frames_held--;
	return STT_SEG_DROPPED;
}

static size_t done_sample_count(size_t len)
{
	if (len <= DONE_HEAD)
		return len;
	return DONE_HEAD + (len - DONE_HEAD + DONE_STRIDE - 1) / DONE_STRIDE;
}

/* Turn a delivered frame into a small FRAME_DONE entry, or free it if
 * there is no room for one. */
static void frame_retire(struct stt_reasm *r, struct reasm_frame *f, const uint8_t *data)
{
	size_t n = done_sample_count(f->frame_len);
	size_t head = f->frame_len < DONE_HEAD ? f->frame_len : DONE_HEAD;
	uint8_t *smp = malloc(n);

	if (!smp) {
		reasm_frame_destroy(r, f);
		return;
	}
	memcpy(smp, data, head);
	for (size_t i = head, p = DONE_HEAD; p < f->frame_len; i++, p += DONE_STRIDE)
		smp[i] = data[p];
	reasm_frame_release_data(r, f); /* data is gone from here on */
	if (!reasm_make_room(r, n, f, f->last_ts)) {
		free(smp);
		reasm_frame_destroy(r, f);
		return;
	}
	f->samples = smp;
	f->nsamples = n;
	reasm_charge(r, f, n);
	f->state = FRAME_DONE;
	r->st.frames_held--;
	list_append(&r->done, f, L_DONE);
}

/* A late segment of a delivered frame: same length and its bytes agree
 * with every sampled byte it covers. */
static bool done_absorbs(const struct reasm_frame *f, const struct stt_seg_in *s)
{
	size_t end = (size_t)s->offset + s->len, p;

	if (s->frame_len != f->frame_len)
		return false;
	for (p = s->offset; p < end && p < DONE_HEAD; p++)
		if (f->samples[p] != s->data[p - s->offset])
			return false;
	p = p < DONE_HEAD ? DONE_HEAD : p;
	/* first sample position >= p: DONE_HEAD + k * DONE_STRIDE */
	for (size_t k = (p - DONE_HEAD + DONE_STRIDE - 1) / DONE_STRIDE;
	     DONE_HEAD + k * DONE_STRIDE < end; k++)
		if (f->samples[DONE_HEAD + k] != s->data[DONE_HEAD + k * DONE_STRIDE - s->offset])
			return false;
	return true;
}

/* Deliver a complete frame: from the caller's segment when it held the
 * whole frame (whole, not NULL), else from the frame's own storage. */
static void frame_deliver(struct stt_reasm *r, struct reasm_frame *f, const uint8_t *whole)
{
	unsigned n = chunks_for(f->frame_len);
	const uint8_t *data;

	if (whole) {
		data = whole;
	} else if (f->flat_data) {
		data = f->flat_data;
	} else if (n == 1) {
		data = f->chunks[0]->data;
	} else {
		for (unsigned i = 0; i + 1 < n; i++)
			memcpy(r->outbuf + ((size_t)i << REASM_CHUNK_SHIFT), f->chunks[i]->data,
			       REASM_CHUNK_SIZE);
		memcpy(r->outbuf + ((size_t)(n - 1) << REASM_CHUNK_SHIFT), f->chunks[n - 1]->data,
		       f->frame_len - ((size_t)(n - 1) << REASM_CHUNK_SHIFT));
		data = r->outbuf;
	}
	r->st.frames_delivered++;
	r->st.bytes_delivered += f->frame_len;
	if (r->ops.deliver) {
		struct stt_reasm_frame out = {
			.key = f->key,
			.data = data,
			.len = f->frame_len,
			.first_ts_ns = f->first_ts,
			.last_ts_ns = f->last_ts,
			.nsegs = f->nrecs,
			.segs = f->recs,
			.accepted_segs = f->accepted,
			.duplicate_segs = f->dups,
			.sport_varied = f->sport_varied,
			.any_ce = f->any_ce,
			.have_first_tos = f->have_first_tos,
			.first_tos = f->first_tos,
		};
		r->ops.deliver(r->ctx, &out);
	}
	frame_retire(r, f, data);
}

/* Make sure there is a slot for one more segment record. */
static bool recs_reserve(struct stt_reasm *r, struct reasm_frame *f, const struct stt_seg_in *s)
{
	unsigned want;
	struct stt_seg_rec *n;

	if (f->nrecs < f->caprecs)
		return true;
	if (f->caprecs) {
		want = f->caprecs * 2;
	} else {
		/* Guess the segment count from the first segment's size. */
		want = (unsigned)(f->frame_len / s->len) + 2;
		if (want > 64)
			want = 64;
	}
	if (!reasm_make_room(r, (size_t)(want - f->caprecs) * sizeof(*n), f, s->ts_ns))
		return false;
	n = realloc(f->recs, (size_t)want * sizeof(*n));
	if (!n)
		return false;
	reasm_charge(r, f, (size_t)(want - f->caprecs) * sizeof(*n));
	f->recs = n;
	f->caprecs = want;
	return true;
}

#define MERGE_NOMEM (-2)

/* Merge a segment into a flat frame. While it has only grown from offset
 * 0, the held bytes are [0, prefix): compare the overlap, append the rest,
 * no bitmap at all. */
static int merge_flat(struct reasm_frame *f, const struct stt_seg_in *s, size_t end)
{
	if (!f->bits_live && s->offset <= f->prefix) {
		size_t held_end = end < f->prefix ? end : f->prefix;

		if (held_end > s->offset &&
		    memcmp(f->flat_data + s->offset, s->data, held_end - s->offset) != 0)
			return REASM_COVER_CONFLICT;
		if (end <= f->prefix)
			return 0;
		memcpy(f->flat_data + f->prefix, s->data + (f->prefix - s->offset),
		       end - f->prefix);
		held_end = f->prefix;
		f->prefix = (uint32_t)end;
		return (int)(end - held_end);
	}
	if (!f->bits_live) {
		memset(f->flat_bits, 0, ((size_t)f->frame_len + 63) / 64 * 8);
		if (f->prefix)
			reasm_cover_mark(f->flat_bits, 0, f->prefix);
		f->bits_live = true;
	}
	return reasm_cover_merge(f->flat_bits, f->flat_data, s->offset, (unsigned)end, s->data);
}

/* Merge a segment into a chunked frame: charge the chunks it needs before
 * touching any, then merge chunk by chunk. Returns 0 (new bytes in
 * *added), REASM_COVER_CONFLICT or MERGE_NOMEM. */
static int merge_chunked(struct stt_reasm *r, struct reasm_frame *f, const struct stt_seg_in *s,
			 size_t end, size_t *added)
{
	unsigned first = s->offset >> REASM_CHUNK_SHIFT;
	unsigned last = (unsigned)((end - 1) >> REASM_CHUNK_SHIFT);
	unsigned missing = 0;

	for (unsigned i = first; i <= last; i++)
		missing += !f->chunks[i];
	if (missing &&
	    !reasm_make_room(r, (size_t)missing * sizeof(struct reasm_chunk), f, s->ts_ns))
		return MERGE_NOMEM;
	for (unsigned i = first; i <= last; i++) {
		if (!f->chunks[i]) {
			f->chunks[i] = reasm_chunk_get(r);
			if (!f->chunks[i])
				return MERGE_NOMEM;
			reasm_charge(r, f, sizeof(struct reasm_chunk));
		}
	}
	if (r->cfg.keep_seg_records && !recs_reserve(r, f, s))
		return MERGE_NOMEM;

	*added = 0;
	for (unsigned i = first; i <= last; i++) {
		struct reasm_chunk *c = f->chunks[i];
		size_t base = (size_t)i << REASM_CHUNK_SHIFT;
		size_t lo = s->offset > base ? s->offset - base : 0;
		size_t hi = end - base < REASM_CHUNK_SIZE ? end - base : REASM_CHUNK_SIZE;
		int got = reasm_cover_merge(c->u.bits, c->data, (unsigned)lo, (unsigned)hi,
					    s->data + (base + lo - s->offset));

		if (got == REASM_COVER_CONFLICT)
			return REASM_COVER_CONFLICT;
		*added += (size_t)got;
	}
	return 0;
}

/* Store a segment's bytes in its frame's storage, chunked or flat.
 * Returns 0 (*added = the new bytes), REASM_COVER_CONFLICT, or
 * MERGE_NOMEM. */
static int merge(struct stt_reasm *r, struct reasm_frame *f, const struct stt_seg_in *s,
		 size_t end, size_t *added)
{
	/* Flat at once while memory is plentiful (no copy later), else only
	 * once a quarter of the frame is there (see frame_promote). */
	if (!f->flat_bits && f->frame_len > REASM_CHUNK_SIZE &&
	    (f->have + s->len >= f->frame_len / 4u ||
	     (f->have == 0 &&
	      r->st.mem_held + reasm_flat_size(f->frame_len) <= r->cfg.mem_cap / 2)))
		frame_promote(r, f, s->ts_ns);
	if (f->flat_bits) {
		int got;

		if (r->cfg.keep_seg_records && !recs_reserve(r, f, s))
			return MERGE_NOMEM;
		got = merge_flat(f, s, end);
		if (got == REASM_COVER_CONFLICT)
			return REASM_COVER_CONFLICT;
		*added = (size_t)got;
		return 0;
	}
	return merge_chunked(r, f, s, end, added);
}

enum stt_seg_fate stt_reasm_add(struct stt_reasm *r, const struct stt_seg_in *s)
{
	struct reasm_frame *f;
	uint64_t h;
	size_t added = 0, end;
	enum stt_seg_fate fate;
	const uint8_t *whole = NULL;

	r->st.segments++;
	stt_reasm_expire(r, s->ts_ns);

	if (s->len == 0 || !s->data)
		return seg_drop(r, s, STT_DROP_ZERO_LEN, NULL);
	if (s->frame_len < STT_FRAME_HDR_LEN)
		return seg_drop(r, s, STT_DROP_TOO_SHORT, NULL);
	end = (size_t)s->offset + s->len;
	if (s->len > STT_MAX_FRAME_LEN || end > s->frame_len)
		return seg_drop(r, s, STT_DROP_OUT_OF_RANGE, NULL);

	if (r->last && key_same(&r->last->key, &s->key)) {
		f = r->last;
		h = f->hash;
	} else {
		h = hash_key(r, &s->key);
		for (f = r->fbuckets[h & (r->nfbuckets - 1)]; f; f = f->hnext)
			if (f->hash == h && key_same(&f->key, &s->key))
				break;
	}
	if (f && f->state == FRAME_POISONED)
		return seg_drop(r, s, STT_DROP_POISONED, f);
	if (f && f->state == FRAME_DONE) {
		if (done_absorbs(f, s)) {
			r->st.duplicates++;
			r->st.late_duplicates++;
			return STT_SEG_DUPLICATE;
		}
		reasm_frame_destroy(r, f); /* the ack was reused for a new frame */
		f = NULL;
	}
	if (f && f->frame_len != s->frame_len)
		return seg_drop(r, s, STT_DROP_LEN_MISMATCH, f);
	if (!f) {
		f = frame_new(r, s, h);
		if (!f)
			return STT_SEG_DROPPED;
	}
	r->last = f;

	if (f->have == 0 && s->offset == 0 && s->len == f->frame_len) {
		/* The whole frame in one segment: a small frame, or a run of
		 * segments the kernel or NIC coalesced (GRO/LRO), the common
		 * case at speed. It is delivered straight from the caller's
		 * bytes: no buffer, no copy. */
		if (r->cfg.keep_seg_records && !recs_reserve(r, f, s))
			goto nomem;
		whole = s->data;
		added = s->len;
	} else {
		int rc = merge(r, f, s, end, &added);

		if (rc == REASM_COVER_CONFLICT)
			return frame_poison(r, f, s);
		if (rc < 0)
			goto nomem;
	}

	fate = added == s->len ? STT_SEG_ACCEPTED : added ? STT_SEG_PARTIAL_DUP : STT_SEG_DUPLICATE;
	if (fate == STT_SEG_DUPLICATE) {
		r->st.duplicates++;
		f->dups++;
	} else {
		/* The stats keep the two apart (segments = accepted +
		 * partial_dups + duplicates + per-segment drops); the frame
		 * counts both as accepted, as both brought bytes. */
		if (fate == STT_SEG_PARTIAL_DUP)
			r->st.partial_dups++;
		else
			r->st.accepted++;
		f->accepted++;
	}
	f->have += (uint32_t)added;
	f->last_ts = s->ts_ns;
	if (added) {
		/* Progress: to the young end of the eviction order (where a
		 * burst of one frame's segments finds it already). */
		if (r->lru.tail != f) {
			list_remove(&r->lru, f, L_LRU);
			list_append(&r->lru, f, L_LRU);
		}
		if (f->src->frames.tail != f) {
			list_remove(&f->src->frames, f, L_SRC);
			list_append(&f->src->frames, f, L_SRC);
		}
	}
	if (s->sport != f->first_sport)
		f->sport_varied = true;
	if ((s->tos & 3) == 3)
		f->any_ce = true;
	if (s->offset == 0 && !f->have_first_tos) {
		f->have_first_tos = true;
		f->first_tos = s->tos;
	}
	if (r->cfg.keep_seg_records) {
		struct stt_seg_rec *rec = &f->recs[f->nrecs++];

		rec->offset = s->offset;
		rec->len_lo = (uint16_t)s->len;
		rec->cookie = s->cookie;
		rec->ts_ns = s->ts_ns;
		rec->sport = s->sport;
		rec->user = s->user;
		rec->tcp_flags = s->tcp_flags;
		rec->tos = s->tos;
		rec->fate = (uint8_t)fate;
	}
	if (f->have == f->frame_len)
		frame_deliver(r, f, whole);
	return fate;

nomem:
	reasm_frame_drop(r, f, STT_DROP_NOMEM, s->ts_ns, s);
	return STT_SEG_DROPPED;
}
