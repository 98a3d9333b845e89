/* Packet capture I/O over libpcap: read capture files (pcap, pcapng, "-"
 * for stdin) or live interfaces, and write pcap files.
 *
 * Shared by stt-dump, stt-recv, stt-send and stt-conform so that every
 * tool reads the same formats, applies BPF filters and snaplen the same
 * way and words its errors the same way: one line naming the source and
 * the packet number, e.g.
 *   "cap.pcap: truncated dump file; tried to read 16 header bytes, only
 *    got 7 (after packet 1234)".
 *
 * A reader hands out one packet at a time in a buffer it owns (valid until
 * the next call), so reading allocates nothing per packet. Classic pcap
 * files are memory-mapped (resident memory stays flat: pages already read
 * are given back); pcapng, pipes and live interfaces go through libpcap.
 * STT_CAP_NO_MAP=1 in the environment forces libpcap for every file. */
#ifndef STT_CAPTURE_H
#define STT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STT_CAP_ERRLEN 512
#define STT_CAP_DEFAULT_SNAPLEN 262144

struct stt_cap_opts {
	const char *filter; /* BPF expression for the outer packets, or NULL */
	int snaplen;	    /* 0: default; for files, packets are cut to it too */
	bool promisc;	    /* live: promiscuous mode (default off here) */
	bool immediate;	    /* live: deliver packets as they arrive */
	int timeout_ms;	    /* live: how long next() may wait; 0 means 1000 */
	int bufsize;	    /* live: kernel buffer bytes; 0: libpcap's default */
};

/* One packet as read. data is valid until the next stt_cap_next(). */
struct stt_cap_pkt {
	const uint8_t *data;
	size_t caplen;	  /* bytes in data (after any snaplen cut) */
	size_t wirelen;	  /* length on the wire */
	uint64_t ts_ns;	  /* capture time, nanoseconds since the epoch */
	int linktype;	  /* libpcap DLT_* of the source (LINKTYPE_* for the common ones) */
	uint64_t number;  /* 1-based packet number within the source */
};

enum stt_cap_result {
	STT_CAP_ERROR = -2,  /* stt_cap_error() says why */
	STT_CAP_EOF = -1,    /* end of file, or stt_cap_break() was called */
	STT_CAP_TIMEOUT = 0, /* live: nothing arrived within timeout_ms */
	STT_CAP_PACKET = 1,
};

struct stt_cap;

/* Open a capture file ("-" is standard input). NULL on failure, with a
 * one-line reason naming the file in err. */
struct stt_cap *stt_cap_open_file(const char *path, const struct stt_cap_opts *opts,
				  char err[STT_CAP_ERRLEN]);
/* Open a live interface with libpcap. */
struct stt_cap *stt_cap_open_live(const char *iface, const struct stt_cap_opts *opts,
				  char err[STT_CAP_ERRLEN]);
/* Either: live when is_iface, else a file. */
struct stt_cap *stt_cap_open_read(const char *src, bool is_iface, const struct stt_cap_opts *opts,
				  char err[STT_CAP_ERRLEN]);

/* Read the next packet matching the filter. */
enum stt_cap_result stt_cap_next(struct stt_cap *c, struct stt_cap_pkt *pkt);

/* The last error as one line: "<source>: <what> (after packet N)". */
const char *stt_cap_error(const struct stt_cap *c);
/* Packets handed out so far (the number of the last one). */
uint64_t stt_cap_count(const struct stt_cap *c);
/* The file name or interface ("stdin" for "-"). */
const char *stt_cap_source(const struct stt_cap *c);
int stt_cap_linktype(const struct stt_cap *c);
/* Effective snaplen: the file's or interface's, lowered by opts.snaplen. */
int stt_cap_snaplen(const struct stt_cap *c);
bool stt_cap_is_live(const struct stt_cap *c);
/* libpcap's name and description of a link type ("EN10MB", "Ethernet"),
 * "unknown" when it has none. */
const char *stt_cap_link_name(int linktype);
const char *stt_cap_link_description(int linktype);

/* Live only: kernel counters. Returns 0, or -1 when not available. */
int stt_cap_stats(struct stt_cap *c, uint64_t *received, uint64_t *dropped,
		  uint64_t *if_dropped);

/* Make a blocked or future stt_cap_next() return STT_CAP_EOF. Safe to call
 * from a signal handler. */
void stt_cap_break(struct stt_cap *c);

void stt_cap_close(struct stt_cap *c);

/* --- writing --- */

#define STT_CAPW_NANO 0x01 /* nanosecond-resolution pcap (magic a1b23c4d) */

struct stt_capw;

/* Create a pcap file ("-" is standard output) for linktype (DLT_*) with
 * the given snaplen (0: STT_CAP_DEFAULT_SNAPLEN). flags: STT_CAPW_*. */
struct stt_capw *stt_capw_open(const char *path, int linktype, int snaplen, unsigned flags,
			       char err[STT_CAP_ERRLEN]);
/* Append one packet: caplen bytes stored (cut to the snaplen), wirelen
 * recorded as its length on the wire (pass caplen when equal). Returns 0
 * or -1 with the reason in stt_capw_error(). */
int stt_capw_write(struct stt_capw *w, const uint8_t *pkt, size_t caplen, size_t wirelen,
		   uint64_t ts_ns);
int stt_capw_flush(struct stt_capw *w);
const char *stt_capw_error(const struct stt_capw *w);
uint64_t stt_capw_count(const struct stt_capw *w);
/* Flush and close; returns 0 or -1 when a write failed at any point
 * (the error goes in err when non-NULL). */
int stt_capw_close(struct stt_capw *w, char err[STT_CAP_ERRLEN]);

#ifdef __cplusplus
}
#endif
#endif
