/* Adversarial segment-stream generators. Each case is one kind, chosen and
 * filled from the case seed alone, so that a (run seed, case number) pair
 * names a case for good. Every segment remembers whether its bytes are
 * the reference frame's (honest) or not (evil), which is what the runner's
 * reference model and the order check rely on. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "stt/segment.h"

static const char *const kind_names[FZ__KINDS] = {
	[FZ_BOUNDARY] = "boundary", [FZ_OVERLAP] = "overlap",	 [FZ_LENLIE] = "length-lie",
	[FZ_ACKCOLLIDE] = "ack-collision", [FZ_ZEROLEN] = "zero-length", [FZ_MUTATE] = "mutation",
	[FZ_FLOOD] = "flood",		   [FZ_REORDER] = "reorder",
};

const char *fz_kind_name(enum fz_kind k)
{
	return k < FZ__KINDS ? kind_names[k] : "?";
}

/* Frame lengths that sit on an edge: the STT header alone, one byte
 * either side of it, chunk and MTU sizes, and the 16-bit maximum. */
static const uint16_t edge_lens[] = { 18, 19, 20, 32, 35, 36, 64, 65, 1500, 1514, 2047, 2048,
				      2049, 4096, 9018, 32768, 65534, 65535 };
/* Segment payload sizes worth hitting. */
static const uint16_t edge_segs[] = { 1, 2, 17, 18, 19, 20, 64, 255, 1448, 1460, 2048, 8192, 65535 };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint16_t pick_len(struct fz_rng *r, unsigned max)
{
	uint16_t l;

	if (fz_rng_chance(r, 2, 3))
		l = edge_lens[fz_rng_below(r, NELEM(edge_lens))];
	else
		l = (uint16_t)(STT_FRAME_HDR_LEN + fz_rng_below(r, 65535 - STT_FRAME_HDR_LEN + 1));
	if (l > max)
		l = (uint16_t)(STT_FRAME_HDR_LEN + fz_rng_below(r, max - STT_FRAME_HDR_LEN + 1));
	return l;
}

/* A reference frame: a real STT header (version 0, our context) and an
 * inner Ethernet frame of random bytes behind a broadcast destination. */
static void make_ref(struct fz_case *c, struct fz_rng *r, unsigned key, uint16_t len)
{
	struct fz_key *k = &c->keys[key];
	uint32_t at = fz_case_alloc(c, len);
	uint8_t *p = c->arena + at;

	fz_rng_fill(r, p, len);
	if (len >= STT_FRAME_HDR_LEN) {
		struct stt_frame_hdr h;
		memset(&h, 0, sizeof(h));
		h.context_id = fz_context();
		if (fz_rng_chance(r, 1, 4))
			h.flags = (uint8_t)fz_rng_below(r, 256);
		stt_frame_hdr_encode(&h, p);
	}
	if (len >= STT_FRAME_HDR_LEN + 14)
		memset(p + STT_FRAME_HDR_LEN, 0xff, 6);
	k->ref = at;
	k->ref_len = len;
}

static uint32_t rand_ack(struct fz_rng *r)
{
	return (uint32_t)fz_rng_next(r);
}

static struct fz_seg *push_seg(struct fz_case *c, unsigned key, uint16_t frame_len, uint16_t off,
			       uint32_t len)
{
	struct fz_seg *s = fz_case_push(c);
	const struct fz_key *k = &c->keys[key];

	s->key = (uint16_t)key;
	s->frame_len = frame_len;
	s->off = off;
	s->len = len;
	if ((size_t)off + len <= k->ref_len) {
		s->data = k->ref + off;
	} else {
		/* beyond the reference: honest where it overlaps, noise after */
		uint32_t at = fz_case_alloc(c, len ? len : 1);
		size_t inside = off < k->ref_len ? k->ref_len - off : 0;
		if (inside)
			memcpy(c->arena + at, c->arena + k->ref + off, inside);
		memset(c->arena + at + inside, 0xa5, len - inside);
		s->data = at;
	}
	return s;
}

/* A copy of [off, off+len) of the key's reference with some bytes changed:
 * it conflicts with any honest segment it overlaps. */
