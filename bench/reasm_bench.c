/* Reassembly benchmark.
 *
 * 1. Throughput of 64 KB frames (65535 bytes) cut at MSS 1448: reassembly
 *    alone from segments prebuilt in memory, and segment + reassemble
 *    (with the full TCP checksum, and without), against memcpy of the same
 *    payload bytes into a buffer per frame (and into one hot buffer) in
 *    the same run; prints Gbit/s and the ratio to memcpy. Best of several
 *    interleaved trials, as the machine may be shared.
 * 2. Adversarial orders: ns per segment for in-order, reverse and random
 *    orders (MSS 1448 and 1-byte segments) at several frame sizes. A
 *    constant column means no quadratic behaviour.
 *
 * Usage: reasm_bench [--quick] */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "stt/reasm.h"
#include "stt/segment.h"

#define NFRAMES 64
#define FLEN 65535
#define MSS 1448

/* the clock and generator are bench_util.h's, shared with the other bench */
static uint64_t now_ns(void)
{
	return bench_now_ns();
}

static uint64_t rng_state = 0x1234567;

static uint64_t rng(void)
{
	return bench_splitmix64(&rng_state);
}

static volatile uint64_t sink;
static uint64_t delivered;

static void on_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	(void)ctx;
	delivered++;
	sink += f->data[f->len - 1]; /* touch it, as a consumer would */
}

struct pseg {
	const uint8_t *payload;
	size_t len;
	uint16_t off;
};

