/* Helpers shared by the in-process benchmarks (reasm_bench.c,
 * attack_bench.c): a monotonic clock and a seeded generator, written once
 * so that both measure and draw the same way. Header-only: each benchmark
 * is one executable built from one file (bench/CMakeLists.txt). */
#ifndef STT_BENCH_UTIL_H
#define STT_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: deterministic for a given starting state */
static inline uint64_t bench_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