static void push_evil(struct fz_case *c, struct fz_rng *r, unsigned key, uint16_t off, uint32_t len)
{
	const struct fz_key *k = &c->keys[key];
	uint32_t at = fz_case_alloc(c, len);
	struct fz_seg *s = fz_case_push(c);
	unsigned flips = 1 + fz_rng_below(r, 3);

	memcpy(c->arena + at, c->arena + k->ref + off, len);
	for (unsigned i = 0; i < flips; i++)
		c->arena[at + fz_rng_below(r, len)] ^= (uint8_t)(1 + fz_rng_below(r, 255));
	s->key = (uint16_t)key;
	s->frame_len = k->ref_len;
	s->off = off;
	s->len = len;
	s->data = at;
	s->evil = 1;
	c->keys[key].honest = false;
}

/* Cut the key's reference into honest segments: constant size, or a new
 * size for each segment. Keeps the count bounded. */
static void cut(struct fz_case *c, struct fz_rng *r, unsigned key)
{
	uint16_t flen = c->keys[key].ref_len;
	uint32_t seg = edge_segs[fz_rng_below(r, NELEM(edge_segs))];
	bool vary = fz_rng_chance(r, 1, 3);
	unsigned min_seg = flen / 1024 + 1;

	for (uint32_t off = 0; off < flen;) {
		uint32_t len = vary ? 1 + fz_rng_below(r, 4096) : seg;
		if (len < min_seg)
			len = min_seg;
		if (off + len > flen)
			len = flen - off;
		push_seg(c, key, flen, (uint16_t)off, len);
		off += len;
	}
}

static void shuffle_range(struct fz_case *c, struct fz_rng *r, unsigned from, unsigned to)
{
	for (unsigned i = to; i > from + 1; i--) {
		unsigned j = from + fz_rng_below(r, i - from);
		struct fz_seg t = c->segs[i - 1];
		c->segs[i - 1] = c->segs[j];
		c->segs[j] = t;
	}
}

/* Arrival order: as cut, reversed, shuffled, or last segment first. */
static void order(struct fz_case *c, struct fz_rng *r, unsigned from)
{
	unsigned n = c->nsegs - from;

	if (n < 2)
		return;
	switch (fz_rng_below(r, 4)) {
	case 0:
		break;
	case 1:
		for (unsigned i = 0; i < n / 2; i++) {
			struct fz_seg t = c->segs[from + i];
			c->segs[from + i] = c->segs[from + n - 1 - i];
			c->segs[from + n - 1 - i] = t;
		}
		break;
	case 2:
		shuffle_range(c, r, from, c->nsegs);
		break;
	default: {
		struct fz_seg t = c->segs[c->nsegs - 1];
		memmove(&c->segs[from + 1], &c->segs[from], (n - 1) * sizeof(t));
		c->segs[from] = t;
	}
	}
}

static int pick_family(struct fz_rng *r)
{
	return fz_rng_chance(r, 1, 4) ? 6 : 4;
}

static void gen_boundary(struct fz_case *c, struct fz_rng *r)
{
	unsigned nk = 1 + fz_rng_below(r, 3);

	for (unsigned i = 0; i < nk; i++) {
		unsigned k = fz_case_add_key(c, i, rand_ack(r), i ? pick_family(r) : 4);
		make_ref(c, r, k, pick_len(r, 65535));
		cut(c, r, k);
		uint16_t flen = c->keys[k].ref_len;
		/* edges: the last byte again, one past the end, the far end of
		 * the offset space */
		push_seg(c, k, flen, (uint16_t)(flen - 1), 1);
		push_seg(c, k, flen, (uint16_t)(flen - 1), 2);
		push_seg(c, k, flen, 65535, 1);
		/* ending one byte short of the frame, and starting at byte 1 */
		push_seg(c, k, flen, 0, (uint32_t)flen - 1);
		push_seg(c, k, flen, 1, (uint32_t)flen - 1);
		if (flen < 65535)
			push_seg(c, k, flen, 0, (uint32_t)flen + 1);
	}
	/* frames too short to hold the STT header, under their own keys */
	for (uint16_t fl = 0; fl < STT_FRAME_HDR_LEN; fl = (uint16_t)(fl ? fl + 16 : 1)) {
		unsigned k = fz_case_add_key(c, 9, rand_ack(r), 4);
		make_ref(c, r, k, fl ? fl : 1);
		c->keys[k].ref_len = fl;
		push_seg(c, k, fl, 0, fl ? fl : 1);
	}
	order(c, r, 0);
	c->ordered_check = true;
}

