/* stt-dump internals: options, run state, and the printers' interface.
 *
 *   main.c     options, --help, the read loop, exit code
 *   decode.c   outer packet -> checks -> reassembly -> frames, warnings
 *   text.c     tcpdump-style lines
 *   json.c     JSON Lines (jansson)
 *   summary.c  counters and the end-of-run summary on stderr
 *   out.c      the stdout buffer and fast number formatting */
#ifndef STT_DUMP_H
#define STT_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stt/capture.h"
#include "stt/stt.h"

enum ts_style {
	TS_DEFAULT = 0,	   /* HH:MM:SS.uuuuuu, local time */
	TS_NONE,	   /* -t */
	TS_EPOCH,	   /* -tt */
	TS_DELTA_PREV,	   /* -ttt */
	TS_DATE,	   /* -tttt */
	TS_DELTA_FIRST,	   /* -ttttt */
};

struct dump_opts {
	const char *read_file; /* -r */
	const char *iface;     /* -i */
	char *filter;	       /* BPF expression from the trailing arguments */
	uint8_t port_map[65536 / 8];
	unsigned n_ports;
	uint64_t count;	       /* -c: frames to print, 0 = all */
	int snaplen;	       /* -s */
	int verbose;	       /* -v count */
	bool link;	       /* -e */
	int hex;	       /* 0, 1 = -x, 2 = -X */
	bool quiet;	       /* -q */
	bool line_buffered;    /* -l */
	bool promisc;	       /* live; -p turns it off */
	enum ts_style ts;
	bool json;
	const char *write_file; /* -w */
	const char *decap_file; /* --decap */
	bool strict;
	bool no_summary;
	uint64_t timeout_ns;
	size_t mem_cap;
};

static inline bool dump_is_port(const struct dump_opts *o, uint16_t port)
{
	return (o->port_map[port >> 3] >> (port & 7)) & 1;
}

/* Warnings of stt-dump's own (not in the checks catalogue): they share the
 * counters array after the catalogue's. */
enum dump_warning {
	DUMP_W_SNAPLEN_CUT = STT_CHK__COUNT, /* the capture cut an STT payload */
	DUMP_W_REASM_NOMEM,		     /* a frame the memory cap cannot hold */
	/* Packets that are not STT segments: objects in --json (always) and
	 * lines in text (-v), but not warnings: they have their own counters
	 * and do not make --strict fail. */
	DUMP_W_MALFORMED,		     /* the outer headers do not parse */
	DUMP_W_NOT_STT,			     /* TCP control packet on an STT port */
	DUMP_W__END
};
#define DUMP_W_COUNT DUMP_W__END

struct dump_counters {
	uint64_t packets;	   /* read (after the BPF filter) */
	uint64_t segments;	   /* STT segments (on an STT port) */
	uint64_t frames;	   /* reassembled frames */
	uint64_t frames_printed;	   /* counted for -c, also when not shown */
	uint64_t not_stt;	   /* skipped: not IP, not TCP, other ports */
	uint64_t not_stt_on_port;  /* TCP to an STT port that is not STT */
	uint64_t fragments;	   /* outer IP fragments */
	uint64_t hdr_truncated;	   /* headers cut by the snaplen */
	uint64_t malformed;
	uint64_t snaplen_cut;	   /* STT payload cut by the snaplen */
	uint64_t warnings_total;
	uint64_t warnings[DUMP_W_COUNT];
};

/* A warning to print: catalogue finding or one of our own. */
struct dump_warn {
	unsigned id;	 /* enum stt_check or enum dump_warning */
	uint32_t packet; /* 0: frame-wide */
	char detail[160];
};

const char *dump_warn_name(unsigned id);
const char *dump_warn_req(unsigned id); /* NULL when none */
const char *dump_warn_level(unsigned id);

/* Everything a printer needs about a frame. */
struct dump_frame {
	uint64_t ts_ns;		/* the segment that completed it */
	uint64_t packet;	/* that segment's packet number */
	const struct stt_outer *outer; /* that segment */
	const struct stt_reasm_frame *rf; /* NULL for a snaplen-cut frame */
	const uint8_t *data;	/* STT frame bytes present */
	size_t len;		/* bytes present */
	size_t frame_len;	/* STT frame length (seq upper half) */
	bool complete;
	bool have_hdr;
	struct stt_frame_hdr hdr;
	struct stt_inner inner;
	bool inner_decoded;
	const uint8_t *inner_data;
	size_t inner_len;
	char summary[1024];
	const struct dump_warn *warns;
	unsigned n_warns;
};

