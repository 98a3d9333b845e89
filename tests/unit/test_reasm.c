/* Unit tests of the reassembler: one case per policy, drop reason and
 * counter of stt/reasm.h. */
#include <string.h>

#include "check.h"
#include "reasm_testlib.h"

#define SEC 1000000000ull

static struct rt_ctx C;
static uint8_t F1[65535], F2[65535];

static bool delivered_equals(const struct rt_delivery *d, const uint8_t *want, size_t len)
{
	return d->data && d->len == len && memcmp(d->data, want, len) == 0;
}

static void test_in_order(void)
{
	uint64_t seed = 1;
	struct stt_reasm *r = rt_new(&C, 0, 0, true);
	struct stt_reasm_key k = rt_key(1, 77);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);

	check_test("reasm: in-order frame delivered once, byte-identical");
	rt_fill(F1, 5000, &seed);
	for (uint16_t off = 0; off < 5000; off += 1448) {
		size_t len = 5000 - off < 1448 ? 5000u - off : 1448u;
		struct stt_seg_in s = rt_seg(k, F1, 5000, off, len, 10);

		CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	}
	CHECK_EQ(1, C.ndel);
	CHECK(delivered_equals(&C.del[0], F1, 5000));
	CHECK_EQ(4, C.del[0].nsegs);
	CHECK_EQ(4, C.del[0].accepted);
	CHECK_EQ(0, C.del[0].dups);
	CHECK_EQ(77, C.del[0].key.ack);
	CHECK_EQ(4, st->segments);
	CHECK_EQ(4, st->accepted);
	CHECK_EQ(1, st->frames_started);
	CHECK_EQ(1, st->frames_delivered);
	CHECK_EQ(5000, st->bytes_delivered);
	CHECK_EQ(0, st->frames_held);
	CHECK(st->mem_peak > 5000);
	/* What stays is the small delivered entry: well under a chunk. */
	CHECK(st->mem_held > 0 && st->mem_held < 1024);
	/* The oracle itself must be able to fail. */
	C.del[0].data[4999] ^= 1;
	CHECK(!delivered_equals(&C.del[0], F1, 5000));
	stt_reasm_flush(r, 20);
	CHECK_EQ(0, st->mem_held);
	CHECK_EQ(0, st->drops[STT_DROP_FLUSHED]); /* nothing incomplete */
	stt_reasm_free(r);
	rt_reset(&C);

	check_test("reasm: late duplicates of a delivered frame are absorbed");
	r = rt_new(&C, 0, 0, true);
	st = stt_reasm_stats(r);
	for (uint16_t off = 0; off < 5000; off += 1000) {
		struct stt_seg_in s = rt_seg(k, F1, 5000, off, 1000, 10);

		stt_reasm_add(r, &s);
	}
	CHECK_EQ(1, C.ndel);
	for (uint16_t off = 0; off < 5000; off += 1000) {
		struct stt_seg_in s = rt_seg(k, F1, 5000, off, 1000, 11);

		CHECK_EQ(STT_SEG_DUPLICATE, stt_reasm_add(r, &s));
	}
	CHECK_EQ(1, C.ndel);
	CHECK_EQ(5, st->duplicates);
	CHECK_EQ(5, st->late_duplicates);
	CHECK_EQ(1, st->frames_started);
	CHECK_EQ(0, st->frames_held);
	/* A new frame reusing the ack (different bytes) replaces the entry. */
	for (uint16_t off = 0; off < 5000; off += 1000) {
		struct stt_seg_in s = rt_seg(k, F1 + 1, 5000, off, 1000, 12);

		CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	}
	CHECK_EQ(2, C.ndel);
	CHECK(delivered_equals(&C.del[1], F1 + 1, 5000));
	/* So does one with another length. */
	{
		struct stt_seg_in s = rt_seg(k, F1, 4000, 0, 4000, 13);

		CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
		CHECK_EQ(3, C.ndel);
	}
	/* They go silently at the timeout. */
	stt_reasm_expire(r, 13 + STT_REASM_DEFAULT_TIMEOUT_NS + 1);
	CHECK_EQ(0, st->mem_held);
	CHECK_EQ(0, st->drops[STT_DROP_TIMEOUT]);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_single_segment_64k(void)
{
	uint64_t seed = 2;
	struct stt_reasm *r = rt_new(&C, 0, 0, false);
	struct stt_seg_in s;

	check_test("reasm: unsegmented 65535-byte frame in one segment");
	rt_fill(F1, 65535, &seed);
	s = rt_seg(rt_key(1, 1), F1, 65535, 0, 65535, 0);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel);
	CHECK(delivered_equals(&C.del[0], F1, 65535));
	CHECK_EQ(0, C.del[0].nsegs); /* records off */
	CHECK_EQ(1, C.del[0].accepted);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_whole_frame_zero_copy(void)
{
	uint64_t seed = 22;
	struct stt_reasm *r = rt_new(&C, 0, 0, true);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s = rt_seg(rt_key(1, 9), F1, 60000, 0, 60000, 7);
	struct stt_seg_in other = rt_seg(rt_key(1, 9), F2, 60000, 0, 60000, 8);

	check_test("reasm: a whole frame in one segment is delivered from the caller's bytes");
	rt_fill(F1, 60000, &seed);
	rt_fill(F2, 60000, &seed);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel);
	CHECK(C.del[0].at == F1); /* no copy into reassembly storage */
	CHECK(delivered_equals(&C.del[0], F1, 60000));
	CHECK_EQ(1, C.del[0].nsegs);
	CHECK_EQ(STT_SEG_ACCEPTED, C.del[0].recs[0].fate);
	CHECK(st->mem_peak < 4096); /* never charged for a 60000-byte buffer */
	/* the delivered entry still absorbs a late copy... */
	CHECK_EQ(STT_SEG_DUPLICATE, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->late_duplicates);
	CHECK_EQ(1, C.ndel);
	/* ...and a different frame reusing the ack starts afresh */
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &other));
	CHECK_EQ(2, C.ndel);
	CHECK(C.del[1].at == F2);
	CHECK_EQ(2, st->frames_delivered);
	CHECK_EQ(0, st->frames_held);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_duplicates(void)
{
	uint64_t seed = 3;
	struct stt_reasm *r = rt_new(&C, 0, 0, true);
	struct stt_reasm_key k = rt_key(1, 5);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in a = rt_seg(k, F1, 3000, 0, 1000, 1);
	struct stt_seg_in b = rt_seg(k, F1, 3000, 500, 1500, 2);
	struct stt_seg_in c = rt_seg(k, F1, 3000, 2000, 1000, 3);

	check_test("reasm: identical duplicates absorbed and recorded with their fate");
	rt_fill(F1, 3000, &seed);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &a));
	CHECK_EQ(STT_SEG_DUPLICATE, stt_reasm_add(r, &a));
	CHECK_EQ(STT_SEG_PARTIAL_DUP, stt_reasm_add(r, &b));
	CHECK_EQ(STT_SEG_DUPLICATE, stt_reasm_add(r, &b));
	CHECK_EQ(0, C.ndel);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &c));
	CHECK_EQ(1, C.ndel);
	CHECK(delivered_equals(&C.del[0], F1, 3000));
	CHECK_EQ(5, C.del[0].nsegs);
	CHECK_EQ(3, C.del[0].accepted);
	CHECK_EQ(2, C.del[0].dups);
	CHECK_EQ(STT_SEG_ACCEPTED, C.del[0].recs[0].fate);
	CHECK_EQ(STT_SEG_DUPLICATE, C.del[0].recs[1].fate);
	CHECK_EQ(STT_SEG_PARTIAL_DUP, C.del[0].recs[2].fate);
	CHECK_EQ(STT_SEG_DUPLICATE, C.del[0].recs[3].fate);
	CHECK_EQ(STT_SEG_ACCEPTED, C.del[0].recs[4].fate);
	CHECK_EQ(500, C.del[0].recs[2].offset);
	CHECK_EQ(1500, C.del[0].recs[2].len_lo);
	CHECK_EQ(2, st->duplicates);
	CHECK_EQ(0, st->late_duplicates);
	CHECK_EQ(1, st->partial_dups);
	CHECK_EQ(2, st->accepted);
	CHECK_EQ(0, C.ndrop);
	CHECK_EQ(st->segments,
		 st->accepted + st->partial_dups + st->duplicates + rt_per_seg_drops(st));
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_per_frame_facts(void)
{
	uint64_t seed = 4;
	struct stt_reasm *r = rt_new(&C, 0, 0, true);
	struct stt_reasm_key k = rt_key(1, 9);
	struct stt_seg_in a = rt_seg(k, F1, 2000, 1000, 1000, 100);
	struct stt_seg_in b = rt_seg(k, F1, 2000, 0, 1000, 200);

	check_test("reasm: sport_varied, any_ce, first_tos, timestamps, cookies");
	rt_fill(F1, 2000, &seed);
	a.tos = 0x03; /* CE on a later-offset segment */
	a.cookie = 11;
	a.sport = 50001;
	b.tos = 0xb8; /* EF, offset 0 */
	b.cookie = 12;
	b.user = 0x55;
	b.tcp_flags = 0x18;
	stt_reasm_add(r, &a);
	stt_reasm_add(r, &b);
	CHECK_EQ(1, C.ndel);
	CHECK(C.del[0].sport_varied);
	CHECK(C.del[0].any_ce);
	CHECK(C.del[0].have_first_tos);
	CHECK_EQ(0xb8, C.del[0].first_tos);
	CHECK_EQ(100, C.del[0].first_ts);
	CHECK_EQ(200, C.del[0].last_ts);
	CHECK_EQ(11, C.del[0].recs[0].cookie);
	CHECK_EQ(12, C.del[0].recs[1].cookie);
	CHECK_EQ(0x55, C.del[0].recs[1].user);
	CHECK_EQ(0x18, C.del[0].recs[1].tcp_flags);
	CHECK_EQ(50001, C.del[0].recs[0].sport);
	rt_reset(&C);

	/* Same source port and no CE: both flags stay clear. */
	a.tos = b.tos = 0x02;
	a.sport = b.sport;
	a.key.ack = b.key.ack = 10;
	stt_reasm_add(r, &b);
	stt_reasm_add(r, &a);
	CHECK_EQ(1, C.ndel);
	CHECK(!C.del[0].sport_varied);
	CHECK(!C.del[0].any_ce);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_keys_apart(void)
{
	uint64_t seed = 5;
	struct stt_reasm *r = rt_new(&C, 0, 0, false);
	struct stt_reasm_key base = rt_key(1, 1), k[5];
	uint8_t *frames[5] = { F1, F1 + 100, F1 + 200, F1 + 300, F1 + 400 };

	check_test("reasm: src, dst, dport and ack each separate frames");
	rt_fill(F1, 1000, &seed);
	for (int i = 0; i < 5; i++)
		k[i] = base;
	k[1].src.a[3] = 2;
	k[2].dst.a[3] = 2;
	k[3].dport = 7472;
	k[4].ack = 2;
	for (int i = 0; i < 5; i++) {
		struct stt_seg_in s = rt_seg(k[i], frames[i], 100, 0, 50, 0);
		stt_reasm_add(r, &s);
	}
	CHECK_EQ(5, stt_reasm_stats(r)->frames_held);
	for (int i = 4; i >= 0; i--) {
		struct stt_seg_in s = rt_seg(k[i], frames[i], 100, 50, 50, 0);
		stt_reasm_add(r, &s);
	}
	CHECK_EQ(5, C.ndel);
	for (int i = 0; i < 5; i++)
		CHECK(delivered_equals(&C.del[i], frames[4 - i], 100));
	/* IPv6 source with the same leading bytes is yet another key. */
	{
		struct stt_reasm_key k6 = base;
		struct stt_seg_in s;

		k6.src.family = 6;
		s = rt_seg(k6, F1, 100, 0, 50, 0);
		stt_reasm_add(r, &s);
		s = rt_seg(base, F1 + 500, 100, 0, 50, 0);
		CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
		CHECK_EQ(2, stt_reasm_stats(r)->frames_held);
	}
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_segment_drops(void)
{
	uint64_t seed = 6;
	struct stt_reasm *r = rt_new(&C, 0, 0, false);
	struct stt_reasm_key k = rt_key(1, 3);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s;

	check_test("reasm: zero_len, too_short, out_of_range, len_mismatch");
	rt_fill(F1, 4000, &seed);
	s = rt_seg(k, F1, 1000, 0, 0, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_ZERO_LEN]);
	CHECK_EQ(STT_DROP_ZERO_LEN, C.drop[0].reason);
	CHECK(C.drop[0].had_seg);

	s = rt_seg(k, F1, 17, 0, 17, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_TOO_SHORT]);
	s = rt_seg(k, F1, 18, 0, 18, 0); /* the smallest legal frame */
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel);

	s = rt_seg(k, F1, 1000, 900, 101, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_OUT_OF_RANGE]);
	s = rt_seg(k, F1, 1000, 65535, 1, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 1000, 0, 100000, 0); /* malformed: longer than any frame */
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(3, st->drops[STT_DROP_OUT_OF_RANGE]);
	s = rt_seg(k, F1, 1000, 900, 100, 0); /* exactly up to the end: fine */
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));

	s = rt_seg(k, F1, 1001, 0, 100, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_LEN_MISMATCH]);
	CHECK_EQ(STT_DROP_LEN_MISMATCH, C.drop[C.ndrop - 1].reason);
	CHECK_EQ(100, C.drop[C.ndrop - 1].bytes_held);
	s = rt_seg(k, F1, 1000, 0, 900, 0);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(2, C.ndel);
	CHECK(delivered_equals(&C.del[1], F1, 1000));
	CHECK_EQ(st->segments,
		 st->accepted + st->partial_dups + st->duplicates + rt_per_seg_drops(st));
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_conflict_poisons(void)
{
	uint64_t seed = 7;
	struct stt_reasm *r = rt_new(&C, 0, 10 * SEC, true);
	struct stt_reasm_key k = rt_key(1, 4);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s;

	check_test("reasm: conflicting overlap discards the frame and poisons the key");
	rt_fill(F1, 3000, &seed);
	memcpy(F2, F1, 3000);
	F2[1500] ^= 0x40;
	s = rt_seg(k, F1, 3000, 0, 2000, 1 * SEC);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F2, 3000, 1000, 2000, 1 * SEC); /* overlap differs at 1500 */
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_OVERLAP_CONFLICT]);
	CHECK_EQ(STT_DROP_OVERLAP_CONFLICT, C.drop[0].reason);
	CHECK_EQ(2000, C.drop[0].bytes_held);
	CHECK_EQ(1, C.drop[0].nsegs);
	CHECK(C.drop[0].had_seg);
	/* Poisoned entry is tiny but charged. */
	CHECK(st->mem_held > 0 && st->mem_held < 1024);
	CHECK_EQ(0, st->frames_held);
	/* Neither party's bytes complete it now. */
	s = rt_seg(k, F1, 3000, 2000, 1000, 2 * SEC);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 3000, 0, 3000, 2 * SEC);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(2, st->drops[STT_DROP_POISONED]);
	CHECK_EQ(0, C.ndel);
	/* Until the timeout, from the first segment: then silently gone. */
	s = rt_seg(k, F1, 3000, 0, 3000, 11 * SEC); /* 10 s exactly: still poisoned */
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(3, st->drops[STT_DROP_POISONED]);
	s = rt_seg(k, F1, 3000, 0, 3000, 11 * SEC + 1);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(0, st->drops[STT_DROP_TIMEOUT]);
	CHECK_EQ(1, C.ndel);
	CHECK(delivered_equals(&C.del[0], F1, 3000));

	/* A conflict inside one chunk word, with the rest identical. */
	rt_reset(&C);
	k.ack = 40;
	s = rt_seg(k, F1, 3000, 0, 64, 20 * SEC);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F1, 3000, 128, 64, 20 * SEC);
	stt_reasm_add(r, &s);
	memcpy(F2, F1, 3000);
	F2[130] ^= 1;
	s = rt_seg(k, F2, 3000, 0, 3000, 20 * SEC);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(2, st->drops[STT_DROP_OVERLAP_CONFLICT]);
	CHECK_EQ(0, C.ndel);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_flat_prefix(void)
{
	uint64_t seed = 14;
	struct stt_reasm *r = rt_new(&C, 0, 0, true);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_reasm_key k = rt_key(1, 60);
	struct stt_seg_in s;

	check_test("reasm: large frame grown from offset 0, then out of order");
	rt_fill(F1, 10000, &seed);
	s = rt_seg(k, F1, 10000, 0, 3000, 0);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 10000, 1000, 1000, 0); /* inside the prefix */
	CHECK_EQ(STT_SEG_DUPLICATE, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 10000, 2000, 2000, 0); /* straddles its end */
	CHECK_EQ(STT_SEG_PARTIAL_DUP, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 10000, 7000, 3000, 0); /* beyond: the bitmap takes over */
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 10000, 3990, 20, 0);
	CHECK_EQ(STT_SEG_PARTIAL_DUP, stt_reasm_add(r, &s));
	s = rt_seg(k, F1, 10000, 0, 7000, 0);
	CHECK_EQ(STT_SEG_PARTIAL_DUP, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel);
	CHECK(delivered_equals(&C.del[0], F1, 10000));
	rt_reset(&C);

	check_test("reasm: conflict inside the prefix, and across it");
	memcpy(F2, F1, 10000);
	F2[1500] ^= 0x80;
	k.ack = 61;
	s = rt_seg(k, F1, 10000, 0, 3000, 0);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F2, 10000, 1000, 5000, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_OVERLAP_CONFLICT]);
	k.ack = 62;
	s = rt_seg(k, F1, 10000, 0, 1000, 0);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F1, 10000, 5000, 1000, 0);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F2, 10000, 0, 10000, 0); /* differs at 1500, not held yet */
	CHECK_EQ(STT_SEG_PARTIAL_DUP, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel); /* complete with F2's bytes: no conflict was seen */
	CHECK(delivered_equals(&C.del[0], F2, 10000));
	memcpy(F2, F1, 10000);
	F2[5500] ^= 0x80;
	k.ack = 63;
	s = rt_seg(k, F1, 10000, 0, 1000, 0);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F1, 10000, 5000, 1000, 0);
	stt_reasm_add(r, &s);
	s = rt_seg(k, F2, 10000, 0, 10000, 0); /* differs at 5500, held */
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(2, st->drops[STT_DROP_OVERLAP_CONFLICT]);
	CHECK_EQ(1, C.ndel);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_timeout(void)
{
	uint64_t seed = 8;
	struct stt_reasm *r = rt_new(&C, 0, 0, false); /* default 30 s */
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s;
	uint64_t t0 = 1000 * SEC;

	check_test("reasm: timeout of 30 s from the first segment, caller's clock");
	rt_fill(F1, 3000, &seed);
	s = rt_seg(rt_key(1, 1), F1, 3000, 0, 1000, t0);
	stt_reasm_add(r, &s);
	s = rt_seg(rt_key(1, 1), F1, 3000, 1000, 1000, t0 + 20 * SEC);
	stt_reasm_add(r, &s); /* later segments do not extend the deadline */
	stt_reasm_expire(r, t0 + 30 * SEC);
	CHECK_EQ(1, st->frames_held);
	CHECK_EQ(0, st->drops[STT_DROP_TIMEOUT]);
	stt_reasm_expire(r, t0 + 30 * SEC + 1);
	CHECK_EQ(0, st->frames_held);
	CHECK_EQ(1, st->drops[STT_DROP_TIMEOUT]);
	CHECK_EQ(STT_DROP_TIMEOUT, C.drop[0].reason);
	CHECK_EQ(2000, C.drop[0].bytes_held);
	CHECK(!C.drop[0].had_seg);
	CHECK_EQ(0, st->mem_held);

	/* Expiry also happens inside add, using the segment's timestamp: the
	 * late tail starts a new frame instead of completing the old one. */
	s = rt_seg(rt_key(1, 2), F1, 3000, 0, 2000, t0 + 100 * SEC);
	stt_reasm_add(r, &s);
	s = rt_seg(rt_key(1, 2), F1, 3000, 2000, 1000, t0 + 131 * SEC);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(2, st->drops[STT_DROP_TIMEOUT]);
	CHECK_EQ(0, C.ndel);
	CHECK_EQ(1, st->frames_held);

	/* A clock going backwards expires nothing. */
	stt_reasm_expire(r, 5);
	CHECK_EQ(1, st->frames_held);

	/* Custom timeout. */
	stt_reasm_free(r);
	rt_reset(&C);
	r = rt_new(&C, 0, 2 * SEC, false);
	st = stt_reasm_stats(r);
	s = rt_seg(rt_key(1, 3), F1, 3000, 0, 1000, SEC);
	stt_reasm_add(r, &s);
	stt_reasm_expire(r, 3 * SEC);
	CHECK_EQ(1, st->frames_held);
	stt_reasm_expire(r, 3 * SEC + 1);
	CHECK_EQ(0, st->frames_held);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_flush(void)
{
	uint64_t seed = 9;
	struct stt_reasm *r = rt_new(&C, 0, 0, true);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);

	check_test("reasm: flush gives up every held frame as flushed");
	rt_fill(F1, 3000, &seed);
	for (uint32_t i = 0; i < 10; i++) {
		struct stt_seg_in s = rt_seg(rt_key(i % 3, i), F1, 3000, 0, 1000, i);
		stt_reasm_add(r, &s);
	}
	CHECK_EQ(10, st->frames_held);
	stt_reasm_flush(r, 99);
	CHECK_EQ(0, st->frames_held);
	CHECK_EQ(10, st->drops[STT_DROP_FLUSHED]);
	CHECK_EQ(0, st->mem_held);
	CHECK_EQ(10, C.ndrop);
	/* In first-seen order, with their records. */
	for (unsigned i = 0; i < 10; i++) {
		CHECK_EQ(i, C.drop[i].key.ack);
		CHECK_EQ(1, C.drop[i].nsegs);
	}
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_nomem_too_big(void)
{
	uint64_t seed = 10;
	struct stt_reasm *r = rt_new(&C, 16 * 1024, 0, false);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s;

	check_test("reasm: frame larger than the cap is nomem; smaller fits");
	rt_fill(F1, 65535, &seed);
	s = rt_seg(rt_key(1, 1), F1, 65535, 0, 1000, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, st->drops[STT_DROP_NOMEM]);
	CHECK_EQ(0, st->frames_held);
	CHECK_EQ(0, st->mem_held);
	s = rt_seg(rt_key(1, 2), F1, 8000, 0, 8000, 0);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel);
	CHECK(st->mem_peak <= 16 * 1024);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_eviction(void)
{
	uint64_t seed = 11;
	size_t cap = 256 * 1024;
	struct stt_reasm *r = rt_new(&C, cap, 0, false);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s;
	unsigned evicted_src1 = 0, evicted_other = 0;

	check_test("reasm: eviction takes the heavy source's oldest frames first");
	rt_fill(F1, 65535, &seed);
	/* Quiet sources 2..5 each start one partial frame first (oldest). */
	for (uint32_t i = 2; i <= 5; i++) {
		s = rt_seg(rt_key(i, i), F1, 8000, 0, 1000, 1);
		stt_reasm_add(r, &s);
	}
	/* Source 1 floods partial frames touching many chunks. */
	for (uint32_t ack = 100; ack < 400; ack++) {
		for (uint16_t off = 0; off < 60000; off += 6000) {
			s = rt_seg(rt_key(1, ack), F1, 65535, off, 1, 2);
			stt_reasm_add(r, &s);
			CHECK(st->mem_held <= cap);
		}
	}
	for (unsigned i = 0; i < C.ndrop; i++) {
		CHECK_EQ(STT_DROP_EVICTED, C.drop[i].reason);
		if (C.drop[i].key.src.a[3] == 1)
			evicted_src1++;
		else
			evicted_other++;
	}
	CHECK(evicted_src1 > 200);
	CHECK_EQ(0, evicted_other);
	/* The quiet sources still complete. */
	for (uint32_t i = 2; i <= 5; i++) {
		s = rt_seg(rt_key(i, i), F1, 8000, 1000, 7000, 3);
		CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	}
	CHECK_EQ(4, C.ndel);
	CHECK_EQ(evicted_src1, st->drops[STT_DROP_EVICTED]);
	stt_reasm_free(r);
	rt_reset(&C);

	check_test("reasm: without a heavy source, the oldest frame goes first");
	r = rt_new(&C, cap, 0, false);
	st = stt_reasm_stats(r);
	for (uint32_t i = 0; i < 400; i++) {
		s = rt_seg(rt_key(i, i), F1, 20000, 0, 1, 5);
		stt_reasm_add(r, &s);
		CHECK(st->mem_held <= cap);
	}
	CHECK(C.ndrop > 0);
	for (unsigned i = 0; i < C.ndrop; i++) {
		CHECK_EQ(STT_DROP_EVICTED, C.drop[i].reason);
		CHECK_EQ(i, C.drop[i].key.ack); /* first-seen order */
	}
	stt_reasm_free(r);
	rt_reset(&C);

	check_test("reasm: the frame being added to is never the victim");
	r = rt_new(&C, 36 * 1024, 0, false);
	st = stt_reasm_stats(r);
	s = rt_seg(rt_key(1, 1), F1, 30000, 0, 1000, 1);
	stt_reasm_add(r, &s);
	s = rt_seg(rt_key(2, 2), F1, 30000, 0, 1000, 1);
	stt_reasm_add(r, &s);
	/* Frame 1 grows: the oldest (itself) is skipped, frame 2 goes. */
	s = rt_seg(rt_key(1, 1), F1, 30000, 1000, 29000, 2);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	CHECK_EQ(1, C.ndel);
	CHECK(delivered_equals(&C.del[0], F1, 30000));
	CHECK_EQ(1, st->drops[STT_DROP_EVICTED]);
	CHECK_EQ(2, C.drop[0].key.ack);
	CHECK(st->mem_peak <= 36 * 1024);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_nomem_records(void)
{
	uint64_t seed = 12;
	size_t cap = 8 * 1024;
	struct stt_reasm *r = rt_new(&C, cap, 0, true);
	const struct stt_reasm_stats *st = stt_reasm_stats(r);
	struct stt_seg_in s;
	unsigned i;

	check_test("reasm: endless duplicates cannot grow records past the cap");
	rt_fill(F1, 2000, &seed);
	s = rt_seg(rt_key(1, 1), F1, 2000, 0, 1, 0);
	for (i = 0; i < 100000 && st->drops[STT_DROP_NOMEM] == 0; i++) {
		stt_reasm_add(r, &s);
		CHECK(st->mem_held <= cap);
	}
	CHECK_EQ(1, st->drops[STT_DROP_NOMEM]);
	CHECK(i < 100000);
	CHECK_EQ(0, st->frames_held);
	CHECK_EQ(STT_DROP_NOMEM, C.drop[0].reason);
	stt_reasm_free(r);
	rt_reset(&C);
}

static void test_names(void)
{
	check_test("reasm: drop reason names are unique snake_case");
	for (int i = 0; i < STT_DROP__COUNT; i++) {
		const char *n = stt_drop_reason_name((enum stt_drop_reason)i);

		CHECK(n && *n && strcmp(n, "unknown") != 0);
		for (const char *p = n; *p; p++)
			CHECK((*p >= 'a' && *p <= 'z') || *p == '_');
		for (int j = 0; j < i; j++)
			CHECK(strcmp(n, stt_drop_reason_name((enum stt_drop_reason)j)) != 0);
	}
	CHECK(strcmp(stt_drop_reason_name(STT_DROP__COUNT), "unknown") == 0);
	CHECK(strcmp(stt_drop_reason_name(STT_DROP_OVERLAP_CONFLICT), "overlap_conflict") == 0);
}

static void test_no_callbacks(void)
{
	uint64_t seed = 13;
	struct stt_reasm_config cfg = { 0 };
	struct stt_reasm *r = stt_reasm_new(&cfg, NULL, NULL);
	struct stt_seg_in s;

	check_test("reasm: works without callbacks or config");
	rt_fill(F1, 100, &seed);
	s = rt_seg(rt_key(1, 1), F1, 100, 0, 100, 0);
	CHECK_EQ(STT_SEG_ACCEPTED, stt_reasm_add(r, &s));
	s = rt_seg(rt_key(1, 1), F1, 100, 0, 0, 0);
	CHECK_EQ(STT_SEG_DROPPED, stt_reasm_add(r, &s));
	CHECK_EQ(1, stt_reasm_stats(r)->frames_delivered);
	stt_reasm_free(r);
	r = stt_reasm_new(NULL, NULL, NULL);
	s = rt_seg(rt_key(1, 1), F1, 100, 0, 50, 0);
	stt_reasm_add(r, &s);
	stt_reasm_free(r); /* frees a held frame */
	stt_reasm_free(NULL);
}

int main(void)
{
	C.keep_bytes = true;
	test_in_order();
	test_single_segment_64k();
	test_whole_frame_zero_copy();
	test_duplicates();
	test_per_frame_facts();
	test_keys_apart();
	test_segment_drops();
	test_conflict_poisons();
	test_flat_prefix();
	test_timeout();
	test_flush();
	test_nomem_too_big();
	test_eviction();
	test_nomem_records();
	test_names();
	test_no_callbacks();
	return check_done();
}
