/* stt-recv internals.
 *
 *   main.c    options, --help, the read loop, exit code
 *   frame.c   what happens to a reassembled frame: filters, checks,
 *             text/JSON/hex lines, decap pcap, TAP
 *   echo.c    --echo: the frame back to its sender, in STT
 *   fault.c   --fault: test-only ways to break the echo target on purpose
 *   stats.c   counters on stderr and --stats-json */
#ifndef STT_RECV_H
#define STT_RECV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stt/capture.h"
#include "stt/stt.h"

#define RECV_MAX_PORTS 16

/* --fault NAME: deliberate deviations, so that a conformance run can show
 * its checks bite (docs/faults.md). Bits of recv_opts.faults. */
enum recv_fault {
	FAULT_CONST_SPORT = 1u << 0,	    /* one source port for every flow */
	FAULT_SPORT_VARIES = 1u << 1,	    /* a new source port per segment */
	FAULT_REUSE_ACK = 1u << 2,	    /* one ack (frame id) for every frame */
	FAULT_NO_PSH = 1u << 3,		    /* PSH never set */
	FAULT_BAD_SEQ_LEN = 1u << 4,	    /* a wrong frame length in seq */
	FAULT_WINDOW_FFFF = 1u << 5,	    /* window 0xFFFF, as OVS sends */
	FAULT_ACK_FLAG_MISSING = 1u << 6,   /* ACK flag never set */
	FAULT_DSCP_PIPE_ENCAP = 1u << 7,    /* outer DSCP 0 whatever the inner */
	FAULT_DSCP_PIPE_DECAP = 1u << 8,    /* outer DSCP not copied to the inner */
	FAULT_CE_LOST = 1u << 9,	    /* outer CE not carried to the inner */
	FAULT_DELIVER_INCOMPLETE = 1u << 10, /* partial frames delivered, gaps zeroed */
	FAULT_IGNORE_CONTEXT = 1u << 11,    /* --context filters nothing */
	FAULT_NO_TIMEOUT = 1u << 12,	    /* partial frames never expire */
};

struct recv_opts {
	const char *iface;	/* -i */
	const char *read_file;	/* -r */
	const char *decap_file; /* --decap / -w */
	const char *tap_name;	/* --tap */
	const char *stats_json; /* --stats-json FILE ("-": stdout) */
	const char *echo_pcap;	/* --echo-pcap FILE */
	uint16_t ports[RECV_MAX_PORTS];
	unsigned n_ports;
	bool context_set;
	uint64_t context;
	uint64_t count;	      /* frames to deliver, 0 = no limit */
	uint64_t timeout_ns;  /* live: stop after this long, 0 = never */
	uint64_t reasm_timeout_ns;
	size_t mem_cap;
	bool json;
	bool raw;	      /* inner frames as hex lines */
	bool quiet;	      /* no per-frame lines */
	bool no_stats;	      /* no counters on stderr */
	int verbose;
	bool link;	      /* -e: MACs in the inner summary */
	bool ignore_csum;     /* reassemble segments whose checksum is bad */
	bool echo;
	uint64_t seed;
	bool qos;	      /* RFC 6040 / RFC 2983 decapsulation of the inner TOS */
	bool qos_given;	      /* --qos on the command line (else --echo implies uniform) */
	struct stt_qos qos_cfg;
	size_t echo_mss;      /* payload bytes per echo segment */
	unsigned faults;      /* enum recv_fault bits */
};

