/* Fuzz target: the reassembler fed segments decoded from the input.
 *
 * Input: records of 7 header bytes, then (for raw-payload records) the
 * payload bytes:
 *   [0] bits 0-2 key (8 keys), bit 3 payload from the input instead of
 *       the key's pattern (so conflicts happen), bit 4 raw 16-bit fields
 *       (else folded into a small frame so that frames complete), bits
 *       5-7 clock step
 *   [1..2] frame length   [3..4] offset   [5..6] length
 *
 * Three runs, with these invariants:
 *  A. default cap (ample for 8 keys), frozen clock, against a byte-exact reference model: every
 *     segment's fate and every delivery (when, which key, which bytes)
 *     match; in particular bytes from a conflicting overlap are never
 *     delivered, and delivered frames have exactly their declared length;
 *  B. small cap, moving clock: mem_held <= cap after every call, and a
 *     key whose segments never conflict delivers only its true bytes;
 *  C. for each key whose segments never conflict nor disagree on length,
 *     a shuffled copy delivers the same frame (exactly once, iff its
 *     segments cover it) as run A: the result does not depend on arrival
 *     order. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NKEYS 8
#define MAXSEGS 4096
#define FLEN 65536

struct fseg {
	uint8_t key;
	uint16_t frame_len, off;
	size_t len;
	const uint8_t *data;
	uint64_t ts;
};

static struct fseg SEGS[MAXSEGS];
static uint8_t PAT[NKEYS][FLEN];

/* Reference model of one key (run A). */
enum { REF_NONE, REF_LIVE, REF_POISONED, REF_DONE, REF_UNKNOWN };
static struct ref {
	int state;
	uint16_t flen;
	size_t nhave;
	uint8_t bytes[FLEN];
	uint8_t have[FLEN];
} REF[NKEYS];

/* Union of each key's segments over the whole input (runs B and C). */
static struct uni {
	bool conflict, len_varies, any;
	uint16_t flen;
	size_t nhave;
	uint8_t bytes[FLEN];
	uint8_t have[FLEN];
} UNI[NKEYS];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_reasm: invariant failed: %s\n", what);
	abort();
}

static struct stt_reasm_key key_of(unsigned k)
{
	struct stt_reasm_key key;

	memset(&key, 0, sizeof(key));
	key.src.family = key.dst.family = (k & 4) ? 6 : 4;
	if (k & 4) {
		key.src.a[0] = key.dst.a[0] = 0x20;
		key.src.a[1] = key.dst.a[1] = 0x01;
		key.src.a[2] = key.dst.a[2] = 0x0d;
		key.src.a[3] = key.dst.a[3] = 0xb8;
		key.src.a[15] = 1;
		key.dst.a[15] = 2;
	} else {
		key.src.a[0] = key.dst.a[0] = 192;
		key.src.a[2] = key.dst.a[2] = 2;
		key.src.a[3] = 1;
		key.dst.a[3] = 2;
	}
	key.src.a[3] = (uint8_t)(key.src.a[3] + (k & 1)); /* two sources per family */
	key.dport = 7471;
	key.ack = k >> 1;
	return key;
}

static unsigned key_index(const struct stt_reasm_key *key)
{
	for (unsigned k = 0; k < NKEYS; k++) {
		struct stt_reasm_key x = key_of(k);

		if (memcmp(&x.src, &key->src, sizeof(x.src)) == 0 && x.ack == key->ack)
			return k;
	}
	fail("delivery for a key never sent");
	return 0;
}

