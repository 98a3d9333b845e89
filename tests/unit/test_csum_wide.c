/* stt_csum_add() sums 64 bits at a time in host order: it must give the
 * byte-at-a-time RFC 1071 result for every length, alignment, starting
 * sum and data pattern (all-0xff words are the carry edge). */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "stt/csum.h"

static uint32_t ref_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

static uint32_t ref_add(uint32_t sum, const uint8_t *b, size_t len)
{
	uint64_t acc = sum;
	size_t i = 0;

	for (; i + 2 <= len; i += 2)
		acc += (uint32_t)((b[i] << 8) | b[i + 1]);
	if (i < len)
		acc += (uint32_t)b[i] << 8;
	return ref_fold(acc);
}

static uint32_t rng = 12345;
static uint8_t rnd8(void)
{
	rng = rng * 1103515245u + 12345u;
	return (uint8_t)(rng >> 16);
}

int main(void)
{
	static uint8_t buf[70000];
	int bad = 0;

	check_test("csum: wide sum equals the byte-wise sum (random data)");
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = rnd8();
	for (size_t len = 0; len < 300 && !bad; len++)
		for (size_t off = 0; off < 8 && !bad; off++)
			for (uint32_t sum = 0; sum <= 0xffff && !bad; sum += 0x3fff)
				if (stt_csum_add(sum, buf + off, len) != ref_add(sum, buf + off, len))
					bad = 1;
	CHECK(!bad);
	CHECK_EQ(ref_add(0, buf + 3, 65535), stt_csum_add(0, buf + 3, 65535));

	check_test("csum: carries of all-ones and zero data");
	memset(buf, 0xff, sizeof(buf));
	for (size_t len = 0; len < 200; len++)
		CHECK_EQ(ref_add(0xffff, buf, len), stt_csum_add(0xffff, buf, len));
	CHECK_EQ(ref_add(0, buf, 65536), stt_csum_add(0, buf, 65536));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(0, stt_csum_add(0, buf, 1000));
	buf[999] = 1; /* a non-zero sum never folds to 0 */
	CHECK_EQ(1, stt_csum_add(0, buf, 1000));

	check_test("csum: known vector (RFC 1071 example)");
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	CHECK_EQ(0xddf2, stt_csum_add(0, v, sizeof(v)));
	return check_done();
}
