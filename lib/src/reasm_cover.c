/* Byte coverage of a reassembly chunk, one bit per byte. Runs of held and
 * missing bytes are found a 64-bit word at a time, so a segment costs
 * O(len / 64 + runs) bit work plus one memcpy or memcmp per run: never
 * more than O(len), whatever order segments arrive in. */
#include <string.h>

#include "reasm_cover.h"

/* First index in [pos, hi) whose bit equals want, or hi. */
static unsigned next_with(const uint64_t *bits, unsigned pos, unsigned hi, int want)
{
	const uint64_t flip = want ? 0 : ~0ull; /* looking for zeros: invert */
	unsigned w = pos >> 6, whi = (hi + 63) >> 6;
	uint64_t x = (bits[w] ^ flip) & (~0ull << (pos & 63));

	while (!x) {
		if (++w >= whi)
			return hi;
		x = bits[w] ^ flip;
	}
	unsigned i = (w << 6) + (unsigned)__builtin_ctzll(x);
	return i < hi ? i : hi;
}

static void set_range(uint64_t *bits, unsigned lo, unsigned hi)
{
	unsigned wl = lo >> 6, wh = (hi - 1) >> 6;
	uint64_t first = ~0ull << (lo & 63);
	uint64_t last = ~0ull >> (63 - ((hi - 1) & 63));

	if (wl == wh) {
		bits[wl] |= first & last;
		return;
	}
	bits[wl] |= first;
	for (unsigned w = wl + 1; w < wh; w++)
		bits[w] = ~0ull;
	bits[wh] |= last;
}

void reasm_cover_mark(uint64_t *bits, unsigned lo, unsigned hi)
{
	set_range(bits, lo, hi);
}

int reasm_cover_merge(uint64_t *bits, uint8_t *data, unsigned lo, unsigned hi,
		      const uint8_t *src)
{
	unsigned pos = lo;
	int added = 0;

	while (pos < hi) {
		int held = (bits[pos >> 6] >> (pos & 63)) & 1;
		unsigned end = next_with(bits, pos, hi, !held);

		if (held) {
			if (memcmp(data + pos, src + (pos - lo), end - pos) != 0)
				return REASM_COVER_CONFLICT;
		} else {
			memcpy(data + pos, src + (pos - lo), end - pos);
			set_range(bits, pos, end);
			added += (int)(end - pos);
		}
		pos = end;
	}
	return added;
}
