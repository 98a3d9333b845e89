/* stt-send internals.
 *
 *   main.c    the run: frames -> segments -> sinks, live setup, summary
 *   opts.c    command line, --help, defaults
 *   parse.c   option value parsers (MAC, TCP flags, ECN, DSCP, times)
 *   gen.c     inner frames: generated or from a pcap
 *   plan.c    the segments of one frame, impairments applied
 *   sink.c    pcap file, libnet raw IP or link-level sending
 *
 * The flow per frame: gen (inner Ethernet frame) -> STT frame (header +
 * inner) -> plan (list of segment ranges after coalesce/drop/duplicate/
 * reorder/overlap) -> emit (outer packets) -> sinks (pcap file, libnet,
 * AF_PACKET). Everything that looks random comes from seeded streams so
 * that a pcap written twice with the same options is byte-identical. */
#ifndef STT_SEND_H
#define STT_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/stt.h"

/* --- deterministic randomness (splitmix64) --- */

static inline uint64_t send_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). n > 0. */
static inline uint64_t send_rng_below(uint64_t *s, uint64_t n)
{
	return send_rng_next(s) % n;
}

/* Uniform in [0, 1). */
static inline double send_rng_unit(uint64_t *s)
{
	return (double)(send_rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* --- options --- */

enum send_gen {
	GEN_NONE = 0, /* frames come from --inner-pcap */
	GEN_PING,
	GEN_UDP,
	GEN_TCP_SYN,
	GEN_ARP,
};

#define SEND_MAX_LIST 64

/* "segment S gets VALUE" (--seg-ecn S:V, --seg-dscp S:V) */
struct seg_override {
	unsigned seg;
	uint8_t value;
};

/* "--drop N" (frame -1: every frame) or "--drop F:N" */
struct seg_drop {
	long frame;
	unsigned seg;
};

struct send_opts {
	/* inner frames */
	enum send_gen gen;
	const char *inner_pcap;
	bool inner_ipv6;
	size_t size;	    /* inner IP packet length */
	uint64_t count;	    /* frames; 0 = all of --inner-pcap */
	double rate;	    /* frames per second, live; 0 = as fast as possible */
	struct stt_addr inner_src, inner_dst;
	uint8_t inner_src_mac[6], inner_dst_mac[6];
	uint16_t inner_sport, inner_dport;
	uint8_t inner_tos;
	unsigned inner_tso; /* MSS: mark inner TCP for segmentation at the far end; 0 = off */

	/* STT frame header */
	uint64_t context;
	unsigned vlan_id, pcp;
	int vlan_valid; /* -1: follows whether --vlan was given */
	uint16_t mss;
	int stt_flags;	/* -1: computed from the inner frame */
	int l4_offset;	/* -1: computed */
	uint8_t version, reserved;
	uint16_t padding;

	/* TCP-like header */
	bool ack_set;
	uint32_t ack;
	uint32_t ack_step;
	int sport; /* -1: stt_flow_sport */
	uint16_t dport;
	uint16_t window, urg;
	uint8_t tcp_flags;
	bool no_psh;
	int frame_len; /* -1: the real length */
	enum { CSUM_FULL, CSUM_PSEUDO, CSUM_BAD, CSUM_ZERO } csum;

	/* outer addressing */
	struct stt_addr src, dst;
	bool src_mac_set, dst_mac_set;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t ttl;
	int tos;   /* -1: from the inner packet (uniform DSCP, RFC 6040 normal ECN) */
	int dscp;  /* -1: not given */
	int ecn;   /* -1: not given */

	/* segmentation and impairments */
	size_t segment_size;
	bool tso;
	struct seg_drop drops[SEND_MAX_LIST];
	unsigned n_drops;
	double loss;
	bool reorder, reverse;
	int duplicate; /* -1 none, -2 all, else segment index */
	bool overlap;
	unsigned coalesce;
	unsigned interleave; /* frames per interleaved group; 0/1 = off */
	struct seg_override seg_ecn[SEND_MAX_LIST];
	unsigned n_seg_ecn;
	struct seg_override seg_dscp[SEND_MAX_LIST];
	unsigned n_seg_dscp;

	/* determinism */
	uint64_t seed;
	uint64_t start_ns;    /* pcap timestamp of the first packet */
	uint64_t interval_ns; /* per packet */

	/* output */
	const char *write_file;
	const char *write_inner;
	const char *target;
	const char *iface;
	int verbose;
	bool quiet;
};

/* Parse the command line into o (defaults first); exits on --help,
 * --version and usage errors (opts.c). */
void send_opts_parse(int argc, char **argv, struct send_opts *o);

/* --- inner frames (gen.c) --- */

struct inner_src;

/* Open the inner frame source described by the options. Dies on error. */
struct inner_src *inner_src_open(const struct send_opts *o);
/* Next inner Ethernet frame into buf (cap >= STT_MAX_INNER_LEN). Returns
 * its length, or 0 at the end. */
size_t inner_src_next(struct inner_src *s, uint8_t *buf, size_t cap);
void inner_src_close(struct inner_src *s);
/* Smallest --size (IP packet bytes) the generator can build. */
size_t inner_min_ip_size(const struct send_opts *o);

/* --- plan (plan.c) --- */

/* One outer packet to emit: a byte range of the STT frame. */
struct seg_item {
	uint32_t off;
	uint32_t len;
	unsigned index;	  /* segment number within the frame after coalescing */
	bool conflict;	  /* bytes inverted: the --overlap segment */
	bool duplicate;
	int ecn, dscp;	  /* per-segment overrides, -1: the frame's */
};

struct seg_plan {
	struct seg_item *items;
	size_t n, cap;
	size_t dropped; /* by --drop */
	unsigned total;	/* segments of the frame after coalescing (dropped ones too) */
};

/* Fill plan for a frame of frame_len bytes (frame number fno). rng drives
 * --reorder. */
void plan_frame(const struct send_opts *o, uint64_t fno, size_t frame_len, uint64_t *rng,
		struct seg_plan *plan);
void plan_free(struct seg_plan *plan);

/* --- sinks (sink.c) --- */

struct sink;

/* pcap file of Ethernet frames. */
struct sink *sink_pcap_open(const char *path);
void sink_pcap_write(struct sink *s, uint64_t ts_ns, const uint8_t *pkt, size_t len);
void sink_close(struct sink *s);

/* Live sending: raw IP through the kernel's routing (iface NULL), or
 * link-level injection of whole Ethernet frames on iface. */
struct sink *sink_live_open(const char *iface, int family);
bool sink_live_is_link(const struct sink *s);
/* pkt starts with the Ethernet header in both modes; raw mode skips it
 * (eth_len bytes). Returns 0 or -1 with a message printed. */
int sink_live_send(struct sink *s, const uint8_t *pkt, size_t len, size_t eth_len);

/* --- parsing helpers (parse.c) --- */

/* parse_mac and parse_duration are stt-send's names for the shared
 * stt_cli_parse_mac and stt_cli_parse_duration (cli.h). */
int parse_mac(const char *s, uint8_t mac[6]);
int parse_tcp_flags(const char *s, uint8_t *flags);
int parse_ecn(const char *s, uint8_t *ecn);
int parse_dscp(const char *s, uint8_t *dscp);
/* "1700000000.000123" -> ns (exact decimal, no float rounding). */
int parse_epoch(const char *s, uint64_t *ns);
/* "100us", "1ms", "2s", "500ns", bare number = microseconds. */
int parse_duration(const char *s, uint64_t *ns);
void format_tcp_flags(uint8_t flags, char *buf, size_t cap);

#endif
