/* Writes the captures that prove stt-conform's passive mode bites: one
 * well-formed baseline and one capture per deliberate defect, built with
 * libstt's own segment builder and capture writer.
 *
 *   mkpcap SCENARIO OUT.pcap     (mkpcap --list prints the scenarios)
 *
 * Every scenario is the baseline traffic (three UDP flows with different
 * DSCPs, one of them ECN-capable, two frames each, three segments per
 * frame) with one thing broken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stt/capture.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/inner_build.h"
#include "stt/qos.h"
#include "stt/segment.h"
#include "stt/wire.h"

struct gen {
	const char *scenario;
	struct stt_capw *w;
	uint64_t ts;
	uint32_t ack;
	unsigned frame_no; /* frames written so far */
};

static bool is(const struct gen *g, const char *name)
{
	return strcmp(g->scenario, name) == 0;
}

static void die(const char *msg)
{
	fprintf(stderr, "mkpcap: %s\n", msg);
	exit(2);
}

/* Inner Ethernet + IPv4 + UDP (checksum 0: optional for UDP/IPv4) with
 * payload_len bytes, built with libstt's inner builders into b (cap
 * bytes). */
static size_t inner_udp(uint8_t *b, size_t cap, unsigned flow, uint8_t tos, size_t payload_len)
{
	static const uint8_t dst[6] = { 0x02, 0x10, 0, 0, 0, 0x02 };
	uint8_t src[6] = { 0x02, 0x10, 0, 0, 0, (uint8_t)(0x10 + flow) };
	struct stt_ip_fields ipf = { .proto = STT_IPPROTO_UDP, .tos = tos, .ttl = 64 };
	const uint8_t s[4] = { 198, 51, 100, (uint8_t)(10 + flow) }, d[4] = { 198, 51, 100, 2 };
	size_t l4_len = STT_UDP_HDR_LEN + payload_len;
	size_t hdrs = STT_ETH_HDR_LEN + STT_IPV4_HDR_LEN;

	ipf.src.family = ipf.dst.family = 4;
	memcpy(ipf.src.a, s, 4);
	memcpy(ipf.dst.a, d, 4);
	if (cap < hdrs || !stt_build_eth(b, cap, dst, src, STT_ETHERTYPE_IPV4) ||
	    !stt_build_ip(b + STT_ETH_HDR_LEN, cap - STT_ETH_HDR_LEN, &ipf, l4_len) ||
	    !stt_build_udp(b + hdrs, cap - hdrs, (uint16_t)(40000 + flow), 5201, l4_len) ||
	    l4_len > cap - hdrs)
		die("inner frame too large");
	uint8_t *udp = b + hdrs;
	for (size_t i = 0; i < payload_len; i++)
		udp[8 + i] = (uint8_t)(i * 7 + flow);
	return hdrs + l4_len;
}

static size_t inner_arp(uint8_t *b, size_t cap)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t src[6] = { 0x02, 0x10, 0, 0, 0, 0x30 };
	const uint8_t spa[4] = { 198, 51, 100, 30 }, tpa[4] = { 198, 51, 100, 2 };
	if (!stt_build_eth(b, cap, bcast, src, STT_ETHERTYPE_ARP) ||
	    !stt_build_arp(b + STT_ETH_HDR_LEN, cap - STT_ETH_HDR_LEN, STT_ARP_REQUEST, src, spa,
			   NULL, tpa))
		die("inner frame too large");
	return STT_ETH_HDR_LEN + STT_ARP_LEN;
}

static void put(struct gen *g, const uint8_t *pkt, size_t len)
{
	g->ts += 1000000; /* 1 ms apart */
	if (stt_capw_write(g->w, pkt, len, len, g->ts) != 0)
		die(stt_capw_error(g->w));
}

/* One frame: header h, inner bytes, cut into segments of mss bytes, with
 * the scenario's defect applied where it belongs. */
