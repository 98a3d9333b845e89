/* Offload metadata that travels with a packet between the kernel and us:
 * a host-order mirror of Linux's struct virtio_net_hdr, so that the pure
 * endpoint can speak it without including Linux headers. The TAP backend
 * and the AF_PACKET backend convert it to and from the kernel's layout.
 *
 *   - from a TAP: a TCP super-frame (gso_type TCPV4/TCPV6, gso_size = the
 *     MSS the kernel wants it cut at) with NEEDS_CSUM, csum_start at the
 *     inner L4 header; or DATA_VALID when the kernel checked the checksum.
 *   - to the underlay: one big STT "TCP" packet for the kernel's GSO to cut
 *     into segments of gso_size payload bytes. */
#ifndef STT_OFFLOAD_H
#define STT_OFFLOAD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* flags (same values as VIRTIO_NET_HDR_F_*) */
#define STT_OFF_F_NEEDS_CSUM 0x01 /* checksum at csum_start + csum_offset is partial */
#define STT_OFF_F_DATA_VALID 0x02 /* the checksum was verified */

/* gso_type (same values as VIRTIO_NET_HDR_GSO_*) */
#define STT_OFF_GSO_NONE 0
#define STT_OFF_GSO_TCPV4 1
#define STT_OFF_GSO_UDP 3
#define STT_OFF_GSO_TCPV6 4
#define STT_OFF_GSO_ECN 0x80 /* flag: the TCP super-frame has CWR set */

struct stt_offload {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;     /* bytes of headers (Ethernet + IP + L4) */
	uint16_t gso_size;    /* payload bytes per segment */
	uint16_t csum_start;  /* from the start of the frame */
	uint16_t csum_offset; /* from csum_start to the checksum field */
};

#ifdef __cplusplus
}
#endif
#endif
