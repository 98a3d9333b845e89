/* Segmenter: known-answer bytes, segment boundaries for many MSS values,
 * super-packets, checksum modes and the flow source port. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stt/csum.h"
#include "stt/outer.h"
#include "stt/segment.h"

/* Independent checksum: plain sum of 16-bit words, written out here
 * rather than taken from the library under test. */
static unsigned naive_sum(const uint8_t *p, size_t n)
{
	unsigned long s = 0;

	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (unsigned long)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned)s;
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void tmpl_v4(struct stt_outer_tmpl *t)
{
	stt_outer_tmpl_defaults(t);
	stt_addr_parse("192.0.2.1", &t->src);
	stt_addr_parse("192.0.2.2", &t->dst);
	t->sport = 50000;
	t->ack = 0xdeadbeef;
	t->ip_id = 0x1234;
}

static void tmpl_v6(struct stt_outer_tmpl *t)
{
	stt_outer_tmpl_defaults(t);
	stt_addr_parse("2001:db8::1", &t->src);
	stt_addr_parse("2001:db8::2", &t->dst);
	t->sport = 60001;
	t->ack = 7;
	t->flowlabel = 0xabcde;
	t->tos = 0xb9; /* DSCP 46, ECN 01 */
}

/* The STT frame used by the known-answer test: a header with every field
 * set and a 16-byte inner frame (Ethernet header + 2 bytes). */
static const uint8_t kat_frame[34] = {
	0x00, 0x0c, 0x22, 0x00, 0x05, 0xb4, 0x30, 0x64,			/* ver flags l4off rsvd mss tci */
	0, 0, 0, 0, 0, 0, 0, 0x2a, 0x00, 0x00,				/* context 42, padding */
	0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00, 0xde, 0xad, /* inner */
};

static void test_frame_build(void)
{
	struct stt_frame_hdr h = { 0 };
	uint8_t out[64];
	static const uint8_t inner[16] = { 0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00, 0xde, 0xad };

	check_test("frame_build: header + inner, byte for byte");
	h.flags = STT_F_IPV4 | STT_F_TCP;
	h.l4_offset = 34;
	h.mss = 1460;
	h.vlan_tci = stt_vlan_tci(1, true, 100);
	h.context_id = 42;
	CHECK_EQ(34, stt_frame_build(&h, inner, sizeof(inner), out, sizeof(out)));
	CHECK(memcmp(out, kat_frame, sizeof(kat_frame)) == 0);

	check_test("frame_build: refuses small buffers and oversize inner frames");
	CHECK_EQ(0, stt_frame_build(&h, inner, sizeof(inner), out, 33));
	CHECK_EQ(18, stt_frame_build(&h, NULL, 0, out, 18));
	{
		static uint8_t big[STT_MAX_FRAME_LEN + 1];

		CHECK_EQ(0, stt_frame_build(&h, big, STT_MAX_INNER_LEN + 1, big, sizeof(big)));
		CHECK_EQ(STT_MAX_FRAME_LEN, stt_frame_build(&h, big + 18, STT_MAX_INNER_LEN, big, sizeof(big)));
	}
}

static void test_defaults(void)
{
	struct stt_outer_tmpl t;
	static const uint8_t s[6] = { 2, 0, 0, 0, 0, 1 }, d[6] = { 2, 0, 0, 0, 0, 2 };

	check_test("tmpl_defaults: ACK, PSH last, window 0, TTL 64, DF, 7471, full csum");
	memset(&t, 0xa5, sizeof(t));
	stt_outer_tmpl_defaults(&t);
	CHECK(t.with_eth);
	CHECK(!t.has_vlan);
	CHECK(memcmp(t.eth_src, s, 6) == 0);
	CHECK(memcmp(t.eth_dst, d, 6) == 0);
	CHECK_EQ(STT_TCP_ACK, t.tcp_flags);
	CHECK_EQ(STT_TCP_PSH, t.last_flags);
	CHECK_EQ(0, t.window);
	CHECK_EQ(64, t.ttl);
	CHECK(t.dont_fragment);
	CHECK_EQ(7471, t.dport);
	CHECK_EQ(0, t.sport);
	CHECK_EQ(0, t.src.family);
	CHECK_EQ(STT_CSUM_MODE_FULL, t.csum_mode);
	CHECK_EQ(54, stt_outer_hdr_len(&t)); /* eth 14 + ipv4 20 + tcp 20 */
	t.has_vlan = true;
	CHECK_EQ(58, stt_outer_hdr_len(&t));
	t.src.family = 6;
	CHECK_EQ(78, stt_outer_hdr_len(&t));
	t.with_eth = false;
	CHECK_EQ(60, stt_outer_hdr_len(&t));
}

