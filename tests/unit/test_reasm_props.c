/* Property tests of the reassembler, deterministic per seed: any order,
 * duplication or coalescing of a frame's segments gives the same bytes
 * exactly once; conflicts never deliver; memory never passes the cap; a
 * legitimate peer survives a 10:1 flood of partial frames; and every
 * inner length survives segment -> reassemble. */
#include <string.h>

#include "check.h"
#include "reasm_testlib.h"
#include "stt/segment.h"

#define SEC 1000000000ull

struct range {
	uint16_t off;
	uint16_t len;
};

static struct rt_ctx C;
static uint8_t FRAME[65535], EVIL[65535];
static struct range R[140000];
static size_t ORDER[140000];

static size_t random_len(uint64_t *s)
{
	/* Half small, half anything up to the largest frame. */
	return 18 + rt_below(s, rt_rand(s) & 1 ? 65535 - 18 + 1 : 3000);
}

/* Random partition of [0, len) into n ranges; sometimes one range. */
static size_t random_partition(size_t len, uint64_t *s, struct range *out)
{
	size_t n = 0, off = 0;
	unsigned style = rt_below(s, 4);

	if (style == 0) {
		out[0].off = 0;
		out[0].len = (uint16_t)len;
		return 1;
	}
	while (off < len) {
		size_t piece;

		if (style == 1)
			piece = 1448;
		else if (style == 2)
			piece = 1 + rt_below(s, 9000);
		else
			piece = 1 + rt_below(s, 200);
		if (piece > len - off)
			piece = len - off;
		out[n].off = (uint16_t)off;
		out[n].len = (uint16_t)piece;
		n++;
		off += piece;
	}
	return n;
}

/* Hold more than half the cap in partial frames of another source, so
 * that new large frames start in chunks (lazy charging, as under a flood)
 * instead of a flat buffer; each test runs both ways. */
static void add_ballast(struct stt_reasm *r)
{
	for (uint32_t i = 0; i < 30; i++) {
		struct stt_seg_in s = rt_seg(rt_key(200, 1000 + i), FRAME, 65535, 0, 60000, 0);

		stt_reasm_add(r, &s);
	}
}

static struct stt_seg_in seg_of(const struct range *g, const uint8_t *frame, size_t len,
				uint32_t ack, uint64_t ts)
{
	return rt_seg(rt_key(1, ack), frame, (uint16_t)len, g->off, g->len, ts);
}

static void prop_permutation_duplication(void)
{
	uint64_t seed = 100;
	unsigned fails = 0;

	check_test("props: any permutation + duplication -> same bytes exactly once");
	for (unsigned trial = 0; trial < 300; trial++) {
		struct stt_reasm *r = rt_new(&C, 0, 0, trial & 1);
		size_t len = random_len(&seed), n, ndup, total;
		const struct stt_reasm_stats *st = stt_reasm_stats(r);
		uint64_t base_segments = 0;

		if (trial & 2) {
			add_ballast(r);
			base_segments = st->segments;
		}
		rt_fill(FRAME, len, &seed);
		n = random_partition(len, &seed, R);
		for (size_t i = 0; i < n; i++)
			ORDER[i] = i;
		rt_shuffle(ORDER, n, &seed);
		/* Duplicates: copies of original ranges, and random sub-ranges
		 * (identical bytes), all placed before the last original. */
		ndup = rt_below(&seed, (uint32_t)n + 3);
		total = n;
		for (size_t d = 0; d < ndup && total + 1 < 140000; d++) {
			size_t at = rt_below(&seed, (uint32_t)total); /* before the last */
			struct range g;

			if (rt_below(&seed, 2)) {
				g = R[rt_below(&seed, (uint32_t)n)];
			} else {
				g.off = (uint16_t)rt_below(&seed, (uint32_t)len);
				g.len = (uint16_t)(1 + rt_below(&seed, (uint32_t)(len - g.off)));
			}
			R[n + d] = g;
			memmove(&ORDER[at + 1], &ORDER[at], (total - at) * sizeof(ORDER[0]));
			ORDER[at] = n + d;
			total++;
		}
		for (size_t i = 0; i < total; i++) {
			struct stt_seg_in s = seg_of(&R[ORDER[i]], FRAME, len, 1, trial);
			enum stt_seg_fate f = stt_reasm_add(r, &s);

			if (f == STT_SEG_DROPPED)
				fails++;
		}
		/* Sub-range duplicates may complete the frame before the last
		 * original arrives; that one is then a late duplicate, absorbed
		 * by the delivered frame's entry. Either way: exactly one
		 * delivery, with the sent bytes. */
		if (C.ndel != 1 || C.del[0].len != len || memcmp(C.del[0].data, FRAME, len) != 0)
			fails++;
		/* the ballast's segments were all accepted */
		if (st->segments - base_segments !=
		    st->accepted - base_segments + st->partial_dups + st->duplicates)
			fails++;
		if ((trial & 1) && C.ndel == 1 && C.del[0].nsegs == 0)
			fails++;
		stt_reasm_flush(r, 0);
		if (st->mem_held != 0)
			fails++;
		stt_reasm_free(r);
		rt_reset(&C);
	}
	CHECK_EQ(0, fails);
}

