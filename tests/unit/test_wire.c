/* Wire codecs: STT frame header, TCP-like header, VLAN/seq helpers,
 * addresses and Internet checksums. */
#include <string.h>

#include "check.h"
#include "stt/csum.h"
#include "stt/wire.h"

static void test_frame_hdr(void)
{
	static const uint8_t wire[18] = {
		0x00, 0x0e, 0x22, 0x5a, 0x23, 0x28, 0xb0, 0x64, 0x01, 0x23,
		0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xbe, 0xef,
	};
	struct stt_frame_hdr h, h2;
	uint8_t out[18];

	check_test("frame header: decode every field");
	memset(&h, 0xff, sizeof(h));
	CHECK_EQ(0, stt_frame_hdr_decode(wire, sizeof(wire), &h));
	CHECK_EQ(0, h.version);
	CHECK_EQ(STT_F_CSUM_PARTIAL | STT_F_IPV4 | STT_F_TCP, h.flags);
	CHECK_EQ(34, h.l4_offset);
	CHECK_EQ(0x5a, h.reserved);
	CHECK_EQ(9000, h.mss);
	CHECK_EQ(0xb064, h.vlan_tci);
	CHECK_EQ(5, stt_vlan_pcp(h.vlan_tci));
	CHECK(stt_vlan_valid(h.vlan_tci));
	CHECK_EQ(100, stt_vlan_id(h.vlan_tci));
	CHECK(h.context_id == 0x0123456789abcdefull);
	CHECK_EQ(0xbeef, h.padding);

	check_test("frame header: encode(decode(x)) == x");
	stt_frame_hdr_encode(&h, out);
	CHECK(memcmp(out, wire, sizeof(wire)) == 0);

	check_test("frame header: round trip of extreme values");
	h.version = 0xff;
	h.flags = 0xff;
	h.l4_offset = 0xff;
	h.reserved = 0xff;
	h.mss = 0xffff;
	h.vlan_tci = 0xffff;
	h.context_id = ~0ull;
	h.padding = 0xffff;
	stt_frame_hdr_encode(&h, out);
	for (int i = 0; i < 18; i++)
		CHECK_EQ(0xff, out[i]);
	CHECK_EQ(0, stt_frame_hdr_decode(out, sizeof(out), &h2));
	CHECK(h2.version == 0xff && h2.flags == 0xff && h2.l4_offset == 0xff && h2.reserved == 0xff);
	CHECK(h2.mss == 0xffff && h2.vlan_tci == 0xffff && h2.padding == 0xffff);
	CHECK(h2.context_id == ~0ull);

	check_test("frame header: short input is refused");
	for (size_t n = 0; n < 18; n++)
		CHECK_EQ(-1, stt_frame_hdr_decode(wire, n, &h));
	CHECK_EQ(-1, stt_frame_hdr_decode(NULL, 0, &h));
}

static void test_vlan_helpers(void)
{
	check_test("VLAN TCI helpers: pack and unpack PCP, V, ID");
	for (unsigned pcp = 0; pcp < 8; pcp++)
		for (unsigned id = 0; id < 4096; id += 273) {
			uint16_t t = stt_vlan_tci(pcp, true, id);

			CHECK_EQ(pcp, stt_vlan_pcp(t));
			CHECK(stt_vlan_valid(t));
			CHECK_EQ(id, stt_vlan_id(t));
			CHECK(!stt_vlan_valid(stt_vlan_tci(pcp, false, id)));
		}
	CHECK_EQ(0xf001, stt_vlan_tci(7, true, 1));
	CHECK_EQ(0x0fff, stt_vlan_tci(0, false, 0xffff)); /* ID masked to 12 bits */
	CHECK_EQ(0x2000, stt_vlan_tci(9, false, 0));	   /* PCP masked to 3 bits */
}

