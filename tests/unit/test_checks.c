/* The requirement catalogue and the checks: every check fires on a
 * deliberately broken input (and only the checks it should), and stays
 * silent on clean segments and frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pkt_testlib.h"
#include "stt/checks.h"
#include "stt/outer.h"
#include "stt/segment.h"

/* ---- finding collector ---- */

struct got {
	unsigned n;
	struct stt_finding f[64];
};

static void collect(void *ctx, const struct stt_finding *f)
{
	struct got *g = ctx;
	if (g->n < 64)
		g->f[g->n++] = *f;
}

static bool has(const struct got *g, enum stt_check c)
{
	for (unsigned i = 0; i < g->n; i++)
		if (g->f[i].id == c)
			return true;
	return false;
}

/* Exactly the checks listed (terminated by STT_CHK__COUNT) fired. */
static void expect(const struct got *g, const enum stt_check *want)
{
	unsigned nwant = 0;

	for (; want[nwant] != STT_CHK__COUNT; nwant++) {
		if (!has(g, want[nwant])) {
			fprintf(stderr, "  expected check %s to fire\n", stt_check_def(want[nwant])->name);
			CHECK(has(g, want[nwant]));
		}
	}
	for (unsigned i = 0; i < g->n; i++) {
		bool listed = false;
		for (unsigned k = 0; k < nwant; k++)
			listed |= g->f[i].id == want[k];
		if (!listed) {
			fprintf(stderr, "  unexpected %s: %s\n", stt_check_def(g->f[i].id)->name,
				g->f[i].detail);
			CHECK(listed);
		}
	}
}

#define EXPECT(g, ...)                                                          \
	do {                                                                    \
		static const enum stt_check w_[] = { __VA_ARGS__ };             \
		expect((g), w_);                                                \
	} while (0)
#define NONE STT_CHK__COUNT

/* ---- catalogue ---- */