struct dump_seg_side; /* decode.c */

struct dump {
	struct dump_opts *opt;
	struct stt_cap *cap;
	struct stt_reasm *reasm;
	struct stt_tcpconn *conns; /* real TCP connections on the port */
	struct stt_txcheck *tx;
	struct stt_capw *w, *decap;
	struct dump_counters cnt;
	bool quiet_out;	      /* stdout carries a pcap (-w - / --decap -): print nothing */
	bool done;	      /* -c reached */
	bool write_failed;
	/* timestamps for -ttt / -ttttt */
	bool have_first, have_prev;
	uint64_t first_ts, prev_ts;
	/* the packet being processed */
	const struct stt_cap_pkt *pkt;
	const struct stt_outer *outer;
	/* per-packet side records and pending segment warnings */
	struct dump_seg_side *side;
	struct dump_warn *pend;
	bool *pend_done;
	uint64_t pend_head, pend_tail;
	/* warnings of the frame being printed */
	struct dump_warn fw[64];
	unsigned n_fw;
	void *json; /* json.c state */
};

/* decode.c */
int dump_init(struct dump *d, struct dump_opts *o);
void dump_packet(struct dump *d, const struct stt_cap_pkt *pkt);
void dump_idle(struct dump *d, uint64_t now_ns);
void dump_finish(struct dump *d, uint64_t now_ns);
void dump_free(struct dump *d);
/* What -v prints about a segment that the reassembler does not record. */
struct dump_side_info {
	uint16_t ip_id;
	uint8_t csum; /* enum stt_csum_verdict */
	uint8_t ip_version;
	uint16_t window;
	uint8_t ttl;
};
/* Look up a packet still in the side ring: 0, or -1 when it has left. */
int dump_side_lookup(struct dump *d, uint32_t cookie, struct dump_side_info *info);

/* text.c */
void text_frame(struct dump *d, const struct dump_frame *f);
void text_warning(struct dump *d, const struct dump_warn *w, bool attached);
void text_not_stt(struct dump *d, const struct stt_outer *o, const char *why);
void text_timestamp(struct dump *d, uint64_t ts_ns);
size_t fmt_tcp_flags(uint8_t flags, char buf[16]); /* "[S.]", NUL-terminated */

/* json.c */
int json_init(struct dump *d);
void json_frame(struct dump *d, const struct dump_frame *f);
void json_warning(struct dump *d, const struct dump_warn *w);
/* A packet that is not an STT segment; o is NULL when it is malformed. */
void json_not_stt(struct dump *d, const struct stt_outer *o, const char *why);
void json_free(struct dump *d);

/* summary.c */
void dump_count_warning(struct dump *d, unsigned id);
void dump_summary(struct dump *d);
bool dump_any_warning(const struct dump *d);

/* out.c: one big stdout buffer */
struct out_buf {
	char *buf;
	size_t len, cap;
	bool line_buffered;
	bool failed;
};
extern struct out_buf g_out;

void out_init(size_t cap, bool line_buffered);
void out_flush(void);
void out_free(void);
void out_slow_reserve(size_t n);

static inline char *out_reserve(size_t n)
{
	if (g_out.cap - g_out.len < n)
		out_slow_reserve(n);
	return g_out.buf + g_out.len;
}

static inline void out_mem(const void *p, size_t n)
{
	memcpy(out_reserve(n), p, n);
	g_out.len += n;
}

void out_str(const char *s);

static inline void out_char(char c)
{
	*out_reserve(1) = c;
	g_out.len++;
}

void out_u64(uint64_t v);
void out_dec_pad(uint64_t v, unsigned width); /* zero-padded */
void out_hex(uint64_t v, unsigned min_digits); /* lowercase, no prefix */
void out_addr(const struct stt_addr *a);
void out_mac(const uint8_t m[6]);
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_line_end(void);
void fmt_addr(const struct stt_addr *a, char *buf, size_t cap);

#endif