static void test_known_answer(void)
{
	/* Ethernet, IPv4 (checksum 0xa476) and TCP (checksum 0x6a56), all
	 * computed by hand outside the library. */
	static const uint8_t expect[54 + 34] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x4a, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xa4, 0x76,
		192, 0, 2, 1, 192, 0, 2, 2,
		0xc3, 0x50, 0x1d, 0x2f, 0x00, 0x22, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
		0x50, 0x18, 0x00, 0x00, 0x6a, 0x56, 0x00, 0x00,
		0x00, 0x0c, 0x22, 0x00, 0x05, 0xb4, 0x30, 0x64,
		0, 0, 0, 0, 0, 0, 0, 0x2a, 0x00, 0x00,
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00, 0xde, 0xad,
	};
	struct stt_outer_tmpl t;
	uint8_t out[128], sum[12 + 54], bad[sizeof(expect)];
	size_t n;

	check_test("segment_build: single-segment frame matches hand-built bytes");
	tmpl_v4(&t);
	n = stt_segment_build(&t, kat_frame, sizeof(kat_frame), 1400, 0, out, sizeof(out));
	CHECK_EQ(sizeof(expect), n);
	for (size_t i = 0; i < sizeof(expect) && i < n; i++)
		if (out[i] != expect[i]) {
			fprintf(stderr, "  byte %zu: expected 0x%02x, got 0x%02x\n", i, expect[i], out[i]);
			CHECK(out[i] == expect[i]);
		}

	check_test("known answer: independent sums verify IPv4 and TCP checksums");
	CHECK_EQ(0xffff, naive_sum(out + 14, 20));
	/* pseudo-header (addresses, zero, protocol, TCP length) + segment */
	memcpy(sum, out + 26, 8);
	sum[8] = 0;
	sum[9] = 6;
	sum[10] = 0;
	sum[11] = 20 + 34;
	memcpy(sum + 12, out + 34, 54);
	CHECK_EQ(0xffff, naive_sum(sum, sizeof(sum)));

	check_test("known answer: the comparison catches a single flipped bit");
	memcpy(bad, expect, sizeof(bad));
	bad[60] ^= 0x01;
	CHECK(memcmp(bad, out, sizeof(bad)) != 0);
	memcpy(sum + 12, bad + 34, 54);
	CHECK(naive_sum(sum, sizeof(sum)) != 0xffff);
}

/* Parse every segment of a frame, checking the per-segment invariants, and
 * reassemble it by offset. */
static void check_segments(const struct stt_outer_tmpl *t, const uint8_t *frame, size_t flen,
			   size_t mss)
{
	static uint8_t out[70000], back[STT_MAX_FRAME_LEN];
	size_t n = stt_segment_count(flen, mss), covered = 0;
	bool ok = true;

	memset(back, 0, flen);
	for (size_t i = 0; i < n && ok; i++) {
		size_t len = stt_segment_build(t, frame, flen, mss, i, out, sizeof(out));
		size_t want = (i + 1 < n) ? mss : flen - i * mss;
		struct stt_outer o;
		const char *why = NULL;
		int st = stt_outer_parse(t->with_eth ? STT_LINK_ETHERNET : STT_LINK_RAW, out, len, len,
					 true, &o, &why);

		if (st != STT_PARSE_OK) {
			fprintf(stderr, "  mss %zu seg %zu: %s\n", mss, i, why ? why : "?");
			CHECK_EQ(STT_PARSE_OK, st);
			ok = false;
			break;
		}
		CHECK_EQ(stt_outer_hdr_len(t) + want, len);
		CHECK_EQ(want, o.payload_len);
		CHECK_EQ(flen, stt_seq_frame_len(o.tcp.seq));
		CHECK_EQ(i * mss, stt_seq_offset(o.tcp.seq));
		CHECK_EQ(t->ack, o.tcp.ack);
		CHECK_EQ(t->sport, o.tcp.sport);
		CHECK_EQ(t->dport, o.tcp.dport);
		CHECK_EQ(5, o.tcp.doff);
		CHECK_EQ(t->tcp_flags | (i == n - 1 ? t->last_flags : 0), o.tcp.flags);
		CHECK_EQ(STT_CSUM_OK, o.csum);
		CHECK(o.ipv4_csum_ok);
		if (t->src.family == 4)
			CHECK_EQ((uint16_t)(t->ip_id + i), o.ip_id);
		else
			CHECK_EQ(t->flowlabel, o.flowlabel);
		CHECK_EQ(t->tos, o.tos);
		memcpy(back + stt_seq_offset(o.tcp.seq), o.payload, o.payload_len);
		covered += o.payload_len;
	}
	CHECK_EQ(flen, covered);
	CHECK(memcmp(back, frame, flen) == 0);
	/* one past the last segment is refused */
	CHECK_EQ(0, stt_segment_build(t, frame, flen, mss, n, out, sizeof(out)));
}

