/* Outer parser: every link type, IPv4 options, IPv6 extension headers,
 * fragments, length rules, checksum verdicts, and every cut length of
 * valid packets (run under ASan: buffers are allocated to the exact cut
 * so that any over-read is caught). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stt/csum.h"
#include "stt/outer.h"
#include "stt/segment.h"

#define PKT_MAX 4096

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

static uint8_t frame[2000];

static void tmpl_for(struct stt_outer_tmpl *t, int fam)
{
	stt_outer_tmpl_defaults(t);
	t->with_eth = false;
	stt_addr_parse(fam == 4 ? "198.51.100.7" : "2001:db8:1::7", &t->src);
	stt_addr_parse(fam == 4 ? "203.0.113.9" : "2001:db8:2::9", &t->dst);
	t->sport = 51234;
	t->ack = 0x01020304;
	t->ip_id = 777;
	t->tos = 0x2a;
	t->ttl = 33;
	t->flowlabel = 0x54321;
}

/* Raw IP packet carrying frame[off, off+len) of a 1000-byte frame. */
static void ip_pkt(struct pkt *p, int fam, size_t len, enum stt_csum_mode mode)
{
	struct stt_outer_tmpl t;

	tmpl_for(&t, fam);
	t.csum_mode = mode;
	p->len = stt_segment_write(&t, 1000, 0, frame, len, true, 0, p->b, sizeof(p->b));
}

static void prepend(struct pkt *p, const uint8_t *h, size_t n)
{
	memmove(p->b + n, p->b, p->len);
	memcpy(p->b, h, n);
	p->len += n;
}

static void insert_at(struct pkt *p, size_t at, const uint8_t *h, size_t n)
{
	memmove(p->b + at + n, p->b + at, p->len - at);
	memcpy(p->b + at, h, n);
	p->len += n;
}

static void put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* Recompute an IPv4 header checksum at l3 after editing the header. */
static void fix_ipv4(struct pkt *p, size_t l3)
{
	size_t ihl = (size_t)(p->b[l3] & 15) * 4;

	put16(p->b + l3 + 10, 0);
	put16(p->b + l3 + 10, stt_csum_ipv4_hdr(p->b + l3, ihl));
}