static void frame(struct gen *g, struct stt_frame_hdr h, const uint8_t *inner, size_t ilen,
		  uint8_t outer_tos, uint16_t sport, size_t mss)
{
	uint8_t fr[STT_MAX_FRAME_LEN], pkt[STT_MAX_FRAME_LEN + 128];
	struct stt_outer_tmpl t;
	unsigned fno = g->frame_no++;

	stt_outer_tmpl_defaults(&t);
	stt_addr_parse("192.0.2.1", &t.src);
	stt_addr_parse("192.0.2.2", &t.dst);
	t.tos = outer_tos;
	t.sport = sport;
	t.ack = g->ack++;
	t.ip_id = (uint16_t)(fno * 16);
	/* defects of the whole frame (on the second frame only, so that the
	 * reported packet number is not trivially 1) */
	bool hit = fno == 1;
	if (hit && is(g, "version"))
		h.version = 1;
	if (hit && is(g, "reserved"))
		h.reserved = 0x5a;
	if (hit && is(g, "flags-reserved"))
		h.flags |= 0x40;
	if (hit && is(g, "csum-flags-both"))
		h.flags |= STT_F_CSUM_VERIFIED | STT_F_CSUM_PARTIAL, h.l4_offset = 34;
	if (hit && is(g, "flag-ipv4"))
		h.flags &= (uint8_t)~STT_F_IPV4;
	if (hit && is(g, "padding"))
		h.padding = 0x0101;
	if (is(g, "window"))
		t.window = 0xFFFF;
	if (hit && is(g, "urgent"))
		t.urg = 1;
	if (is(g, "no-psh"))
		t.last_flags = 0;
	if (hit && is(g, "ack-reuse"))
		t.ack = g->ack - 2; /* the previous frame's ack */
	if (hit && is(g, "sport-low"))
		t.sport = 7471;

	size_t flen = stt_frame_build(&h, inner, ilen, fr, sizeof(fr));
	if (!flen)
		die("frame too large");
	size_t nseg = stt_segment_count(flen, mss);
	for (size_t i = 0; i < nseg; i++) {
		struct stt_outer_tmpl ts = t;
		size_t off = i * mss, len = flen - off < mss ? flen - off : mss;
		uint16_t flen_field = (uint16_t)flen;
		if (hit && i == 1 && is(g, "sport-varied"))
			ts.sport = (uint16_t)(t.sport + 1);
		if (hit && i == 1 && is(g, "ack-varied"))
			ts.ack = t.ack + 1000;
		if (hit && i == 1 && is(g, "seq-len"))
			flen_field = (uint16_t)(flen + 8);
		if (hit && i == nseg - 1 && is(g, "out-of-range"))
			flen_field = (uint16_t)(flen - 4);
		if (hit && is(g, "syn"))
			ts.tcp_flags |= STT_TCP_SYN;
		size_t n = stt_segment_write(&ts, flen_field, (uint16_t)off, fr + off, len, i == nseg - 1,
					     (unsigned)i, pkt, sizeof(pkt));
		if (!n) {
			/* out-of-range: the builder refuses to lie about
			 * offset + length; write the consistent segment and
			 * patch SEQ's length half (and the checksum) below. */
			n = stt_segment_write(&ts, (uint16_t)flen, (uint16_t)off, fr + off, len,
					      i == nseg - 1, (unsigned)i, pkt, sizeof(pkt));
			if (!n)
				die("segment build failed");
			uint8_t *tcp = pkt + 14 + 20;
			stt_put_be16(tcp + 4, flen_field);
			stt_put_be16(tcp + 16, 0);
			stt_put_be16(tcp + 16, stt_csum_l4(&ts.src, &ts.dst, 6, tcp, n - 34));
		}
		if (hit && i == nseg - 1 && is(g, "ack-late"))
			g->ts += 31ull * 1000000000ull; /* after the 30 s reassembly timeout */
		if (hit && i == 0 && is(g, "bad-csum"))
			pkt[14 + 20 + 17] ^= 0x55;
		put(g, pkt, n);
	}
}