static void prop_coalesced(void)
{
	uint64_t seed = 200;
	unsigned fails = 0;

	check_test("props: GRO-style coalesced ranges over mss segments, any order");
	for (unsigned trial = 0; trial < 200; trial++) {
		struct stt_reasm *r = rt_new(&C, 0, 0, false);
		size_t len = random_len(&seed), n = 0, off = 0;

		rt_fill(FRAME, len, &seed);
		/* Original mss-sized segments, some of them merged into one
		 * "super" segment as an LRO NIC would hand them over, plus a
		 * few of the originals also delivered separately. */
		while (off < len) {
			size_t k = 1 + rt_below(&seed, 8), piece = k * 1448;

			if (piece > len - off)
				piece = len - off;
			R[n].off = (uint16_t)off;
			R[n].len = (uint16_t)piece;
			n++;
			if (k > 1 && rt_below(&seed, 3) == 0) {
				R[n].off = (uint16_t)off;
				R[n].len = (uint16_t)(piece < 1448 ? piece : 1448);
				n++;
			}
			off += piece;
		}
		for (size_t i = 0; i < n; i++)
			ORDER[i] = i;
		rt_shuffle(ORDER, n, &seed);
		for (size_t i = 0; i < n; i++) {
			struct stt_seg_in s = seg_of(&R[ORDER[i]], FRAME, len, 2, 0);

			if (stt_reasm_add(r, &s) == STT_SEG_DROPPED)
				fails++;
		}
		if (C.ndel < 1 || C.del[0].len != len || memcmp(C.del[0].data, FRAME, len) != 0)
			fails++;
		stt_reasm_free(r);
		rt_reset(&C);
	}
	CHECK_EQ(0, fails);
}