static size_t decode(const uint8_t *p, size_t n)
{
	size_t i = 0, nseg = 0;
	uint64_t ts = 0;

	while (i + 7 <= n && nseg < MAXSEGS) {
		uint8_t b = p[i];
		unsigned flen = (unsigned)(p[i + 1] << 8 | p[i + 2]);
		unsigned off = (unsigned)(p[i + 3] << 8 | p[i + 4]);
		size_t len = (size_t)(p[i + 5] << 8 | p[i + 6]);
		struct fseg *s = &SEGS[nseg];

		i += 7;
		if (!(b & 0x10)) {
			flen = 18 + flen % 5000; /* one chunk, or a few (flat buffer) */
			off = off % (flen + 1);
			len = len % (flen - off + 2); /* may pass the end by one, or be 0 */
		}
		s->key = b & 7;
		s->frame_len = (uint16_t)flen;
		s->off = (uint16_t)off;
		if (b & 0x08) {
			if (len > n - i)
				len = n - i;
			s->data = p + i;
			i += len;
		} else {
			if (off + len > FLEN)
				len = FLEN - off;
			s->data = PAT[s->key] + off;
		}
		s->len = len;
		ts += (uint64_t)(b >> 5) * 1000000000ull; /* 0..7 s per step */
		s->ts = ts;
		nseg++;
	}
	return nseg;
}

static struct stt_seg_in seg_in(const struct fseg *s, bool frozen)
{
	struct stt_seg_in in;

	memset(&in, 0, sizeof(in));
	in.key = key_of(s->key);
	in.frame_len = s->frame_len;
	in.offset = s->off;
	in.data = s->data;
	in.len = s->len;
	in.ts_ns = frozen ? 0 : s->ts;
	in.sport = (uint16_t)(49152 + s->key);
	return in;
}

static bool seg_valid(const struct fseg *s)
{
	return s->len > 0 && s->frame_len >= 18 && (size_t)s->off + s->len <= s->frame_len;
}

/* ---- run A: reference model ------------------------------------------ */

struct deliv {
	unsigned n;
	unsigned key;
	size_t len;
	uint8_t bytes[FLEN];
};

static struct deliv DA;

static void deliver_a(void *ctx, const struct stt_reasm_frame *f)
{
	struct deliv *d = ctx;

	d->n++;
	d->key = key_index(&f->key);
	d->len = f->len;
	if (f->len > FLEN - 1)
		fail("delivered frame longer than 65535");
	memcpy(d->bytes, f->data, f->len);
	if (f->accepted_segs == 0 || f->nsegs != f->accepted_segs + f->duplicate_segs)
		fail("segment counts of a delivered frame");
}

/* What the reference expects of one segment; delivers into *out. */
static int ref_add(const struct fseg *s, bool *delivered)
{
	struct ref *r = &REF[s->key];
	size_t added = 0;

	*delivered = false;
	if (!seg_valid(s))
		return STT_SEG_DROPPED;
	if (r->state == REF_UNKNOWN)
		return -1;
	if (r->state == REF_POISONED)
		return STT_SEG_DROPPED;
	if (r->state == REF_LIVE && r->flen != s->frame_len)
		return STT_SEG_DROPPED;
	if (r->state == REF_DONE) {
		if (r->flen == s->frame_len &&
		    memcmp(r->bytes + s->off, s->data, s->len) == 0)
			return STT_SEG_DUPLICATE;
		if (r->flen == s->frame_len) {
			/* Differs from the delivered frame: the reassembler
			 * compares a sample only, so it may absorb this or start
			 * anew. Stop predicting this key. */
			r->state = REF_UNKNOWN;
			return -1;
		}
		r->state = REF_NONE;
	}
	if (r->state == REF_NONE) {
		r->state = REF_LIVE;
		r->flen = s->frame_len;
		r->nhave = 0;
		memset(r->have, 0, r->flen);
	}
	for (size_t i = 0; i < s->len; i++) {
		size_t p = s->off + i;

		if (r->have[p] && r->bytes[p] != s->data[i]) {
			r->state = REF_POISONED;
			return STT_SEG_DROPPED;
		}
	}
	for (size_t i = 0; i < s->len; i++) {
		size_t p = s->off + i;

		if (!r->have[p]) {
			r->have[p] = 1;
			r->bytes[p] = s->data[i];
			added++;
		}
	}
	r->nhave += added;
	if (r->nhave == r->flen) {
		r->state = REF_DONE;
		*delivered = true;
	}
	return added == s->len ? STT_SEG_ACCEPTED : added ? STT_SEG_PARTIAL_DUP : STT_SEG_DUPLICATE;
}