static const char *const scenarios[] = {
	"good", "version", "reserved", "flags-reserved", "csum-flags-both", "flag-ipv4",
	"padding", "window", "urgent", "no-psh", "syn", "ack-reuse", "ack-varied",
	"sport-varied", "sport-low", "seq-len", "out-of-range", "bad-csum", "nonip-flags",
	"ecn-bad", "dscp-mixed", "ecn-ovs", "ack-late", "many-flows", "one-sport",
};

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
			puts(scenarios[i]);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: mkpcap SCENARIO OUT.pcap | mkpcap --list\n");
		return 2;
	}
	bool known = false;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		known |= !strcmp(argv[1], scenarios[i]);
	if (!known)
		die("unknown scenario (see --list)");

	char err[STT_CAP_ERRLEN];
	struct gen g = { .scenario = argv[1], .ts = 1700000000ull * 1000000000ull, .ack = 0x1000 };
	g.w = stt_capw_open(argv[2], 1 /* Ethernet */, 0, STT_CAPW_NANO, err);
	if (!g.w)
		die(err);

	uint8_t inner[2048];
	/* Three flows, two frames each, interleaved: DSCP 0, 10 and 46;
	 * flow 2 is ECN-capable (ECT(0)). Uniform model, normal ECN mode:
	 * the outer TOS is the inner TOS. */
	static const uint8_t dscp[3] = { 0, 10, 46 };
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned flow = 0; flow < 3; flow++) {
			uint8_t ecn = flow == 2 ? STT_ECN_ECT0 : STT_ECN_NOT_ECT;
			if (round == 1 && flow == 2 && is(&g, "ecn-ovs"))
				ecn = STT_ECN_CE;
			uint8_t itos = stt_tos_make(dscp[flow], ecn);
			uint8_t otos = itos;
			if (round == 1 && flow == 0 && is(&g, "ecn-bad"))
				otos = stt_tos_make(dscp[flow], STT_ECN_CE);
			if (round == 1 && flow == 2 && is(&g, "ecn-ovs"))
				otos = stt_tos_make(dscp[flow], STT_ECN_ECT0);
			if (round == 1 && flow == 1 && is(&g, "dscp-mixed"))
				otos = stt_tos_make(20, stt_tos_ecn(itos));
			size_t ilen = inner_udp(inner, sizeof(inner), flow, itos, 200 + flow * 10);
			struct stt_frame_hdr h = { .flags = STT_F_IPV4, .context_id = 42 };
			uint16_t sport = stt_flow_sport(inner, ilen, 7);
			frame(&g, h, inner, ilen, otos, sport, 100);
		}
	}
	/* 240 more flows, one frame each: their source ports should spread
	 * (or, for one-sport, all share one port). */
	if (is(&g, "many-flows") || is(&g, "one-sport")) {
		for (unsigned flow = 3; flow < 243; flow++) {
			size_t ilen = inner_udp(inner, sizeof(inner), flow, 0, 64);
			stt_put_be16(inner + 14 + 20, (uint16_t)(30000 + flow * 13));
			struct stt_frame_hdr h = { .flags = STT_F_IPV4, .context_id = 42 };
			uint16_t sport = is(&g, "one-sport") ? 50000 : stt_flow_sport(inner, ilen, 7);
			frame(&g, h, inner, ilen, 0, sport, 1400);
		}
	}
	/* A non-IP frame: ARP, IP-assist fields zero (or not). */
	size_t alen = inner_arp(inner, sizeof(inner));
	struct stt_frame_hdr ha = { .context_id = 42 };
	if (is(&g, "nonip-flags"))
		ha.flags = STT_F_IPV4, ha.l4_offset = 34;
	g.frame_no = 5; /* the frame-wide defects above hit frame 1 only */
	frame(&g, ha, inner, alen, 0, stt_flow_sport(inner, alen, 7), 1500);

	if (stt_capw_close(g.w, err) != 0)
		die(err);
	return 0;
}
