/* Hardening benchmark of the reassembler (in-process, full speed).
 *
 * 1. Flood: a legitimate peer sends 9000-byte frames (MSS 1448) while
 *    spoofed sources send partial 64 KB frames (one 1448-byte segment at
 *    a random offset of a frame with a random ack) at 1:1, 10:1 and 100:1
 *    attack segments per legitimate segment. Reports the legitimate frames
 *    delivered, the peak memory against the cap (checked after every
 *    segment) and the segment rate. Also the same flood spoofing the
 *    peer's own address (only the ack differs).
 * 2. Cost per segment in ns as the stream grows (n segments), for in-order
 *    and adversarial arrival orders over many concurrent frames; the last
 *    column is the ratio of the largest n to the smallest: about 1 means
 *    linear total cost, n-fold growth would mean quadratic.
 *
 * Usage: attack_bench [--quick] [--cap BYTES] [--sources N] */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "stt/reasm.h"

#define MSS 1448
#define LEGIT_LEN 9000

/* the clock and generator are bench_util.h's, shared with the other bench */
static uint64_t now_ns(void)
{
	return bench_now_ns();
}

static uint64_t rng_state = 0x61747461636bull; /* "attack" */

static uint64_t rng(void)
{
	return bench_splitmix64(&rng_state);
}

struct counts {
	uint64_t legit, attack;
};

static const struct stt_addr PEER = { 6, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } };
static const struct stt_addr LOCAL = { 6, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } };

static void on_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	struct counts *c = ctx;

	if (stt_addr_eq(&f->key.src, &PEER) && f->len == LEGIT_LEN && f->key.ack < 0x80000000u)
		c->legit++;
	else
		c->attack++;
}

/* A spoofed source in 2001:db8:a::/48. */
static struct stt_addr spoofed(unsigned i)
{
	struct stt_addr a = PEER;

	a.a[5] = 0x0a;
	a.a[12] = (uint8_t)(i >> 24);
	a.a[13] = (uint8_t)(i >> 16);
	a.a[14] = (uint8_t)(i >> 8);
	a.a[15] = (uint8_t)i;
	return a;
}

struct flood_result {
	double delivered_pct;
	size_t mem_peak;
	uint64_t cap_violations;
	uint64_t attack_delivered;
	double mseg_s;
};