static void prop_interleaved_sources(void)
{
	enum { NSRC = 6, NFR = 5 };
	static uint8_t frames[NSRC * NFR][9000];
	size_t lens[NSRC * NFR], pos[NSRC * NFR];
	unsigned seen[NSRC * NFR] = { 0 }, fails = 0;
	uint64_t seed = 300;
	struct stt_reasm *r = rt_new(&C, 0, 0, false);
	size_t left = NSRC * NFR;

	check_test("props: interleaved frames from several sources");
	for (unsigned i = 0; i < NSRC * NFR; i++) {
		lens[i] = 18 + rt_below(&seed, 9000 - 18);
		rt_fill(frames[i], lens[i], &seed);
		pos[i] = 0;
	}
	while (left) {
		unsigned i = rt_below(&seed, NSRC * NFR);
		size_t piece = 1 + rt_below(&seed, 1500);
		struct stt_seg_in s;

		if (pos[i] >= lens[i])
			continue;
		if (piece > lens[i] - pos[i])
			piece = lens[i] - pos[i];
		/* src = i / NFR, ack = i: same ack across sources too. */
		s = rt_seg(rt_key(i / NFR, i % NFR), frames[i], (uint16_t)lens[i],
			   (uint16_t)pos[i], piece, 0);
		stt_reasm_add(r, &s);
		pos[i] += piece;
		if (pos[i] >= lens[i])
			left--;
	}
	for (unsigned d = 0; d < C.ndel; d++) {
		unsigned i = C.del[d].key.src.a[3] * NFR + C.del[d].key.ack;

		if (i >= NSRC * NFR || C.del[d].len != lens[i] ||
		    memcmp(C.del[d].data, frames[i], lens[i]) != 0)
			fails++;
		else
			seen[i]++;
	}
	for (unsigned i = 0; i < NSRC * NFR; i++)
		if (seen[i] != 1)
			fails++;
	CHECK_EQ(0, fails);
	CHECK_EQ(NSRC * NFR, C.ndel);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void prop_conflict_never_delivers(void)
{
	uint64_t seed = 400;
	unsigned fails = 0;

	check_test("props: a conflicting overlap never delivers either version");
	for (unsigned trial = 0; trial < 300; trial++) {
		struct stt_reasm *r = rt_new(&C, 0, 0, false);
		const struct stt_reasm_stats *st = stt_reasm_stats(r);
		size_t len = random_len(&seed), n, k, p, lo, hi;
		struct range evil;
		bool evil_first = rt_below(&seed, 2);

		if (trial & 2)
			add_ballast(r);

		rt_fill(FRAME, len, &seed);
		do
			n = random_partition(len, &seed, R);
		while (n < 2);
		for (size_t i = 0; i < n; i++)
			ORDER[i] = i;
		rt_shuffle(ORDER, n, &seed);
		/* The evil segment arrives after k originals (k in [1, n-1])
		 * and overlaps one of them with a flipped byte, or it arrives
		 * first and one of the originals later conflicts with it. */
		k = evil_first ? 0 : 1 + rt_below(&seed, (uint32_t)(n - 1));
		if (evil_first) {
			/* The evil copy must leave a byte of its victim uncovered,
			 * or it could complete the frame on its own, conflict
			 * unseen (which no receiver could tell). */
			const struct range *victim = &R[ORDER[rt_below(&seed, (uint32_t)n)]];

			for (unsigned tries = 0; victim->len < 2 && tries < 1000; tries++)
				victim = &R[ORDER[rt_below(&seed, (uint32_t)n)]];
			if (victim->len < 2) {
				stt_reasm_free(r);
				continue;
			}
			p = victim->off + rt_below(&seed, victim->len - 1u);
			hi = p + 1;
		} else {
			const struct range *victim = &R[ORDER[rt_below(&seed, (uint32_t)k)]];

			p = victim->off + rt_below(&seed, victim->len);
			hi = p + 1 + rt_below(&seed, (uint32_t)(len - p < 3000 ? len - p : 3000));
		}
		lo = p - rt_below(&seed, (uint32_t)(p < 3000 ? p + 1 : 3000));
		evil.off = (uint16_t)lo;
		evil.len = (uint16_t)(hi - lo);
		memcpy(EVIL, FRAME, len);
		EVIL[p] ^= (uint8_t)(1 + rt_below(&seed, 255));

		for (size_t i = 0; i <= n; i++) {
			struct stt_seg_in s;

			if (i == k)
				s = rt_seg(rt_key(1, 9), EVIL, (uint16_t)len, evil.off, evil.len,
					   0);
			else
				s = seg_of(&R[ORDER[i < k ? i : i - 1]], FRAME, len, 9, 0);
			stt_reasm_add(r, &s);
		}
		if (C.ndel != 0 || st->drops[STT_DROP_OVERLAP_CONFLICT] != 1)
			fails++;
		stt_reasm_free(r);
		rt_reset(&C);
	}
	CHECK_EQ(0, fails);
}

static void prop_memory_cap(void)
{
	uint64_t seed = 500;
	size_t caps[] = { 8 * 1024, 64 * 1024, 300 * 1024 };
	unsigned over = 0, bad_len = 0;

	check_test("props: mem_held <= cap after every add of an adversarial stream");
	rt_fill(FRAME, sizeof(FRAME), &seed);
	memcpy(EVIL, FRAME, sizeof(EVIL));
	for (size_t i = 0; i < sizeof(EVIL); i += 97)
		EVIL[i] ^= 0x5a;
	for (unsigned ci = 0; ci < 3; ci++) {
		struct stt_reasm *r = rt_new(&C, caps[ci], SEC, ci & 1);
		const struct stt_reasm_stats *st = stt_reasm_stats(r);
		uint64_t ts = 0;

		C.keep_bytes = false;
		for (unsigned i = 0; i < 60000; i++) {
			struct stt_seg_in s;
			uint16_t flen =
				(uint16_t)(rt_below(&seed, 4) ? 65535 : rt_below(&seed, 70000));
			uint16_t off = (uint16_t)rt_below(&seed, flen + 10u);
			size_t len = rt_below(&seed, 4) ? 1 + rt_below(&seed, 64)
							 : rt_below(&seed, 9000);

			if ((size_t)off + len > sizeof(FRAME))
				len = sizeof(FRAME) - off;
			s = rt_seg(rt_key(rt_below(&seed, 40), rt_below(&seed, 30)),
				   rt_below(&seed, 8) ? FRAME : EVIL, flen, off, len, ts);
			if (rt_below(&seed, 16) == 0)
				s.frame_len = (uint16_t)(s.frame_len + 1); /* mismatch */
			stt_reasm_add(r, &s);
			ts += rt_below(&seed, 1000000); /* 0.5 ms on average */
			if (st->mem_held > caps[ci] || st->mem_peak > caps[ci])
				over++;
		}
		for (unsigned d = 0; d < C.ndel && d < RT_MAX_EVENTS; d++)
			if (C.del[d].len < 18)
				bad_len++;
		stt_reasm_flush(r, ts);
		CHECK_EQ(0, st->mem_held);
		CHECK_EQ(0, st->frames_held);
		CHECK(st->drops[STT_DROP_EVICTED] + st->drops[STT_DROP_TIMEOUT] > 0);
		stt_reasm_free(r);
		rt_reset(&C);
		C.keep_bytes = true;
	}
	CHECK_EQ(0, over);
	CHECK_EQ(0, bad_len);
}

/* A legitimate peer sends 64 KB frames in order; between two of its
 * segments come `ratio` attack segments of partial frames claiming 64 KB,
 * each frame from a fresh spoofed source (or all from one source, or
 * spoofing the peer itself). An attack frame gets `burst` consecutive
 * segments before the next one starts: 1 is the plain flood; a burst
 * long enough to bring a quarter of the frame is the attacker who knows
 * that this gets a frame charged in full.
 * Returns delivered legitimate frames per thousand. */
struct flood {
	unsigned ratio, burst;
	bool one_attacker, as_peer, spread;
	size_t mss, cap;
	uint64_t seed;
};

static unsigned flood_permille(struct flood o)
{
	struct stt_reasm *r = rt_new(&C, o.cap, 0, false); /* 0: defaults, 4 MiB, 30 s */
	unsigned sent = 0, delivered = 0, in_burst = 0;
	uint64_t ts = 0, seed = o.seed;
	struct stt_reasm_key legit = rt_key(1, 0), k;
	size_t aoff = 0;

	memset(&k, 0, sizeof(k));
	C.keep_bytes = false;
	rt_fill(FRAME, sizeof(FRAME), &seed);
	for (uint32_t fr = 0; fr < 400; fr++) {
		legit.ack = fr;
		for (size_t off = 0; off < 65535; off += o.mss) {
			size_t len = 65535 - off < o.mss ? 65535 - off : o.mss;
			struct stt_seg_in s = rt_seg(legit, FRAME, 65535, (uint16_t)off, len, ts++);

			stt_reasm_add(r, &s);
			for (unsigned a = 0; a < o.ratio; a++) {
				size_t alen = o.spread ? 1 : 1 + rt_below(&seed, 1448);

				if (in_burst == 0) {
					k.src.family = 6;
					k.src.a[0] = 0x20;
					k.src.a[1] = 0x01;
					k.src.a[2] = 0x0d;
					k.src.a[3] = 0xb8;
					if (!o.one_attacker) {
						uint64_t x = rt_rand(&seed);
						memcpy(k.src.a + 8, &x, 8);
					}
					if (o.as_peer)
						k.src = legit.src; /* spoof the peer itself */
					k.dst = legit.dst;
					k.dport = 7471;
					k.ack = (uint32_t)rt_rand(&seed);
					aoff = rt_below(&seed, 65535);
				}
				if (o.burst > 1) {
					alen = 1448;
					if (aoff + alen > 65535)
						aoff = 0;
				}
				if (aoff + alen > 65535)
					alen = 65535 - aoff;
				s = rt_seg(k, EVIL, 65535, (uint16_t)aoff, alen, ts++);
				stt_reasm_add(r, &s);
				aoff += alen;
				if (++in_burst >= (o.burst ? o.burst : 1))
					in_burst = 0;
			}
		}
		sent++;
	}
	for (unsigned d = 0; d < C.ndel; d++)
		if (C.del[d].key.src.family == 4 && C.del[d].len == 65535 &&
		    C.del[d].key.ack < 400)
			delivered++;
	stt_reasm_free(r);
	rt_reset(&C);
	C.keep_bytes = true;
	return delivered * 1000 / sent;
}

static void flood_case(const char *what, struct flood o, bool expect_ok)
{
	unsigned pm = flood_permille(o);

	printf("# %s: %u.%u%% delivered\n", what, pm / 10, pm % 10);
	if (expect_ok)
		CHECK(pm >= 990);
	else
		CHECK(pm < 990);
}

static void prop_flood(void)
{
	check_test("props: legit peer >= 99% under a 10:1 flood from spoofed sources");
	flood_case("spoofed flood 10:1, mss 1448",
		   (struct flood){ .ratio = 10, .mss = 1448, .seed = 600 }, true);
	flood_case("spoofed flood 10:1 of 1-byte segments",
		   (struct flood){ .ratio = 10, .mss = 1448, .spread = true, .seed = 601 }, true);
	flood_case("spoofed flood 10:1, mss 8948",
		   (struct flood){ .ratio = 10, .mss = 8948, .seed = 602 }, true);
	flood_case("spoofed flood 10:1, bursts of 12 segments (a quarter frame)",
		   (struct flood){ .ratio = 10, .burst = 12, .mss = 1448, .seed = 608 }, true);

	check_test("props: legit peer >= 99% under a 10:1 flood from one source");
	flood_case("single-source flood 10:1",
		   (struct flood){ .ratio = 10, .one_attacker = true, .mss = 1448, .seed = 603 },
		   true);
	flood_case("single-source flood 100:1 of 1-byte segments",
		   (struct flood){ .ratio = 100, .one_attacker = true, .spread = true, .mss = 1448,
				   .seed = 604 },
		   true);

	check_test("props: legit peer >= 99% under a 10:1 flood spoofing its own address");
	flood_case("flood 10:1 spoofing the peer",
		   (struct flood){ .ratio = 10, .one_attacker = true, .as_peer = true, .mss = 1448,
				   .seed = 606 },
		   true);
	flood_case("flood 10:1 of 1-byte segments spoofing the peer",
		   (struct flood){ .ratio = 10, .one_attacker = true, .as_peer = true,
				   .spread = true, .mss = 1448, .seed = 607 },
		   true);
	flood_case("flood 10:1 spoofing the peer, bursts of 12",
		   (struct flood){ .ratio = 10, .burst = 12, .one_attacker = true, .as_peer = true,
				   .mss = 1448, .seed = 609 },
		   true);

	/* The measurement can fail: with a cap too small to hold the flood's
	 * turnover while a 64 KB frame is sent, the flood wins. */
	check_test("props: the flood test detects loss (tiny cap)");
	flood_case("spoofed flood 10:1, 160 KiB cap",
		   (struct flood){ .ratio = 10, .mss = 1448, .spread = true, .seed = 605,
				   .cap = 160 * 1024 },
		   false);
}

/* ---- segment -> reassemble round trip --------------------------------- */

static uint8_t INNER[STT_MAX_INNER_LEN];
static uint8_t PKT[65535 + 128];

struct rt_check {
	const uint8_t *want;
	size_t want_len;
	unsigned got, bad;
};

static void rtc_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	struct rt_check *c = ctx;

	c->got++;
	if (f->len != c->want_len || memcmp(f->data, c->want, f->len) != 0)
		c->bad++;
}

