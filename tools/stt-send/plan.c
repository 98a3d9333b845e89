/* The segmentation plan of one STT frame: which byte ranges go out, in
 * which order, with which per-segment overrides. The impairments are
 * applied in a fixed order so that their indices mean one thing:
 *
 *   cut at --segment-size -> --coalesce K -> number the segments ->
 *   --drop -> --seg-ecn/--seg-dscp -> --duplicate -> --reorder/--reverse ->
 *   --overlap
 *
 * Segment numbers given on the command line are those after coalescing
 * (what a receiver would see on the wire), counted from 0. --loss is
 * applied later, at emission, so that it also hits duplicates. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "send.h"

static struct seg_item *plan_push(struct seg_plan *p)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct seg_item *items = realloc(p->items, cap * sizeof(*items));
		if (!items)
			stt_cli_die("out of memory");
		p->items = items;
		p->cap = cap;
	}
	struct seg_item *it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->ecn = -1;
	it->dscp = -1;
	return it;
}

static void plan_insert_at(struct seg_plan *p, size_t at, const struct seg_item *it)
{
	plan_push(p);
	memmove(&p->items[at + 1], &p->items[at], (p->n - 1 - at) * sizeof(*it));
	p->items[at] = *it;
}

static bool is_dropped(const struct send_opts *o, uint64_t fno, unsigned idx)
{
	for (unsigned i = 0; i < o->n_drops; i++)
		if (o->drops[i].seg == idx && (o->drops[i].frame < 0 || (uint64_t)o->drops[i].frame == fno))
			return true;
	return false;
}

static void shuffle(struct seg_item *v, size_t n, uint64_t *rng)
{
	if (n < 2)
		return;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)send_rng_below(rng, i + 1);
		struct seg_item t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	/* A shuffle that left every segment in place would make --reorder a
	 * no-op; rotate by one so that it always reorders. */
	bool identity = true;
	for (size_t i = 1; i < n && identity; i++)
		if (v[i].off < v[i - 1].off)
			identity = false;
	if (identity) {
		struct seg_item first = v[0];
		memmove(&v[0], &v[1], (n - 1) * sizeof(*v));
		v[n - 1] = first;
	}
}

void plan_frame(const struct send_opts *o, uint64_t fno, size_t frame_len, uint64_t *rng,
		struct seg_plan *p)
{
	p->n = 0;
	p->dropped = 0;
	p->total = 0;

	size_t mss = o->tso ? (frame_len ? frame_len : 1) : o->segment_size;
	size_t nsegs = stt_segment_count(frame_len, mss);
	size_t k = o->coalesce > 1 ? o->coalesce : 1;
	unsigned index = 0;
	for (size_t i = 0; i < nsegs; i += k, index++) {
		size_t off = i * mss;
		size_t end = (i + k) * mss;
		if (end > frame_len)
			end = frame_len;
		p->total = index + 1;
		if (is_dropped(o, fno, index)) {
			p->dropped++;
			continue;
		}
		struct seg_item *it = plan_push(p);
		it->off = (uint32_t)off;
		it->len = (uint32_t)(end - off);
		it->index = index;
		for (unsigned j = 0; j < o->n_seg_ecn; j++)
			if (o->seg_ecn[j].seg == index)
				it->ecn = o->seg_ecn[j].value;
		for (unsigned j = 0; j < o->n_seg_dscp; j++)
			if (o->seg_dscp[j].seg == index)
				it->dscp = o->seg_dscp[j].value;
	}

	if (o->duplicate != -1) {
		for (size_t i = 0; i < p->n; i++) {
			if (p->items[i].duplicate)
				continue;
			if (o->duplicate == -2 || (unsigned)o->duplicate == p->items[i].index) {
				struct seg_item dup = p->items[i];
				dup.duplicate = true;
				plan_insert_at(p, i + 1, &dup);
				i++;
			}
		}
	}

	if (o->reverse) {
		for (size_t i = 0, j = p->n ? p->n - 1 : 0; i < j; i++, j--) {
			struct seg_item t = p->items[i];
			p->items[i] = p->items[j];
			p->items[j] = t;
		}
	} else if (o->reorder) {
		shuffle(p->items, p->n, rng);
	}

	if (o->overlap && p->n > 0 && p->items[0].len >= 2) {
		/* The tail half of the first segment sent, with every byte
		 * inverted, sent just before it: a strict part of the frame
		 * (so it cannot complete it alone) that the real segment then
		 * overlaps with different bytes. */
		struct seg_item c = p->items[0];
		c.off += c.len / 2;
		c.len -= c.len / 2;
		c.conflict = true;
		c.duplicate = false;
		plan_insert_at(p, 0, &c);
	}
}

void plan_free(struct seg_plan *p)
{
	free(p->items);
	p->items = NULL;
	p->n = p->cap = 0;
}
