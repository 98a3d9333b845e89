/* Internet checksums (RFC 1071): full and pseudo-header-only. */
#ifndef STT_CSUM_H
#define STT_CSUM_H

#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Add len bytes at p into a 32-bit running one's complement sum. The sum
 * can be continued across calls only when each chunk but the last has an
 * even length. */
uint32_t stt_csum_add(uint32_t sum, const void *p, size_t len);
/* Fold and complement: the value to store in a checksum field. */
uint16_t stt_csum_fold(uint32_t sum);
/* Sum of the TCP/UDP pseudo-header for src/dst, protocol and L4 length. */
uint32_t stt_csum_pseudo(const struct stt_addr *src, const struct stt_addr *dst,
			 uint8_t proto, uint32_t l4_len);
/* Checksum field value for an L4 segment (header with csum zeroed or not:
 * verify by checking the result of summing the segment as-is is 0). */
uint16_t stt_csum_l4(const struct stt_addr *src, const struct stt_addr *dst,
		     uint8_t proto, const void *seg, size_t len);
/* The value a sender using checksum offload leaves in the field: the folded
 * pseudo-header sum, not complemented (what Linux CHECKSUM_PARTIAL
 * writes). */
uint16_t stt_csum_pseudo_only(const struct stt_addr *src, const struct stt_addr *dst,
			      uint8_t proto, uint32_t l4_len);
/* IPv4 header checksum for hdr_len bytes (the field is included as-is). */
uint16_t stt_csum_ipv4_hdr(const void *hdr, size_t hdr_len);

#ifdef __cplusplus
}
#endif
#endif