static unsigned round_trip(size_t mss, size_t step, size_t first)
{
	struct stt_reasm_ops ops = { .deliver = rtc_deliver };
	struct rt_check chk = { 0 };
	struct stt_reasm *r = stt_reasm_new(NULL, &ops, &chk);
	struct stt_outer_tmpl t;
	struct stt_frame_hdr h = { .flags = STT_F_IPV4, .mss = 1448, .context_id = 42 };
	size_t hl, failures = 0;

	stt_outer_tmpl_defaults(&t);
	t.with_eth = false;
	t.src.family = t.dst.family = 4;
	memcpy(t.src.a, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	memcpy(t.dst.a, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	t.csum_mode = STT_CSUM_MODE_ZERO; /* checksums are tested elsewhere */
	hl = stt_outer_hdr_len(&t);
	for (size_t inner_len = first; inner_len <= STT_MAX_INNER_LEN; inner_len += step) {
		size_t flen = stt_frame_build(&h, INNER, inner_len, FRAME, sizeof(FRAME));
		size_t nseg = stt_segment_count(flen, mss);
		unsigned before = chk.got;

		if (flen != inner_len + STT_FRAME_HDR_LEN) {
			failures++;
			continue;
		}
		t.ack = (uint32_t)inner_len;
		chk.want = FRAME;
		chk.want_len = flen;
		for (size_t i = 0; i < nseg; i++) {
			size_t plen = stt_segment_build(&t, FRAME, flen, mss, i, PKT, sizeof(PKT));
			const uint8_t *tcp = PKT + hl - STT_TCP_HDR_LEN;
			struct stt_seg_in s;

			if (plen <= hl) {
				failures++;
				break;
			}
			memset(&s, 0, sizeof(s));
			s.key.src = t.src;
			s.key.dst = t.dst;
			s.key.dport = t.dport;
			s.key.ack = t.ack;
			s.frame_len = (uint16_t)((tcp[4] << 8) | tcp[5]);
			s.offset = (uint16_t)((tcp[6] << 8) | tcp[7]);
			s.data = PKT + hl;
			s.len = plen - hl;
			stt_reasm_add(r, &s);
		}
		if (chk.got != before + 1)
			failures++;
	}
	if (chk.bad)
		failures += chk.bad;
	if (stt_reasm_stats(r)->frames_held != 0)
		failures++;
	stt_reasm_free(r);
	return (unsigned)failures;
}

static void prop_round_trip(void)
{
	uint64_t seed = 700;

	rt_fill(INNER, sizeof(INNER), &seed);
	check_test("props: segment -> reassemble, every inner length 0..65517, mss 1448");
	CHECK_EQ(0, round_trip(1448, 1, 0));
	check_test("props: segment -> reassemble, every 7th length, mss 8948");
	CHECK_EQ(0, round_trip(8948, 7, 3));
	check_test("props: segment -> reassemble, every 61st length, mss 333");
	CHECK_EQ(0, round_trip(333, 61, 5));
	check_test("props: segment -> reassemble, every 997th length, mss 1");
	CHECK_EQ(0, round_trip(1, 997, 0));
}

int main(void)
{
	C.keep_bytes = true;
	prop_permutation_duplication();
	prop_coalesced();
	prop_interleaved_sources();
	prop_conflict_never_delivers();
	prop_memory_cap();
	prop_flood();
	prop_round_trip();
	return check_done();
}
