/* The STT endpoint: contexts, peers, encapsulation and decapsulation with
 * QoS and offload state, and counters.
 *
 * Pure like the layers under it: bytes and the caller's clock in, bytes
 * out through callbacks; no sockets. A tool (stt-tunnel) wires the
 * callbacks to a TAP and an underlay (stt/io.h).
 *
 *   encap: inner Ethernet frame from a local port (+ its offload metadata)
 *          -> STT frame -> either our own segments, or TCP super-packets
 *          for the kernel's GSO (tx_gso callback), to every peer of the
 *          frame's context (or the one peer that learned the MAC).
 *   input: one outer packet from the underlay -> peer check -> checksum
 *          -> reassembly -> STT header -> context -> QoS (RFC 6040 /
 *          RFC 2983) -> deliver(port, inner frame, offload metadata).
 */
#ifndef STT_ENDPOINT_H
#define STT_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/offload.h"
#include "stt/qos.h"
#include "stt/reasm.h"
#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STT_EP_MAX_PEERS 64
#define STT_EP_MAX_CONTEXTS 64

/* Checksum state of an outer packet handed to stt_endpoint_input(). */
enum stt_ep_rx_csum {
	STT_EP_CSUM_UNKNOWN = 0, /* verify it here */
	STT_EP_CSUM_VALID,	 /* the kernel verified it: skip */
	STT_EP_CSUM_PARTIAL,	 /* generated on this host, pseudo-header only: accept */
};

struct stt_endpoint_ops {
	/* One finished outer packet (Ethernet frame) for peer. */
	int (*tx)(void *ctx, unsigned peer, const uint8_t *pkt, size_t len);
	/* One super-packet for the kernel to segment (NULL: not available,
	 * the endpoint then segments itself). */
	int (*tx_gso)(void *ctx, unsigned peer, const uint8_t *pkt, size_t len,
		      const struct stt_offload *off);
	/* A decapsulated inner Ethernet frame for local port. off tells the
	 * local kernel what the sender's STT header said (partial checksum
	 * and MSS -> GSO super-frame; verified -> DATA_VALID). The frame is
	 * valid only during the call and read-only: it is usually the
	 * reassembler's own buffer, handed over without a copy, and the
	 * reassembler still samples it afterwards to recognise late
	 * duplicates. */
	void (*deliver)(void *ctx, unsigned port, const uint8_t *frame, size_t len,
			const struct stt_offload *off);
	/* Optional, preferred over tx_gso: the same super-packet as its
	 * outer headers and its payload, which points into the endpoint's
	 * frame, so that a gather write (writev/sendmsg) sends it without
	 * first copying 64 KB into one buffer. Both valid only during the
	 * call. */
	int (*tx_gso_parts)(void *ctx, unsigned peer, const uint8_t *hdr, size_t hdr_len,
			    const uint8_t *payload, size_t payload_len,
			    const struct stt_offload *off);
	/* Optional, preferred over tx for the segments the endpoint builds
	 * itself (no GSO): one segment as headers + payload, its TCP
	 * checksum holding only the pseudo-header sum, for the kernel to
	 * finish as off says (NEEDS_CSUM; set it only when the underlay
	 * honours that). hdr is valid during the call; payload points into
	 * the frame being sent and stays valid until stt_endpoint_encap()
	 * returns, so the caller may batch segments until then. */
	int (*tx_csum_parts)(void *ctx, unsigned peer, const uint8_t *hdr, size_t hdr_len,
			     const uint8_t *payload, size_t payload_len,
			     const struct stt_offload *off);
};

struct stt_endpoint_config {
	struct stt_addr local;	 /* our underlay address (family picks IPv4/IPv6) */
	uint8_t local_mac[6];	 /* outer Ethernet source */
	uint16_t port;		 /* STT destination port, 0 = 7471 */
	unsigned underlay_mtu;	 /* outer IP MTU, 0 = 1500; sets the segment size */
	struct stt_qos qos;
	bool use_gso;		 /* hand super-packets to ops->tx_gso */
	uint32_t seed;		 /* source-port hash seed and first frame id */
	uint8_t ttl;		 /* outer TTL, 0 = 64 */
	/* Accept pseudo-header-only outer checksums on packets whose status
	 * is STT_EP_CSUM_UNKNOWN (a backend that cannot tell, e.g. libpcap on
	 * a veth whose peer offloads checksums). */
	bool accept_partial_csum;
	struct stt_reasm_config reasm;
};

struct stt_endpoint;

/* Returns NULL on allocation failure or a bad config (no local address). */
struct stt_endpoint *stt_endpoint_new(const struct stt_endpoint_config *cfg,
				      const struct stt_endpoint_ops *ops, void *ctx);
void stt_endpoint_free(struct stt_endpoint *ep);