static const uint8_t mac_d[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_s[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };

/* Ethernet header with the given VLAN tags (tpid, tci pairs). */
static void eth_wrap(struct pkt *p, int fam, const uint16_t *tags, unsigned ntags)
{
	uint8_t h[14 + 16];
	size_t n = 12;

	memcpy(h, mac_d, 6);
	memcpy(h + 6, mac_s, 6);
	for (unsigned i = 0; i < ntags; i++) {
		put16(h + n, tags[2 * i]);
		put16(h + n + 2, tags[2 * i + 1]);
		n += 4;
	}
	put16(h + n, fam == 4 ? 0x0800 : 0x86dd);
	prepend(p, h, n + 2);
}

static enum stt_parse_status parse(int lt, const struct pkt *p, struct stt_outer *o,
				   const char **why)
{
	return stt_outer_parse(lt, p->b, p->len, p->len, true, o, why);
}

/* Fields every good parse of ip_pkt() output must show. */
static void check_common(const struct stt_outer *o, int fam, size_t l3, size_t len)
{
	struct stt_outer_tmpl t;

	tmpl_for(&t, fam);
	CHECK_EQ(l3, o->l3_off);
	CHECK_EQ(fam, o->ip_version);
	CHECK(stt_addr_eq(&o->src, &t.src));
	CHECK(stt_addr_eq(&o->dst, &t.dst));
	CHECK_EQ(0x2a, o->tos);
	CHECK_EQ(33, o->ttl);
	if (fam == 4) {
		CHECK_EQ(777, o->ip_id);
		CHECK_EQ(0x4000, o->ip_frag);
		CHECK(o->ipv4_csum_ok);
	} else {
		CHECK_EQ(0x54321, o->flowlabel);
	}
	CHECK_EQ(51234, o->tcp.sport);
	CHECK_EQ(7471, o->tcp.dport);
	CHECK_EQ(stt_seq_make(1000, 0), o->tcp.seq);
	CHECK_EQ(0x01020304, o->tcp.ack);
	CHECK_EQ(STT_TCP_ACK | STT_TCP_PSH, o->tcp.flags);
	CHECK_EQ(20, o->tcp_hdr_len);
	CHECK_EQ(len, o->payload_len);
	CHECK_EQ(len, o->payload_wire_len);
	CHECK(!o->truncated);
	CHECK(o->payload && memcmp(o->payload, frame, len) == 0);
	CHECK_EQ(STT_CSUM_OK, o->csum);
}

static void test_ethernet(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why = "x";

	check_test("ethernet: IPv4 segment, every field");
	ip_pkt(&p, 4, 300, STT_CSUM_MODE_FULL);
	eth_wrap(&p, 4, NULL, 0);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
	CHECK(why == NULL);
	CHECK(o.has_eth);
	CHECK(memcmp(o.eth_dst, mac_d, 6) == 0 && memcmp(o.eth_src, mac_s, 6) == 0);
	CHECK_EQ(0x0800, o.ethertype);
	CHECK_EQ(0, o.n_vlans);
	CHECK_EQ(20, o.ip_hdr_len);
	CHECK_EQ(34, o.l4_off);
	CHECK(o.payload == p.b + 54);
	CHECK_EQ(STT_LINK_ETHERNET, o.linktype);
	check_common(&o, 4, 14, 300);

	check_test("ethernet: IPv6 segment");
	ip_pkt(&p, 6, 999, STT_CSUM_MODE_FULL);
	eth_wrap(&p, 6, NULL, 0);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
	CHECK_EQ(0x86dd, o.ethertype);
	CHECK_EQ(40, o.ip_hdr_len);
	CHECK_EQ(54, o.l4_off);
	check_common(&o, 6, 14, 999);

	check_test("ethernet: 802.1Q, 802.1ad QinQ and 0x9100 tags");
	{
		static const uint16_t q[] = { 0x8100, 0x2064 };
		static const uint16_t qinq[] = { 0x88a8, 0x00c8, 0x8100, 0xe00a };
		static const uint16_t old[] = { 0x9100, 0x0005, 0x8100, 0x0006 };

		ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
		eth_wrap(&p, 4, q, 1);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK_EQ(1, o.n_vlans);
		CHECK_EQ(0x8100, o.vlan_tpid[0]);
		CHECK_EQ(0x2064, o.vlan_tci[0]);
		check_common(&o, 4, 18, 100);

		ip_pkt(&p, 6, 100, STT_CSUM_MODE_FULL);
		eth_wrap(&p, 6, qinq, 2);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK_EQ(2, o.n_vlans);
		CHECK_EQ(0x88a8, o.vlan_tpid[0]);
		CHECK_EQ(0x00c8, o.vlan_tci[0]);
		CHECK_EQ(0x8100, o.vlan_tpid[1]);
		CHECK_EQ(0xe00a, o.vlan_tci[1]);
		check_common(&o, 6, 22, 100);

		ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
		eth_wrap(&p, 4, old, 2);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK_EQ(0x9100, o.vlan_tpid[0]);
		check_common(&o, 4, 22, 100);
	}

	check_test("ethernet: three tags, ARP, 802.3 length are not IP");
	{
		static const uint16_t three[] = { 0x88a8, 1, 0x8100, 2, 0x8100, 3 };

		ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
		eth_wrap(&p, 4, three, 3);
		CHECK_EQ(STT_PARSE_NOT_IP, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK(why && strstr(why, "VLAN"));
		ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
		eth_wrap(&p, 4, NULL, 0);
		put16(p.b + 12, 0x0806);
		CHECK_EQ(STT_PARSE_NOT_IP, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK(why && strstr(why, "EtherType"));
		put16(p.b + 12, 0x05dc);
		CHECK_EQ(STT_PARSE_NOT_IP, parse(STT_LINK_ETHERNET, &p, &o, &why));
		put16(p.b + 12, 0x86dd); /* IPv6 EtherType, IPv4 inside */
		CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK(why && strstr(why, "version"));
	}
}

static void test_cooked(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;

	check_test("Linux SLL: header, packet type, address, VLAN inside");
	{
		uint8_t h[16] = { 0x00, 0x04, 0x00, 0x01, 0x00, 0x06 };

		memcpy(h + 6, mac_s, 6);
		put16(h + 14, 0x0800);
		ip_pkt(&p, 4, 200, STT_CSUM_MODE_FULL);
		prepend(&p, h, 16);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_LINUX_SLL, &p, &o, &why));
		CHECK_EQ(4, o.sll_pkttype);
		CHECK(!o.has_eth);
		CHECK(memcmp(o.eth_src, mac_s, 6) == 0);
		check_common(&o, 4, 16, 200);

		put16(h + 14, 0x8100);
		ip_pkt(&p, 6, 200, STT_CSUM_MODE_FULL);
		{
			uint8_t tag[4] = { 0x00, 0x0c, 0x86, 0xdd };

			prepend(&p, tag, 4);
		}
		prepend(&p, h, 16);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_LINUX_SLL, &p, &o, &why));
		CHECK_EQ(1, o.n_vlans);
		CHECK_EQ(12, o.vlan_tci[0]);
		check_common(&o, 6, 20, 200);
	}

	check_test("Linux SLL2: protocol first, 20-byte header");
	{
		uint8_t h[20] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0x00, 0x01, 0x00, 0x06 };

		memcpy(h + 12, mac_s, 6);
		ip_pkt(&p, 6, 321, STT_CSUM_MODE_FULL);
		prepend(&p, h, 20);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_LINUX_SLL2, &p, &o, &why));
		CHECK_EQ(0, o.sll_pkttype);
		CHECK(memcmp(o.eth_src, mac_s, 6) == 0);
		check_common(&o, 6, 20, 321);
		p.b[10] = 4; /* outgoing */
		p.b[0] = 0x08, p.b[1] = 0x06;
		CHECK_EQ(STT_PARSE_NOT_IP, parse(STT_LINK_LINUX_SLL2, &p, &o, &why));
		CHECK_EQ(4, o.sll_pkttype);
	}
}

