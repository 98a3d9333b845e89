/* Run one case against the reassembler and check the invariants.
 *
 * The reference model follows the documented policy (stt/reasm.h) byte by
 * byte for every key: it is what a correct reassembler with room to spare
 * and a frozen clock must do. Checked after every segment:
 *   overlap   no frame is delivered once its segments conflicted;
 *   bytes     a delivered frame is the model's frame: the segment's key,
 *             exactly its declared length, exactly the bytes sent (and the
 *             generator's reference frame when only honest bytes were sent);
 *             a flood frame (never complete) is never delivered;
 *   complete  a frame the model completes is delivered (skipped once the
 *             reassembler had to evict or time out: then it may lose frames);
 *   cap       stats: bytes held never exceed the cap;
 *   parse     outer parse results stay inside the packet, summaries fit;
 *   order     for streams without conflicts, a shuffled copy delivers the
 *             same frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stt/checks.h"
#include "stt/inner.h"
#include "stt/outer.h"

enum { M_NONE = 0, M_LIVE, M_POISONED, M_DONE };

static struct fz_totals totals;

const struct fz_totals *fz_get_totals(void)
{
	return &totals;
}

struct mkey {
	struct stt_reasm_key k;
	bool used;
	int state;
	bool uncertain; /* the model cannot tell what the reassembler did */
	uint16_t flen;
	uint32_t nhave;
	uint8_t *bytes, *have;
	unsigned conflict_seg;
};

struct sig {
	uint64_t key, bytes;
	size_t len;
};

struct run {
	const struct fz_case *c;
	struct fz_finding *f;
	bool found;
	/* model */
	struct mkey *tab;
	size_t tabsize;
	/* the segment being offered */
	unsigned idx;
	const struct stt_seg_in *in;
	const struct fz_seg *seg;
	struct mkey *m;
	bool expect_deliver, delivered;
	bool approx;
	/* deliveries, for the order check */
	struct sig *sigs;
	size_t nsigs, capsigs;
};