/* Delivered frames of run A, for run C. */
static unsigned DELIVERED_A[NKEYS];

static void run_a(size_t nseg)
{
	struct stt_reasm_config cfg = { .keep_seg_records = true }; /* 4 MiB: never short here */
	struct stt_reasm_ops ops = { .deliver = deliver_a };
	struct stt_reasm *r = stt_reasm_new(&cfg, &ops, &DA);

	if (!r)
		fail("stt_reasm_new");
	for (unsigned k = 0; k < NKEYS; k++)
		REF[k].state = REF_NONE;
	memset(DELIVERED_A, 0, sizeof(DELIVERED_A));
	for (size_t i = 0; i < nseg; i++) {
		struct stt_seg_in in = seg_in(&SEGS[i], true);
		bool want_deliver;
		int want = ref_add(&SEGS[i], &want_deliver);
		enum stt_seg_fate got;

		DA.n = 0;
		got = stt_reasm_add(r, &in);
		if (DA.n > 1)
			fail("more than one delivery from one segment");
		if (DA.n && DA.key != SEGS[i].key)
			fail("delivered another key's frame");
		if (DA.n) {
			if (DA.len != SEGS[i].frame_len)
				fail("delivered length differs from the declared frame length");
			DELIVERED_A[DA.key]++;
		}
		if (want < 0)
			continue;
		if ((int)got != want)
			fail("segment fate differs from the reference");
		if (want_deliver != (DA.n == 1))
			fail("delivery differs from the reference");
		if (want_deliver && memcmp(DA.bytes, REF[SEGS[i].key].bytes, DA.len) != 0)
			fail("delivered bytes differ from the reference");
	}
	if (stt_reasm_stats(r)->mem_peak > STT_REASM_DEFAULT_MEM_CAP)
		fail("mem_held above the cap");
	stt_reasm_flush(r, 0);
	if (stt_reasm_stats(r)->mem_held != 0 || stt_reasm_stats(r)->frames_held != 0)
		fail("memory or frames left after flush");
	stt_reasm_free(r);
}

/* ---- union of each key's segments ------------------------------------ */

static void build_union(size_t nseg)
{
	for (unsigned k = 0; k < NKEYS; k++) {
		UNI[k].conflict = UNI[k].len_varies = UNI[k].any = false;
		UNI[k].nhave = 0;
	}
	for (size_t i = 0; i < nseg; i++) {
		const struct fseg *s = &SEGS[i];
		struct uni *u = &UNI[s->key];

		if (!seg_valid(s))
			continue;
		if (!u->any) {
			u->any = true;
			u->flen = s->frame_len;
			memset(u->have, 0, FLEN);
		} else if (u->flen != s->frame_len) {
			u->len_varies = true;
			continue;
		}
		for (size_t j = 0; j < s->len; j++) {
			size_t p = s->off + j;

			if (u->have[p] && u->bytes[p] != s->data[j])
				u->conflict = true;
			if (!u->have[p]) {
				u->have[p] = 1;
				u->bytes[p] = s->data[j];
				u->nhave++;
			}
		}
	}
}

static bool key_clean(unsigned k)
{
	return !UNI[k].conflict && !UNI[k].len_varies;
}

/* ---- run B: small cap, moving clock ---------------------------------- */

struct ctx_b {
	size_t cap;
};

static void deliver_b(void *ctx, const struct stt_reasm_frame *f)
{
	unsigned k = key_index(&f->key);

	(void)ctx;
	if (f->len < 18 || f->len > 65535)
		fail("run B: delivered length out of range");
	if (key_clean(k) && (f->len != UNI[k].flen || memcmp(f->data, UNI[k].bytes, f->len) != 0))
		fail("run B: clean key delivered bytes it was never sent");
}

