/* Memory of the reassembler: what is charged to whom, the storage free
 * lists, and eviction (see the policy at the top of reasm.c and in
 * docs/reassembly.md). Every byte held for a frame goes through
 * reasm_charge()/reasm_uncharge(), which is what keeps mem_held exact and
 * under the cap. */
#include <stdlib.h>
#include <string.h>

#include "reasm_internal.h"

static void heavy_update(struct stt_reasm *r, struct reasm_src *s)
{
	bool is_heavy = s->mem > r->heavy_threshold;

	if (is_heavy && s->heavy_slot < 0) {
		for (int i = 0; i < HEAVY_MAX; i++) {
			if (!r->heavy[i]) {
				r->heavy[i] = s;
				s->heavy_slot = i;
				return;
			}
		}
	} else if (!is_heavy && s->heavy_slot >= 0) {
		r->heavy[s->heavy_slot] = NULL;
		s->heavy_slot = -1;
	}
}

void reasm_charge(struct stt_reasm *r, struct reasm_frame *f, size_t n)
{
	f->charged += n;
	f->src->mem += n;
	r->st.mem_held += n;
	if (r->st.mem_held > r->st.mem_peak)
		r->st.mem_peak = r->st.mem_held;
	heavy_update(r, f->src);
}

void reasm_uncharge(struct stt_reasm *r, struct reasm_frame *f, size_t n)
{
	f->charged -= n;
	f->src->mem -= n;
	r->st.mem_held -= n;
	heavy_update(r, f->src);
}

static struct reasm_src *src_find(struct stt_reasm *r, const struct stt_addr *a, uint64_t h)
{
	for (struct reasm_src *s = r->sbuckets[h & (r->nsbuckets - 1)]; s; s = s->hnext)
		if (s->hash == h && addr_same(&s->addr, a))
			return s;
	return NULL;
}

/* The caller has made room for sizeof(struct reasm_src). */
struct reasm_src *reasm_src_get(struct stt_reasm *r, const struct stt_addr *a)
{
	uint64_t h = hash_addr(r->seed, a);
	struct reasm_src *s = src_find(r, a, h);

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->addr = *a;
	s->hash = h;
	s->mem = sizeof(*s);
	s->heavy_slot = -1;
	r->st.mem_held += sizeof(*s);
	if (r->st.mem_held > r->st.mem_peak)
		r->st.mem_peak = r->st.mem_held;
	s->hnext = r->sbuckets[h & (r->nsbuckets - 1)];
	r->sbuckets[h & (r->nsbuckets - 1)] = s;
	return s;
}

void reasm_src_put(struct stt_reasm *r, struct reasm_src *s)
{
	struct reasm_src **pp = &r->sbuckets[s->hash & (r->nsbuckets - 1)];

	if (s->frames.head)
		return;
	while (*pp != s)
		pp = &(*pp)->hnext;
	*pp = s->hnext;
	s->mem -= sizeof(*s);
	r->st.mem_held -= sizeof(*s);
	heavy_update(r, s);
	free(s);
}

struct reasm_chunk *reasm_chunk_get(struct stt_reasm *r)
{
	struct reasm_chunk *c = r->chunk_pool;

	if (c) {
		r->chunk_pool = c->u.next_free;
		r->chunk_pool_n--;
	} else {
		c = malloc(sizeof(*c));
		if (!c)
			return NULL;
	}
	memset(c->u.bits, 0, sizeof(c->u.bits));
	return c;
}

void reasm_chunk_put(struct stt_reasm *r, struct reasm_chunk *c)
{
	if (r->chunk_pool_n >= CHUNK_POOL_MAX) {
		free(c);
		return;
	}
	c->u.next_free = r->chunk_pool;
	r->chunk_pool = c;
	r->chunk_pool_n++;
}

/* A promoted frame: its bitmap and bytes in one block. */
size_t reasm_flat_size(size_t frame_len)
{
	if (frame_len >= FLAT_BIG_MIN)
		frame_len = STT_MAX_FRAME_LEN;
	return (frame_len + 63) / 64 * 8 + frame_len;
}

void *reasm_flat_get(struct stt_reasm *r, size_t frame_len)
{
	if (frame_len >= FLAT_BIG_MIN && r->flat_pool_n)
		return r->flat_pool[--r->flat_pool_n];
	return malloc(reasm_flat_size(frame_len));
}

void reasm_flat_put(struct stt_reasm *r, void *p, size_t frame_len)
{
	if (frame_len >= FLAT_BIG_MIN && r->flat_pool_n < FLAT_POOL_MAX)
		r->flat_pool[r->flat_pool_n++] = p;
	else
		free(p);
}

