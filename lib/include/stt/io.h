/* Packet I/O: the underlay (where STT segments go), the TAP (where inner
 * frames come from), the host firewall rule that keeps the kernel's TCP
 * from answering STT, and the few interface facts a tool needs.
 *
 * Backends behind one interface, as libpcap does it:
 *   afpacket  Linux AF_PACKET with PACKET_VNET_HDR (TSO/GSO send of one
 *             64 KB super-packet), PACKET_AUXDATA (checksum status), a
 *             kernel BPF filter and batched recvmmsg/sendmmsg.
 *   pcap      libpcap live capture + pcap_inject: portable, no offloads.
 *             Built everywhere; the only one without STT_LINUX_IO.
 * TAP: with STT_LINUX_IO, Linux /dev/net/tun with IFF_VNET_HDR and
 * TUNSETOFFLOAD (checksum/TSO offload). Without it, a plain TAP with no
 * offloads: /dev/net/tun with IFF_TAP|IFF_NO_PI on Linux, /dev/tapN on the
 * BSDs and macOS; MTU and link state are set with the ordinary
 * SIOCSIFMTU/SIOCSIFFLAGS ioctls.
 * Neighbours: with STT_LINUX_IO the kernel's table (rtnetlink); without
 * it, we ask on the wire (ARP / Neighbor Solicitation through libpcap,
 * stt_io_neigh_probe) and cache the answers ourselves.
 * nftables: with STT_LINUX_IO the rule is installed by running nft(8);
 * without it, nothing is installed and the caller gets the exact nft
 * command line to run by hand.
 *
 * All functions that can fail return NULL or -1 and write a one-line
 * reason (no trailing newline) into err[errlen] when err is not NULL. */
#ifndef STT_IO_H
#define STT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/offload.h"
#include "stt/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- interface facts ---- */

/* Name of the interface holding address a (getifaddrs). Returns 0 or -1. */
int stt_io_iface_by_addr(const struct stt_addr *a, char *name, size_t cap, char *err,
			 size_t errlen);
/* MAC address and MTU of an interface. Returns 0 or -1. */
int stt_io_iface_info(const char *name, uint8_t mac[6], unsigned *mtu, char *err, size_t errlen);

/* Link-layer address of a neighbour (ARP / NDP table) on interface ifname.
 * Returns 0 and fills mac, 1 when not (yet) known, -1 on error.
 * stt_io_neigh_solicit() makes the kernel resolve it (sends one UDP
 * datagram to the discard port), so a later lookup can succeed.
 * Without STT_LINUX_IO the lookup itself asks on the wire (ARP / ND via
 * libpcap, at most 100 ms per probe, answers cached 30 s; after failures
 * no new probe for 100 ms, doubling up to 1.6 s) and
 * stt_io_neigh_solicit() does nothing. */
int stt_io_neigh_lookup(const char *ifname, const struct stt_addr *ip, uint8_t mac[6]);
void stt_io_neigh_solicit(const struct stt_addr *ip);
/* Ask on the wire, without the kernel: inject an ARP request (IPv4) or a
 * Neighbor Solicitation (IPv6) on ifname with libpcap, from ifname's MAC
 * and an address of ifname, and wait up to timeout_ms for the answer.
 * Returns 0 and fills mac, 1 when nobody answered in time, -1 on error
 * (err set). Blocks; needs the privileges of a live capture. Without
 * STT_LINUX_IO, stt_io_neigh_lookup() is this plus a cache. */
int stt_io_neigh_probe(const char *ifname, const struct stt_addr *ip, uint8_t mac[6],
		       unsigned timeout_ms, char *err, size_t errlen);

/* ---- the underlay ---- */

enum stt_io_backend {
	STT_IO_AUTO = 0,  /* afpacket when built, else pcap */
	STT_IO_AFPACKET,
	STT_IO_PCAP,
};
const char *stt_io_backend_name(enum stt_io_backend b);
/* "afpacket" / "pcap" / "auto" -> enum; -1 if unknown or not built. */
int stt_io_backend_parse(const char *s, enum stt_io_backend *b);

struct stt_underlay_config {
	const char *ifname;
	enum stt_io_backend backend;
	/* Receive filter: TCP to dport addressed to local (either may be
	 * unset: port 0 / family 0 = any). filter_extra, if not NULL, is a
	 * pcap filter expression used instead of the built-in one. */
	uint16_t dport;
	struct stt_addr local;
	const char *filter_extra;
	bool rx;	    /* open the receive side */
	bool tso;	    /* want stt_underlay_send_gso (PACKET_VNET_HDR) */
	unsigned batch;	    /* receive batch size; 0 = 16 */
	/* Do not receive what this host sends (PACKET_IGNORE_OUTGOING where
	 * available): a tunnel never wants its own segments back, and
	 * without it each one is also run through the receive filter. */
	bool ignore_outgoing;
};

/* Status of the checksum of a received packet, as the kernel reports it. */
enum stt_rx_csum {
	STT_RX_CSUM_UNKNOWN = 0, /* no claim: verify it yourself */
	STT_RX_CSUM_VALID,	 /* the kernel/NIC verified it (incl. GRO) */
	STT_RX_CSUM_PARTIAL,	 /* locally generated, holds only the pseudo-header sum */
};

struct stt_rx_pkt {
	const uint8_t *data; /* Ethernet frame; valid until the next receive */
	size_t len;	     /* bytes present */
	size_t wirelen;	     /* original length */
	enum stt_rx_csum csum;
	bool outgoing;	     /* our own host sent it (PACKET_OUTGOING) */
	uint64_t ts_ns;	     /* CLOCK_MONOTONIC at receive (0 if unknown) */
};

/* Now on the clock of stt_rx_pkt.ts_ns (CLOCK_MONOTONIC, ns): for
 * timeouts measured against received packets. */