static void test_catalogue(void)
{
	check_test("catalogue: requirement IDs unique, well-formed, sides set");
	size_t nreq = stt_requirement_count();
	CHECK(nreq > 40);
	for (size_t i = 0; i < nreq; i++) {
		const struct stt_requirement *r = stt_requirement_at(i);
		CHECK(strncmp(r->id, "STT-", 4) == 0);
		CHECK(r->sides != 0 && (r->sides & ~3u) == 0);
		CHECK(r->text && r->text[0]);
		CHECK(r->level != STT_LVL_INFO);
		if (strcmp(r->section, "impl") == 0)
			CHECK(r->level == STT_LVL_SHOULD);
		CHECK(stt_requirement_find(r->id) == r);
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(stt_requirement_at(k)->id, r->id) != 0);
	}
	CHECK(stt_requirement_at(nreq) == NULL);
	CHECK(stt_requirement_find("STT-NO-SUCH") == NULL);
	static const char *named[] = { "STT-3.2-ACK-CONST", "STT-3.2-SPORT-CONST",
				       "STT-3.1-FLAGS-RSVD-ZERO", "STT-3.1-CSUM-PARTIAL-TSO",
				       "STT-3.3.1-ECN-DECAP-TABLE" };
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		CHECK(stt_requirement_find(named[i]) != NULL);

	check_test("catalogue: every check named, snake_case, tied to a known requirement");
	for (unsigned c = 0; c < STT_CHK__COUNT; c++) {
		const struct stt_check_def *d = stt_check_def(c);
		CHECK(d != NULL && d->id == c);
		if (!d)
			continue;
		CHECK(d->name && d->summary);
		for (const char *p = d->name; *p; p++)
			CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		CHECK(stt_check_find(d->name) == d);
		if (d->req_id) {
			const struct stt_requirement *r = stt_requirement_find(d->req_id);
			CHECK(r != NULL);
			if (r)
				CHECK(r->sides & STT_SIDE_TX); /* checks judge observed traffic */
		} else {
			CHECK(d->level == STT_LVL_INFO);
		}
	}
	CHECK(stt_check_def(STT_CHK__COUNT) == NULL);
	CHECK(stt_check_find("no_such_check") == NULL);
	CHECK(strcmp(stt_level_name(STT_LVL_RECOMMENDED), "RECOMMENDED") == 0);

	check_test("catalogue: reassembly drops map to checks");
	CHECK_EQ(STT_CHK_FRAME_LEN_MISMATCH, stt_check_for_drop(STT_DROP_LEN_MISMATCH));
	CHECK_EQ(STT_CHK_OVERLAP_CONFLICT, stt_check_for_drop(STT_DROP_OVERLAP_CONFLICT));
	CHECK_EQ(STT_CHK_INCOMPLETE_TIMEOUT, stt_check_for_drop(STT_DROP_TIMEOUT));
	CHECK_EQ(STT_CHK_INCOMPLETE_EOF, stt_check_for_drop(STT_DROP_FLUSHED));
	CHECK_EQ(STT_CHK_EVICTED, stt_check_for_drop(STT_DROP_EVICTED));
	CHECK_EQ(STT_CHK_SEG_ZERO_LEN, stt_check_for_drop(STT_DROP_ZERO_LEN));
	CHECK_EQ(STT_CHK_SEG_OUT_OF_RANGE, stt_check_for_drop(STT_DROP_OUT_OF_RANGE));
	CHECK_EQ(STT_CHK_FRAME_TOO_SHORT, stt_check_for_drop(STT_DROP_TOO_SHORT));
	CHECK_EQ(STT_CHK__COUNT, stt_check_for_drop(STT_DROP_NOMEM));
	CHECK_EQ(STT_CHK__COUNT, stt_check_for_drop(STT_DROP_POISONED));

	check_test("catalogue: docs/requirements.md lists every ID and check");
	char path[1024];
	const char *me = __FILE__, *cut = strstr(me, "tests/unit/test_checks.c");
	if (!cut || (size_t)(cut - me) + 32 > sizeof(path)) {
		printf("SKIP: source path unknown\n");
		return;
	}
	snprintf(path, sizeof(path), "%.*sdocs/requirements.md", (int)(cut - me), me);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	static char doc[200000];
	size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);
	char key[512];
	for (size_t i = 0; i < nreq; i++) {
		const struct stt_requirement *r = stt_requirement_at(i);
		const char *sides = r->sides == STT_SIDE_TX ? "TX"
				    : r->sides == STT_SIDE_RX ? "RX" : "TX, RX";
		/* the whole row start: ID, section, level, sides and text agree */
		snprintf(key, sizeof(key), "| `%s` | %s | %s | %s | %s |", r->id, r->section,
			 stt_level_name(r->level), sides, r->text);
		if (!strstr(doc, key)) {
			fprintf(stderr, "  %s missing from %s\n", key, path);
			CHECK(strstr(doc, key) != NULL);
		}
	}
	for (unsigned c = 0; c < STT_CHK__COUNT; c++) {
		snprintf(key, sizeof(key), "`%s`", stt_check_def(c)->name);
		CHECK(strstr(doc, key) != NULL);
	}
}

/* ---- segments ---- */

static uint8_t frame_buf[4000];
static size_t frame_len;

static void seg_tmpl(struct stt_outer_tmpl *t)
{
	stt_outer_tmpl_defaults(t);
	stt_addr_parse("192.0.2.1", &t->src);
	stt_addr_parse("192.0.2.2", &t->dst);
	t->sport = 50000;
	t->ack = 0x1234;
}

/* Build segment i of the test frame (mss 1000), parse it, run the checks. */
static void seg_check(const struct stt_outer_tmpl *t, size_t i, void (*mutate)(struct stt_outer *),
		      struct got *g)
{
	static uint8_t pkt[2000];
	struct stt_outer o;
	const char *why = NULL;

