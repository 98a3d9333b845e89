/* Neighbour resolution frames, for systems where we cannot ask the
 * kernel's neighbour table (the build without the Linux I/O backends):
 * an ARP request / IPv6 Neighbor Solicitation to send on the wire, and
 * the parse of what comes back. Pure code: the I/O that sends and waits
 * is stt_io_neigh_probe() in stt/io.h. */
#ifndef STT_NEIGH_H
#define STT_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for the largest request we build (IPv6 NS with its option). */
#define STT_NEIGH_REQ_MAX 96

/* Build the Ethernet frame that asks who has target: an ARP request
 * (broadcast, padded to 60 bytes) when target is IPv4, a Neighbor
 * Solicitation to the solicited-node multicast group with our link-layer
 * address as option when IPv6. src_ip must be an address of the sending
 * interface of the same family. Returns the frame length, or 0 when the
 * families differ or cap is too small. */
size_t stt_neigh_build_request(uint8_t *buf, size_t cap, const uint8_t src_mac[6],
			       const struct stt_addr *src_ip, const struct stt_addr *target);

/* Does this Ethernet frame tell the link-layer address of target? An ARP
 * reply or request sent by target (both carry its binding), or a Neighbor
 * Advertisement for target (its Target Link-Layer Address option, else
 * the frame's Ethernet source). Returns 0 and fills mac, or 1 when the
 * frame is anything else (other host, truncated, malformed, bad ICMPv6
 * checksum, hop limit not 255). */
int stt_neigh_parse_reply(const uint8_t *frame, size_t len, const struct stt_addr *target,
			  uint8_t mac[6]);

#ifdef __cplusplus
}
#endif
#endif