static void test_raw_and_loop(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;
	static const int raws[] = { STT_LINK_RAW, STT_LINK_RAW_DLT };

	check_test("raw IP: LINKTYPE_RAW and DLT_RAW, both versions");
	for (int i = 0; i < 2; i++)
		for (int fam = 4; fam <= 6; fam += 2) {
			ip_pkt(&p, fam, 77, STT_CSUM_MODE_FULL);
			CHECK_EQ(STT_PARSE_OK, parse(raws[i], &p, &o, &why));
			CHECK(!o.has_eth);
			check_common(&o, fam, 0, 77);
		}

	check_test("raw IP: LINKTYPE_IPV4/IPV6 accept only their version");
	ip_pkt(&p, 4, 77, STT_CSUM_MODE_FULL);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_IPV4, &p, &o, &why));
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_IPV6, &p, &o, &why));
	CHECK(why && strstr(why, "version"));
	ip_pkt(&p, 6, 77, STT_CSUM_MODE_FULL);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_IPV6, &p, &o, &why));
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_IPV4, &p, &o, &why));
	p.b[0] = 0x55;
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_RAW, &p, &o, &why));

	check_test("loopback: NULL in either byte order, LOOP, every AF_INET6");
	{
		static const uint32_t afs[] = { 2, 10, 24, 28, 30 };

		for (unsigned i = 0; i < 5; i++)
			for (int order = 0; order < 2; order++) {
				uint32_t af = afs[i];
				int fam = af == 2 ? 4 : 6;
				uint8_t h[4];

				if (order) { /* big-endian */
					h[0] = 0, h[1] = 0, h[2] = 0, h[3] = (uint8_t)af;
				} else {
					h[0] = (uint8_t)af, h[1] = 0, h[2] = 0, h[3] = 0;
				}
				ip_pkt(&p, fam, 50, STT_CSUM_MODE_FULL);
				prepend(&p, h, 4);
				CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_NULL, &p, &o, &why));
				check_common(&o, fam, 4, 50);
				CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_LOOP, &p, &o, &why));
			}
		ip_pkt(&p, 4, 50, STT_CSUM_MODE_FULL);
		{
			uint8_t h[4] = { 0, 0, 0, 7 };

			prepend(&p, h, 4);
		}
		CHECK_EQ(STT_PARSE_NOT_IP, parse(STT_LINK_NULL, &p, &o, &why));
		CHECK(why && strstr(why, "family"));
	}

	check_test("link types: supported set, names, unsupported refused");
	CHECK(stt_link_supported(STT_LINK_ETHERNET));
	CHECK(stt_link_supported(STT_LINK_LINUX_SLL2));
	CHECK(!stt_link_supported(147));
	CHECK(strcmp(stt_link_name(STT_LINK_ETHERNET), "EN10MB") == 0);
	CHECK(strcmp(stt_link_name(STT_LINK_LINUX_SLL), "LINUX_SLL") == 0);
	CHECK(strcmp(stt_link_name(147), "unknown") == 0);
	ip_pkt(&p, 4, 50, STT_CSUM_MODE_FULL);
	CHECK_EQ(STT_PARSE_UNSUPPORTED_LINK, parse(147, &p, &o, &why));
	CHECK(why != NULL);
}

