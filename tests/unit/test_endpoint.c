/* The endpoint core without sockets: endpoint A's output is endpoint B's
 * input, in memory. */
#include <string.h>

#include "check.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/endpoint.h"
#include "stt/segment.h"

#define MAX_DELIVER 8

struct sink {
	struct stt_endpoint *peer_ep; /* where tx goes; NULL: just record */
	enum stt_ep_rx_csum gso_csum; /* how a super-packet arrives */
	unsigned tx_count, gso_count;
	struct stt_offload last_gso;
	uint8_t last_tx[70000];
	size_t last_tx_len;
	uint8_t first_gso[70000]; /* the first super-packet, as sent */
	size_t first_gso_len;
	bool corrupt;	/* flip a byte of each segment's payload */
	int mark_ce;	/* set outer ECN to CE on segment number mark_ce (1-based) */
	/* delivered */
	unsigned ndeliv;
	unsigned port[MAX_DELIVER];
	uint8_t frame[MAX_DELIVER][66000];
	size_t len[MAX_DELIVER];
	struct stt_offload off[MAX_DELIVER];
};

static struct sink sa, sb; /* A's outputs, B's outputs */

static void set_outer_ce(uint8_t *p)
{
	/* Ethernet (14) + IPv4: TOS at 15; redo the header checksum */
	p[15] |= 3;
	stt_put_be16(p + 24, 0);
	stt_put_be16(p + 24, stt_csum_ipv4_hdr(p + 14, 20));
}

static int tx(void *ctx, unsigned peer, const uint8_t *pkt, size_t len)
{
	struct sink *s = ctx;
	(void)peer;
	s->tx_count++;
	memcpy(s->last_tx, pkt, len);
	s->last_tx_len = len;
	if (s->corrupt)
		s->last_tx[len - 1] ^= 0x40;
	if (s->mark_ce && (unsigned)s->mark_ce == s->tx_count)
		set_outer_ce(s->last_tx);
	if (s->peer_ep)
		stt_endpoint_input(s->peer_ep, s->last_tx, len, STT_EP_CSUM_UNKNOWN, 1000);
	return 0;
}

static int tx_gso(void *ctx, unsigned peer, const uint8_t *pkt, size_t len,
		  const struct stt_offload *off)
{
	struct sink *s = ctx;
	(void)peer;
	s->gso_count++;
	s->last_gso = *off;
	memcpy(s->last_tx, pkt, len);
	s->last_tx_len = len;
	if (s->gso_count == 1) {
		memcpy(s->first_gso, pkt, len);
		s->first_gso_len = len;
	}
	if (s->peer_ep)
		stt_endpoint_input(s->peer_ep, s->last_tx, len, s->gso_csum, 1000);
	return 0;
}

/* The gather form: joined here, it must be the very packet tx_gso gets. */
static int tx_gso_parts(void *ctx, unsigned peer, const uint8_t *hdr, size_t hdr_len,
			const uint8_t *payload, size_t payload_len, const struct stt_offload *off)
{
	static uint8_t joined[70000];
	memcpy(joined, hdr, hdr_len);
	memcpy(joined + hdr_len, payload, payload_len);
	return tx_gso(ctx, peer, joined, hdr_len + payload_len, off);
}

static void deliver(void *ctx, unsigned port, const uint8_t *frame, size_t len,
		    const struct stt_offload *off)
{
	struct sink *s = ctx;
	if (s->ndeliv >= MAX_DELIVER)
		return;
	s->port[s->ndeliv] = port;
	memcpy(s->frame[s->ndeliv], frame, len);
	s->len[s->ndeliv] = len;
	s->off[s->ndeliv] = *off;
	s->ndeliv++;
}

/* Own segments with checksum offload: joined, and the checksum finished
 * the way the kernel would (unless leave_partial), then on as from tx. */
static bool leave_partial;
static int tx_csum_parts(void *ctx, unsigned peer, const uint8_t *hdr, size_t hdr_len,
			 const uint8_t *payload, size_t payload_len, const struct stt_offload *off)
{
	static uint8_t joined[70000];
	size_t len = hdr_len + payload_len, at = (size_t)off->csum_start + off->csum_offset;
	memcpy(joined, hdr, hdr_len);
	memcpy(joined + hdr_len, payload, payload_len);
	if (!(off->flags & STT_OFF_F_NEEDS_CSUM) || at + 2 > hdr_len)
		return -1;
	if (!leave_partial)
		stt_put_be16(joined + at, stt_csum_fold(stt_csum_add(0, joined + off->csum_start,
								     len - off->csum_start)));
	return tx(ctx, peer, joined, len);
}