	memset(g, 0, sizeof(*g));
	size_t n = stt_segment_build(t, frame_buf, frame_len, 1000, i, pkt, sizeof(pkt));
	CHECK(n > 0);
	CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, pkt, n, n, true, &o, &why));
	if (mutate)
		mutate(&o);
	stt_check_segment(&o, (uint32_t)(i + 1), collect, g);
}

static void mut_doff6(struct stt_outer *o) { o->tcp.doff = 6; }
static void mut_frag(struct stt_outer *o) { o->ip_frag = 0x2000; }
static void mut_zero_len(struct stt_outer *o)
{
	o->payload_len = o->payload_wire_len = 0;
}
static void mut_frame_len_small(struct stt_outer *o)
{
	o->tcp.seq = stt_seq_make(100, stt_seq_offset(o->tcp.seq));
}
static void mut_frame_len_10(struct stt_outer *o)
{
	o->tcp.seq = stt_seq_make(10, 0);
	o->payload_wire_len = o->payload_len = 5; /* not the last: PSH stays moot */
}

static void test_segments(void)
{
	struct stt_outer_tmpl t;
	struct got g;
	struct stt_frame_hdr h = { .flags = STT_F_IPV4 | STT_F_TCP };
	struct pkt inner;

	pkt_tcp4(&inner, 0x18, 2400);
	frame_len = stt_frame_build(&h, inner.b, inner.len, frame_buf, sizeof(frame_buf));
	CHECK(frame_len == 18 + inner.len);

	check_test("segment: clean first, middle and last segments are silent");
	seg_tmpl(&t);
	for (size_t i = 0; i < 3; i++) {
		seg_check(&t, i, NULL, &g);
		EXPECT(&g, NONE);
	}

	check_test("segment: window != 0 -> tcp_window_nonzero, with detail");
	seg_tmpl(&t);
	t.window = 65535;
	seg_check(&t, 0, NULL, &g);
	EXPECT(&g, STT_CHK_TCP_WINDOW_NONZERO, NONE);
	CHECK(g.n == 1 && strcmp(g.f[0].detail, "window: expected 0, got 65535") == 0);
	CHECK(g.n == 1 && g.f[0].cookie == 1);

	check_test("segment: urgent pointer != 0 -> tcp_urg_nonzero");
	seg_tmpl(&t);
	t.urg = 7;
	seg_check(&t, 1, NULL, &g);
	EXPECT(&g, STT_CHK_TCP_URG_NONZERO, NONE);

	check_test("segment: ACK clear -> tcp_ack_missing");
	seg_tmpl(&t);
	t.tcp_flags = 0;
	seg_check(&t, 1, NULL, &g);
	EXPECT(&g, STT_CHK_TCP_ACK_MISSING, NONE);

	check_test("segment: no PSH on the last -> tcp_psh_missing_last");
	seg_tmpl(&t);
	t.last_flags = 0;
	seg_check(&t, 2, NULL, &g);
	EXPECT(&g, STT_CHK_TCP_PSH_MISSING_LAST, NONE);
	seg_check(&t, 0, NULL, &g);
	EXPECT(&g, NONE);

	check_test("segment: PSH on a non-last -> tcp_psh_not_last");
	seg_tmpl(&t);
	t.tcp_flags = STT_TCP_ACK | STT_TCP_PSH;
	seg_check(&t, 0, NULL, &g);
	EXPECT(&g, STT_CHK_TCP_PSH_NOT_LAST, NONE);
	seg_check(&t, 2, NULL, &g);
	EXPECT(&g, NONE);

	static const uint8_t others[] = { STT_TCP_SYN, STT_TCP_FIN, STT_TCP_RST, STT_TCP_ECE,
					  STT_TCP_CWR };
	check_test("segment: SYN/FIN/RST/ECE/CWR -> tcp_flags_other");
	for (size_t i = 0; i < sizeof(others); i++) {
		seg_tmpl(&t);
		t.tcp_flags = STT_TCP_ACK | others[i];
		seg_check(&t, 1, NULL, &g);
		EXPECT(&g, STT_CHK_TCP_FLAGS_OTHER, NONE);
	}
	check_test("segment: URG flag -> tcp_flags_other");
	seg_tmpl(&t);
	t.tcp_flags = STT_TCP_ACK | STT_TCP_URG;
	seg_check(&t, 1, NULL, &g);
	EXPECT(&g, STT_CHK_TCP_FLAGS_OTHER, NONE);

	check_test("segment: data offset 6 -> tcp_options");
	seg_tmpl(&t);
	seg_check(&t, 1, mut_doff6, &g);
	EXPECT(&g, STT_CHK_TCP_OPTIONS, NONE);

	check_test("segment: corrupted checksum -> tcp_csum_bad with the right value");
	{
		static uint8_t pkt[2000];
		struct stt_outer o;
		seg_tmpl(&t);
		size_t n = stt_segment_build(&t, frame_buf, frame_len, 1000, 1, pkt, sizeof(pkt));
		uint16_t good = (uint16_t)(pkt[14 + 20 + 16] << 8 | pkt[14 + 20 + 17]);
		pkt[14 + 20 + 16] ^= 0x5a;
		CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_ETHERNET, pkt, n, n, true, &o, NULL));
		CHECK_EQ(STT_CSUM_BAD, o.csum);
		memset(&g, 0, sizeof(g));
		stt_check_segment(&o, 9, collect, &g);
		EXPECT(&g, STT_CHK_TCP_CSUM_BAD, NONE);
		char want[64];
		snprintf(want, sizeof(want), "checksum: expected 0x%04x, got 0x%04x", good,
			 good ^ 0x5a00);
		CHECK(g.n == 1 && strcmp(g.f[0].detail, want) == 0);
	}

	check_test("segment: pseudo-header-only checksum (offloaded) is not a finding");
	seg_tmpl(&t);
	t.csum_mode = STT_CSUM_MODE_PSEUDO;
	seg_check(&t, 1, NULL, &g);
	EXPECT(&g, NONE);

	check_test("segment: source port 7471 -> sport_not_ephemeral");
	seg_tmpl(&t);
	t.sport = 7471;
	seg_check(&t, 1, NULL, &g);
	EXPECT(&g, STT_CHK_SPORT_NOT_EPHEMERAL, NONE);

	check_test("segment: zero length -> seg_zero_len");
	seg_tmpl(&t);
	seg_check(&t, 1, mut_zero_len, &g);
	EXPECT(&g, STT_CHK_SEG_ZERO_LEN, NONE);

	check_test("segment: offset + length beyond the frame -> seg_out_of_range");
	seg_tmpl(&t);
	seg_check(&t, 1, mut_frame_len_small, &g);
	EXPECT(&g, STT_CHK_SEG_OUT_OF_RANGE, NONE);

	check_test("segment: frame length 10 -> frame_too_short");
	seg_tmpl(&t);
	seg_check(&t, 0, mut_frame_len_10, &g);
	EXPECT(&g, STT_CHK_FRAME_TOO_SHORT, NONE);

	check_test("segment: outer IP fragment -> ip_fragmented");
	seg_tmpl(&t);
	seg_check(&t, 1, mut_frag, &g);
	EXPECT(&g, STT_CHK_IP_FRAGMENTED, NONE);
}