static void test_ipv4(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;

	check_test("IPv4 options: IHL 7, payload after the options, checksums ok");
	{
		/* NOP NOP, then a Router Alert (4 bytes), then NOP x4 */
		static const uint8_t opts[8] = { 1, 1, 0x94, 4, 0, 0, 1, 1 };

		ip_pkt(&p, 4, 400, STT_CSUM_MODE_FULL);
		insert_at(&p, 20, opts, 8);
		p.b[0] = 0x47;
		put16(p.b + 2, (unsigned)p.len);
		fix_ipv4(&p, 0);
		eth_wrap(&p, 4, NULL, 0);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK_EQ(28, o.ip_hdr_len);
		CHECK_EQ(42, o.l4_off);
		check_common(&o, 4, 14, 400);

		p.b[14 + 21] ^= 0xff; /* an option byte: header checksum now wrong */
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK(!o.ipv4_csum_ok);
	}

	check_test("IPv4: bad version, IHL < 5, total length < IHL are malformed");
	ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
	p.b[0] = 0x44;
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_IPV4, &p, &o, &why));
	CHECK(why && strstr(why, "IHL"));
	p.b[0] = 0x46;
	put16(p.b + 2, 20);
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_IPV4, &p, &o, &why));
	CHECK(why && strstr(why, "total length"));
	put16(p.b + 2, 9000);
	p.b[0] = 0x45;
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_IPV4, &p, &o, &why));
	CHECK(why && strstr(why, "total length"));

	check_test("IPv4: total length 0 (TSO capture) means the captured length");
	ip_pkt(&p, 4, 1000, STT_CSUM_MODE_FULL);
	put16(p.b + 2, 0);
	fix_ipv4(&p, 0);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
	check_common(&o, 4, 0, 1000);

	check_test("IPv4: fragments and non-TCP");
	ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
	put16(p.b + 6, 0x2000); /* MF */
	CHECK_EQ(STT_PARSE_FRAGMENT, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK(why && strstr(why, "fragment"));
	put16(p.b + 6, 0x0010); /* offset 128 */
	CHECK_EQ(STT_PARSE_FRAGMENT, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK_EQ(777, o.ip_id); /* fields filled for the report */
	CHECK_EQ(20, o.ip_hdr_len);
	CHECK_EQ(20, o.l4_off);
	put16(p.b + 6, 0x4000);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
	p.b[9] = 17;
	CHECK_EQ(STT_PARSE_NOT_TCP, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK(why && strstr(why, "protocol"));
	put16(p.b + 6, 0x2000); /* a UDP fragment is just not ours */
	CHECK_EQ(STT_PARSE_NOT_TCP, parse(STT_LINK_RAW, &p, &o, &why));

	check_test("Ethernet padding is not payload; IP length is trusted");
	{
		struct stt_outer_tmpl t;

		tmpl_for(&t, 4);
		t.with_eth = true;
		p.len = stt_segment_write(&t, 1000, 998, frame, 2, true, 0, p.b, sizeof(p.b));
		CHECK_EQ(56, p.len);
		memset(p.b + 56, 0xee, 4); /* padding to 60, not zeros */
		p.len = 60;
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_ETHERNET, &p, &o, &why));
		CHECK_EQ(2, o.payload_len);
		CHECK_EQ(2, o.payload_wire_len);
		CHECK(!o.truncated);
		CHECK_EQ(STT_CSUM_OK, o.csum);
	}
}