static void gen_overlap(struct fz_case *c, struct fz_rng *r)
{
	unsigned nk = 1 + fz_rng_below(r, 2);
	bool any_evil = false;

	for (unsigned i = 0; i < nk; i++) {
		unsigned k = fz_case_add_key(c, i, rand_ack(r), 4);
		make_ref(c, r, k, pick_len(r, 16384));
		cut(c, r, k);
		uint16_t flen = c->keys[k].ref_len;
		unsigned extra = 1 + fz_rng_below(r, 6);
		for (unsigned j = 0; j < extra; j++) {
			uint16_t off = (uint16_t)fz_rng_below(r, flen);
			uint32_t len = 1 + fz_rng_below(r, flen - off);
			if (fz_rng_chance(r, 1, 2)) {
				push_evil(c, r, k, off, len);
				any_evil = true;
			} else {
				push_seg(c, k, flen, off, len);
			}
		}
	}
	shuffle_range(c, r, 0, c->nsegs);
	c->ordered_check = !any_evil;
}

static void gen_lenlie(struct fz_case *c, struct fz_rng *r)
{
	unsigned k = fz_case_add_key(c, 0, rand_ack(r), 4);
	make_ref(c, r, k, pick_len(r, 16384));
	cut(c, r, k);
	uint16_t flen = c->keys[k].ref_len;
	unsigned lies = 1 + fz_rng_below(r, 4);

	for (unsigned j = 0; j < lies; j++) {
		static const int deltas[] = { -1, 1, -18, 100 };
		int fl = fz_rng_chance(r, 1, 3) ? 18 + (int)fz_rng_below(r, 65535 - 18 + 1)
						: flen + deltas[fz_rng_below(r, 4)];
		if (fl < STT_FRAME_HDR_LEN || fl > 65535)
			fl = 65535;
		uint16_t off = (uint16_t)fz_rng_below(r, flen);
		uint32_t len = 1 + fz_rng_below(r, flen - off);
		struct fz_seg *s = push_seg(c, k, (uint16_t)fl, off, len);
		(void)s;
	}
	c->keys[k].honest = false;
	shuffle_range(c, r, 0, c->nsegs);
}

static void gen_ackcollide(struct fz_case *c, struct fz_rng *r)
{
	uint32_t ack = fz_rng_chance(r, 1, 2) ? 0 : rand_ack(r);
	unsigned nk = 2 + fz_rng_below(r, 5);

	for (unsigned i = 0; i < nk; i++) {
		unsigned k = fz_case_add_key(c, i, ack, i < 2 ? 4 : pick_family(r));
		/* same length for all, sometimes: only the bytes tell them apart */
		make_ref(c, r, k, i && fz_rng_chance(r, 1, 2) ? c->keys[0].ref_len : pick_len(r, 9000));
		cut(c, r, k);
	}
	shuffle_range(c, r, 0, c->nsegs);
	c->ordered_check = true;
}

static void gen_zerolen(struct fz_case *c, struct fz_rng *r)
{
	unsigned k = fz_case_add_key(c, 0, rand_ack(r), pick_family(r));
	make_ref(c, r, k, pick_len(r, 65535));
	cut(c, r, k);
	uint16_t flen = c->keys[k].ref_len;
	const uint16_t offs[] = { 0, 1, 17, 18, 19, (uint16_t)(flen - 1), flen, 65535 };

	for (unsigned j = 0; j < NELEM(offs); j++) {
		push_seg(c, k, flen, offs[j], 0);
		if (offs[j] <= flen && fz_rng_chance(r, 1, 2))
			push_seg(c, k, flen, offs[j], (uint32_t)(flen - offs[j]) + 1);
	}
	shuffle_range(c, r, 0, c->nsegs);
	c->ordered_check = true;
}