/* ---- frames ---- */

static uint8_t fbuf[70000];
static struct stt_seg_rec recs[4];

/* Run the frame checks on header h + inner p. */
static void frame_check(const struct stt_frame_hdr *h, const struct pkt *p, struct got *g)
{
	struct stt_reasm_frame f;

	memset(&f, 0, sizeof(f));
	memset(g, 0, sizeof(*g));
	stt_frame_hdr_encode(h, fbuf);
	memcpy(fbuf + 18, p->b, p->len);
	f.data = fbuf;
	f.len = 18 + p->len;
	memset(recs, 0, sizeof(recs));
	recs[0].offset = 0;
	recs[0].cookie = 3;
	recs[0].sport = 50000;
	f.segs = recs;
	f.nsegs = 1;
	/* both ways: the caller's decode, and decoded inside */
	struct stt_inner in;
	stt_inner_decode(p->b, p->len, &in);
	stt_check_frame(&f, h, &in, collect, g);
	struct got g2 = { 0 };
	stt_check_frame(&f, NULL, NULL, collect, &g2);
	CHECK_EQ(g->n, g2.n);
	for (unsigned i = 0; i < g->n && i < g2.n; i++) {
		CHECK_EQ(g->f[i].id, g2.f[i].id);
		CHECK(strcmp(g->f[i].detail, g2.f[i].detail) == 0);
	}
}