static void test_ipv6(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;

	check_test("IPv6: hop-by-hop, routing, destination options, AH skipped");
	{
		static const uint8_t hbh[8] = { 43, 0, 1, 4, 0, 0, 0, 0 };
		static const uint8_t rt[24] = { 60, 2, 4, 0 };	  /* segments left 0 */
		static const uint8_t dst[16] = { 51, 1, 1, 12 };  /* PadN */
		static const uint8_t ah[24] = { 6, 4, 0, 0, 0, 0, 0, 1 };

		ip_pkt(&p, 6, 500, STT_CSUM_MODE_FULL);
		insert_at(&p, 40, ah, 24);
		insert_at(&p, 40, dst, 16);
		insert_at(&p, 40, rt, 24);
		insert_at(&p, 40, hbh, 8);
		p.b[6] = 0;
		put16(p.b + 4, (unsigned)p.len - 40);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(40 + 72, o.ip_hdr_len);
		CHECK_EQ(112, o.l4_off);
		check_common(&o, 6, 0, 500);

		p.b[40 + 8 + 1] = 200; /* routing header length past the payload */
		CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK(why && strstr(why, "extension header"));
		p.b[40 + 8 + 1] = 2;
		p.b[40 + 8 + 24] = 59; /* dest opts says "no next header" */
		CHECK_EQ(STT_PARSE_NOT_TCP, parse(STT_LINK_RAW, &p, &o, &why));
	}

	check_test("IPv6: routing header with segments left: checksum over the final destination");
	{
		/* SRH (type 4) with one segment: segment list[0] is the final
		 * destination; the header holds the next hop meanwhile. */
		uint8_t srh[24] = { 6, 2, 4, 1, 0, 0, 0, 0 };
		struct stt_outer_tmpl t;

		tmpl_for(&t, 6);
		memcpy(srh + 8, t.dst.a, 16);
		ip_pkt(&p, 6, 300, STT_CSUM_MODE_FULL);
		insert_at(&p, 40, srh, 24);
		p.b[6] = 43;
		put16(p.b + 4, (unsigned)p.len - 40);
		p.b[24 + 15] ^= 0x33; /* header destination: an intermediate hop */
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_OK, o.csum);
		CHECK(!stt_addr_eq(&o.dst, &t.dst)); /* dst is what the header says */
		p.b[43] = 0; /* segments left 0: the header's address is final */
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_BAD, o.csum);
		/* type 2 (one address) and type 0 (last address) likewise */
		p.b[42] = 2;
		p.b[43] = 1;
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_OK, o.csum);
		p.b[42] = 0;
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_OK, o.csum);
	}

	check_test("IPv6: fragment header is a fragment (TCP) or not ours (UDP)");
	{
		uint8_t fh[8] = { 6, 0, 0x00, 0x01, 0, 0, 0, 9 };

		ip_pkt(&p, 6, 300, STT_CSUM_MODE_FULL);
		insert_at(&p, 40, fh, 8);
		p.b[6] = 44;
		put16(p.b + 4, (unsigned)p.len - 40);
		CHECK_EQ(STT_PARSE_FRAGMENT, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK(why && strstr(why, "fragment"));
		CHECK_EQ(48, o.ip_hdr_len); /* points past the fragment header */
		CHECK_EQ(48, o.l4_off);
		p.b[40] = 17;
		CHECK_EQ(STT_PARSE_NOT_TCP, parse(STT_LINK_RAW, &p, &o, &why));
	}

	check_test("IPv6: payload length 0 means captured length; too long is malformed");
	ip_pkt(&p, 6, 800, STT_CSUM_MODE_FULL);
	put16(p.b + 4, 0);
	CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
	check_common(&o, 6, 0, 800);
	put16(p.b + 4, 821);
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK(why && strstr(why, "payload length"));
	put16(p.b + 4, 820);
	p.b[6] = 17;
	CHECK_EQ(STT_PARSE_NOT_TCP, parse(STT_LINK_RAW, &p, &o, &why));
	p.b[6] = 6;
	p.b[0] = 0x40;
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_IPV6, &p, &o, &why));
}