static void test_boundaries(void)
{
	static uint8_t frame[STT_MAX_FRAME_LEN];
	static const size_t mss[] = { 1, 7, 8, 100, 1400, 1448, 8948, 65535 };
	static const size_t lens[] = { 18, 19, 100, 1466, 9018, STT_MAX_FRAME_LEN };
	struct stt_outer_tmpl t4, t6;

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)rng();
	tmpl_v4(&t4);
	tmpl_v6(&t6);
	t6.has_vlan = true;
	t6.vlan_tci = stt_vlan_tci(5, false, 42);

	check_test("segment_count: ceil(frame/mss), 1 for an empty frame, 0 for mss 0");
	CHECK_EQ(1, stt_segment_count(0, 1400));
	CHECK_EQ(1, stt_segment_count(1400, 1400));
	CHECK_EQ(2, stt_segment_count(1401, 1400));
	CHECK_EQ(65535, stt_segment_count(65535, 1));
	CHECK_EQ(47, stt_segment_count(65535, 1400));
	CHECK_EQ(0, stt_segment_count(100, 0));

	check_test("segments: offsets, lengths, flags, ids, checksums (IPv4)");
	for (size_t m = 0; m < sizeof(mss) / sizeof(mss[0]); m++)
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			if (mss[m] > 1 || lens[l] < 2000) /* 65535 one-byte segments: slow for nothing */
				check_segments(&t4, frame, lens[l], mss[m]);

	check_test("segments: IPv6 with VLAN tag and flow label");
	for (size_t m = 2; m < sizeof(mss) / sizeof(mss[0]); m++)
		check_segments(&t6, frame, 9018, mss[m]);

	check_test("segments: raw IP template (no Ethernet)");
	t4.with_eth = false;
	check_segments(&t4, frame, 3000, 1000);

	check_test("segments: IP id wraps at 16 bits");
	t4.ip_id = 0xfffe;
	check_segments(&t4, frame, 5000, 1000);
}

static void test_write_edges(void)
{
	struct stt_outer_tmpl t;
	uint8_t out[256], pay[64] = { 0 };
	struct stt_outer o;
	size_t n;

	tmpl_v4(&t);
	check_test("segment_write: refuses small buffers and unset/mixed families");
	CHECK_EQ(0, stt_segment_write(&t, 100, 0, pay, 10, false, 0, out, 54 + 9));
	CHECK_EQ(64, stt_segment_write(&t, 100, 0, pay, 10, false, 0, out, 54 + 10));
	t.dst.family = 6;
	CHECK_EQ(0, stt_segment_write(&t, 100, 0, pay, 10, false, 0, out, sizeof(out)));
	t.src.family = t.dst.family = 0;
	CHECK_EQ(0, stt_segment_write(&t, 100, 0, pay, 10, false, 0, out, sizeof(out)));
	tmpl_v4(&t);
	CHECK_EQ(0, stt_segment_build(&t, pay, sizeof(pay), 0, 0, out, sizeof(out)));

	check_test("segment_write: carries a lying frame length as given");
	n = stt_segment_write(&t, 20, 10, pay, 30, false, 3, out, sizeof(out));
	CHECK_EQ(54 + 30, n);
	CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, NULL));
	CHECK_EQ(stt_seq_make(20, 10), o.tcp.seq);
	CHECK_EQ(0x1234 + 3, o.ip_id);
	CHECK_EQ(STT_TCP_ACK, o.tcp.flags);

	check_test("segment_write: zero-length payload, TTL 0 means 64, no DF, urg");
	t.ttl = 0;
	t.dont_fragment = false;
	t.urg = 0x55aa;
	t.window = 0xffff;
	n = stt_segment_write(&t, 100, 100, NULL, 0, true, 0, out, sizeof(out));
	CHECK_EQ(54, n);
	CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, NULL));
	CHECK_EQ(64, o.ttl);
	CHECK_EQ(0, o.ip_frag);
	CHECK_EQ(0x55aa, o.tcp.urg);
	CHECK_EQ(0xffff, o.tcp.window);
	CHECK_EQ(0, o.payload_len);
	CHECK_EQ(STT_TCP_ACK | STT_TCP_PSH, o.tcp.flags);
	CHECK_EQ(STT_CSUM_OK, o.csum);
}

