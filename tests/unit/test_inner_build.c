/* Inner frame builders (stt/inner_build.h): what they build decodes as
 * what was asked for, checksums verify, a corrupted byte is caught, they
 * refuse buffers that are too small, and they rebuild byte for byte the
 * frames stt-send made before it used them (the REF_ frames below are
 * stt-send --write-inner output from before the change: --seed 1
 * --size 48 --inner-tos 0x2e --inner-sport 1234 --inner-dport 5678, and
 * its default inner addresses and MACs). */
#include <string.h>

#include "check.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/inner.h"
#include "stt/inner_build.h"

static const uint8_t REF_ARP[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x52, 0x54,
	0x00, 0x00, 0x00, 0x01, 0xc6, 0x33, 0x64, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc6, 0x33, 0x64, 0x02,
};
static const uint8_t REF_PING[62] = {
	0x52, 0x54, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x2e, 0x00, 0x30, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01,
	0xe6, 0x33, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x08, 0x00,
	0x42, 0x4b, 0x53, 0x54, 0x00, 0x01, 0x6b, 0x21, 0xc5, 0xe9, 0xab, 0x45,
	0xfc, 0xec, 0x25, 0x81, 0x0f, 0x49, 0x81, 0x11, 0x14, 0xff, 0xfb, 0x1e,
	0xc3, 0x27,
};
static const uint8_t REF_PING6[62] = {
	0x52, 0x54, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0xd0, 0xf2, 0x53, 0x54,
	0x00, 0x01,
};
static const uint8_t REF_UDP[62] = {
	0x52, 0x54, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x2e, 0x00, 0x30, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11,
	0xe6, 0x23, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x04, 0xd2,
	0x16, 0x2e, 0x00, 0x1c, 0x2d, 0xec, 0x6b, 0x21, 0xc5, 0xe9, 0xab, 0x45,
	0xfc, 0xec, 0x25, 0x81, 0x0f, 0x49, 0x81, 0x11, 0x14, 0xff, 0xfb, 0x1e,
	0xc3, 0x27,
};
static const uint8_t REF_TCP_SYN[62] = {
	0x52, 0x54, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x2e, 0x00, 0x30, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06,
	0xe6, 0x2e, 0xc6, 0x33, 0x64, 0x01, 0xc6, 0x33, 0x64, 0x02, 0x04, 0xd2,
	0x16, 0x2e, 0x49, 0x0f, 0x81, 0x25, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02,
	0xfa, 0xf0, 0xa2, 0x0c, 0x00, 0x00, 0x6b, 0x21, 0xc5, 0xe9, 0xab, 0x45,
	0xfc, 0xec,
};