static void test_tcp(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;

	check_test("TCP: data offset < 5 and beyond the packet are malformed");
	ip_pkt(&p, 4, 100, STT_CSUM_MODE_FULL);
	p.b[32] = 0x40;
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK(why && strstr(why, "data offset"));
	ip_pkt(&p, 4, 16, STT_CSUM_MODE_FULL);
	p.b[32] = 0xf0; /* 60 bytes of header, 36 present */
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK(why && strstr(why, "data offset"));
	ip_pkt(&p, 4, 0, STT_CSUM_MODE_FULL);
	put16(p.b + 2, 39); /* TCP header needs 20 */
	p.len = 39;
	fix_ipv4(&p, 0);
	CHECK_EQ(STT_PARSE_MALFORMED, parse(STT_LINK_RAW, &p, &o, &why));
	CHECK(why && strstr(why, "TCP header"));

	check_test("TCP: options skipped, payload at doff * 4");
	{
		static const uint8_t opts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
		struct stt_outer_tmpl t;
		uint16_t c;

		tmpl_for(&t, 6);
		ip_pkt(&p, 6, 200, STT_CSUM_MODE_FULL);
		insert_at(&p, 60, opts, 12);
		p.b[52] = 0x80;
		put16(p.b + 4, (unsigned)p.len - 40);
		put16(p.b + 56, 0);
		c = stt_csum_l4(&t.src, &t.dst, 6, p.b + 40, p.len - 40);
		put16(p.b + 56, c);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(8, o.tcp.doff);
		CHECK_EQ(32, o.tcp_hdr_len);
		CHECK(o.payload == p.b + 72);
		CHECK_EQ(200, o.payload_len);
		CHECK_EQ(STT_CSUM_OK, o.csum);
	}
}

static void test_csum_verdicts(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;

	for (int fam = 4; fam <= 6; fam += 2) {
		check_test(fam == 4 ? "csum verdicts IPv4: ok, partial, bad, unchecked"
				    : "csum verdicts IPv6: ok, partial, bad, unchecked");
		ip_pkt(&p, fam, 600, STT_CSUM_MODE_FULL);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_OK, o.csum);
		CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_RAW, p.b, p.len, p.len, false, &o, &why));
		CHECK_EQ(STT_CSUM_UNCHECKED, o.csum);
		p.b[p.len - 1] ^= 0x10;
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_BAD, o.csum);
		ip_pkt(&p, fam, 600, STT_CSUM_MODE_PSEUDO);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_PARTIAL, o.csum);
		/* a pseudo sum for the wrong length is not "partial" */
		{
			struct stt_outer_tmpl t;
			size_t l4 = fam == 4 ? 20 : 40;

			tmpl_for(&t, fam);
			put16(p.b + l4 + 16, stt_csum_pseudo_only(&t.src, &t.dst, 6, 621));
			CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
			CHECK_EQ(STT_CSUM_BAD, o.csum);
		}
		/* payload cut by the snaplen: not checked */
		ip_pkt(&p, fam, 600, STT_CSUM_MODE_FULL);
		CHECK_EQ(STT_PARSE_OK, stt_outer_parse(STT_LINK_RAW, p.b, p.len - 1, p.len, true, &o, &why));
		CHECK(o.truncated);
		CHECK_EQ(599, o.payload_len);
		CHECK_EQ(600, o.payload_wire_len);
		CHECK_EQ(STT_CSUM_UNCHECKED, o.csum);
	}

	check_test("csum verdict names");
	CHECK(strcmp(stt_csum_verdict_name(STT_CSUM_OK), "ok") == 0);
	CHECK(strcmp(stt_csum_verdict_name(STT_CSUM_PARTIAL), "partial") == 0);
	CHECK(strcmp(stt_csum_verdict_name(STT_CSUM_BAD), "bad") == 0);
	CHECK(strcmp(stt_csum_verdict_name(STT_CSUM_UNCHECKED), "unchecked") == 0);

	check_test("csum: pseudo sum 0xffff is partial stored as 0xffff or 0x0000");
	{
		struct stt_outer_tmpl t;
		uint16_t f;

		/* pick the last word of an IPv6 documentation address so that
		 * the pseudo-header sum is exactly 0xffff */
		tmpl_for(&t, 6);
		t.dst.a[14] = t.dst.a[15] = 0;
		f = stt_csum_pseudo_only(&t.src, &t.dst, 6, 20 + 100);
		t.dst.a[14] = (uint8_t)((0xffff - f) >> 8);
		t.dst.a[15] = (uint8_t)(0xffff - f);
		CHECK_EQ(0xffff, stt_csum_pseudo_only(&t.src, &t.dst, 6, 20 + 100));
		t.csum_mode = STT_CSUM_MODE_PSEUDO;
		p.len = stt_segment_write(&t, 1000, 0, frame, 100, true, 0, p.b, sizeof(p.b));
		CHECK_EQ(0xffff, (p.b[56] << 8) | p.b[57]);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_PARTIAL, o.csum);
		put16(p.b + 56, 0);
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_PARTIAL, o.csum);
		/* for any other pseudo sum, 0 is just a bad checksum */
		t.csum_mode = STT_CSUM_MODE_ZERO;
		p.len = stt_segment_write(&t, 1000, 0, frame, 101, true, 0, p.b, sizeof(p.b));
		CHECK_EQ(STT_PARSE_OK, parse(STT_LINK_RAW, &p, &o, &why));
		CHECK_EQ(STT_CSUM_BAD, o.csum);
	}
}

