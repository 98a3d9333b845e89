/* The reassembler under test: libstt's, or (--self-test-broken, for the
 * test suite only) a deliberately broken one, to prove that the
 * invariants catch what they claim to catch. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* A naive reassembler for the broken modes: one flat buffer per key,
 * linear key search. */
struct naive_frame {
	struct stt_reasm_key key;
	uint16_t flen;
	bool done;
	uint32_t nhave;
	uint8_t *bytes, *have;
};

struct fz_reasm {
	enum fz_broken mode;
	struct stt_reasm *real;
	/* naive */
	struct stt_reasm_ops ops;
	void *ctx;
	size_t cap;
	struct naive_frame *frames;
	size_t nframes, capframes;
	struct stt_reasm_stats st;
};

struct fz_reasm *fz_reasm_new(enum fz_broken b, const struct stt_reasm_config *cfg,
			      const struct stt_reasm_ops *ops, void *ctx)
{
	struct fz_reasm *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->mode = b;
	if (b == FZ_BROKEN_NONE || b == FZ_BROKEN_CAP) {
		struct stt_reasm_config c = *cfg;
		if (b == FZ_BROKEN_CAP)
			c.mem_cap = (c.mem_cap ? c.mem_cap : STT_REASM_DEFAULT_MEM_CAP) * 4;
		r->real = stt_reasm_new(&c, ops, ctx);
		if (!r->real) {
			free(r);
			return NULL;
		}
		return r;
	}
	r->ops = *ops;
	r->ctx = ctx;
	r->cap = cfg->mem_cap;
	return r;
}

void fz_reasm_free(struct fz_reasm *r)
{
	if (!r)
		return;
	stt_reasm_free(r->real);
	for (size_t i = 0; i < r->nframes; i++) {
		free(r->frames[i].bytes);
		free(r->frames[i].have);
	}
	free(r->frames);
	free(r);
}

static bool same_key(const struct stt_reasm_key *a, const struct stt_reasm_key *b)
{
	return a->dport == b->dport && a->ack == b->ack && stt_addr_eq(&a->src, &b->src) &&
	       stt_addr_eq(&a->dst, &b->dst);
}

static enum stt_seg_fate naive_add(struct fz_reasm *r, const struct stt_seg_in *s)
{
	size_t end = (size_t)s->offset + s->len;
	struct naive_frame *f = NULL;

	r->st.segments++;
	if (!s->len || !s->data || s->frame_len < STT_FRAME_HDR_LEN || end > s->frame_len)
		return STT_SEG_DROPPED;
	for (size_t i = 0; i < r->nframes; i++)
		if (same_key(&r->frames[i].key, &s->key))
			f = &r->frames[i];
	if (f && f->done) {
		if (f->flen == s->frame_len)
			return STT_SEG_DUPLICATE;
		f->done = false;
		f->nhave = 0;
		memset(f->have, 0, f->flen);
	}
	if (!f) {
		/* the order bug: a frame can only start at its first byte */
		if (r->mode == FZ_BROKEN_ORDER && s->offset != 0)
			return STT_SEG_DROPPED;
		if (r->st.mem_held + 2u * s->frame_len > r->cap)
			return STT_SEG_DROPPED;
		if (r->nframes == r->capframes) {
			size_t cap = r->capframes ? r->capframes * 2 : 16;
			struct naive_frame *n = realloc(r->frames, cap * sizeof(*n));
			if (!n)
				return STT_SEG_DROPPED;
			r->frames = n;
			r->capframes = cap;
		}
		f = &r->frames[r->nframes++];
		memset(f, 0, sizeof(*f));
		f->key = s->key;
		f->flen = s->frame_len;
		f->bytes = calloc(f->flen, 1);
		f->have = calloc(f->flen, 1);
		if (!f->bytes || !f->have)
			return STT_SEG_DROPPED;
		r->st.mem_held += 2u * f->flen;
		if (r->st.mem_held > r->st.mem_peak)
			r->st.mem_peak = r->st.mem_held;
	}
	if (f->flen != s->frame_len)
		return STT_SEG_DROPPED;
	if (r->mode == FZ_BROKEN_ORDER) {
		/* this one gets conflicts right: the frame is dead for good */
		for (size_t p = s->offset; p < end; p++)
			if (f->have[p] && f->bytes[p] != s->data[p - s->offset]) {
				f->done = true;
				f->flen = 0;
				return STT_SEG_DROPPED;
			}
	}
	/* the overlap bug: the last writer wins */
	for (size_t p = s->offset; p < end; p++) {
		f->nhave += !f->have[p];
		f->have[p] = 1;
		f->bytes[p] = s->data[p - s->offset];
	}
	if (f->nhave == f->flen) {
		struct stt_reasm_frame out;
		memset(&out, 0, sizeof(out));
		out.key = f->key;
		out.data = f->bytes;
		out.len = f->flen;
		f->done = true;
		r->st.frames_delivered++;
		if (r->ops.deliver)
			r->ops.deliver(r->ctx, &out);
	}
	return STT_SEG_ACCEPTED;
}

enum stt_seg_fate fz_reasm_add(struct fz_reasm *r, const struct stt_seg_in *s)
{
	return r->real ? stt_reasm_add(r->real, s) : naive_add(r, s);
}

const struct stt_reasm_stats *fz_reasm_stats(const struct fz_reasm *r)
{
	return r->real ? stt_reasm_stats(r->real) : &r->st;
}