uint64_t stt_io_now_ns(void);

struct stt_underlay;

struct stt_underlay *stt_underlay_open(const struct stt_underlay_config *cfg, char *err,
				       size_t errlen);
void stt_underlay_close(struct stt_underlay *u);
/* File descriptor to poll() for readability; -1 if none (pcap on some
 * systems: then poll with a timeout and call recv anyway). */
int stt_underlay_fd(const struct stt_underlay *u);
enum stt_io_backend stt_underlay_backend(const struct stt_underlay *u);
/* True when stt_underlay_send_gso() hands super-packets to the kernel. */
bool stt_underlay_can_gso(const struct stt_underlay *u);

/* Send one Ethernet frame as is. Returns 0 or -1 (errno kept). */
int stt_underlay_send(struct stt_underlay *u, const uint8_t *frame, size_t len);
/* Send several frames at once (sendmmsg where available). Returns the
 * number sent, or -1 if none could be. */
int stt_underlay_send_batch(struct stt_underlay *u, const uint8_t *const *frames,
			    const size_t *lens, unsigned n);
/* Send one super-packet (Ethernet + IP + TCP + up to 64 KB payload) with
 * offload metadata for the kernel to segment (gso_type TCPV4/TCPV6,
 * gso_size = payload per segment, NEEDS_CSUM with csum_start/offset of
 * the outer TCP checksum). Fails (-1, errno EOPNOTSUPP) when
 * !stt_underlay_can_gso(). */
int stt_underlay_send_gso(struct stt_underlay *u, const uint8_t *frame, size_t len,
			  const struct stt_offload *off);
/* The same super-packet given as its outer headers and its payload, which
 * the kernel gathers from where they are (no 64 KB copy to join them). */
int stt_underlay_send_gso_parts(struct stt_underlay *u, const uint8_t *hdr, size_t hdr_len,
				const uint8_t *payload, size_t payload_len,
				const struct stt_offload *off);
/* Checksum offload for our own segments: true when the kernel takes
 * packets whose TCP checksum holds only the pseudo-header sum and
 * finishes it itself (or leaves it to the NIC, or to nobody on a veth,
 * which carries the partial checksum across). */
bool stt_underlay_can_csum(const struct stt_underlay *u);
/* One packet in two pieces, gathered by the kernel (no copy to join). */
struct stt_tx_parts {
	const uint8_t *hdr;
	size_t hdr_len;
	const uint8_t *payload;
	size_t payload_len;
};
/* Send n packets with one sendmmsg, each asking the kernel to finish its
 * checksum as off says (NEEDS_CSUM, csum_start, csum_offset; no GSO).
 * Returns the number sent, or -1 (errno EOPNOTSUPP when
 * !stt_underlay_can_csum()). */
int stt_underlay_send_csum_batch(struct stt_underlay *u, const struct stt_tx_parts *pkts,
				 unsigned n, const struct stt_offload *off);
/* Receive up to max packets without blocking. Returns the number (0 when
 * none is waiting), or -1 on error. Data stays valid until the next call. */
int stt_underlay_recv(struct stt_underlay *u, struct stt_rx_pkt *pkts, unsigned max);

struct stt_underlay_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes, tx_gso_packets, tx_errors;
	uint64_t kernel_drops; /* PACKET_STATISTICS / pcap_stats */
	uint64_t rx_csum_valid, rx_csum_partial; /* as the kernel reported them */
	uint64_t rx_max_len;   /* largest packet received (GRO shows here) */
};
void stt_underlay_get_stats(struct stt_underlay *u, struct stt_underlay_stats *s);

/* ---- TAP ---- */

struct stt_tap;

struct stt_tap_config {
	const char *name;   /* requested name ("stt0"); NULL or "" lets the kernel pick */
	unsigned mtu;	    /* 0 = leave the default (1500) */
	bool offload;	    /* IFF_VNET_HDR + TUNSETOFFLOAD CSUM|TSO4|TSO6
			     * (ignored without STT_LINUX_IO) */
	unsigned gso_max;   /* cap super-frames (IFLA_GSO_MAX_SIZE), 0 = leave
			     * (ignored without STT_LINUX_IO) */
	bool up;	    /* bring the link up */
};

struct stt_tap *stt_tap_open(const struct stt_tap_config *cfg, char *err, size_t errlen);
void stt_tap_close(struct stt_tap *t); /* the device goes away with it */
int stt_tap_fd(const struct stt_tap *t);
const char *stt_tap_name(const struct stt_tap *t);
bool stt_tap_has_offload(const struct stt_tap *t);
/* Read one frame (non-blocking). Returns its length, 0 when none is
 * waiting, -1 on error. off is filled (zeroed without offload). */
long stt_tap_read(struct stt_tap *t, uint8_t *buf, size_t cap, struct stt_offload *off);
/* Write one frame with its offload metadata (off may be NULL). */
int stt_tap_write(struct stt_tap *t, const uint8_t *frame, size_t len,
		  const struct stt_offload *off);

/* ---- host firewall: keep the kernel's TCP from answering STT ---- */

struct stt_nft;

/* Install "drop tcp dport <port> to <local> on input" in its own table
 * (inet sttkit_<pid>_<n>) so that several instances coexist and removal is
 * clean. On failure returns NULL and, in err, the reason; cmd (if not
 * NULL) gets the exact nft command a user can run by hand. */
struct stt_nft *stt_nft_install(const struct stt_addr *local, uint16_t port, char *err,
				size_t errlen, char *cmd, size_t cmdlen);
/* Remove the table (and free). Safe with NULL. */
void stt_nft_remove(struct stt_nft *n);
const char *stt_nft_table(const struct stt_nft *n);

#ifdef __cplusplus
}
#endif
#endif
