/* A PRNG of our own, so that a seed means the same stream on every libc:
 * xoshiro256** (Blackman and Vigna), its state seeded by splitmix64. */

#include "fuzz.h"

uint64_t fz_splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void fz_rng_seed(struct fz_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = fz_splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t fz_rng_next(struct fz_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint32_t fz_rng_below(struct fz_rng *r, uint32_t n)
{
	/* Multiply-shift: the tiny bias does not matter for fuzzing, and it
	 * is the same on every platform. */
	return n ? (uint32_t)(((fz_rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

bool fz_rng_chance(struct fz_rng *r, unsigned num, unsigned den)
{
	return fz_rng_below(r, den) < num;
}

void fz_rng_fill(struct fz_rng *r, uint8_t *p, size_t n)
{
	while (n) {
		uint64_t v = fz_rng_next(r);
		for (int i = 0; i < 8 && n; i++, n--) {
			*p++ = (uint8_t)v;
			v >>= 8;
		}
	}
}

uint64_t fz_case_seed(uint64_t run_seed, uint64_t i)
{
	uint64_t s = run_seed ^ 0x7374742d66757a7aull; /* "stt-fuzz" */
	uint64_t a = fz_splitmix(&s);

	s = a + i * 0xd1b54a32d192ed03ull;
	return fz_splitmix(&s);
}