static void gen_reorder(struct fz_case *c, struct fz_rng *r)
{
	unsigned nk = 1 + fz_rng_below(r, 4);

	for (unsigned i = 0; i < nk; i++) {
		unsigned k = fz_case_add_key(c, 0, rand_ack(r), 4);
		make_ref(c, r, k, pick_len(r, 30000));
		cut(c, r, k);
	}
	unsigned n = c->nsegs, dups = fz_rng_below(r, n + 1);
	for (unsigned j = 0; j < dups; j++) {
		struct fz_seg copy = c->segs[fz_rng_below(r, n)]; /* push may move segs */
		*fz_case_push(c) = copy;
	}
	order(c, r, 0);
	c->ordered_check = true;
}

/* The legitimate peer's frames interleaved with partial 64 KB frames from
 * many spoofed sources, under a small memory cap. The flood frames never
 * get all their bytes, so they must never be delivered. */
static void gen_flood(struct fz_case *c, struct fz_rng *r)
{
	static const unsigned ratios[] = { 1, 10, 100 };
	unsigned ratio = ratios[fz_rng_below(r, 3)];
	unsigned nlegit = 2 + fz_rng_below(r, 6), nsrc = 1 + fz_rng_below(r, 250);
	uint32_t pattern;

	c->mem_cap = (size_t)(128 + fz_rng_below(r, 897)) * 1024;
	/* one shared 64 KB pattern for every flood frame's bytes */
	pattern = fz_case_alloc(c, 65535);
	fz_rng_fill(r, c->arena + pattern, 65535);
	for (unsigned i = 0; i < nlegit; i++) {
		unsigned k = fz_case_add_key(c, 0, rand_ack(r), 4);
		make_ref(c, r, k, (uint16_t)(1000 + fz_rng_below(r, 8000)));
		uint16_t flen = c->keys[k].ref_len;
		for (uint32_t off = 0; off < flen; off += 1448) {
			uint32_t len = flen - off < 1448 ? flen - off : 1448;
			push_seg(c, k, flen, (uint16_t)off, len);
			for (unsigned j = 0; j < ratio; j++) {
				unsigned fk = fz_case_add_key(c, 1 + fz_rng_below(r, nsrc), rand_ack(r), 4);
				c->keys[fk].ref = pattern;
				c->keys[fk].ref_len = 65535;
				uint16_t foff = (uint16_t)(fz_rng_below(r, 40) * 1448);
				struct fz_seg *s = push_seg(c, fk, 65535, foff, 1448);
				s->flood = 1;
			}
		}
	}
}

/* Header-field mutations: real packets of one frame, some bytes of their
 * Ethernet/IP/TCP headers changed, parsed by the runner like a capture. */