static struct stt_frame_hdr hdr(uint8_t flags, uint8_t l4, uint16_t mss)
{
	struct stt_frame_hdr h = { .flags = flags, .l4_offset = l4, .mss = mss, .context_id = 42 };
	return h;
}

#define F4T (STT_F_IPV4 | STT_F_TCP)

static void test_frames(void)
{
	struct stt_frame_hdr h;
	struct pkt tcp4, big4, udp6, arp, icmp4, tiny;
	struct got g;

	pkt_tcp4(&tcp4, 0x18, 100);
	pkt_tcp4(&big4, 0x18, 3000);
	pkt_eth(&udp6, 0x86dd, 0, NULL);
	size_t ip = pkt_ip6(&udp6, 17, 0);
	pkt_udp(&udp6, 40000, 5000, 100);
	pkt_ip6_finish(&udp6, ip);
	pkt_arp_request(&arp);
	pkt_eth(&icmp4, 0x0800, 0, NULL);
	ip = pkt_ip4(&icmp4, 1, 0, NULL, 0);
	pkt_icmp_echo(&icmp4, 8, 1, 1, 56);
	pkt_ip4_finish(&icmp4, ip);
	pkt_tcp4(&tiny, 0, 0);
	tiny.len = 10;

	check_test("frame: clean frames are silent");
	h = hdr(F4T, 0, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, NONE);
	h = hdr(F4T | STT_F_CSUM_PARTIAL, 34, 1448);
	frame_check(&h, &big4, &g);
	EXPECT(&g, NONE);
	h = hdr(F4T | STT_F_CSUM_VERIFIED, 0, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, NONE);
	h = hdr(0, 0, 0);
	frame_check(&h, &udp6, &g);
	EXPECT(&g, NONE);
	h = hdr(STT_F_CSUM_PARTIAL, 54, 0);
	frame_check(&h, &udp6, &g);
	EXPECT(&g, NONE);
	h = hdr(0, 0, 0);
	frame_check(&h, &arp, &g);
	EXPECT(&g, NONE);
	h = hdr(STT_F_IPV4, 0, 0);
	frame_check(&h, &icmp4, &g);
	EXPECT(&g, NONE);
	h = hdr(F4T, 0, 0);
	h.vlan_tci = stt_vlan_tci(3, true, 10);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, NONE);

	check_test("frame: version 1 -> version_nonzero");
	h = hdr(F4T, 0, 0);
	h.version = 1;
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_VERSION_NONZERO, NONE);
	CHECK(g.n == 1 && strcmp(g.f[0].detail, "version: expected 0, got 1") == 0);
	CHECK(g.n == 1 && g.f[0].cookie == 3);

	check_test("frame: flag 0x10 -> flags_reserved");
	h = hdr(F4T | 0x10, 0, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_FLAGS_RESERVED, NONE);

	check_test("frame: reserved byte -> reserved_nonzero");
	h = hdr(F4T, 0, 0);
	h.reserved = 0x80;
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_RESERVED_NONZERO, NONE);

	check_test("frame: padding -> padding_nonzero");
	h = hdr(F4T, 0, 0);
	h.padding = 1;
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_PADDING_NONZERO, NONE);

	check_test("frame: VLAN ID or PCP without V -> vlan_id_without_v");
	h = hdr(F4T, 0, 0);
	h.vlan_tci = stt_vlan_tci(0, false, 10);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_VLAN_ID_WITHOUT_V, NONE);
	h.vlan_tci = stt_vlan_tci(5, false, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_VLAN_ID_WITHOUT_V, NONE);

	check_test("frame: verified + partial -> csum_flags_both");
	h = hdr(F4T | STT_F_CSUM_VERIFIED | STT_F_CSUM_PARTIAL, 34, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_CSUM_FLAGS_BOTH, NONE);

	check_test("frame: partial with l4 offset 0 -> l4off_partial_zero");
	h = hdr(F4T | STT_F_CSUM_PARTIAL, 0, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_L4OFF_PARTIAL_ZERO, NONE);

	check_test("frame: l4 offset without partial -> l4off_without_partial");
	h = hdr(F4T, 34, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_L4OFF_WITHOUT_PARTIAL, NONE);

	check_test("frame: l4 offset past the inner frame -> l4off_outside");
	h = hdr(STT_F_IPV4 | STT_F_CSUM_PARTIAL, 200, 0);
	frame_check(&h, &icmp4, &g);
	EXPECT(&g, STT_CHK_L4OFF_OUTSIDE, NONE);
	h = hdr(F4T | STT_F_CSUM_PARTIAL, 250, 0); /* and not where the TCP header is */
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_L4OFF_OUTSIDE, STT_CHK_L4OFF_MISMATCH, NONE);

	check_test("frame: l4 offset 38 for an untagged TCP/IPv4 -> l4off_mismatch");
	h = hdr(F4T | STT_F_CSUM_PARTIAL, 38, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_L4OFF_MISMATCH, NONE);
	CHECK(g.n == 1 && strcmp(g.f[0].detail, "l4 offset: expected 34 (inner TCP header), got 38") == 0);
	h = hdr(STT_F_CSUM_PARTIAL, 34, 0);
	frame_check(&h, &udp6, &g);
	EXPECT(&g, STT_CHK_L4OFF_MISMATCH, NONE);

	check_test("frame: mss without partial -> mss_without_partial");
	h = hdr(F4T, 0, 1448);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_MSS_WITHOUT_PARTIAL, NONE);

	check_test("frame: TCP payload > mss without partial -> tso_without_partial");
	h = hdr(F4T, 0, 1448);
	frame_check(&h, &big4, &g);
	EXPECT(&g, STT_CHK_TSO_WITHOUT_PARTIAL, STT_CHK_MSS_WITHOUT_PARTIAL, NONE);
	h = hdr(F4T, 0, 0);
	frame_check(&h, &big4, &g);
	EXPECT(&g, STT_CHK_TSO_WITHOUT_PARTIAL, NONE);

	check_test("frame: IPv4 flag wrong -> flag_ipv4_mismatch");
	h = hdr(STT_F_TCP, 0, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_FLAG_IPV4_MISMATCH, NONE);
	h = hdr(STT_F_IPV4, 0, 0);
	frame_check(&h, &udp6, &g);
	EXPECT(&g, STT_CHK_FLAG_IPV4_MISMATCH, NONE);

	check_test("frame: TCP flag wrong -> flag_tcp_mismatch");
	h = hdr(STT_F_TCP, 0, 0);
	frame_check(&h, &udp6, &g);
	EXPECT(&g, STT_CHK_FLAG_TCP_MISMATCH, NONE);
	h = hdr(STT_F_IPV4, 0, 0);
	frame_check(&h, &tcp4, &g);
	EXPECT(&g, STT_CHK_FLAG_TCP_MISMATCH, NONE);
	h = hdr(F4T, 0, 0);
	frame_check(&h, &icmp4, &g);
	EXPECT(&g, STT_CHK_FLAG_TCP_MISMATCH, NONE);

	check_test("frame: IP fields for ARP -> flags_non_ip");
	h = hdr(STT_F_IPV4, 0, 0);
	frame_check(&h, &arp, &g);
	EXPECT(&g, STT_CHK_FLAGS_NON_IP, NONE);
	h = hdr(STT_F_TCP, 0, 0);
	frame_check(&h, &arp, &g);
	EXPECT(&g, STT_CHK_FLAGS_NON_IP, NONE);
	h = hdr(STT_F_CSUM_VERIFIED, 0, 0);
	frame_check(&h, &arp, &g);
	EXPECT(&g, STT_CHK_FLAGS_NON_IP, NONE);

	check_test("frame: 10-byte inner frame -> inner_too_short");
	h = hdr(0, 0, 0);
	frame_check(&h, &tiny, &g);
	EXPECT(&g, STT_CHK_INNER_TOO_SHORT, NONE);

	check_test("frame: source port varied -> sport_varied, at the segment that differed");
	{
		struct stt_reasm_frame f;
		struct stt_seg_rec r[3] = { { .offset = 0, .cookie = 1, .sport = 50000 },
					    { .offset = 1000, .cookie = 2, .sport = 50000 },
					    { .offset = 2000, .cookie = 3, .sport = 50001 } };
		h = hdr(F4T, 0, 0);
		stt_frame_hdr_encode(&h, fbuf);
		memcpy(fbuf + 18, tcp4.b, tcp4.len);
		memset(&f, 0, sizeof(f));
		f.data = fbuf;
		f.len = 18 + tcp4.len;
		f.segs = r;
		f.nsegs = 3;
		f.sport_varied = true;
		memset(&g, 0, sizeof(g));
		stt_check_frame(&f, NULL, NULL, collect, &g);
		EXPECT(&g, STT_CHK_SPORT_VARIED, NONE);
		CHECK(g.n == 1 && g.f[0].cookie == 3);
		f.sport_varied = false;
		memset(&g, 0, sizeof(g));
		stt_check_frame(&f, NULL, NULL, collect, &g);
		EXPECT(&g, NONE);
	}
}