static void test_csum_modes(void)
{
	struct stt_outer_tmpl t;
	uint8_t out[2000];
	struct stt_outer o;
	size_t n;

	for (int fam = 4; fam <= 6; fam += 2) {
		if (fam == 4)
			tmpl_v4(&t);
		else
			tmpl_v6(&t);

		check_test(fam == 4 ? "csum modes (IPv4): FULL ok, PSEUDO partial, ZERO bad"
				    : "csum modes (IPv6): FULL ok, PSEUDO partial, ZERO bad");
		t.csum_mode = STT_CSUM_MODE_PSEUDO;
		n = stt_segment_build(&t, kat_frame, sizeof(kat_frame), 1400, 0, out, sizeof(out));
		CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, NULL));
		CHECK_EQ(STT_CSUM_PARTIAL, o.csum);
		/* What the NIC does with CHECKSUM_PARTIAL: sum from the TCP header
		 * with the seeded field in place, store the complement. The result
		 * must be the full checksum. */
		{
			unsigned s = naive_sum(out + o.l4_off, n - o.l4_off);
			uint16_t fin = (uint16_t)~s;

			out[o.l4_off + 16] = (uint8_t)(fin >> 8);
			out[o.l4_off + 17] = (uint8_t)fin;
			CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, NULL));
			CHECK_EQ(STT_CSUM_OK, o.csum);
		}
		t.csum_mode = STT_CSUM_MODE_ZERO;
		n = stt_segment_build(&t, kat_frame, sizeof(kat_frame), 1400, 0, out, sizeof(out));
		CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, NULL));
		CHECK_EQ(0, o.tcp.csum);
		CHECK_EQ(STT_CSUM_BAD, o.csum);
	}
}

static void test_superpacket(void)
{
	static uint8_t frame[STT_MAX_FRAME_LEN], out[STT_MAX_FRAME_LEN + 100];
	struct stt_outer_tmpl t;
	struct stt_outer o;
	const char *why = NULL;
	size_t n;

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 31 + 7);
	tmpl_v4(&t);

	check_test("superpacket: one packet, seq len<<16, ACK|PSH, IP length exact");
	t.csum_mode = STT_CSUM_MODE_PSEUDO;
	n = stt_superpacket_build(&t, frame, 9018, out, sizeof(out));
	CHECK_EQ(54 + 9018, n);
	CHECK_EQ(20 + 20 + 9018, (out[16] << 8) | out[17]);
	CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, &why));
	CHECK_EQ(stt_seq_make(9018, 0), o.tcp.seq);
	CHECK_EQ(STT_TCP_ACK | STT_TCP_PSH, o.tcp.flags);
	CHECK_EQ(STT_CSUM_PARTIAL, o.csum);
	CHECK_EQ(9018, o.payload_wire_len);

	check_test("superpacket: 65535-byte frame writes IPv4 total length 0");
	t.csum_mode = STT_CSUM_MODE_FULL;
	n = stt_superpacket_build(&t, frame, STT_MAX_FRAME_LEN, out, sizeof(out));
	CHECK_EQ(54 + STT_MAX_FRAME_LEN, n);
	CHECK_EQ(0, (out[16] << 8) | out[17]);
	CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, &why));
	CHECK_EQ(STT_MAX_FRAME_LEN, o.payload_wire_len);
	CHECK_EQ(STT_MAX_FRAME_LEN, o.payload_len);
	CHECK_EQ(STT_CSUM_OK, o.csum);
	CHECK(o.ipv4_csum_ok);
	CHECK(memcmp(o.payload, frame, STT_MAX_FRAME_LEN) == 0);
	/* the largest that still fits the field */
	n = stt_superpacket_build(&t, frame, 65535 - 40, out, sizeof(out));
	CHECK_EQ(65535, (out[16] << 8) | out[17]);

	check_test("superpacket: IPv6 payload length 0 only beyond 65535");
	tmpl_v6(&t);
	n = stt_superpacket_build(&t, frame, 65535 - 20, out, sizeof(out));
	CHECK_EQ(65535, (out[18] << 8) | out[19]);
	n = stt_superpacket_build(&t, frame, STT_MAX_FRAME_LEN, out, sizeof(out));
	CHECK_EQ(0, (out[18] << 8) | out[19]);
	CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, out, n, n, true, &o, &why));
	CHECK_EQ(STT_MAX_FRAME_LEN, o.payload_wire_len);
	CHECK_EQ(STT_CSUM_OK, o.csum);

	check_test("superpacket: refuses frames over 65535 and small buffers");
	CHECK_EQ(0, stt_superpacket_build(&t, frame, STT_MAX_FRAME_LEN + 1, out, sizeof(out)));
	CHECK_EQ(0, stt_superpacket_build(&t, frame, 1000, out, 1000));
}