/* Sample packets for the cut and mutation loops. */
#define NSAMPLES 8
static int sample(int k, struct pkt *p)
{
	static const uint16_t qinq[] = { 0x88a8, 5, 0x8100, 6 };
	static const uint8_t hbh[8] = { 6, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t opts[4] = { 1, 1, 1, 0 };

	switch (k) {
	case 0:
		ip_pkt(p, 4, 64, STT_CSUM_MODE_FULL);
		eth_wrap(p, 4, NULL, 0);
		return STT_LINK_ETHERNET;
	case 1:
		ip_pkt(p, 6, 64, STT_CSUM_MODE_PSEUDO);
		insert_at(p, 40, hbh, 8);
		p->b[6] = 0;
		put16(p->b + 4, (unsigned)p->len - 40);
		eth_wrap(p, 6, qinq, 2);
		return STT_LINK_ETHERNET;
	case 2: {
		uint8_t h[16] = { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00 };

		ip_pkt(p, 4, 30, STT_CSUM_MODE_FULL);
		insert_at(p, 20, opts, 4);
		p->b[0] = 0x46;
		put16(p->b + 2, (unsigned)p->len);
		fix_ipv4(p, 0);
		prepend(p, h, 16);
		return STT_LINK_LINUX_SLL;
	}
	case 3: {
		uint8_t h[20] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6 };

		ip_pkt(p, 6, 30, STT_CSUM_MODE_FULL);
		prepend(p, h, 20);
		return STT_LINK_LINUX_SLL2;
	}
	case 4:
		ip_pkt(p, 4, 30, STT_CSUM_MODE_FULL);
		return STT_LINK_RAW;
	case 7: /* headers only: the last header ends exactly at the wire length */
		ip_pkt(p, 4, 0, STT_CSUM_MODE_FULL);
		eth_wrap(p, 4, NULL, 0);
		return STT_LINK_ETHERNET;
	case 5: {
		uint8_t h[4] = { 30, 0, 0, 0 };

		ip_pkt(p, 6, 30, STT_CSUM_MODE_FULL);
		prepend(p, h, 4);
		return STT_LINK_NULL;
	}
	default: {
		static const uint8_t topts[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
		struct stt_outer_tmpl t;

		tmpl_for(&t, 4);
		ip_pkt(p, 4, 30, STT_CSUM_MODE_FULL);
		insert_at(p, 40, topts, 8);
		p->b[32] = 0x70;
		put16(p->b + 2, (unsigned)p->len);
		fix_ipv4(p, 0);
		put16(p->b + 36, 0);
		put16(p->b + 36, stt_csum_l4(&t.src, &t.dst, 6, p->b + 20, p->len - 20));
		return STT_LINK_IPV4;
	}
	}
}

static bool one_line(const char *s)
{
	return s && *s && !strchr(s, '\n');
}

static void test_cuts(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;

	check_test("every cut length: TRUNCATED / MALFORMED / OK, never a crash");
	for (int k = 0; k < NSAMPLES; k++) {
		int lt = sample(k, &p);
		size_t hdr_end;
		enum stt_csum_verdict full_verdict;

		CHECK_EQ(STT_PARSE_OK, parse(lt, &p, &o, &why));
		hdr_end = o.l4_off + o.tcp_hdr_len;
		full_verdict = o.csum;
		CHECK(full_verdict == STT_CSUM_OK || full_verdict == STT_CSUM_PARTIAL);
		for (size_t cut = 0; cut <= p.len; cut++) {
			uint8_t *b = malloc(cut ? cut : 1);
			enum stt_parse_status st;

			memcpy(b, p.b, cut);
			/* snaplen cut: the packet was whole on the wire */
			why = NULL;
			st = stt_outer_parse(lt, b, cut, p.len, true, &o, &why);
			if (cut < hdr_end) {
				CHECK_EQ(STT_PARSE_TRUNCATED, st);
				CHECK(one_line(why));
			} else {
				CHECK_EQ(STT_PARSE_OK, st);
				CHECK_EQ(cut - hdr_end, o.payload_len);
				CHECK_EQ(p.len - hdr_end, o.payload_wire_len);
				CHECK_EQ(cut < p.len, o.truncated);
				CHECK_EQ(cut < p.len ? STT_CSUM_UNCHECKED : full_verdict, o.csum);
			}
			/* the packet itself is short: its lengths cannot be right */
			why = NULL;
			st = stt_outer_parse(lt, b, cut, cut, true, &o, &why);
			if (cut < p.len) {
				CHECK_EQ(STT_PARSE_MALFORMED, st);
				CHECK(one_line(why));
			} else {
				CHECK_EQ(STT_PARSE_OK, st);
			}
			free(b);
		}
	}
	why = "x";
	CHECK_EQ(STT_PARSE_TRUNCATED, stt_outer_parse(STT_LINK_ETHERNET, NULL, 0, 60, true, &o, &why));
	CHECK(one_line(why));
	CHECK_EQ(STT_PARSE_MALFORMED, stt_outer_parse(STT_LINK_RAW, NULL, 0, 0, true, &o, NULL));
}

static uint32_t rng_state = 2024;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_mutations(void)
{
	struct pkt p;
	struct stt_outer o;
	const char *why;
	unsigned counts[7] = { 0 };

	check_test("mutated packets: invariants hold, reasons are one line");
	for (int iter = 0; iter < 30000; iter++) {
		int lt = sample(iter % NSAMPLES, &p);
		size_t caplen, wirelen;
		uint8_t *b;
		enum stt_parse_status st;
		unsigned flips = 1 + rng() % 4;

		for (unsigned f = 0; f < flips; f++) {
			/* favour the headers, where the lengths live */
			size_t at = rng() % (p.len < 80 ? p.len : 80);

			p.b[at] = (rng() & 1) ? (uint8_t)rng() : (uint8_t)(p.b[at] ^ (1u << (rng() % 8)));
		}
		caplen = (rng() & 3) ? p.len : rng() % (p.len + 1);
		wirelen = (rng() & 1) ? p.len : caplen + rng() % 3000;
		b = malloc(caplen ? caplen : 1);
		memcpy(b, p.b, caplen);
		why = NULL;
		st = stt_outer_parse(lt, b, caplen, wirelen, true, &o, &why);
		counts[st]++;
		if (st == STT_PARSE_OK) {
			CHECK(why == NULL);
			CHECK(o.l4_off + o.tcp_hdr_len <= caplen);
			CHECK(o.tcp.doff >= 5);
			CHECK(o.payload_len <= o.payload_wire_len);
			CHECK(o.truncated == (o.payload_len < o.payload_wire_len));
			CHECK(o.payload_len == 0 ||
			      (o.payload >= b && o.payload + o.payload_len <= b + caplen));
			CHECK(o.truncated ? o.csum == STT_CSUM_UNCHECKED : o.csum != STT_CSUM_UNCHECKED);
		} else {
			CHECK(one_line(why));
		}
		free(b);
	}
	printf("# mutations: ok %u, not_ip %u, not_tcp %u, fragment %u, truncated %u, malformed %u\n",
	       counts[STT_PARSE_OK], counts[STT_PARSE_NOT_IP], counts[STT_PARSE_NOT_TCP],
	       counts[STT_PARSE_FRAGMENT], counts[STT_PARSE_TRUNCATED], counts[STT_PARSE_MALFORMED]);
	/* the loop explored both sides of the parser */
	CHECK(counts[STT_PARSE_OK] > 1000);
	CHECK(counts[STT_PARSE_MALFORMED] > 1000);
	CHECK(counts[STT_PARSE_TRUNCATED] > 100);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 13 + 5);
	test_ethernet();
	test_cooked();
	test_raw_and_loop();
	test_ipv4();
	test_ipv6();
	test_tcp();
	test_csum_verdicts();
	test_cuts();
	test_mutations();
	return check_done();
}