struct recv_counters {
	uint64_t packets;	/* read from the source */
	uint64_t not_stt;	/* not IP/TCP, not to/from an STT port, or TCP
				 * control packets and connections on it */
	uint64_t own;		/* our own transmissions seen by the capture */
	uint64_t malformed;
	uint64_t truncated;	/* cut by the snaplen */
	uint64_t bad_csum;
	uint64_t segments;	/* offered to reassembly */
	uint64_t frames;	/* reassembled */
	uint64_t bad_version;
	uint64_t too_short;	/* inner frame shorter than an Ethernet header */
	uint64_t filtered;	/* other contexts */
	uint64_t delivered;
	uint64_t warnings;
	uint64_t echoed;
	uint64_t echo_errors;
	uint64_t out_errors;
	uint64_t kernel_drops;	/* live: the capture's kernel counters */
	uint64_t ecn_drops;	/* --qos: CE outer over a Not-ECT inner */
	uint64_t tos_rewritten;	/* --qos: inner TOS changed */
	uint64_t partials;	/* --fault deliver-incomplete: partial frames delivered */
};

struct echo;
struct partials;

/* Segment warnings wait here until the frame (or drop) they belong to is
 * printed, so that they follow it as in stt-dump's output. */
#define RECV_PEND_MAX 1024
struct pend_warns {
	struct stt_finding f[RECV_PEND_MAX];
	unsigned head, n; /* ring */
};

struct recv {
	struct recv_opts *o;
	struct stt_cap *cap;
	struct stt_reasm *reasm;
	struct stt_tcpconn *conns; /* real TCP connections on the port */
	struct stt_txcheck *tx;
	struct stt_capw *decap;
	struct stt_tap *tap;
	struct echo *echo;
	struct partials *partials; /* --fault deliver-incomplete */
	bool delivered;		   /* a frame was delivered during stt_reasm_add() */
	bool in_partial;	   /* frame_deliver() is handing out a partial frame */
	struct pend_warns *pend;
	struct recv_counters cnt;
	bool done;	/* --count reached */
	bool have_own_mac;
	bool have_kernel_stats;
	uint8_t own_mac[6];
	/* the packet being offered (for the deliver callback) */
	const struct stt_cap_pkt *pkt;
	const struct stt_outer *outer;
	uint64_t pkt_seq;
};

/* frame.c */
void frame_deliver(void *ctx, const struct stt_reasm_frame *f);
void frame_drop(void *ctx, const struct stt_reasm_drop *d);
/* -v: run the segment checks; their warnings wait for the frame. */
void frame_segment_checks(struct recv *r, const struct stt_outer *o, uint32_t cookie);
/* Print now the waiting warnings of one packet (it made no frame), or of
 * every packet (cookie 0: end of input). */
void frame_pending_flush(struct recv *r, uint32_t cookie);

/* echo.c */
struct echo *echo_open(struct recv *r);
/* Send inner (with the received STT header h) back to the sender of
 * frame f, whose completing segment was outer. Returns 0 or -1. */
int echo_frame(struct echo *e, const struct stt_outer *outer, const struct stt_reasm_frame *f,
	       const struct stt_frame_hdr *h, const uint8_t *inner, size_t inner_len,
	       uint64_t ts_ns);
void echo_close(struct echo *e);

/* fault.c */
/* Parse one --fault argument (a name, or a comma-separated list) into
 * o->faults; "list" prints the names and exits. Usage error otherwise. */
void fault_parse(struct recv_opts *o, const char *arg);
/* "name,name" of the faults set, for the warning at start-up. */
void fault_format(unsigned faults, char *buf, size_t cap);
/* deliver-incomplete: a copy of every accepted segment's bytes, so that a
 * frame the reassembler gives up on can still be handed out. */
struct partials *partials_new(void);
void partials_free(struct partials *p);
/* After stt_reasm_add() accepted seg without completing its frame. Hands
 * the frame out at once when its first and last bytes are both held. */
void partials_segment(struct recv *r, const struct stt_seg_in *seg, const struct stt_outer *o);
/* The reassembler delivered or discarded the frame: forget our copy. */
void partials_forget(struct recv *r, const struct stt_reasm_key *k);
/* The reassembler gave the frame up (timeout, eviction, end of input):
 * hand out what we hold, gaps zero-filled, unless already done. */
void partials_given_up(struct recv *r, const struct stt_reasm_drop *d);

/* stats.c */
void stats_print(const struct recv *r);
int stats_write_json(const struct recv *r, const char *path);

#endif