/* Inner frame for the flow hash: Ethernet (+VLAN) + IPv4/IPv6 + ports. */
static size_t make_inner(uint8_t *b, int fam, uint32_t a, uint32_t d, uint16_t sp, uint16_t dp,
			 uint8_t proto, int vid)
{
	size_t o = 0;

	memset(b, 0, 128);
	b[0] = 2;
	b[5] = (uint8_t)rng(); /* MACs do not matter for IP flows */
	b[6] = 2;
	b[11] = (uint8_t)rng();
	o = 12;
	if (vid >= 0) {
		b[o++] = 0x81;
		b[o++] = 0x00;
		b[o++] = (uint8_t)((rng() & 0xe0) | (vid >> 8));
		b[o++] = (uint8_t)vid;
	}
	if (fam == 4) {
		b[o++] = 0x08;
		b[o++] = 0x00;
		b[o] = 0x45;
		b[o + 9] = proto;
		b[o + 12] = (uint8_t)(a >> 24), b[o + 13] = (uint8_t)(a >> 16);
		b[o + 14] = (uint8_t)(a >> 8), b[o + 15] = (uint8_t)a;
		b[o + 16] = (uint8_t)(d >> 24), b[o + 17] = (uint8_t)(d >> 16);
		b[o + 18] = (uint8_t)(d >> 8), b[o + 19] = (uint8_t)d;
		o += 20;
	} else {
		b[o++] = 0x86;
		b[o++] = 0xdd;
		b[o] = 0x60;
		b[o + 3] = (uint8_t)rng(); /* flow label bits: not hashed */
		b[o + 6] = proto;
		b[o + 8] = 0x20, b[o + 9] = 0x01, b[o + 10] = 0x0d, b[o + 11] = 0xb8;
		b[o + 20] = (uint8_t)(a >> 24), b[o + 21] = (uint8_t)(a >> 16);
		b[o + 22] = (uint8_t)(a >> 8), b[o + 23] = (uint8_t)a;
		b[o + 24] = 0x20, b[o + 25] = 0x01, b[o + 26] = 0x0d, b[o + 27] = 0xb8;
		b[o + 36] = (uint8_t)(d >> 24), b[o + 37] = (uint8_t)(d >> 16);
		b[o + 38] = (uint8_t)(d >> 8), b[o + 39] = (uint8_t)d;
		o += 40;
	}
	b[o] = (uint8_t)(sp >> 8), b[o + 1] = (uint8_t)sp;
	b[o + 2] = (uint8_t)(dp >> 8), b[o + 3] = (uint8_t)dp;
	return o + 20;
}

#define BUCKETS 64

/* Pearson's chi-square statistic of counts against a uniform spread. */
static double chi_square(const unsigned *count, unsigned nb, unsigned total)
{
	double e = (double)total / nb, x = 0;

	for (unsigned i = 0; i < nb; i++)
		x += (count[i] - e) * (count[i] - e) / e;
	return x;
}

/* 63 degrees of freedom: mean 63, sd 11.2; 120 is p < 1e-5. The hash is
 * deterministic, so this threshold is not a timing or luck threshold. */
#define CHI2_LIMIT 120.0