static struct flood_result flood(unsigned ratio, unsigned frames, unsigned sources, size_t cap,
				 bool spoof_peer)
{
	static uint8_t legit[LEGIT_LEN], junk[65536];
	struct counts c = { 0, 0 };
	struct stt_reasm_config cfg = { .mem_cap = cap };
	struct stt_reasm_ops ops = { .deliver = on_deliver };
	struct stt_reasm *r = stt_reasm_new(&cfg, &ops, &c);
	struct flood_result res = { 0 };
	uint64_t ts = 1000000000ull, segs = 0;

	if (!r) {
		fprintf(stderr, "attack_bench: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < sizeof(legit); i++)
		legit[i] = (uint8_t)rng();
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rng();
	uint64_t t0 = now_ns();
	for (unsigned f = 0; f < frames; f++) {
		for (unsigned off = 0; off < LEGIT_LEN; off += MSS) {
			for (unsigned k = 0; k < ratio; k++) {
				uint64_t v = rng();
				struct stt_seg_in a = {
					.key = { spoof_peer ? PEER : spoofed((unsigned)(v % sources)),
						 LOCAL, 7471, (uint32_t)(v >> 32) | 0x80000000u },
					.frame_len = 65535,
					.offset = (uint16_t)(((v >> 16) % 44) * MSS),
					.data = junk,
					.len = MSS,
					.ts_ns = ts,
				};
				stt_reasm_add(r, &a);
				segs++;
				if (stt_reasm_stats(r)->mem_held > cap)
					res.cap_violations++;
			}
			struct stt_seg_in s = {
				.key = { PEER, LOCAL, 7471, f },
				.frame_len = LEGIT_LEN,
				.offset = (uint16_t)off,
				.data = legit + off,
				.len = LEGIT_LEN - off < MSS ? LEGIT_LEN - off : MSS,
				.ts_ns = ts,
			};
			stt_reasm_add(r, &s);
			segs++;
			if (stt_reasm_stats(r)->mem_held > cap)
				res.cap_violations++;
			ts += 1000; /* 1 us per legitimate segment */
		}
	}
	uint64_t t1 = now_ns();
	res.delivered_pct = 100.0 * (double)c.legit / frames;
	res.mem_peak = stt_reasm_stats(r)->mem_peak;
	res.attack_delivered = c.attack;
	res.mseg_s = (double)segs / ((double)(t1 - t0) / 1e3);
	stt_reasm_free(r);
	return res;
}

/* ---- cost per segment ---- */

enum order { IN_ORDER, REVERSE, INTERLEAVED, RANDOM, HOLES, NORDERS };
static const char *const order_names[NORDERS] = {
	"in order", "each frame reversed", "round robin", "random",
	"holes: odd bytes first",
};

struct seg {
	uint32_t frame;
	uint16_t off, len;
};

#define GROUP 64

static uint64_t cost_delivered;

static void count_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	(void)ctx;
	(void)f;
	cost_delivered++;
}

/* n segments over frames of flen bytes in segments of seglen. */
static double cost(enum order o, size_t n)
{
	static uint8_t data[65536];
	size_t flen = 2048, seglen = 64;

	if (o == HOLES) {
		flen = 4096;
		seglen = 1;
	}
	size_t per = flen / seglen, frames = n / per;
	struct seg *s = malloc(frames * per * sizeof(*s));
	if (!s) {
		fprintf(stderr, "attack_bench: out of memory\n");
		exit(2);
	}
	size_t k = 0;
	for (size_t f = 0; f < frames; f++)
		for (size_t i = 0; i < per; i++)
			s[k++] = (struct seg){ (uint32_t)f, (uint16_t)(i * seglen), (uint16_t)seglen };
	/* Orders apply within groups of GROUP concurrent frames, so that the
	 * working set stays the same as n grows: what grows is the stream,
	 * and any super-linear cost would be the algorithm's. */
	for (size_t g0 = 0; g0 < frames; g0 += GROUP) {
		size_t gf = frames - g0 < GROUP ? frames - g0 : GROUP;
		struct seg *gs = s + g0 * per;
		size_t gk = gf * per;
		switch (o) {
		case REVERSE:
			for (size_t f = 0; f < gf; f++)
				for (size_t i = 0; i < per / 2; i++) {
					struct seg t = gs[f * per + i];
					gs[f * per + i] = gs[f * per + per - 1 - i];
					gs[f * per + per - 1 - i] = t;
				}
			break;
		case INTERLEAVED: {
			static struct seg t[GROUP * 4096];
			size_t j = 0;
			for (size_t i = 0; i < per; i++)
				for (size_t f = 0; f < gf; f++)
					t[j++] = gs[f * per + i];
			memcpy(gs, t, gk * sizeof(*t));
			break;
		}
		case RANDOM:
			for (size_t i = gk; i > 1; i--) {
				size_t j = rng() % i;
				struct seg t = gs[i - 1];
				gs[i - 1] = gs[j];
				gs[j] = t;
			}
			break;
		case HOLES:
			for (size_t f = 0; f < gf; f++) {
				struct seg *b = gs + f * per;
				uint32_t fr = b[0].frame;
				size_t j = 0;
				for (size_t i = 1; i < per; i += 2)
					b[j++] = (struct seg){ fr, (uint16_t)i, 1 };
				for (size_t i = 0; i < per; i += 2)
					b[j++] = (struct seg){ fr, (uint16_t)i, 1 };
			}
			break;
		default:
			break;
		}
	}
	struct stt_reasm_config cfg = { .mem_cap = 512u << 20 };
	struct stt_reasm_ops ops = { .deliver = count_deliver };
	struct stt_reasm *r = stt_reasm_new(&cfg, &ops, NULL);
	if (!r)
		exit(2);
	cost_delivered = 0;
	uint64_t t0 = now_ns();
	for (size_t i = 0; i < k; i++) {
		struct stt_seg_in in = {
			.key = { PEER, LOCAL, 7471, s[i].frame },
			.frame_len = (uint16_t)flen,
			.offset = s[i].off,
			.data = data + s[i].off,
			.len = s[i].len,
			.ts_ns = 1000000000ull,
		};
		stt_reasm_add(r, &in);
	}
	uint64_t t1 = now_ns();
	if (cost_delivered != frames)
		fprintf(stderr, "attack_bench: %s, n %zu: delivered %llu of %zu frames\n",
			order_names[o], n, (unsigned long long)cost_delivered, frames);
	stt_reasm_free(r);
	free(s);
	return (double)(t1 - t0) / (double)k;
}

int main(int argc, char **argv)
{
	bool quick = false;
	size_t cap = STT_REASM_DEFAULT_MEM_CAP;
	unsigned sources = 1000;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--cap") && i + 1 < argc) {
			cap = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--sources") && i + 1 < argc) {
			sources = (unsigned)strtoul(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: attack_bench [--quick] [--cap BYTES] [--sources N]\n");
			return 2;
		}
	}
	if (!sources)
		sources = 1;
	unsigned frames = quick ? 300 : 2000;
	static const unsigned ratios[] = { 1, 10, 100 };

	printf("Flood of partial 64 KB frames vs a legitimate peer (%u frames of %d bytes, MSS %d),\n"
	       "cap %zu bytes, memory checked after every segment:\n", frames, LEGIT_LEN, MSS, cap);
	printf("  %-28s %6s %11s %10s %9s %8s %9s\n", "attackers", "ratio", "legit deliv", "mem peak",
	       "over cap", "junk dlv", "Mseg/s");
	for (int spoof = 0; spoof < 2; spoof++)
		for (unsigned i = 0; i < 3; i++) {
			struct flood_result fr = flood(ratios[i], frames, sources, cap, spoof);
			char who[64];
			if (spoof)
				snprintf(who, sizeof(who), "spoofing the peer's address");
			else
				snprintf(who, sizeof(who), "%u spoofed sources", sources);
			printf("  %-28s %4u:1 %10.2f%% %10zu %9llu %8llu %9.2f\n", who, ratios[i],
			       fr.delivered_pct, fr.mem_peak, (unsigned long long)fr.cap_violations,
			       (unsigned long long)fr.attack_delivered, fr.mseg_s);
			if (fr.cap_violations || fr.mem_peak > cap || fr.attack_delivered)
				bad = 1;
			if (!spoof && ratios[i] == 10 && fr.delivered_pct < 99.0)
				printf("  (below the 99%% target at 10:1)\n");
		}

	size_t ns[] = { 16384, 65536, 262144, 1048576 };
	size_t nn = quick ? 3 : 4;
	printf("\nns per segment (best of 3) as the stream grows: frames of 2048 B in 64 B\n"
	       "segments (holes: 4096 B frames in 1-byte segments, odd offsets first), %d frames\n"
	       "in flight, arranged in each order; last column: cost per segment at the\n"
	       "largest n / at the smallest (about 1: linear total cost, no quadratic growth):\n",
	       GROUP);
	printf("  %-24s", "order \\ n segments");
	for (size_t j = 0; j < nn; j++)
		printf(" %10zu", ns[j]);
	printf(" %8s\n", "ratio");
	for (int o = 0; o < NORDERS; o++) {
		double first = 0, last = 0;
		printf("  %-24s", order_names[o]);
		for (size_t j = 0; j < nn; j++) {
			double v = 1e300;
			for (int rep = 0; rep < 3; rep++) { /* best of 3: a shared machine */
				double t = cost((enum order)o, ns[j]);
				v = t < v ? t : v;
			}
			if (j == 0)
				first = v;
			last = v;
			printf(" %10.1f", v);
		}
		printf(" %8.2f\n", first > 0 ? last / first : 0);
	}
	if (bad)
		printf("\nFAIL: memory over the cap or a flood frame delivered\n");
	return bad;
}
