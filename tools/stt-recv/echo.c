/* --echo: send each received frame back to its sender, encapsulated in
 * STT again, so that stt-recv can stand in as a minimal STT target in
 * tests. It sends as a conformant endpoint would (STT-NOTES.md): to the
 * STT port the frame came to, from a source port hashed from the inner
 * flow (stt_flow_sport), under a fresh frame id (ack) per frame, ACK on
 * every segment and PSH on the last, window 0, full TCP checksums, and the
 * outer TOS encapsulated from the inner frame as delivered (after the
 * --qos decapsulation): the inner DSCP (uniform) or --qos pipe:N's, and
 * RFC 6040 normal-mode ECN. The outer addresses and MACs are those of the
 * segment that completed the frame, swapped; the STT frame header keeps
 * the received context, VLAN and offload fields, with every field a
 * sender must zero zeroed (echo_hdr). --fault breaks one of these on
 * purpose (fault.c).
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
#define ECHO_CONST_SPORT 49152 /* --fault const-sport */
#define ECHO_PKT_CAP (STT_MAX_FRAME_LEN + 256)

struct echo {
	const struct recv_opts *o;
	libnet_t *net;
	struct stt_capw *w;
	uint32_t sport_seed;
	uint32_t first_ack; /* --fault reuse-ack: every frame's */
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
	e->o = r->o;
	e->next_ack = (uint32_t)(s >> 32) ^ (uint32_t)s;
	e->first_ack = e->next_ack;
	e->ip_id = (uint16_t)(s >> 16);
	e->sport_seed = (uint32_t)(s >> 24);
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

/* The outer TOS for the inner frame: --qos's DSCP model (uniform unless
 * pipe:N) with RFC 6040 normal-mode ECN. */
static uint8_t echo_tos(const struct echo *e, const struct stt_inner *in)
{
	struct stt_qos q = e->o->qos_cfg;
	q.ecn_mode = STT_ECN_NORMAL;
	if ((e->o->faults & FAULT_DSCP_PIPE_ENCAP) && q.dscp_model == STT_DSCP_UNIFORM) {
		q.dscp_model = STT_DSCP_PIPE; /* claims uniform, sends pipe:0 */
		q.pipe_dscp = 0;
	}
	return stt_qos_encap(&q, in->is_ipv4 || in->is_ipv6, in->tos);
}

/* The STT frame header we send: the received one's context, VLAN field
 * and checksum/TSO claims, made true of the inner frame as a sender must
 * (draft 3.1, 3.1.1): version, reserved byte, reserved flag bits and
 * padding zero; the IPv4/TCP flags from the inner packet; L4 offset and
 * MSS only with checksum-partial; nothing IP-related for a non-IP frame.
 * A received header with reserved bits set is thus not echoed as is:
 * the rx.reserved case of a conformance run would otherwise judge our
 * transmissions by what its own probe broke. */
static void echo_hdr(const struct stt_frame_hdr *rx, const struct stt_inner *in, size_t inner_len,
		     struct stt_frame_hdr *tx)
{
	*tx = *rx;
	tx->version = 0;
	tx->reserved = 0;
	tx->padding = 0;
	tx->flags &= (uint8_t)~STT_F_RSVD_MASK;
	if (!stt_vlan_valid(tx->vlan_tci))
		tx->vlan_tci = 0;
	if (!(in->is_ipv4 || in->is_ipv6)) {
		tx->flags = 0;
		tx->l4_offset = 0;
		tx->mss = 0;
		return;
	}
	tx->flags &= (uint8_t)~(STT_F_IPV4 | STT_F_TCP);
	if (in->is_ipv4)
		tx->flags |= STT_F_IPV4;
	if (!in->l3_truncated && in->l4_proto == 6)
		tx->flags |= STT_F_TCP;
	bool has_l4 = !in->l3_truncated && !in->ip_fragment && in->l4_off != 0 &&
		      in->l4_off < inner_len && in->l4_off <= 255 &&
		      (in->l4_proto == 6 || in->l4_proto == 17);
	if ((tx->flags & STT_F_CSUM_PARTIAL) && has_l4) {
		tx->flags &= (uint8_t)~STT_F_CSUM_VERIFIED;
		tx->l4_offset = (uint8_t)in->l4_off;
	} else {
		tx->flags &= (uint8_t)~STT_F_CSUM_PARTIAL;
		tx->l4_offset = 0;
		tx->mss = 0;
	}
}

/* The frame length written into segment i of n's seq: the true one unless
 * --fault bad-seq-len, which makes the last segment disagree with the
 * others (or, alone, claim one byte less than it carries). */
static uint16_t seq_frame_len(const struct echo *e, size_t frame_len, size_t i, size_t n)
{
	if (!(e->o->faults & FAULT_BAD_SEQ_LEN) || i + 1 != n)
		return (uint16_t)frame_len;
	if (n == 1 || frame_len == STT_MAX_FRAME_LEN)
		return (uint16_t)(frame_len - 1);
	return (uint16_t)(frame_len + 1);
}

int echo_frame(struct echo *e, const struct stt_outer *outer, const struct stt_reasm_frame *f,
	       const struct stt_frame_hdr *h, const uint8_t *inner, size_t inner_len,
	       uint64_t ts_ns)
{
	const unsigned faults = e->o->faults;
	struct stt_inner in;
	stt_inner_decode(inner, inner_len, &in);
	struct stt_frame_hdr th;
	echo_hdr(h, &in, inner_len, &th);
	size_t frame_len = stt_frame_build(&th, inner, inner_len, e->frame, sizeof(e->frame));
	if (!frame_len)
		return -1;

	struct stt_outer_tmpl t;
	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	if (outer->has_eth) {
		memcpy(t.eth_src, outer->eth_dst, 6);
		memcpy(t.eth_dst, outer->eth_src, 6);
	}
	t.src = f->key.dst;
	t.dst = f->key.src;
	t.dport = f->key.dport; /* the STT port it came to */
	t.sport = faults & FAULT_CONST_SPORT ? ECHO_CONST_SPORT
					     : stt_flow_sport(inner, inner_len, e->sport_seed);
	t.tos = echo_tos(e, &in);
	t.ack = faults & FAULT_REUSE_ACK ? e->first_ack : e->next_ack++;
	t.ip_id = e->ip_id;
	if (faults & FAULT_NO_PSH)
		t.last_flags = 0;
	if (faults & FAULT_ACK_FLAG_MISSING)
		t.tcp_flags &= (uint8_t)~STT_TCP_ACK;
	if (faults & FAULT_WINDOW_FFFF)
		t.window = 0xffff;

	size_t mss = e->o->echo_mss ? e->o->echo_mss : ECHO_SEGMENT_SIZE;
	size_t n = stt_segment_count(frame_len, mss);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stt_outer_tmpl ts = t;
		if (faults & FAULT_SPORT_VARIES) /* stays in 49152-65535 */
			ts.sport = (uint16_t)(49152 + (t.sport - 49152 + i * 7919) % 16384);
		size_t off = i * mss, len = frame_len - off < mss ? frame_len - off : mss;
		size_t plen = stt_segment_write(&ts, seq_frame_len(e, frame_len, i, n), (uint16_t)off,
						e->frame + off, len, i + 1 == n, (unsigned)i, e->pkt,
						sizeof(e->pkt));
		if (!plen)
			return -1;
		if (e->w && stt_capw_write(e->w, e->pkt, plen, plen, ts_ns) != 0) {
			stt_cli_warn("%s", stt_capw_error(e->w));
			rc = -1;
		}
		if (e->net && libnet_write_link(e->net, e->pkt, (uint32_t)plen) < 0) {
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