static void gen_mutate(struct fz_case *c, struct fz_rng *r)
{
	unsigned k = fz_case_add_key(c, 0, rand_ack(r), pick_family(r));
	make_ref(c, r, k, (uint16_t)(STT_FRAME_HDR_LEN + 14 + fz_rng_below(r, 3000)));
	if (fz_rng_chance(r, 1, 2)) {
		/* an inner IPv4/TCP header so that the frame checks have work */
		uint8_t *p = c->arena + c->keys[k].ref + STT_FRAME_HDR_LEN;
		p[12] = 0x08;
		p[13] = 0x00;
		p[14] = (uint8_t)(0x40 | (fz_rng_below(r, 16)));
		p[23] = fz_rng_chance(r, 1, 2) ? 6 : 17;
	}
	cut(c, r, k);
	unsigned n = c->nsegs;
	uint8_t pkt[STT_MAX_FRAME_LEN + 256];

	for (unsigned i = 0; i < n; i++) {
		size_t len = fz_seg_packet(c, i, pkt, sizeof(pkt));
		if (!len)
			continue;
		bool v6 = c->keys[k].k.src.family == 6;
		size_t l3 = 14, l4 = l3 + (v6 ? 40 : 20);
		/* fields worth lying in: ethertype; IPv4 version/IHL, total
		 * length, fragment, protocol (IPv6 payload length, next
		 * header); TCP frame length, offset, ack, data offset, flags */
		const size_t fields[] = { 12,	   l3 + (v6 ? 4 : 0), l3 + (v6 ? 4 : 2),
					  l3 + (v6 ? 6 : 6), l3 + (v6 ? 6 : 9), l4 + 4,
					  l4 + 6,  l4 + 8,	      l4 + 12,
					  l4 + 13 };
		unsigned muts = fz_rng_chance(r, 1, 4) ? 0 : 1 + fz_rng_below(r, 3);
		for (unsigned m = 0; m < muts; m++) {
			unsigned f = fz_rng_below(r, NELEM(fields) + 2);
			size_t at = f < NELEM(fields) ? fields[f] : fz_rng_below(r, (uint32_t)(l4 + 20));
			if (at + 2 > len)
				continue;
			/* on the wire, keep the outer addresses in the
			 * documentation ranges the run uses */
			if (fz_is_wire() && at + 2 > l3 + (v6 ? 8 : 12) && at < l3 + (v6 ? 40 : 20))
				continue;
			switch (fz_rng_below(r, 4)) {
			case 0: pkt[at] ^= (uint8_t)(1u << fz_rng_below(r, 8)); break;
			case 1: pkt[at] = 0; pkt[at + 1] = 0; break;
			case 2: pkt[at] = 0xff; pkt[at + 1] = 0xff; break;
			default: pkt[at] = (uint8_t)fz_rng_next(r); pkt[at + 1]++; break;
			}
		}
		if (fz_rng_chance(r, 1, 8))
			len = fz_rng_below(r, (uint32_t)len + 1); /* a snaplen cut */
		uint32_t at = fz_case_alloc(c, len ? len : 1);
		memcpy(c->arena + at, pkt, len);
		c->segs[i].raw = 1;
		c->segs[i].data = at;
		c->segs[i].len = (uint32_t)len;
	}
	c->keys[k].honest = false;
	shuffle_range(c, r, 0, c->nsegs);
}

static unsigned kind_mask = (1u << FZ__KINDS) - 1;

int fz_set_kinds(const char *list)
{
	char buf[256];
	unsigned mask = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned k;
		for (k = 0; k < FZ__KINDS && strcmp(t, kind_names[k]) != 0; k++)
			;
		if (k == FZ__KINDS)
			return -1;
		mask |= 1u << k;
	}
	if (!mask)
		return -1;
	kind_mask = mask;
	return 0;
}

void fz_generate(struct fz_case *c, uint64_t seed, uint64_t number)
{
	struct fz_rng r;

	fz_case_reset(c);
	fz_rng_seed(&r, seed);
	c->seed = seed;
	c->number = number;
	c->mem_cap = 8u << 20;
	c->kind = (enum fz_kind)fz_rng_below(&r, FZ__KINDS);
	if (!(kind_mask & (1u << c->kind))) {
		/* --kind: the n-th allowed kind */
		unsigned n = fz_rng_below(&r, (unsigned)__builtin_popcount(kind_mask)), k = 0;
		while (!(kind_mask & (1u << k)) || n--)
			k++;
		c->kind = (enum fz_kind)k;
	}
	switch (c->kind) {
	case FZ_BOUNDARY: gen_boundary(c, &r); break;
	case FZ_OVERLAP: gen_overlap(c, &r); break;
	case FZ_LENLIE: gen_lenlie(c, &r); break;
	case FZ_ACKCOLLIDE: gen_ackcollide(c, &r); break;
	case FZ_ZEROLEN: gen_zerolen(c, &r); break;
	case FZ_MUTATE: gen_mutate(c, &r); break;
	case FZ_FLOOD: gen_flood(c, &r); break;
	default: gen_reorder(c, &r); break;
	}
	/* the permutation for the order check */
	for (unsigned i = 0; i < c->nsegs; i++)
		c->shuffle[i] = i;
	for (unsigned i = c->nsegs; i > 1; i--) {
		unsigned j = fz_rng_below(&r, i);
		unsigned t = c->shuffle[i - 1];
		c->shuffle[i - 1] = c->shuffle[j];
		c->shuffle[j] = t;
	}
}