static void test_flow_sport(void)
{
	uint8_t a[128], b[128];
	unsigned count[BUCKETS] = { 0 }, low[BUCKETS] = { 0 };
	size_t la, lb;
	uint16_t p;

	check_test("flow_sport: same flow, same port; range 49152-65535");
	rng_state = 99;
	la = make_inner(a, 4, 0xc0000201, 0xc0000202, 1234, 80, 6, -1);
	lb = make_inner(b, 4, 0xc0000201, 0xc0000202, 1234, 80, 6, -1); /* other MACs */
	p = stt_flow_sport(a, la, 0);
	CHECK(p >= STT_EPHEMERAL_MIN);
	CHECK_EQ(p, stt_flow_sport(b, lb, 0));
	la = make_inner(a, 6, 1, 2, 1234, 80, 17, 10);
	lb = make_inner(b, 6, 1, 2, 1234, 80, 17, 10); /* other PCP, flow label */
	CHECK_EQ(stt_flow_sport(a, la, 0), stt_flow_sport(b, lb, 0));

	check_test("flow_sport: ports, addresses, VLAN and seed change the port");
	{
		unsigned diff = 0;

		for (unsigned i = 0; i < 100; i++) {
			la = make_inner(a, 4, 0xc6336401, 0xcb007101, (uint16_t)(1000 + i), 443, 6, -1);
			lb = make_inner(b, 4, 0xc6336401, 0xcb007101, (uint16_t)(2000 + i), 443, 6, -1);
			diff += stt_flow_sport(a, la, 0) != stt_flow_sport(b, lb, 0);
			lb = make_inner(b, 4, 0xc6336401, 0xcb007101, (uint16_t)(1000 + i), 443, 6, 7);
			diff += stt_flow_sport(a, la, 0) != stt_flow_sport(b, lb, 0);
			diff += stt_flow_sport(a, la, 0) != stt_flow_sport(a, la, 1 + i);
		}
		CHECK(diff >= 295); /* 16384 ports: a few collisions at most */
	}

	check_test("flow_sport: 10000 flows spread evenly (chi-square, 64 buckets)");
	for (unsigned i = 0; i < 10000; i++) {
		int fam = (i & 1) ? 6 : 4;

		la = make_inner(a, fam, 0xc0000200 | (i % 50), 0xc6336400 | (i / 50 % 20),
				(uint16_t)(32768 + i / 1000), (uint16_t)(i % 7 + 80), i % 3 ? 6 : 17, -1);
		p = stt_flow_sport(a, la, 0x1234);
		CHECK(p >= STT_EPHEMERAL_MIN);
		count[(p - STT_EPHEMERAL_MIN) % BUCKETS]++;
		low[(p - STT_EPHEMERAL_MIN) / (16384 / BUCKETS)]++;
	}
	printf("# chi-square: low bits %.1f, high bits %.1f (limit %.0f)\n",
	       chi_square(count, BUCKETS, 10000), chi_square(low, BUCKETS, 10000), CHI2_LIMIT);
	CHECK(chi_square(count, BUCKETS, 10000) < CHI2_LIMIT);
	CHECK(chi_square(low, BUCKETS, 10000) < CHI2_LIMIT);

	check_test("flow_sport: the chi-square check rejects a poor spread");
	{
		unsigned skew[BUCKETS];

		/* what a hash using only the low byte of the source port in 50
		 * flows' worth of variation would produce */
		for (unsigned i = 0; i < BUCKETS; i++)
			skew[i] = i < 48 ? 10000 / 48 : 0;
		CHECK(chi_square(skew, BUCKETS, 10000) >= CHI2_LIMIT);
	}

	check_test("flow_sport: non-IP and cut inner frames never crash, stay in range");
	rng_state = 7;
	la = make_inner(a, 6, 5, 6, 1, 2, 6, 3);
	for (size_t cut = 0; cut <= la; cut++) {
		uint8_t *c = malloc(cut ? cut : 1);

		memcpy(c, a, cut);
		p = stt_flow_sport(cut ? c : NULL, cut, 0);
		CHECK(p >= STT_EPHEMERAL_MIN);
		free(c);
	}
	memset(a, 0, 64);
	a[12] = 0x08, a[13] = 0x06; /* ARP */
	a[5] = 1;
	p = stt_flow_sport(a, 42, 0);
	a[5] = 2;
	CHECK(p != stt_flow_sport(a, 42, 0)); /* non-IP: the MACs are the flow */
	a[5] = 1;
	CHECK_EQ(p, stt_flow_sport(a, 42, 0));
}

int main(void)
{
	test_frame_build();
	test_defaults();
	test_known_answer();
	test_boundaries();
	test_write_edges();
	test_csum_modes();
	test_superpacket();
	test_flow_sport();
	return check_done();
}