static const struct stt_endpoint_ops ops_joined = { .tx = tx, .tx_gso = tx_gso, .deliver = deliver };
static const struct stt_endpoint_ops ops_parts = {
	.tx = tx, .tx_gso = tx_gso, .deliver = deliver, .tx_gso_parts = tx_gso_parts,
	.tx_csum_parts = tx_csum_parts,
};
static const struct stt_endpoint_ops *ops = &ops_joined;
static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa }, mac_b[6] = { 2, 0, 0, 0, 0, 0xb };

static struct stt_endpoint *ep_a, *ep_b;

/* A (192.0.2.1) and B (192.0.2.2), context 42 on port 0 at both ends. */
static void setup(bool gso, bool b_knows_a, const char *dscp)
{
	struct stt_endpoint_config c = { 0 };
	struct stt_addr a, b;

	stt_endpoint_free(ep_a);
	stt_endpoint_free(ep_b);
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	stt_addr_parse("192.0.2.1", &a);
	stt_addr_parse("192.0.2.2", &b);
	c.underlay_mtu = 1500;
	c.use_gso = gso;
	if (dscp)
		stt_qos_parse_dscp(dscp, &c.qos);
	c.local = a;
	memcpy(c.local_mac, mac_a, 6);
	c.seed = 1;
	ep_a = stt_endpoint_new(&c, ops, &sa);
	c.local = b;
	memcpy(c.local_mac, mac_b, 6);
	c.seed = 2;
	ep_b = stt_endpoint_new(&c, ops, &sb);
	CHECK(ep_a && ep_b);
	CHECK_EQ(0, stt_endpoint_add_peer(ep_a, &b, mac_b));
	if (b_knows_a)
		CHECK_EQ(0, stt_endpoint_add_peer(ep_b, &a, NULL));
	CHECK_EQ(0, stt_endpoint_add_context(ep_a, 42, 0, 0));
	CHECK_EQ(0, stt_endpoint_add_context(ep_b, 42, 0, 0));
	sa.peer_ep = ep_b;
	sb.peer_ep = ep_a;
	sa.gso_csum = STT_EP_CSUM_PARTIAL;
}

/* An inner Ethernet + IPv4 + TCP frame with payload_len bytes of payload. */
static size_t make_tcp(uint8_t *f, size_t payload_len, uint8_t tos)
{
	size_t ip_len = 20 + 20 + payload_len;
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	uint8_t *ip = f + 14, *tcp = f + 34;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = tos;
	stt_put_be16(ip + 2, ip_len > 0xffff ? 0 : (uint16_t)ip_len);
	stt_put_be16(ip + 4, 100);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, "\xc6\x33\x64\x01\xc6\x33\x64\x02", 8);
	stt_put_be16(ip + 10, stt_csum_ipv4_hdr(ip, 20));
	memset(tcp, 0, 20);
	stt_put_be16(tcp, 5001);
	stt_put_be16(tcp + 2, 80);
	stt_put_be32(tcp + 4, 1000000);
	tcp[12] = 0x50;
	tcp[13] = STT_TCP_ACK | STT_TCP_PSH;
	for (size_t i = 0; i < payload_len; i++)
		tcp[20 + i] = (uint8_t)(i * 7 + 3);
	return 34 + 20 + payload_len;
}

static struct stt_ep_stats stats(struct stt_endpoint *ep)
{
	struct stt_ep_stats s;
	stt_endpoint_stats(ep, &s);
	return s;
}

static uint8_t f[70000];