static void test_tcp_hdr(void)
{
	static const uint8_t wire[20] = {
		0xc3, 0x50, 0x1d, 0x2f, 0x23, 0x28, 0x05, 0x78, 0xde, 0xad,
		0xbe, 0xef, 0x5a, 0x19, 0xff, 0xff, 0x12, 0x34, 0x00, 0x07,
	};
	struct stt_tcp_hdr t;
	uint8_t out[20];

	check_test("TCP header: decode every field");
	CHECK_EQ(0, stt_tcp_hdr_decode(wire, sizeof(wire), &t));
	CHECK_EQ(50000, t.sport);
	CHECK_EQ(7471, t.dport);
	CHECK_EQ(0x23280578, t.seq);
	CHECK_EQ(9000, stt_seq_frame_len(t.seq));
	CHECK_EQ(1400, stt_seq_offset(t.seq));
	CHECK_EQ(0xdeadbeef, t.ack);
	CHECK_EQ(5, t.doff);
	CHECK_EQ(0xa, t.rsvd);
	CHECK_EQ(STT_TCP_ACK | STT_TCP_PSH | STT_TCP_FIN, t.flags);
	CHECK_EQ(0xffff, t.window);
	CHECK_EQ(0x1234, t.csum);
	CHECK_EQ(7, t.urg);

	check_test("TCP header: encode(decode(x)) == x; seq helpers");
	stt_tcp_hdr_encode(&t, out);
	CHECK(memcmp(out, wire, sizeof(wire)) == 0);
	CHECK_EQ(0x23280578, stt_seq_make(9000, 1400));
	CHECK_EQ(0xffff0000u, stt_seq_make(65535, 0));
	t.doff = 15;
	t.rsvd = 0x1f; /* only 4 bits are encoded */
	stt_tcp_hdr_encode(&t, out);
	CHECK_EQ(0xff, out[12]);

	check_test("TCP header: short input is refused");
	for (size_t n = 0; n < 20; n++)
		CHECK_EQ(-1, stt_tcp_hdr_decode(wire, n, &t));
}

static void test_addr(void)
{
	struct stt_addr a, b;
	char buf[64];

	check_test("addresses: parse and format IPv4 and IPv6");
	CHECK_EQ(0, stt_addr_parse("192.0.2.1", &a));
	CHECK_EQ(4, a.family);
	CHECK(a.a[0] == 192 && a.a[1] == 0 && a.a[2] == 2 && a.a[3] == 1 && a.a[4] == 0);
	CHECK(strcmp(stt_addr_format(&a, buf, sizeof(buf)), "192.0.2.1") == 0);
	CHECK_EQ(0, stt_addr_parse("2001:db8::1", &b));
	CHECK_EQ(6, b.family);
	CHECK(b.a[0] == 0x20 && b.a[1] == 0x01 && b.a[15] == 1);
	CHECK(strcmp(stt_addr_format(&b, buf, sizeof(buf)), "2001:db8::1") == 0);

	check_test("addresses: equality by family and bytes");
	CHECK(!stt_addr_eq(&a, &b));
	CHECK_EQ(0, stt_addr_parse("192.0.2.1", &b));
	CHECK(stt_addr_eq(&a, &b));
	b.a[3] = 2;
	CHECK(!stt_addr_eq(&a, &b));
	CHECK_EQ(0, stt_addr_parse("::ffff:192.0.2.1", &b));
	CHECK(!stt_addr_eq(&a, &b)); /* mapped IPv6 is not the IPv4 address */

	check_test("addresses: bad text refused, small buffers handled");
	CHECK_EQ(-1, stt_addr_parse("192.0.2", &a));
	CHECK_EQ(0, a.family);
	CHECK_EQ(-1, stt_addr_parse("192.0.2.256", &a));
	CHECK_EQ(-1, stt_addr_parse("host.example", &a));
	CHECK_EQ(-1, stt_addr_parse("", &a));
	CHECK_EQ(-1, stt_addr_parse(NULL, &a));
	CHECK_EQ(-1, stt_addr_parse("2001:db8::1::2", &a));
	CHECK(strcmp(stt_addr_format(&a, buf, sizeof(buf)), "-") == 0);
	CHECK_EQ(0, stt_addr_parse("198.51.100.200", &a));
	CHECK(strcmp(stt_addr_format(&a, buf, 5), "?") == 0);
	CHECK(strcmp(stt_addr_format(&a, buf, 1), "") == 0);
}

