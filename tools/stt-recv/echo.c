/* --echo: send each received frame back to its sender, encapsulated in
 * STT again, so that stt-recv can stand in as a minimal STT target in
 * tests. The outer addresses, ports and MACs of the segment that completed
 * the frame are swapped; the frame gets a new frame id (ack) of ours; the
 * STT frame header goes back unchanged, with the inner frame as delivered
 * (after --qos), and the outer TOS encapsulated from it as an endpoint
 * would (uniform DSCP, RFC 6040 normal-mode ECN).
 *
 * Live (-i IFACE): whole Ethernet frames through libnet on that interface,
 * so no route or neighbour lookup is needed. --echo-pcap FILE: the echo
 * segments go to a pcap as well (works with -r too). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "recv.h"

/* After our headers: libnet's <netinet/ip_icmp.h> defines icmp_id and
 * icmp_seq as macros that would rename struct stt_inner's fields. */
#include <libnet.h>

#define ECHO_SEGMENT_SIZE 1448
#define ECHO_PKT_CAP (STT_MAX_FRAME_LEN + 256)

struct echo {
	libnet_t *net;
	struct stt_capw *w;
	uint32_t next_ack;
	uint16_t ip_id;
	uint8_t frame[STT_MAX_FRAME_LEN];
	uint8_t pkt[ECHO_PKT_CAP];
};

struct echo *echo_open(struct recv *r)
{
	struct echo *e = calloc(1, sizeof(*e));
	if (!e)
		stt_cli_die("out of memory");
	uint64_t s = r->o->seed * 0x9e3779b97f4a7c15ull + 0x6563686full; /* "echo" */
	e->next_ack = (uint32_t)(s >> 32) ^ (uint32_t)s;
	e->ip_id = (uint16_t)(s >> 16);
	if (r->o->iface) {
		char err[LIBNET_ERRBUF_SIZE];
		e->net = libnet_init(LIBNET_LINK, r->o->iface, err);
		if (!e->net)
			stt_cli_die("--echo on %s: %s (sending needs root or CAP_NET_RAW)",
				    r->o->iface, err);
	}
	if (r->o->echo_pcap) {
		char err[STT_CAP_ERRLEN];
		e->w = stt_capw_open(r->o->echo_pcap, STT_LINK_ETHERNET, 0, 0, err);
		if (!e->w)
			stt_cli_die("%s", err);
	}
	return e;
}

int echo_frame(struct echo *e, const struct stt_outer *outer, const struct stt_reasm_frame *f,
	       const struct stt_frame_hdr *h, const uint8_t *inner, size_t inner_len,
	       uint64_t ts_ns)
{
	size_t frame_len = stt_frame_build(h, inner, inner_len, e->frame, sizeof(e->frame));
	if (!frame_len)
		return -1;
	struct stt_inner in;
	stt_inner_decode(inner, inner_len, &in);
	static const struct stt_qos qos = { STT_DSCP_UNIFORM, 0, STT_ECN_NORMAL };

	struct stt_outer_tmpl t;
	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	if (outer->has_eth) {
		memcpy(t.eth_src, outer->eth_dst, 6);
		memcpy(t.eth_dst, outer->eth_src, 6);
	}
	t.src = f->key.dst;
	t.dst = f->key.src;
	t.sport = f->key.dport;
	t.dport = outer->tcp.sport;
	t.tos = stt_qos_encap(&qos, in.is_ipv4 || in.is_ipv6, in.tos);
	t.ack = e->next_ack++;
	t.ip_id = e->ip_id;

	size_t n = stt_segment_count(frame_len, ECHO_SEGMENT_SIZE);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = stt_segment_build(&t, e->frame, frame_len, ECHO_SEGMENT_SIZE, i, e->pkt,
					       sizeof(e->pkt));
		if (!len)
			return -1;
		if (e->w && stt_capw_write(e->w, e->pkt, len, len, ts_ns) != 0) {
			stt_cli_warn("%s", stt_capw_error(e->w));
			rc = -1;
		}
		if (e->net && libnet_write_link(e->net, e->pkt, (uint32_t)len) < 0) {
			stt_cli_warn("--echo: send failed: %s", libnet_geterror(e->net));
			rc = -1;
		}
	}
	e->ip_id = (uint16_t)(e->ip_id + n);
	return rc;
}

void echo_close(struct echo *e)
{
	if (!e)
		return;
	if (e->net)
		libnet_destroy(e->net);
	if (e->w) {
		char err[STT_CAP_ERRLEN];
		if (stt_capw_close(e->w, err) != 0)
			stt_cli_warn("%s", err);
	}
	free(e);
}