/* A peer: an underlay address allowed to send to us, and one we send to.
 * Returns the peer index, or -1 (table full, duplicate, family differs
 * from local). mac may be NULL (not yet known: set later, or learned from
 * the first packet the peer sends). */
int stt_endpoint_add_peer(struct stt_endpoint *ep, const struct stt_addr *addr,
			  const uint8_t *mac);
int stt_endpoint_set_peer_mac(struct stt_endpoint *ep, unsigned peer, const uint8_t mac[6]);
bool stt_endpoint_peer_mac_known(const struct stt_endpoint *ep, unsigned peer);
unsigned stt_endpoint_peer_count(const struct stt_endpoint *ep);
const struct stt_addr *stt_endpoint_peer_addr(const struct stt_endpoint *ep, unsigned peer);

/* A context: context id <-> local port (the caller's number, e.g. a TAP
 * index), sent to the given peers (bitmask of peer indexes; 0 = all).
 * Returns 0, or -1 (duplicate id or port, table full). */
int stt_endpoint_add_context(struct stt_endpoint *ep, uint64_t context_id, unsigned port,
			     uint64_t peer_mask);

/* Encapsulate one inner frame that arrived on local port. off (may be
 * NULL) is its offload metadata from the TAP. Returns the number of outer
 * packets handed to tx/tx_gso (0 when dropped: counted). */
int stt_endpoint_encap(struct stt_endpoint *ep, unsigned port, const uint8_t *frame, size_t len,
		       const struct stt_offload *off, uint64_t now_ns);

/* Zero-copy encapsulation: a buffer of *cap bytes (at least 64 KB + 64)
 * inside the endpoint where the caller may read the next inner frame
 * (from a TAP) and pass it to stt_endpoint_encap() as is; the STT header
 * is then written in front of it instead of copying the frame. */
uint8_t *stt_endpoint_tx_buffer(struct stt_endpoint *ep, size_t *cap);

/* Offer one outer packet (Ethernet frame) from the underlay. Never fails:
 * whatever is wrong with it is counted. May call ops->deliver. */
void stt_endpoint_input(struct stt_endpoint *ep, const uint8_t *pkt, size_t len,
			enum stt_ep_rx_csum csum, uint64_t now_ns);

/* Expire incomplete frames (call at least once a second). */
void stt_endpoint_tick(struct stt_endpoint *ep, uint64_t now_ns);

/* ---- counters ---- */

struct stt_ep_ctx_stats {
	uint64_t context_id;
	unsigned port;
	uint64_t tx_frames, tx_bytes;	/* inner frames / bytes encapsulated */
	uint64_t tx_segments;		/* outer packets we built ourselves */
	uint64_t tx_gso_packets;	/* super-packets handed to the kernel */
	uint64_t tx_tso_inner;		/* inner super-frames carried (partial + MSS) */
	uint64_t tx_vlan_offloaded;	/* 802.1Q tags moved into the STT header */
	uint64_t tx_drops;		/* too long, no peer MAC, send error */
	uint64_t rx_frames, rx_bytes;	/* inner frames / bytes delivered */
	uint64_t rx_ecn_drops;		/* RFC 6040: CE outer over Not-ECT inner */
	uint64_t rx_ce_marked;		/* inner frames we marked CE */
	uint64_t rx_vlan_applied;	/* header VLAN tags put back into the frame */
};

struct stt_ep_stats {
	uint64_t rx_packets;	    /* outer packets offered */
	uint64_t rx_not_stt;	    /* not IP/TCP to our address and port */
	uint64_t rx_malformed;	    /* outer headers that cannot be right */
	uint64_t rx_bad_peer;	    /* from an address that is not a peer */
	uint64_t rx_bad_csum;	    /* outer TCP checksum wrong */
	uint64_t rx_bad_version;    /* STT version != 0 */
	uint64_t rx_bad_header;	    /* STT frame header unusable (inner too short) */
	uint64_t rx_unknown_context;
	uint64_t rx_frames;	    /* reassembled frames */
	uint64_t tx_no_context;	    /* frames from a port without a context */
	uint64_t tx_too_long;	    /* inner frame longer than an STT frame can carry */
	uint64_t tx_no_mac;	    /* peer link-layer address not known yet */
	uint64_t tx_errors;	    /* tx/tx_gso callbacks that failed */
	uint64_t tx_split;	    /* inner super-frames split to fit 64 KB */
	struct stt_reasm_stats reasm;
};

void stt_endpoint_stats(const struct stt_endpoint *ep, struct stt_ep_stats *s);
unsigned stt_endpoint_context_count(const struct stt_endpoint *ep);
/* Counters of the i-th context (in the order added). Returns 0 or -1. */
int stt_endpoint_context_stats(const struct stt_endpoint *ep, unsigned i,
			       struct stt_ep_ctx_stats *s);

#ifdef __cplusplus
}
#endif
#endif