static const uint8_t MAC_SRC[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_DST[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Payload bytes of the reference frames start here (after Ethernet, IPv4
 * and an 8-byte ICMP/UDP header or a 20-byte TCP header). */
#define REF_L4 (STT_ETH_HDR_LEN + STT_IPV4_HDR_LEN)

static struct stt_ip_fields ref_ip(uint8_t proto, bool v6)
{
	struct stt_ip_fields f = { .proto = proto, .tos = 0x2e, .ttl = 64, .id = 1,
				   .frag = 0x4000 };
	if (v6) {
		stt_addr_parse("2001:db8::1", &f.src);
		stt_addr_parse("2001:db8::2", &f.dst);
		f.tos = 0;
	} else {
		stt_addr_parse("198.51.100.1", &f.src);
		stt_addr_parse("198.51.100.2", &f.dst);
	}
	return f;
}

/* true when the IPv4 header and the L4 checksum of frame verify */
static bool csums_ok(const uint8_t *frame, size_t len, const struct stt_ip_fields *f)
{
	size_t ip_hlen = f->src.family == 6 ? STT_IPV6_HDR_LEN : STT_IPV4_HDR_LEN;
	const uint8_t *ip = frame + STT_ETH_HDR_LEN, *l4 = ip + ip_hlen;
	size_t l4_len = len - STT_ETH_HDR_LEN - ip_hlen;
	if (f->src.family == 4 && stt_csum_ipv4_hdr(ip, STT_IPV4_HDR_LEN) != 0)
		return false;
	if (f->proto == STT_IPPROTO_ICMP)
		return stt_csum_fold(stt_csum_add(0, l4, l4_len)) == 0;
	return stt_csum_l4(&f->src, &f->dst, f->proto, l4, l4_len) == 0;
}

/* Ethernet + IP + L4 header of the reference frame ref, with its payload
 * copied from it: the builders must reproduce every other byte. */
static size_t build_like(uint8_t *b, size_t cap, const uint8_t *ref, size_t ref_len,
			 const struct stt_ip_fields *f)
{
	bool v6 = f->src.family == 6;
	size_t ip_hlen = v6 ? STT_IPV6_HDR_LEN : STT_IPV4_HDR_LEN;
	size_t l4_len = ref_len - STT_ETH_HDR_LEN - ip_hlen;
	uint8_t *ip = b + STT_ETH_HDR_LEN, *l4 = ip + ip_hlen;
	size_t hl;

	memset(b, 0xa5, cap);
	if (!stt_build_eth(b, cap, MAC_DST, MAC_SRC, v6 ? STT_ETHERTYPE_IPV6 : STT_ETHERTYPE_IPV4) ||
	    !stt_build_ip(ip, cap - STT_ETH_HDR_LEN, f, l4_len))
		return 0;
	size_t l4_cap = cap - STT_ETH_HDR_LEN - ip_hlen;
	switch (f->proto) {
	case STT_IPPROTO_UDP:
		hl = stt_build_udp(l4, l4_cap, 1234, 5678, l4_len);
		break;
	case STT_IPPROTO_TCP: {
		/* stt-send drew the SYN's sequence number from its stream */
		struct stt_cur c = stt_cur_make(ref + REF_L4 + 4, 4);
		hl = stt_build_tcp(l4, l4_cap, 1234, 5678, stt_get_be32(&c), 0, STT_TCP_SYN, 64240);
		break;
	}
	default:
		hl = stt_build_icmp_echo(l4, l4_cap, v6, false, 0x5354, 1);
		break;
	}
	if (!hl)
		return 0;
	memcpy(l4 + hl, ref + STT_ETH_HDR_LEN + ip_hlen + hl, l4_len - hl);
	if (stt_l4_csum_set(l4, l4_len, f) != 0)
		return 0;
	return ref_len;
}

static void test_arp(void)
{
	uint8_t b[64];
	struct stt_inner in;
	const uint8_t spa[4] = { 198, 51, 100, 1 }, tpa[4] = { 198, 51, 100, 2 };

	check_test("ARP request: same bytes as stt-send made, decodes as a request");
	memset(b, 0xa5, sizeof(b));
	CHECK_EQ(STT_ETH_HDR_LEN, stt_build_eth(b, sizeof(b), BCAST, MAC_SRC, STT_ETHERTYPE_ARP));
	CHECK_EQ(STT_ARP_LEN, stt_build_arp(b + STT_ETH_HDR_LEN, sizeof(b) - STT_ETH_HDR_LEN,
					    STT_ARP_REQUEST, MAC_SRC, spa, NULL, tpa));
	CHECK(memcmp(b, REF_ARP, sizeof(REF_ARP)) == 0);
	stt_inner_decode(b, sizeof(REF_ARP), &in);
	CHECK(in.is_arp);
	CHECK_EQ(STT_ARP_REQUEST, in.arp_op);
	CHECK(memcmp(in.arp_sha, MAC_SRC, 6) == 0);
	CHECK(memcmp(in.arp_spa.a, spa, 4) == 0);
	CHECK(memcmp(in.arp_tpa.a, tpa, 4) == 0);

	check_test("ARP reply: carries the target hardware address");
	CHECK_EQ(STT_ARP_LEN, stt_build_arp(b + STT_ETH_HDR_LEN, STT_ARP_LEN, STT_ARP_REPLY, MAC_DST,
					    tpa, MAC_SRC, spa));
	stt_inner_decode(b, STT_ETH_HDR_LEN + STT_ARP_LEN, &in);
	CHECK_EQ(STT_ARP_REPLY, in.arp_op);
	CHECK(memcmp(b + STT_ETH_HDR_LEN + 18, MAC_SRC, 6) == 0);

	check_test("ARP: too small a buffer is refused and left alone");
	memset(b, 0xa5, sizeof(b));
	CHECK_EQ(0, stt_build_eth(b, STT_ETH_HDR_LEN - 1, BCAST, MAC_SRC, STT_ETHERTYPE_ARP));
	CHECK_EQ(0, stt_build_arp(b, STT_ARP_LEN - 1, STT_ARP_REQUEST, MAC_SRC, spa, NULL, tpa));
	for (size_t i = 0; i < sizeof(b); i++)
		CHECK_EQ(0xa5, b[i]);
}

/* One reference frame: rebuilt byte for byte, decoded, checksums verify,
 * and a flipped payload byte makes them fail. */
static void check_ref(const char *name, const uint8_t *ref, size_t ref_len, uint8_t proto,
		      bool v6)
{
	uint8_t b[128];
	struct stt_inner in;
	struct stt_ip_fields f = ref_ip(proto, v6);

	check_test(name);
	CHECK_EQ(ref_len, build_like(b, sizeof(b), ref, ref_len, &f));
	CHECK(memcmp(b, ref, ref_len) == 0);
	CHECK(csums_ok(b, ref_len, &f));
	stt_inner_decode(b, ref_len, &in);
	CHECK(v6 ? in.is_ipv6 : in.is_ipv4);
	CHECK(!in.l3_truncated && !in.l4_truncated);
	CHECK_EQ(proto, in.l4_proto);
	CHECK(stt_addr_eq(&in.ip_src, &f.src) && stt_addr_eq(&in.ip_dst, &f.dst));
	CHECK_EQ(f.tos, in.tos);
	CHECK_EQ(64, in.ttl);
	CHECK_EQ(ref_len - STT_ETH_HDR_LEN, in.ip_total_len);
	if (proto == STT_IPPROTO_ICMP || proto == STT_IPPROTO_ICMPV6) {
		CHECK_EQ(v6 ? 128 : 8, in.icmp_type);
		CHECK_EQ(0x5354, in.icmp_id);
		CHECK_EQ(1, in.icmp_seq);
	} else {
		CHECK_EQ(1234, in.sport);
		CHECK_EQ(5678, in.dport);
	}
	if (proto == STT_IPPROTO_TCP) {
		CHECK_EQ(STT_TCP_SYN, in.tcp_flags);
		CHECK_EQ(64240, in.tcp_win);
	}
	/* the checks can fail: one flipped bit in the last byte */
	b[ref_len - 1] ^= 0x01;
	CHECK(!csums_ok(b, ref_len, &f));
	/* and in the IPv4 header */
	if (!v6) {
		b[ref_len - 1] ^= 0x01;
		b[STT_ETH_HDR_LEN + 8] ^= 0x01; /* TTL */
		CHECK(!csums_ok(b, ref_len, &f));
	}
}

static void test_refs(void)
{
	check_ref("ICMP echo over IPv4: as stt-send made it", REF_PING, sizeof(REF_PING),
		  STT_IPPROTO_ICMP, false);
	check_ref("ICMPv6 echo over IPv6: as stt-send made it", REF_PING6, sizeof(REF_PING6),
		  STT_IPPROTO_ICMPV6, true);
	check_ref("UDP over IPv4: as stt-send made it", REF_UDP, sizeof(REF_UDP), STT_IPPROTO_UDP,
		  false);
	check_ref("TCP SYN over IPv4: as stt-send made it", REF_TCP_SYN, sizeof(REF_TCP_SYN),
		  STT_IPPROTO_TCP, false);
}

static void test_ipv6_fields(void)
{
	uint8_t b[STT_IPV6_HDR_LEN];
	struct stt_ip_fields f = ref_ip(STT_IPPROTO_UDP, true);
	struct stt_cur c = stt_cur_make(b, sizeof(b));

	check_test("IPv6 header: traffic class and flow label in the first word");
	f.tos = 0xb9;
	f.flowlabel = 0xfffff123; /* 20 bits kept */
	CHECK_EQ(STT_IPV6_HDR_LEN, stt_build_ip(b, sizeof(b), &f, 1000));
	CHECK_EQ((6u << 28) | (0xb9u << 20) | 0xff123u, stt_get_be32(&c));
	CHECK_EQ(1000, stt_get_be16(&c));
}

static void test_udp_zero_csum(void)
{
	uint8_t b[STT_UDP_HDR_LEN + 2];
	struct stt_ip_fields f = ref_ip(STT_IPPROTO_UDP, false);

	check_test("UDP: a checksum that comes out 0 is sent as 0xffff");
	/* Choose the payload word so that the sum is all ones: the payload
	 * word equal to the checksum computed without it does that. */
	CHECK_EQ(STT_UDP_HDR_LEN, stt_build_udp(b, sizeof(b), 1, 2, sizeof(b)));
	b[8] = b[9] = 0;
	CHECK_EQ(0, stt_l4_csum_set(b, sizeof(b), &f));
	uint16_t c = (uint16_t)(b[6] << 8 | b[7]);
	stt_put_be16(b + 8, c);
	CHECK_EQ(0, stt_l4_csum_set(b, sizeof(b), &f));
	CHECK_EQ(0xff, b[6]);
	CHECK_EQ(0xff, b[7]);
	CHECK_EQ(0, stt_csum_l4(&f.src, &f.dst, STT_IPPROTO_UDP, b, sizeof(b)));
}

static void test_refusals(void)
{
	uint8_t b[STT_IPV6_HDR_LEN];
	struct stt_ip_fields f = ref_ip(STT_IPPROTO_UDP, false);

	check_test("IP: too small, too long, or mixed families is refused");
	memset(b, 0xa5, sizeof(b));
	CHECK_EQ(0, stt_build_ip(b, STT_IPV4_HDR_LEN - 1, &f, 8));
	CHECK_EQ(0, stt_build_ip(b, sizeof(b), &f, 0xffff - STT_IPV4_HDR_LEN + 1));
	CHECK_EQ(STT_IPV4_HDR_LEN, stt_build_ip(b, STT_IPV4_HDR_LEN, &f, 0xffff - STT_IPV4_HDR_LEN));
	memset(b, 0xa5, sizeof(b));
	struct stt_ip_fields mixed = f;
	stt_addr_parse("2001:db8::2", &mixed.dst);
	CHECK_EQ(0, stt_build_ip(b, sizeof(b), &mixed, 8));
	struct stt_ip_fields v6 = ref_ip(STT_IPPROTO_UDP, true);
	CHECK_EQ(0, stt_build_ip(b, STT_IPV6_HDR_LEN - 1, &v6, 8));
	CHECK_EQ(0, stt_build_ip(b, sizeof(b), &v6, 0x10000));
	struct stt_ip_fields unset = { 0 };
	CHECK_EQ(0, stt_build_ip(b, sizeof(b), &unset, 8));
	for (size_t i = 0; i < sizeof(b); i++)
		CHECK_EQ(0xa5, b[i]);

	check_test("L4: too small, bad length or unknown protocol is refused");
	CHECK_EQ(0, stt_build_icmp_echo(b, STT_ICMP_ECHO_HDR_LEN - 1, false, false, 1, 1));
	CHECK_EQ(0, stt_build_udp(b, STT_UDP_HDR_LEN - 1, 1, 2, 8));
	CHECK_EQ(0, stt_build_udp(b, sizeof(b), 1, 2, STT_UDP_HDR_LEN - 1));
	CHECK_EQ(0, stt_build_udp(b, sizeof(b), 1, 2, 0x10000));
	CHECK_EQ(0, stt_build_tcp(b, STT_TCP_HDR_LEN - 1, 1, 2, 0, 0, STT_TCP_SYN, 0));
	for (size_t i = 0; i < sizeof(b); i++)
		CHECK_EQ(0xa5, b[i]);
	CHECK_EQ(-1, stt_l4_csum_set(b, STT_TCP_HDR_LEN - 1, &(struct stt_ip_fields){
								    .proto = STT_IPPROTO_TCP }));
	CHECK_EQ(-1, stt_l4_csum_set(b, sizeof(b), &(struct stt_ip_fields){ .proto = 47 }));
	for (size_t i = 0; i < sizeof(b); i++)
		CHECK_EQ(0xa5, b[i]);
}

int main(void)
{
	test_arp();
	test_refs();
	test_ipv6_fields();
	test_udp_zero_csum();
	test_refusals();
	return check_done();
}