int main(void)
{
	size_t n;

	check_test("small frame: one segment, delivered unchanged");
	setup(false, true, NULL);
	n = make_tcp(f, 100, 0);
	CHECK_EQ(1, stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000));
	CHECK_EQ(1, sa.tx_count);
	CHECK_EQ(1, sb.ndeliv);
	CHECK_EQ(n, sb.len[0]);
	CHECK(memcmp(sb.frame[0], f, n) == 0);
	CHECK_EQ(0, sb.off[0].flags);

	check_test("9000-byte frame: own segments of 1460, delivered");
	setup(false, true, NULL);
	n = make_tcp(f, 9000, 0);
	CHECK_EQ(7, stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000)); /* (9054+18)/1460 -> 7 */
	CHECK_EQ(1, sb.ndeliv);
	CHECK(sb.len[0] == n && memcmp(sb.frame[0], f, n) == 0);

	check_test("GSO: one super-packet with the offload metadata");
	setup(true, true, NULL);
	n = make_tcp(f, 9000, 0);
	CHECK_EQ(1, stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000));
	CHECK_EQ(0, sa.tx_count);
	CHECK_EQ(1, sa.gso_count);
	CHECK_EQ(STT_OFF_GSO_TCPV4, sa.last_gso.gso_type);
	CHECK_EQ(1460, sa.last_gso.gso_size);
	CHECK_EQ(34, sa.last_gso.csum_start);
	CHECK_EQ(16, sa.last_gso.csum_offset);
	CHECK_EQ(54, sa.last_gso.hdr_len);
	CHECK_EQ(STT_OFF_F_NEEDS_CSUM, sa.last_gso.flags);
	CHECK_EQ(1, sb.ndeliv);
	CHECK(sb.len[0] == n && memcmp(sb.frame[0], f, n) == 0);

	check_test("GSO: a 65 KB frame takes two super-packets");
	setup(true, true, NULL);
	n = make_tcp(f, 65000, 0);
	CHECK_EQ(2, stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000));
	CHECK_EQ(1, sb.ndeliv);
	CHECK(sb.len[0] == n && memcmp(sb.frame[0], f, n) == 0);

	check_test("gather GSO: headers + payload are the joined super-packets' bytes");
	static uint8_t joined_first[70000], joined_last[70000];
	for (size_t k = 0; k < 3; k++) {
		const size_t sizes[] = { 9000, 65000, 65400 };
		n = make_tcp(f, sizes[k], 0);
		ops = &ops_joined;
		setup(true, true, NULL);
		stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
		unsigned joined_count = sa.gso_count;
		size_t first_len = sa.first_gso_len, last_len = sa.last_tx_len;
		memcpy(joined_first, sa.first_gso, first_len);
		memcpy(joined_last, sa.last_tx, last_len);
		ops = &ops_parts;
		setup(true, true, NULL);
		stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
		CHECK_EQ(joined_count, sa.gso_count);
		CHECK(first_len == sa.first_gso_len &&
		      memcmp(joined_first, sa.first_gso, first_len) == 0);
		CHECK(last_len == sa.last_tx_len && memcmp(joined_last, sa.last_tx, last_len) == 0);
		CHECK_EQ(1, sb.ndeliv);
		CHECK(sb.len[0] == n && memcmp(sb.frame[0], f, n) == 0);
		/* control: the comparison sees a one-byte difference */
		joined_last[16] ^= 1;
		CHECK(memcmp(joined_last, sa.last_tx, last_len) != 0);
	}
	ops = &ops_joined;

	check_test("checksum offload: own segments the same once the kernel sums them");
	for (size_t k = 0; k < 2; k++) {
		const size_t sizes[] = { 100, 9000 };
		n = make_tcp(f, sizes[k], 0);
		ops = &ops_joined;
		setup(false, true, NULL);
		CHECK_EQ(stt_segment_count(n + STT_FRAME_HDR_LEN, 1460),
			 (size_t)stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000));
		size_t last_len = sa.last_tx_len;
		memcpy(joined_last, sa.last_tx, last_len);
		ops = &ops_parts;
		setup(false, true, NULL);
		stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
		CHECK(last_len == sa.last_tx_len && memcmp(joined_last, sa.last_tx, last_len) == 0);
		CHECK_EQ(1, sb.ndeliv); /* B verified every outer checksum */
		CHECK(sb.len[0] == n && memcmp(sb.frame[0], f, n) == 0);
		/* control: left partial, B's checks refuse them */
		leave_partial = true;
		setup(false, true, NULL);
		stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
		leave_partial = false;
		CHECK_EQ(0, sb.ndeliv);
		CHECK(stats(ep_b).rx_bad_csum > 0);
	}
	ops = &ops_joined;

	check_test("zero-copy buffer: same bytes on the wire as a copied frame");
	setup(false, true, NULL);
	n = make_tcp(f, 5000, 0);
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	static uint8_t copied_last[70000];
	size_t copied_len = sa.last_tx_len;
	memcpy(copied_last, sa.last_tx, copied_len);
	setup(false, true, NULL);
	size_t cap = 0;
	uint8_t *zb = stt_endpoint_tx_buffer(ep_a, &cap);
	CHECK(cap >= 65536);
	memcpy(zb, f, n);
	CHECK_EQ(4, stt_endpoint_encap(ep_a, 0, zb, n, NULL, 1000));
	CHECK_EQ(copied_len, sa.last_tx_len);
	CHECK(memcmp(copied_last, sa.last_tx, copied_len) == 0);
	CHECK_EQ(1, sb.ndeliv);
	CHECK(sb.len[0] == n && memcmp(sb.frame[0], f, n) == 0);

	check_test("zero-copy buffer: a super-frame beyond 64 KB still splits");
	setup(true, true, NULL);
	n = make_tcp(f, 65495, 0);
	zb = stt_endpoint_tx_buffer(ep_a, &cap);
	CHECK(cap >= n);
	memcpy(zb, f, n);
	struct stt_offload big = { STT_OFF_F_NEEDS_CSUM, STT_OFF_GSO_TCPV4, 54, 1448, 34, 16 };
	stt_endpoint_encap(ep_a, 0, zb, n, &big, 1000);
	CHECK_EQ(2, sb.ndeliv);
	CHECK(sb.len[0] + sb.len[1] == n + 54);
	CHECK(memcmp(sb.frame[1] + 54, f + 54 + (sb.len[0] - 54), sb.len[1] - 54) == 0);

	check_test("a sender that is not a peer: counted, not delivered");
	setup(false, false, NULL);
	n = make_tcp(f, 100, 0);
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	CHECK_EQ(0, sb.ndeliv);
	CHECK_EQ(1, stats(ep_b).rx_bad_peer);

	check_test("bad outer checksum: counted, not delivered");
	setup(false, true, NULL);
	sa.corrupt = true;
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	CHECK_EQ(0, sb.ndeliv);
	CHECK_EQ(1, stats(ep_b).rx_bad_csum);

	check_test("unknown context: counted, not delivered");
	setup(false, true, NULL);
	stt_endpoint_add_context(ep_a, 43, 1, 0);
	stt_endpoint_encap(ep_a, 1, f, n, NULL, 1000);
	CHECK_EQ(0, sb.ndeliv);
	CHECK_EQ(1, stats(ep_b).rx_unknown_context);
	CHECK_EQ(0, stt_endpoint_encap(ep_a, 7, f, n, NULL, 1000)); /* no context on port 7 */
	CHECK_EQ(1, stats(ep_a).tx_no_context);

	check_test("QoS uniform: DSCP and ECT(0) copied out");
	setup(false, true, "uniform");
	n = make_tcp(f, 100, (10 << 2) | STT_ECN_ECT0);
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	CHECK_EQ((10 << 2) | STT_ECN_ECT0, sa.last_tx[15]);
	CHECK_EQ(1, sb.ndeliv);
	CHECK_EQ((10 << 2) | STT_ECN_ECT0, sb.frame[0][15]);

	check_test("RFC 6040: CE on a later segment marks the inner packet CE");
	setup(false, true, "uniform");
	n = make_tcp(f, 3000, (10 << 2) | STT_ECN_ECT0);
	sa.mark_ce = 3; /* the last of three segments, not the offset-0 one */
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	CHECK_EQ(1, sb.ndeliv);
	CHECK_EQ((10 << 2) | STT_ECN_CE, sb.frame[0][15]);
	CHECK_EQ(0, stt_csum_ipv4_hdr(sb.frame[0] + 14, 20)); /* header checksum still right */
	CHECK(memcmp(sb.frame[0] + 16, f + 16, n - 16) != 0); /* only TOS and checksum moved */
	CHECK(memcmp(sb.frame[0] + 26, f + 26, n - 26) == 0);

	check_test("RFC 6040: CE over a Not-ECT inner packet is dropped");
	setup(false, true, "uniform");
	n = make_tcp(f, 100, 10 << 2);
	sa.mark_ce = 1;
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	CHECK_EQ(0, sb.ndeliv);
	struct stt_ep_ctx_stats cs;
	stt_endpoint_context_stats(ep_b, 0, &cs);
	CHECK_EQ(1, cs.rx_ecn_drops);

	check_test("pipe: outer DSCP by policy, inner DSCP kept");
	setup(false, true, "pipe:46");
	n = make_tcp(f, 100, 10 << 2);
	stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000);
	CHECK_EQ(46 << 2, sa.last_tx[15]);
	CHECK_EQ(1, sb.ndeliv);
	CHECK_EQ(10 << 2, sb.frame[0][15]);

	check_test("inner TSO: partial + MSS out, GSO super-frame back");
	setup(true, true, NULL);
	n = make_tcp(f, 30000, 0);
	struct stt_offload in_off = { STT_OFF_F_NEEDS_CSUM, STT_OFF_GSO_TCPV4, 54, 1448, 34, 16 };
	stt_endpoint_encap(ep_a, 0, f, n, &in_off, 1000);
	/* STT header at Ethernet 14 + IP 20 + TCP 20: flags, l4 offset, MSS */
	CHECK_EQ(STT_F_CSUM_PARTIAL | STT_F_IPV4 | STT_F_TCP, sa.last_tx[54 + 1]);
	CHECK_EQ(34, sa.last_tx[54 + 2]);
	CHECK_EQ(1448, (sa.last_tx[54 + 4] << 8) | sa.last_tx[54 + 5]);
	CHECK_EQ(1, sb.ndeliv);
	CHECK_EQ(STT_OFF_F_NEEDS_CSUM, sb.off[0].flags);
	CHECK_EQ(STT_OFF_GSO_TCPV4, sb.off[0].gso_type);
	CHECK_EQ(1448, sb.off[0].gso_size);
	CHECK_EQ(34, sb.off[0].csum_start);
	CHECK_EQ(16, sb.off[0].csum_offset);
	CHECK_EQ(54, sb.off[0].hdr_len);

	for (int zero_copy = 0; zero_copy < 2; zero_copy++) {
		check_test(zero_copy ? "802.1Q tag to the STT header and back (zero-copy buffer)"
				     : "802.1Q tag to the STT header and back (copied frame)");
		static uint8_t tagged[70000];
		setup(true, true, NULL);
		n = make_tcp(f, 30000, 0);
		memcpy(tagged, f, 12);
		/* PCP 5, DEI 1 (not carried), VLAN 123 */
		memcpy(tagged + 12, "\x81\x00\xb0\x7b", 4);
		memcpy(tagged + 16, f + 12, n - 12);
		struct stt_offload t_off = { STT_OFF_F_NEEDS_CSUM, STT_OFF_GSO_TCPV4, 58, 1448, 38, 16 };
		const uint8_t *src = tagged;
		if (zero_copy) {
			uint8_t *zbuf = stt_endpoint_tx_buffer(ep_a, &cap);
			memcpy(zbuf, tagged, n + 4);
			src = zbuf;
		}
		CHECK_EQ(1, stt_endpoint_encap(ep_a, 0, src, n + 4, &t_off, 1000));
		/* on the wire: V, PCP 5, VLAN 123 in the header; the inner frame
		 * untagged, its L4 offset counted without the tag */
		CHECK_EQ(stt_vlan_tci(5, true, 123), (sa.first_gso[54 + 6] << 8) | sa.first_gso[54 + 7]);
		CHECK_EQ(34, sa.first_gso[54 + 2]);
		CHECK(memcmp(sa.first_gso + 54 + 18, f, 14) == 0);
		/* delivered: the tag back (DEI 0), offsets moved with it */
		CHECK_EQ(1, sb.ndeliv);
		CHECK_EQ(n + 4, sb.len[0]);
		CHECK(memcmp(sb.frame[0], tagged, 14) == 0);
		CHECK_EQ(0xa0, sb.frame[0][14]);
		CHECK_EQ(0x7b, sb.frame[0][15]);
		CHECK(memcmp(sb.frame[0] + 16, tagged + 16, n - 12) == 0);
		CHECK_EQ(38, sb.off[0].csum_start);
		CHECK_EQ(58, sb.off[0].hdr_len);
		CHECK_EQ(1448, sb.off[0].gso_size);
		struct stt_ep_ctx_stats ca, cb;
		stt_endpoint_context_stats(ep_a, 0, &ca);
		stt_endpoint_context_stats(ep_b, 0, &cb);
		CHECK_EQ(1, ca.tx_vlan_offloaded);
		CHECK_EQ(1, cb.rx_vlan_applied);
	}

	check_test("an 802.1ad tag stays in the frame; no V in the header");
	setup(false, true, NULL);
	n = make_tcp(f, 100, 0);
	{
		static uint8_t qinq[300];
		memcpy(qinq, f, 12);
		memcpy(qinq + 12, "\x88\xa8\x00\x07", 4);
		memcpy(qinq + 16, f + 12, n - 12);
		stt_endpoint_encap(ep_a, 0, qinq, n + 4, NULL, 1000);
		CHECK_EQ(0, (sa.last_tx[54 + 6] << 8) | sa.last_tx[54 + 7]);
		CHECK_EQ(1, sb.ndeliv);
		CHECK(sb.len[0] == n + 4 && memcmp(sb.frame[0], qinq, n + 4) == 0);
	}

	check_test("checksum verified travels as DATA_VALID");
	setup(false, true, NULL);
	n = make_tcp(f, 100, 0);
	struct stt_offload valid = { STT_OFF_F_DATA_VALID, 0, 0, 0, 0, 0 };
	stt_endpoint_encap(ep_a, 0, f, n, &valid, 1000);
	CHECK_EQ(1, sb.ndeliv);
	CHECK_EQ(STT_OFF_F_DATA_VALID, sb.off[0].flags);

	check_test("a TCP super-frame beyond 64 KB is split into frames that fit");
	setup(true, true, NULL);
	n = make_tcp(f, 65495, 0); /* IP length 65535: 65549-byte Ethernet frame */
	CHECK(n > STT_MAX_INNER_LEN);
	stt_endpoint_encap(ep_a, 0, f, n, &in_off, 1000);
	CHECK_EQ(1, stats(ep_a).tx_split);
	CHECK_EQ(2, sb.ndeliv);
	if (sb.ndeliv == 2) {
		size_t p0 = sb.len[0] - 54, p1 = sb.len[1] - 54;
		CHECK_EQ(65495, p0 + p1);
		CHECK_EQ(0, p0 % 1448);
		CHECK(memcmp(sb.frame[0] + 54, f + 54, p0) == 0);
		CHECK(memcmp(sb.frame[1] + 54, f + 54 + p0, p1) == 0);
		CHECK_EQ(0, stt_csum_ipv4_hdr(sb.frame[0] + 14, 20));
		CHECK_EQ(0, stt_csum_ipv4_hdr(sb.frame[1] + 14, 20));
		CHECK_EQ(sb.len[1] - 14, (sb.frame[1][16] << 8) | sb.frame[1][17]);
		struct stt_cur c = stt_cur_make(sb.frame[1] + 38, 4);
		CHECK_EQ(1000000 + p0, stt_get_be32(&c));
		CHECK_EQ(0, sb.frame[0][47] & STT_TCP_PSH); /* PSH only on the last */
		CHECK(sb.frame[1][47] & STT_TCP_PSH);
	}

	check_test("a frame too long and not a TCP super-frame: counted");
	setup(false, true, NULL);
	n = make_tcp(f, 65495, 0);
	CHECK_EQ(0, stt_endpoint_encap(ep_a, 0, f, n, NULL, 1000));
	CHECK_EQ(1, stats(ep_a).tx_too_long);

	check_test("garbage input never crashes and is counted");
	setup(false, true, NULL);
	for (size_t len = 0; len < 200; len++) {
		for (size_t i = 0; i < len; i++)
			f[i] = (uint8_t)(i * 31 + len);
		stt_endpoint_input(ep_b, f, len, STT_EP_CSUM_UNKNOWN, 1000);
	}
	struct stt_ep_stats s = stats(ep_b);
	CHECK_EQ(200, s.rx_packets);
	CHECK_EQ(200, s.rx_not_stt + s.rx_malformed + s.rx_bad_peer);
	CHECK_EQ(0, sb.ndeliv);

	stt_endpoint_free(ep_a);
	stt_endpoint_free(ep_b);
	return check_done();
}