static void test_csum(void)
{
	/* RFC 1071 section 3 example: the words sum to 0xddf2. */
	static const uint8_t rfc[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	/* A textbook IPv4 header whose checksum is 0xb861. */
	uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			   0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t big[4001];
	uint32_t s;
	struct stt_addr s4, d4, s6, d6;

	check_test("csum: RFC 1071 example, odd lengths, chunked sums");
	CHECK_EQ(0xddf2, stt_csum_add(0, rfc, 8));
	CHECK_EQ((uint16_t)~0xddf2, stt_csum_fold(stt_csum_add(0, rfc, 8)));
	/* odd tail padded on the right: 0001 + f203 + f400 = 0x1e604, folded 0xe605 */
	CHECK_EQ(0xe605, stt_csum_add(0, rfc, 5));
	s = stt_csum_add(0, rfc, 2);
	s = stt_csum_add(s, rfc + 2, 4);
	s = stt_csum_add(s, rfc + 6, 2);
	CHECK_EQ(0xddf2, s);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 131 + 17);
	for (size_t cut = 0; cut <= 64; cut += 2)
		CHECK_EQ(stt_csum_add(0, big, sizeof(big)),
			 stt_csum_add(stt_csum_add(0, big, cut), big + cut, sizeof(big) - cut));
	CHECK_EQ(0xffff, stt_csum_fold(0));
	CHECK_EQ(0x0000, stt_csum_fold(0xffff));
	CHECK_EQ(0xfffe, stt_csum_fold(0x10000)); /* end-around carry */

	check_test("csum: IPv4 header checksum known answer, verify gives 0");
	CHECK_EQ(0xb861, stt_csum_ipv4_hdr(ip, 20));
	ip[10] = 0xb8;
	ip[11] = 0x61;
	CHECK_EQ(0, stt_csum_ipv4_hdr(ip, 20));
	ip[15] ^= 1;
	CHECK(stt_csum_ipv4_hdr(ip, 20) != 0);

	check_test("csum: pseudo-header sums for IPv4 and IPv6");
	stt_addr_parse("192.0.2.1", &s4);
	stt_addr_parse("192.0.2.2", &d4);
	/* c000 + 0201 + c000 + 0202 + 0006 + 0036 = 0x1843f -> 0x8440 */
	CHECK_EQ(0x8440, stt_csum_pseudo(&s4, &d4, 6, 54));
	CHECK_EQ(0x8440, stt_csum_pseudo_only(&s4, &d4, 6, 54));
	stt_addr_parse("2001:db8::1", &s6);
	stt_addr_parse("2001:db8::2", &d6);
	/* 2001+0db8+1 + 2001+0db8+2 + 6 + 0x1_0014 (32-bit length: 1 + 0x14) */
	CHECK_EQ(0x2001 + 0x0db8 + 1 + 0x2001 + 0x0db8 + 2 + 6 + 1 + 0x14,
		 stt_csum_pseudo(&s6, &d6, 6, 0x10014));

	check_test("csum: l4 checksum verifies to 0 with the field filled in");
	{
		uint8_t seg[40] = { 0 };
		uint16_t c;

		for (int i = 0; i < 40; i++)
			seg[i] = (uint8_t)(i * 7 + 1);
		seg[16] = seg[17] = 0;
		c = stt_csum_l4(&s6, &d6, 6, seg, sizeof(seg));
		seg[16] = (uint8_t)(c >> 8);
		seg[17] = (uint8_t)c;
		CHECK_EQ(0, stt_csum_l4(&s6, &d6, 6, seg, sizeof(seg)));
		seg[30] ^= 0x40;
		CHECK(stt_csum_l4(&s6, &d6, 6, seg, sizeof(seg)) != 0);
	}

	check_test("csum: pseudo_only is the folded pseudo sum, not complemented");
	for (uint32_t len = 20; len < 70000; len += 997) {
		uint16_t p = stt_csum_pseudo_only(&s4, &d4, 6, len);

		CHECK(p != 0); /* a non-zero sum folds into 1..0xffff */
		CHECK_EQ((uint16_t)~stt_csum_fold(stt_csum_pseudo(&s4, &d4, 6, len)), p);
	}
}

int main(void)
{
	test_frame_hdr();
	test_vlan_helpers();
	test_tcp_hdr();
	test_addr();
	test_csum();
	return check_done();
}