/* ---- across frames ---- */

static void tx_frame(struct stt_txcheck *t, const char *src, uint32_t ack, uint64_t ts,
		     uint16_t sport, const struct pkt *inner, uint32_t cookie, struct got *g)
{
	struct stt_reasm_frame f;
	struct stt_seg_rec r = { .cookie = cookie, .sport = sport };
	struct stt_frame_hdr h = hdr(F4T, 0, 0);

	memset(&f, 0, sizeof(f));
	stt_addr_parse(src, &f.key.src);
	stt_addr_parse("192.0.2.2", &f.key.dst);
	f.key.dport = 7471;
	f.key.ack = ack;
	stt_frame_hdr_encode(&h, fbuf);
	memcpy(fbuf + 18, inner->b, inner->len);
	f.data = fbuf;
	f.len = 18 + inner->len;
	f.first_ts_ns = f.last_ts_ns = ts;
	f.segs = &r;
	f.nsegs = 1;
	memset(g, 0, sizeof(*g));
	stt_txcheck_frame(t, &f, NULL, collect, g);
}

#define MS 1000000ull

static void test_txcheck(void)
{
	struct got g;
	struct pkt a, b;

	pkt_tcp4(&a, 0x18, 10);
	pkt_tcp4(&b, 0x18, 10);
	stt_put_be16(b.b + 34, 40001); /* another inner flow */

	check_test("txcheck: distinct acks and stable ports are silent");
	struct stt_txcheck *t = stt_txcheck_new(1000 * MS, 16);
	CHECK(t != NULL);
	for (uint32_t i = 0; i < 10; i++) {
		tx_frame(t, "192.0.2.1", i, i * MS, 50000, &a, i + 1, &g);
		EXPECT(&g, NONE);
	}

	check_test("txcheck: ack reused within the window -> ack_reused");
	tx_frame(t, "192.0.2.1", 3, 20 * MS, 50000, &a, 11, &g);
	EXPECT(&g, STT_CHK_ACK_REUSED, NONE);
	CHECK(g.n == 1 && g.f[0].cookie == 11);

	check_test("txcheck: the same ack from another sender is not a reuse");
	tx_frame(t, "192.0.2.9", 4, 21 * MS, 50000, &a, 12, &g);
	EXPECT(&g, NONE);

	check_test("txcheck: ack reused after the window is fine");
	tx_frame(t, "192.0.2.1", 5, 2000 * MS, 50000, &a, 13, &g);
	EXPECT(&g, NONE);

	check_test("txcheck: one inner flow, another source port -> sport_flow_unstable");
	tx_frame(t, "192.0.2.1", 100, 2001 * MS, 50001, &a, 14, &g);
	EXPECT(&g, STT_CHK_SPORT_FLOW_UNSTABLE, NONE);
	tx_frame(t, "192.0.2.1", 101, 2002 * MS, 50001, &a, 15, &g);
	EXPECT(&g, NONE); /* reported once, then the new port is the flow's */
	tx_frame(t, "192.0.2.1", 102, 2003 * MS, 50002, &b, 16, &g);
	EXPECT(&g, NONE); /* another flow may use another port */
	stt_txcheck_free(t);

	check_test("txcheck: memory is bounded (LRU forgets the oldest ack)");
	t = stt_txcheck_new(1000 * MS, 2);
	tx_frame(t, "192.0.2.1", 1, 1 * MS, 50000, &a, 1, &g);
	tx_frame(t, "192.0.2.1", 2, 2 * MS, 50000, &a, 2, &g);
	tx_frame(t, "192.0.2.1", 3, 3 * MS, 50000, &a, 3, &g);
	tx_frame(t, "192.0.2.1", 1, 4 * MS, 50000, &a, 4, &g);
	EXPECT(&g, NONE); /* ack 1 was forgotten */
	tx_frame(t, "192.0.2.1", 3, 5 * MS, 50000, &a, 5, &g);
	EXPECT(&g, STT_CHK_ACK_REUSED, NONE);
	for (uint32_t i = 0; i < 10000; i++)
		tx_frame(t, "192.0.2.1", 1000 + i, (10 + i) * MS, 50000, &a, i, &g);
	stt_txcheck_free(t);
	stt_txcheck_free(NULL);
}

