/* Internet checksums (RFC 1071).
 *
 * Sums are kept as big-endian 16-bit words added into a wide accumulator and
 * folded back with end-around carry, so a running sum returned to the caller
 * is always a valid one's complement partial sum (at most 0xffff). */
#include <string.h>

#include "stt/csum.h"

/* Fold a wide accumulator into 16 bits with end-around carry. A non-zero
 * input never folds to 0 (it becomes 0xffff instead), as in one's
 * complement arithmetic. */
static uint32_t fold16(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

/* The one's complement sum does not depend on byte order (RFC 1071
 * 2(B)): the words are summed as the host loads them, 64 bits at a time,
 * and the folded result is byte-swapped on a little-endian host. Since
 * 2^16 = 1 (mod 0xffff), carries out of any bit position that is a
 * multiple of 16 may be added back at the bottom: the carries out of
 * 64-bit additions are counted and added back at the end.
 * This was the top cost of building and checking segments. */
static inline uint32_t sum_native(const uint8_t *b, size_t n8)
{
	uint64_t t;
#if defined(__GNUC__) || defined(__clang__)
	/* two sums with their carries counted (add, adc): a carry out of
	 * bit 63 is worth 2^64 = 1 (mod 0xffff) */
	uint64_t s0 = 0, s1 = 0, c0 = 0, c1 = 0;
	size_t i = 0;

	for (; i + 4 <= n8; i += 4) {
		uint64_t w0, w1, w2, w3;
		memcpy(&w0, b + i * 8, 8);
		memcpy(&w1, b + i * 8 + 8, 8);
		memcpy(&w2, b + i * 8 + 16, 8);
		memcpy(&w3, b + i * 8 + 24, 8);
		c0 += __builtin_add_overflow(s0, w0, &s0);
		c1 += __builtin_add_overflow(s1, w1, &s1);
		c0 += __builtin_add_overflow(s0, w2, &s0);
		c1 += __builtin_add_overflow(s1, w3, &s1);
	}
	for (; i < n8; i++) {
		uint64_t w;
		memcpy(&w, b + i * 8, 8);
		c0 += __builtin_add_overflow(s0, w, &s0);
	}
	c0 += c1 + __builtin_add_overflow(s0, s1, &t);
	t += c0;
	t += t < c0; /* end-around carry */
#else
	uint64_t a0 = 0;

	for (size_t i = 0; i < n8; i++) { /* halves: each step adds < 2^33 */
		uint64_t w;
		memcpy(&w, b + i * 8, 8);
		a0 += (w & 0xffffffffu) + (w >> 32);
	}
	t = a0;
#endif
	uint32_t f = fold16(t);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return f;
#else
	return ((f & 0xff) << 8) | (f >> 8);
#endif
}

uint32_t stt_csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t acc = sum;
	size_t i = len & ~(size_t)7;

	if (i)
		acc += sum_native(b, i / 8);
	for (; i + 2 <= len; i += 2)
		acc += (uint32_t)((b[i] << 8) | b[i + 1]);
	if (i < len) /* odd trailing byte: padded with a zero byte on the right */
		acc += (uint32_t)b[i] << 8;
	return fold16(acc);
}

uint16_t stt_csum_fold(uint32_t sum)
{
	return (uint16_t)~fold16(sum);
}

uint32_t stt_csum_pseudo(const struct stt_addr *src, const struct stt_addr *dst, uint8_t proto,
			 uint32_t l4_len)
{
	size_t alen = src->family == 6 ? 16 : 4;
	uint64_t acc = 0;

	acc += stt_csum_add(0, src->a, alen);
	acc += stt_csum_add(0, dst->a, alen);
	acc += proto;
	/* IPv4 carries a 16-bit length, IPv6 a 32-bit one; summing both halves
	 * gives the same words for lengths that fit in 16 bits, and the
	 * generic Linux csum_tcpudp_nofold() result for the rest. */
	acc += (l4_len >> 16) + (l4_len & 0xffff);
	return fold16(acc);
}

uint16_t stt_csum_l4(const struct stt_addr *src, const struct stt_addr *dst, uint8_t proto,
		     const void *seg, size_t len)
{
	uint32_t sum = stt_csum_pseudo(src, dst, proto, (uint32_t)len);

	return stt_csum_fold(stt_csum_add(sum, seg, len));
}

/* Linux's __tcp_v4_send_check()/__tcp_v6_send_check() store
 * ~tcp_v4_check(len, saddr, daddr, 0), i.e. ~csum_fold(pseudo sum): the
 * folded pseudo-header sum, not complemented. fold16() of the (never zero)
 * pseudo sum yields exactly that value in 1..0xffff. */
uint16_t stt_csum_pseudo_only(const struct stt_addr *src, const struct stt_addr *dst,
			      uint8_t proto, uint32_t l4_len)
{
	return (uint16_t)fold16(stt_csum_pseudo(src, dst, proto, l4_len));
}

uint16_t stt_csum_ipv4_hdr(const void *hdr, size_t hdr_len)
{
	return stt_csum_fold(stt_csum_add(0, hdr, hdr_len));
}