static void finding(struct run *r, const char *inv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>

static void finding(struct run *r, const char *inv, const char *fmt, ...)
{
	va_list ap;

	if (r->found)
		return;
	r->found = true;
	r->f->invariant = inv;
	r->f->seg = r->idx;
	va_start(ap, fmt);
	vsnprintf(r->f->detail, sizeof(r->f->detail), fmt, ap);
	va_end(ap);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t key_hash(const struct stt_reasm_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = fnv(h, &k->src.family, 1);
	h = fnv(h, k->src.a, 16);
	h = fnv(h, &k->dst.family, 1);
	h = fnv(h, k->dst.a, 16);
	h = fnv(h, &k->dport, sizeof(k->dport));
	return fnv(h, &k->ack, sizeof(k->ack));
}

static bool key_eq(const struct stt_reasm_key *a, const struct stt_reasm_key *b)
{
	return a->dport == b->dport && a->ack == b->ack && stt_addr_eq(&a->src, &b->src) &&
	       stt_addr_eq(&a->dst, &b->dst);
}

static struct mkey *model_key(struct run *r, const struct stt_reasm_key *k)
{
	size_t i = key_hash(k) & (r->tabsize - 1);

	while (r->tab[i].used && !key_eq(&r->tab[i].k, k))
		i = (i + 1) & (r->tabsize - 1);
	if (!r->tab[i].used) {
		r->tab[i].used = true;
		r->tab[i].k = *k;
	}
	return &r->tab[i];
}

static void model_start(struct mkey *m, uint16_t flen)
{
	free(m->bytes);
	free(m->have);
	m->bytes = malloc(flen);
	m->have = calloc(flen, 1);
	if (!m->bytes || !m->have) {
		fprintf(stderr, "stt-fuzz: out of memory\n");
		exit(2);
	}
	m->flen = flen;
	m->nhave = 0;
	m->state = M_LIVE;
}

/* One segment through the model; sets r->m and r->expect_deliver. */
static void model_step(struct run *r, const struct stt_seg_in *in)
{
	size_t end = (size_t)in->offset + in->len;

	r->m = NULL;
	r->expect_deliver = false;
	if (in->len == 0 || !in->data || in->frame_len < STT_FRAME_HDR_LEN ||
	    in->len > STT_MAX_FRAME_LEN || end > in->frame_len)
		return; /* dropped, whatever the state */
	if (r->seg && r->seg->flood)
		return; /* flood frames are not modelled: they never complete */
	struct mkey *m = model_key(r, &in->key);
	r->m = m;
	switch (m->state) {
	case M_POISONED:
		return;
	case M_DONE:
		if (in->frame_len == m->flen && !memcmp(m->bytes + in->offset, in->data, in->len))
			return; /* a late duplicate, absorbed */
		/* Different bytes: the reassembler keeps only a sample of a
		 * delivered frame, so it may absorb this or start a new frame. */
		if (in->frame_len == m->flen)
			m->uncertain = true;
		model_start(m, in->frame_len);
		break;
	case M_NONE:
		model_start(m, in->frame_len);
		break;
	default:
		if (in->frame_len != m->flen)
			return; /* length mismatch: dropped */
	}
	for (size_t p = in->offset; p < end; p++)
		if (m->have[p] && m->bytes[p] != in->data[p - in->offset]) {
			totals.conflicts++;
			m->state = M_POISONED;
			m->conflict_seg = r->idx;
			return;
		}
	for (size_t p = in->offset; p < end; p++) {
		if (!m->have[p]) {
			m->have[p] = 1;
			m->nhave++;
		}
		m->bytes[p] = in->data[p - in->offset];
	}
	if (m->nhave == m->flen) {
		m->state = M_DONE;
		r->expect_deliver = true;
	}
}

static void on_check(void *ctx, const struct stt_finding *f)
{
	struct run *r = ctx;

	if (memchr(f->detail, '\0', sizeof(f->detail)) == NULL)
		finding(r, "parse", "check %d detail is not NUL-terminated", (int)f->id);
}

/* The frame-level decoders and checks on whatever was delivered. */
static void frame_checks(struct run *r, const struct stt_reasm_frame *fr)
{
	struct stt_frame_hdr h;
	struct stt_inner in;
	char buf[96];

	if (stt_frame_hdr_decode(fr->data, fr->len, &h) != 0)
		return;
	stt_inner_decode(fr->data + STT_FRAME_HDR_LEN, fr->len - STT_FRAME_HDR_LEN, &in);
	stt_check_frame(fr, &h, &in, on_check, r);
	memset(buf, 'x', sizeof(buf));
	size_t want = stt_inner_summary(fr->data + STT_FRAME_HDR_LEN, fr->len - STT_FRAME_HDR_LEN,
					&in, STT_SUM_LINK, buf, sizeof(buf));
	size_t got = strnlen(buf, sizeof(buf));
	if (got == sizeof(buf) || (want < sizeof(buf) && got != want))
		finding(r, "parse", "inner summary: %zu chars written, %zu claimed, cap %zu", got,
			want, sizeof(buf));
}

static void on_deliver(void *ctx, const struct stt_reasm_frame *fr)
{
	struct run *r = ctx;
	const struct stt_seg_in *in = r->in;
	struct mkey *m = r->m;

	r->delivered = true;
	totals.delivered++;
	frame_checks(r, fr);
	if (r->nsigs == r->capsigs) {
		size_t cap = r->capsigs ? r->capsigs * 2 : 64;
		struct sig *s = realloc(r->sigs, cap * sizeof(*s));
		if (!s)
			exit(2);
		r->sigs = s;
		r->capsigs = cap;
	}
	r->sigs[r->nsigs++] = (struct sig){ key_hash(&fr->key),
					    fnv(0xcbf29ce484222325ull, fr->data, fr->len), fr->len };

	if (!key_eq(&fr->key, &in->key)) {
		finding(r, "bytes", "delivered a frame of another key than the segment's (ack %08x vs %08x)",
			fr->key.ack, in->key.ack);
		return;
	}
	if (fr->len != in->frame_len) {
		finding(r, "bytes", "delivered %zu bytes for a frame whose length is %u", fr->len,
			in->frame_len);
		return;
	}
	if (r->seg && r->seg->flood) {
		finding(r, "bytes", "delivered a flood frame that never got all its bytes (ack %08x)",
			fr->key.ack);
		return;
	}
	const struct fz_key *ck = (r->seg && !r->seg->raw) ? &r->c->keys[r->seg->key] : NULL;
	if (ck && ck->honest && fr->len == ck->ref_len &&
	    memcmp(fr->data, r->c->arena + ck->ref, fr->len) != 0) {
		finding(r, "bytes", "delivered frame (ack %08x, %zu bytes) differs from the frame sent",
			fr->key.ack, fr->len);
		return;
	}
	if (r->expect_deliver && m) {
		if (memcmp(m->bytes, fr->data, fr->len) != 0) {
			size_t p = 0;
			while (p < fr->len && m->bytes[p] == fr->data[p])
				p++;
			finding(r, "bytes",
				"delivered frame (ack %08x) differs from the reference at byte %zu: expected 0x%02x, got 0x%02x",
				fr->key.ack, p, m->bytes[p], fr->data[p]);
		}
		return;
	}
	if (!m && !r->approx) {
		finding(r, "bytes",
			"delivered a frame completed by a segment the policy drops (offset %u, %zu bytes, frame length %u)",
			in->offset, in->len, in->frame_len);
		return;
	}
	if (r->approx || m->uncertain) {
		/* The model lost track (eviction, sampled late duplicates):
		 * adopt what was delivered. */
		if (!m)
			m = model_key(r, &fr->key);
		model_start(m, (uint16_t)fr->len);
		memcpy(m->bytes, fr->data, fr->len);
		m->state = M_DONE;
		return;
	}
	if (m->state == M_POISONED) {
		finding(r, "overlap",
			"delivered frame (ack %08x, %zu bytes) after segment #%u brought conflicting bytes",
			fr->key.ack, fr->len, m->conflict_seg);
		return;
	}
	finding(r, "bytes", "delivered frame (ack %08x) with %u of its %u bytes received", fr->key.ack,
		m->nhave, m->flen);
}

/* Parse a raw packet into a segment, checking that the parser stays
 * inside the packet. */
static bool raw_input(struct run *r, const struct fz_seg *s, struct stt_seg_in *in)
{
	const uint8_t *pkt = r->c->arena + s->data;
	struct stt_outer o;
	const char *why = NULL;

	if (stt_outer_parse(STT_LINK_ETHERNET, pkt, s->len, s->len, true, &o, &why) != STT_PARSE_OK) {
		if (why && !memchr(why, '\0', 200))
			finding(r, "parse", "parse failure reason is not a string");
		return false;
	}
	if (o.payload_len && (o.payload < pkt || o.payload + o.payload_len > pkt + s->len)) {
		finding(r, "parse", "parsed payload [%td, +%zu) lies outside the %u-byte packet",
			o.payload - pkt, o.payload_len, s->len);
		return false;
	}
	stt_check_segment(&o, r->idx + 1, on_check, r);
	if (stt_seq_offset(o.tcp.seq) == 0 && o.payload_len >= STT_FRAME_HDR_LEN) {
		/* the decoders on the mutated first segment, delivered or not */
		struct stt_frame_hdr h;
		struct stt_inner inner;
		char buf[96];
		if (stt_frame_hdr_decode(o.payload, o.payload_len, &h) != 0)
			finding(r, "parse", "stt_frame_hdr_decode refused %zu bytes", o.payload_len);
		stt_inner_decode(o.payload + STT_FRAME_HDR_LEN, o.payload_len - STT_FRAME_HDR_LEN,
				 &inner);
		size_t want = stt_inner_summary(o.payload + STT_FRAME_HDR_LEN,
						o.payload_len - STT_FRAME_HDR_LEN, &inner, 0, buf,
						sizeof(buf));
		size_t got = strnlen(buf, sizeof(buf));
		if (got == sizeof(buf) || (want < sizeof(buf) && got != want))
			finding(r, "parse", "inner summary: %zu chars written, %zu claimed, cap %zu",
				got, want, sizeof(buf));
	}
	/* ts_ns 0: the caller stamps raw segments with the case's clock */
	stt_seg_in_from_outer(in, &o, 0);
	return true;
}

bool fz_seg_input(const struct fz_case *c, unsigned i, struct stt_seg_in *in)
{
	const struct fz_seg *s = &c->segs[i];

	memset(in, 0, sizeof(*in));
	if (s->raw) {
		struct fz_finding f;
		struct run r = { .c = c, .f = &f };
		return raw_input(&r, s, in);
	}
	in->key = c->keys[s->key].k;
	in->frame_len = s->frame_len;
	in->offset = s->off;
	in->data = c->arena + s->data;
	in->len = s->len;
	in->sport = (uint16_t)(STT_EPHEMERAL_MIN + (in->key.ack & 0x3fff));
	in->tcp_flags = STT_TCP_ACK;
	return true;
}

static void model_free(struct run *r)
{
	for (size_t i = 0; i < r->tabsize; i++) {
		free(r->tab[i].bytes);
		free(r->tab[i].have);
	}
	free(r->tab);
	r->tab = NULL;
}

/* One pass in the given order (NULL: arrival order). */
static void run_pass(struct run *r, const bool *keep, const unsigned *perm, enum fz_broken b)
{
	/* The shuffled pass of the order check leaves completeness to the
	 * comparison of what both passes delivered: a difference is an
	 * order finding. */
	bool check_complete = perm == NULL;
	const struct fz_case *c = r->c;
	struct stt_reasm_config cfg = { .mem_cap = c->mem_cap, .timeout_ns = 0,
					.keep_seg_records = true };
	struct stt_reasm_ops ops = { .deliver = on_deliver, .drop = NULL };
	struct fz_reasm *re = fz_reasm_new(b, &cfg, &ops, r);
	size_t n = 1;

	while (n < 2 * (size_t)c->nsegs + 16)
		n <<= 1;
	r->tabsize = n;
	r->tab = calloc(n, sizeof(*r->tab));
	if (!re || !r->tab) {
		fprintf(stderr, "stt-fuzz: out of memory\n");
		exit(2);
	}
	r->approx = false;
	for (unsigned j = 0; j < c->nsegs && !r->found; j++) {
		unsigned i = perm ? perm[j] : j;
		struct stt_seg_in in;

		if (keep && !keep[i])
			continue;
		r->idx = i;
		r->seg = &c->segs[i];
		if (r->seg->raw) {
			if (!raw_input(r, r->seg, &in))
				continue;
		} else {
			fz_seg_input(c, i, &in);
		}
		in.ts_ns = 1000000000ull; /* a frozen clock: nothing times out */
		in.cookie = i + 1;
		r->in = &in;
		model_step(r, &in);
		totals.segments++;
		r->delivered = false;
		fz_reasm_add(re, &in);

		const struct stt_reasm_stats *st = fz_reasm_stats(re);
		if (st->mem_held > c->mem_cap || st->mem_peak > c->mem_cap) {
			finding(r, "cap", "%zu bytes held (peak %zu) over the cap of %zu after segment #%u",
				st->mem_held, st->mem_peak, c->mem_cap, i);
			break;
		}
		if (st->drops[STT_DROP_EVICTED] || st->drops[STT_DROP_NOMEM] ||
		    st->drops[STT_DROP_TIMEOUT])
			r->approx = true;
		if (r->expect_deliver)
			totals.expected++;
		if (check_complete && r->expect_deliver && !r->delivered && !r->approx && r->m &&
		    !r->m->uncertain)
			finding(r, "complete",
				"frame (ack %08x, %u bytes) has all its bytes after segment #%u but was not delivered",
				in.key.ack, in.frame_len, i);
	}
	fz_reasm_free(re);
	model_free(r);
}

static int sig_cmp(const void *a, const void *b)
{
	const struct sig *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

bool fz_run_case(const struct fz_case *c, const bool *keep, enum fz_broken b,
		 struct fz_finding *f)
{
	struct run r = { .c = c, .f = f };

	memset(f, 0, sizeof(*f));
	run_pass(&r, keep, NULL, b);
	if (!r.found && c->ordered_check) {
		struct sig *first = r.sigs;
		size_t nfirst = r.nsigs;

		r.sigs = NULL;
		r.nsigs = r.capsigs = 0;
		run_pass(&r, keep, c->shuffle, b);
		if (!r.found) {
			if (nfirst)
				qsort(first, nfirst, sizeof(*first), sig_cmp);
			if (r.nsigs)
				qsort(r.sigs, r.nsigs, sizeof(*r.sigs), sig_cmp);
			if (nfirst != r.nsigs ||
			    (nfirst && memcmp(first, r.sigs, nfirst * sizeof(*first)) != 0)) {
				r.idx = 0;
				finding(&r, "order",
					"arrival order delivered %zu frames (%zu bytes first), a shuffled copy %zu",
					nfirst, nfirst ? first[0].len : 0, r.nsigs);
			}
		}
		free(first);
	}
	free(r.sigs);
	return r.found;
}