static void outer_template(struct stt_outer_tmpl *t, enum stt_csum_mode mode)
{
	stt_outer_tmpl_defaults(t);
	t->with_eth = true;
	t->src.family = t->dst.family = 4;
	memcpy(t->src.a, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	memcpy(t->dst.a, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	t->csum_mode = mode;
}

static struct stt_seg_in seg_for(const struct stt_outer_tmpl *t, uint32_t ack, uint16_t flen,
				 uint16_t off, const uint8_t *p, size_t len)
{
	struct stt_seg_in s;

	memset(&s, 0, sizeof(s));
	s.key.src = t->src;
	s.key.dst = t->dst;
	s.key.dport = t->dport;
	s.key.ack = ack;
	s.frame_len = flen;
	s.offset = off;
	s.data = p;
	s.len = len;
	return s;
}

static double gbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8.0 / (double)ns : 0.0;
}

/* The prebuilt input of the throughput runs. */
static uint8_t frames[NFRAMES][FLEN];
static uint8_t frame_out[NFRAMES][FLEN];
static struct stt_outer_tmpl tmpl, tmpl_nocsum;
static size_t nseg, hl, pkt_cap = MSS + 128;
static uint8_t *pkts;
static struct pseg *segs;
static uint32_t next_ack = 1;

/* memcpy of the same payload bytes into a buffer per frame (the least any
 * reassembler must do), or into one buffer that stays hot in cache. */
static uint64_t run_memcpy(unsigned rounds, bool hot)
{
	uint64_t t0 = now_ns();

	for (unsigned rd = 0; rd < rounds; rd++) {
		for (unsigned f = 0; f < NFRAMES; f++) {
			uint8_t *out = frame_out[hot ? 0 : f];

			for (size_t i = 0; i < nseg; i++) {
				const struct pseg *s = &segs[f * nseg + i];

				memcpy(out + s->off, s->payload, s->len);
			}
			sink += out[FLEN - 1];
		}
	}
	return now_ns() - t0;
}

enum build { PREBUILT, BUILD_CSUM, BUILD_NO_CSUM };

static void reasm_one(struct stt_reasm *r, unsigned f, size_t i, enum build build)
{
	struct stt_seg_in in;

	if (build != PREBUILT) {
		uint8_t *p = pkts; /* one packet buffer, reused */
		size_t n = stt_segment_build(build == BUILD_CSUM ? &tmpl : &tmpl_nocsum, frames[f],
					     FLEN, MSS, i, p, pkt_cap);

		in = seg_for(&tmpl, next_ack, FLEN, (uint16_t)(i * MSS), p + hl, n - hl);
	} else {
		const struct pseg *s = &segs[f * nseg + i];

		in = seg_for(&tmpl, next_ack, FLEN, s->off, s->payload, s->len);
	}
	stt_reasm_add(r, &in);
}

/* Reassembly of the prebuilt segments, or segment (build each outer
 * packet with its checksum) then reassemble. */
static uint64_t run_reasm(unsigned rounds, enum build build)
{
	struct stt_reasm_ops ops = { .deliver = on_deliver };
	struct stt_reasm *r = stt_reasm_new(NULL, &ops, NULL);
	uint64_t t0, ns;

	delivered = 0;
	t0 = now_ns();
	for (unsigned rd = 0; rd < rounds; rd++) {
		for (unsigned f = 0; f < NFRAMES; f++, next_ack++)
			for (size_t i = 0; i < nseg; i++)
				reasm_one(r, f, i, build);
	}
	ns = now_ns() - t0;
	if (delivered != (uint64_t)rounds * NFRAMES)
		fprintf(stderr, "reasm_bench: delivered %llu of %llu frames!\n",
			(unsigned long long)delivered, (unsigned long long)rounds * NFRAMES);
	stt_reasm_free(r);
	return ns;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void throughput(unsigned rounds, unsigned trials)
{
	uint64_t ns_memcpy = UINT64_MAX, ns_hot = UINT64_MAX, ns_reasm = UINT64_MAX;
	uint64_t ns_both = UINT64_MAX, ns_nocsum = UINT64_MAX;
	uint64_t bytes = (uint64_t)rounds * NFRAMES * FLEN;

	outer_template(&tmpl, STT_CSUM_MODE_FULL);
	outer_template(&tmpl_nocsum, STT_CSUM_MODE_ZERO);
	hl = stt_outer_hdr_len(&tmpl);
	nseg = stt_segment_count(FLEN, MSS);
	pkts = malloc(NFRAMES * nseg * pkt_cap);
	segs = malloc(NFRAMES * nseg * sizeof(*segs));
	if (!pkts || !segs) {
		fprintf(stderr, "reasm_bench: out of memory\n");
		exit(1);
	}
	for (unsigned f = 0; f < NFRAMES; f++) {
		for (size_t i = 0; i < FLEN; i++)
			frames[f][i] = (uint8_t)rng();
		for (size_t i = 0; i < nseg; i++) {
			uint8_t *p = pkts + (f * nseg + i) * pkt_cap;
			size_t n = stt_segment_build(&tmpl, frames[f], FLEN, MSS, i, p, pkt_cap);

			segs[f * nseg + i].payload = p + hl;
			segs[f * nseg + i].len = n - hl;
			segs[f * nseg + i].off = (uint16_t)(i * MSS);
		}
	}
	memset(frame_out, 0, sizeof(frame_out));

	/* Interleaved trials, best of each: the machine may be shared, and
	 * the best run is the one least disturbed. */
	for (unsigned t = 0; t < trials; t++) {
		ns_memcpy = min_u64(ns_memcpy, run_memcpy(rounds, false));
		ns_reasm = min_u64(ns_reasm, run_reasm(rounds, PREBUILT));
		ns_hot = min_u64(ns_hot, run_memcpy(rounds, true));
		ns_both = min_u64(ns_both, run_reasm(rounds, BUILD_CSUM));
		ns_nocsum = min_u64(ns_nocsum, run_reasm(rounds, BUILD_NO_CSUM));
	}

	printf("64 KB frames (%d bytes, MSS %d, %zu segments each), %u x %d frames, best of %u:\n",
	       FLEN, MSS, nseg, rounds, NFRAMES, trials);
	printf("  %-34s %8.2f Gbit/s\n", "memcpy, a buffer per frame", gbps(bytes, ns_memcpy));
	printf("  %-34s %8.2f Gbit/s\n", "memcpy, one hot buffer", gbps(bytes, ns_hot));
	printf("  %-34s %8.2f Gbit/s  %.2fx memcpy  (%.2fx hot; %.0f ns/segment)\n", "reassembly",
	       gbps(bytes, ns_reasm), (double)ns_memcpy / (double)ns_reasm,
	       (double)ns_hot / (double)ns_reasm,
	       (double)ns_reasm / ((double)rounds * NFRAMES * nseg));
	printf("  %-34s %8.2f Gbit/s  %.2fx memcpy\n", "segment (full csum) + reassembly",
	       gbps(bytes, ns_both), (double)ns_memcpy / (double)ns_both);
	printf("  %-34s %8.2f Gbit/s  %.2fx memcpy\n", "segment (no csum) + reassembly",
	       gbps(bytes, ns_nocsum), (double)ns_memcpy / (double)ns_nocsum);
	free(pkts);
	free(segs);
}

enum order { ORD_IN, ORD_REVERSE, ORD_RANDOM };

static double per_segment_ns(size_t flen, size_t seg, enum order ord, unsigned min_segs)
{
	static uint8_t frame[FLEN];
	static uint32_t idx[FLEN];
	struct stt_outer_tmpl t;
	struct stt_reasm_ops ops = { .deliver = on_deliver };
	struct stt_reasm *r = stt_reasm_new(NULL, &ops, NULL);
	size_t n = (flen + seg - 1) / seg;
	unsigned reps = (unsigned)((min_segs + n - 1) / n);
	uint64_t t0, ns;

	outer_template(&t, STT_CSUM_MODE_ZERO);
	for (size_t i = 0; i < flen; i++)
		frame[i] = (uint8_t)rng();
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)(ord == ORD_REVERSE ? n - 1 - i : i);
	if (ord == ORD_RANDOM) {
		for (size_t i = n; i > 1; i--) {
			size_t j = rng() % i;
			uint32_t x = idx[i - 1];

			idx[i - 1] = idx[j];
			idx[j] = x;
		}
	}
	delivered = 0;
	t0 = now_ns();
	for (unsigned rep = 0; rep < reps; rep++) {
		for (size_t k = 0; k < n; k++) {
			size_t off = (size_t)idx[k] * seg;
			size_t len = flen - off < seg ? flen - off : seg;
			struct stt_seg_in in = seg_for(&t, rep + 1, (uint16_t)flen, (uint16_t)off,
						       frame + off, len);

			stt_reasm_add(r, &in);
		}
	}
	ns = now_ns() - t0;
	if (delivered != reps)
		fprintf(stderr, "reasm_bench: order test delivered %llu of %u\n",
			(unsigned long long)delivered, reps);
	stt_reasm_free(r);
	return (double)ns / ((double)reps * (double)n);
}

static void orders(unsigned min_segs)
{
	static const size_t sizes[] = { 1024, 4096, 16384, 65535 };
	static const struct {
		const char *name;
		size_t seg;
		enum order ord;
	} cases[] = {
		{ "in-order, MSS 1448", 1448, ORD_IN },
		{ "reverse, MSS 1448", 1448, ORD_REVERSE },
		{ "random, MSS 1448", 1448, ORD_RANDOM },
		{ "in-order, 1-byte", 1, ORD_IN },
		{ "reverse, 1-byte", 1, ORD_REVERSE },
		{ "random, 1-byte", 1, ORD_RANDOM },
	};

	printf("\nns per segment by arrival order and frame size, best of 3\n"
	       "(flat rows: no quadratic growth):\n");
	printf("  %-22s", "order");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		printf(" %9zu B", sizes[s]);
	printf("\n");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		printf("  %-22s", cases[c].name);
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			double best = 0;

			for (unsigned t = 0; t < 3; t++) { /* best of 3, as above */
				double ns = per_segment_ns(sizes[s], cases[c].seg, cases[c].ord,
							   min_segs);

				if (t == 0 || ns < best)
					best = ns;
			}
			printf(" %11.1f", best);
		}
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;

	if (argc > 1 && !quick) {
		fprintf(stderr, "usage: reasm_bench [--quick]\n");
		return 2;
	}
	throughput(quick ? 4 : 10, quick ? 3 : 9);
	orders(quick ? 100000 : 1000000);
	return 0;
}