static void run_b(size_t nseg, size_t cap)
{
	struct stt_reasm_config cfg = { .mem_cap = cap, .timeout_ns = 10000000000ull,
					.keep_seg_records = cap & 1024 };
	struct stt_reasm_ops ops = { .deliver = deliver_b };
	struct stt_reasm *r = stt_reasm_new(&cfg, &ops, NULL);
	const struct stt_reasm_stats *st;

	if (!r)
		fail("stt_reasm_new");
	st = stt_reasm_stats(r);
	for (size_t i = 0; i < nseg; i++) {
		struct stt_seg_in in = seg_in(&SEGS[i], false);

		stt_reasm_add(r, &in);
		if (st->mem_held > cap || st->mem_peak > cap)
			fail("run B: mem_held above the cap");
	}
	stt_reasm_expire(r, SEGS[nseg ? nseg - 1 : 0].ts + 5000000000ull);
	stt_reasm_flush(r, 0);
	if (st->mem_held != 0 || st->frames_held != 0)
		fail("run B: memory or frames left after flush");
	stt_reasm_free(r);
}

/* ---- run C: shuffled, same deliveries -------------------------------- */

static unsigned DELIVERED_C[NKEYS];

static void deliver_c(void *ctx, const struct stt_reasm_frame *f)
{
	unsigned k = key_index(&f->key);

	(void)ctx;
	DELIVERED_C[k]++;
	if (key_clean(k) &&
	    (f->len != UNI[k].flen || memcmp(f->data, UNI[k].bytes, f->len) != 0))
		fail("run C: shuffled order delivered other bytes");
}

static void run_c(size_t nseg, uint64_t seed)
{
	struct stt_reasm_config cfg = { 0 };
	struct stt_reasm_ops ops = { .deliver = deliver_c };
	struct stt_reasm *r = stt_reasm_new(&cfg, &ops, NULL);
	static struct fseg shuffled[MAXSEGS];

	if (!r)
		fail("stt_reasm_new");
	memcpy(shuffled, SEGS, nseg * sizeof(SEGS[0]));
	for (size_t i = nseg; i > 1; i--) {
		size_t j;
		struct fseg t;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (size_t)((seed >> 33) % i);
		t = shuffled[i - 1];
		shuffled[i - 1] = shuffled[j];
		shuffled[j] = t;
	}
	memset(DELIVERED_C, 0, sizeof(DELIVERED_C));
	for (size_t i = 0; i < nseg; i++) {
		struct stt_seg_in in = seg_in(&shuffled[i], true);

		stt_reasm_add(r, &in);
	}
	for (unsigned k = 0; k < NKEYS; k++) {
		bool complete = UNI[k].any && UNI[k].nhave == UNI[k].flen;

		/* Keys do not interact without memory pressure or a clock, so
		 * each clean key is judged on its own. */
		if (!key_clean(k))
			continue;
		if (DELIVERED_C[k] != (complete ? 1u : 0u))
			fail("run C: a clean key was not delivered exactly once");
		if (DELIVERED_A[k] != DELIVERED_C[k])
			fail("run C: deliveries depend on arrival order");
	}
	stt_reasm_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	size_t nseg;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	if (!init) {
		for (unsigned k = 0; k < NKEYS; k++)
			for (size_t p = 0; p < FLEN; p++)
				PAT[k][p] = (uint8_t)(p * 31u + (p >> 8) * 7u + k * 101u);
		init = true;
	}
	nseg = decode(data, size);
	run_a(nseg);
	build_union(nseg);
	run_b(nseg, 8192 + (size_t)(size ? data[0] : 0) * 1024);
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 0x100000001b3ull;
	run_c(nseg, seed);
	return 0;
}