/* Give back a frame's bytes and records (it stays in the tables). */
void reasm_frame_release_data(struct stt_reasm *r, struct reasm_frame *f)
{
	size_t n = 0;

	for (unsigned i = 0, nc = chunks_for(f->frame_len); i < nc; i++) {
		if (f->chunks[i]) {
			reasm_chunk_put(r, f->chunks[i]);
			f->chunks[i] = NULL;
			n += sizeof(struct reasm_chunk);
		}
	}
	if (f->flat_bits) {
		n += reasm_flat_size(f->frame_len);
		reasm_flat_put(r, f->flat_bits, f->frame_len);
		f->flat_bits = NULL;
		f->flat_data = NULL;
	}
	n += (size_t)f->caprecs * sizeof(*f->recs) + f->nsamples;
	free(f->samples);
	f->samples = NULL;
	f->nsamples = 0;
	free(f->recs);
	f->recs = NULL;
	f->nrecs = f->caprecs = 0;
	reasm_uncharge(r, f, n);
}

/* Take a frame out of every table and free it. */
void reasm_frame_destroy(struct stt_reasm *r, struct reasm_frame *f)
{
	struct reasm_src *s = f->src;

	if (r->last == f)
		r->last = NULL;
	reasm_frame_release_data(r, f);
	*f->hpprev = f->hnext;
	if (f->hnext)
		f->hnext->hpprev = f->hpprev;
	list_remove(&r->age, f, L_AGE);
	list_remove(&r->lru, f, L_LRU);
	list_remove(&s->frames, f, L_SRC);
	if (f->state == FRAME_DONE)
		list_remove(&r->done, f, L_DONE);

	reasm_uncharge(r, f, f->charged);
	if (f->state == FRAME_LIVE)
		r->st.frames_held--;
	reasm_src_put(r, s);

	if (r->frame_pool_n < FRAME_POOL_MAX) {
		f->hnext = r->frame_pool;
		r->frame_pool = f;
		r->frame_pool_n++;
	} else {
		free(f);
	}
}

/* Report a frame being given up, then free it. */
void reasm_frame_drop(struct stt_reasm *r, struct reasm_frame *f, enum stt_drop_reason why,
		      uint64_t now, const struct stt_seg_in *seg)
{
	r->st.drops[why]++;
	if (r->ops.drop) {
		struct stt_reasm_drop d = {
			.reason = why,
			.key = f->key,
			.frame_len = f->frame_len,
			.bytes_held = f->have,
			.first_ts_ns = f->first_ts,
			.ts_ns = now,
			.nsegs = f->nrecs,
			.segs = f->recs,
			.seg = seg,
		};
		r->ops.drop(r->ctx, &d);
	}
	reasm_frame_destroy(r, f);
}

/* Remove a frame for expiry, eviction or flush. Poisoned and delivered
 * entries hold no frame any more (their fate was reported), so they go
 * silently. */
void reasm_frame_give_up(struct stt_reasm *r, struct reasm_frame *f, enum stt_drop_reason why,
			 uint64_t now)
{
	if (f->state != FRAME_LIVE)
		reasm_frame_destroy(r, f);
	else
		reasm_frame_drop(r, f, why, now, NULL);
}

static struct reasm_frame *pick_victim(struct stt_reasm *r, const struct reasm_frame *keep)
{
	struct reasm_src *heaviest = NULL;

	/* Delivered entries are a convenience: they go before any frame. */
	if (r->done.head && r->done.head != keep)
		return r->done.head;
	for (int i = 0; i < HEAVY_MAX; i++) {
		struct reasm_src *s = r->heavy[i];

		if (s && (!heaviest || s->mem > heaviest->mem))
			heaviest = s;
	}
	if (heaviest) {
		struct reasm_frame *f = heaviest->frames.head;

		if (f == keep)
			f = f->link[L_SRC].next;
		if (f)
			return f;
	}
	if (r->lru.head != keep)
		return r->lru.head;
	return keep ? keep->link[L_LRU].next : NULL;
}

/* Evict until n more bytes fit under the cap. False if they cannot. */
bool reasm_make_room(struct stt_reasm *r, size_t n, const struct reasm_frame *keep, uint64_t now)
{
	if (n > r->cfg.mem_cap)
		return false;
	while (r->st.mem_held + n > r->cfg.mem_cap) {
		struct reasm_frame *v = pick_victim(r, keep);

		if (!v)
			return false;
		reasm_frame_give_up(r, v, STT_DROP_EVICTED, now);
	}
	return true;
}