/* Random STT frames through every frame check: no crash (ASan), every
 * finding a known check with a detail. Deterministic PRNG. */
static void test_random_frames(void)
{
	uint32_t x = 2463534242u;
	struct stt_txcheck *t = stt_txcheck_new(0, 64);

	check_test("frame: 20000 random frames, no crash, findings well-formed");
	for (unsigned i = 0; i < 20000; i++) {
		size_t len = pkt_rand(&x) % 200;
		uint8_t *b = malloc(len ? len : 1);
		pkt_rand_fill(&x, b, len);
		/* make some of them plausible Ethernet/IP so deep paths run */
		if (len > 32 && (i & 1)) {
			b[18 + 12] = (i & 2) ? 0x08 : 0x86;
			b[18 + 13] = (i & 2) ? 0x00 : 0xdd;
			b[18 + 14] = (i & 2) ? 0x45 : 0x60;
		}
		struct stt_seg_rec r = { .cookie = i, .sport = (uint16_t)x };
		struct stt_reasm_frame f = { .data = b, .len = len, .segs = &r, .nsegs = 1,
					     .sport_varied = (x & 8) != 0, .first_ts_ns = i };
		f.key.ack = x & 0xff;
		struct got g = { 0 };
		if (len >= 18) {
			stt_check_frame(&f, NULL, NULL, collect, &g);
			stt_txcheck_frame(t, &f, NULL, collect, &g);
		}
		for (unsigned k = 0; k < g.n; k++) {
			CHECK(stt_check_def(g.f[k].id) != NULL);
			CHECK(g.f[k].detail[0] != '\0');
		}
		free(b);
	}
	stt_txcheck_free(t);
}

int main(void)
{
	test_catalogue();
	test_random_frames();
	test_segments();
	test_frames();
	test_txcheck();
	return check_done();
}
