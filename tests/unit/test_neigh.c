/* The portable neighbour resolution frames (lib/src/neigh.c): the ARP
 * request and Neighbor Solicitation we send are well formed, and only a
 * genuine answer about the target is believed: truncated, malformed and
 * foreign frames are all "no answer". */
#include <string.h>

#include "check.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/neigh.h"

static const uint8_t my_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0, 0x03 };

static struct stt_addr addr(const char *s)
{
	struct stt_addr a;
	if (stt_addr_parse(s, &a) != 0)
		memset(&a, 0, sizeof(a));
	return a;
}

/* An ARP reply from peer (sha/spa) to me. */
static size_t arp_reply(uint8_t *f, const struct stt_addr *peer, const struct stt_addr *me)
{
	memset(f, 0, 60);
	memcpy(f, my_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0, f[18] = 6, f[19] = 4;
	f[20] = 0, f[21] = 2;
	memcpy(f + 22, peer_mac, 6);
	memcpy(f + 28, peer->a, 4);
	memcpy(f + 32, my_mac, 6);
	memcpy(f + 38, me->a, 4);
	return 60;
}

/* A solicited Neighbor Advertisement for target from peer to me, with a
 * Target Link-Layer Address option when tlla; checksum filled. */
static size_t na(uint8_t *f, const struct stt_addr *target, const struct stt_addr *me, bool tlla)
{
	size_t icmp_len = 24 + (tlla ? 8 : 0);
	uint8_t *ip = f + 14, *icmp = ip + 40;

	memset(f, 0, 14 + 40 + icmp_len);
	memcpy(f, my_mac, 6);
	memcpy(f + 6, other_mac, 6); /* differs from the option: which one wins shows */
	f[12] = 0x86, f[13] = 0xdd;
	ip[0] = 0x60;
	ip[4] = 0, ip[5] = (uint8_t)icmp_len;
	ip[6] = 58, ip[7] = 255;
	memcpy(ip + 8, target->a, 16);
	memcpy(ip + 24, me->a, 16);
	icmp[0] = 136;
	icmp[4] = 0x60; /* solicited, override */
	memcpy(icmp + 8, target->a, 16);
	if (tlla) {
		icmp[24] = 2, icmp[25] = 1;
		memcpy(icmp + 26, peer_mac, 6);
	}
	stt_put_be16(icmp + 2, stt_csum_l4(target, me, 58, icmp, icmp_len));
	return 14 + 40 + icmp_len;
}

static void refill_csum(uint8_t *f, const struct stt_addr *target, const struct stt_addr *me)
{
	size_t icmp_len = (size_t)((f[18] << 8) | f[19]);
	f[56] = f[57] = 0;
	stt_put_be16(f + 56, stt_csum_l4(target, me, 58, f + 54, icmp_len));
}

static int parse(const uint8_t *f, size_t len, const struct stt_addr *t, uint8_t mac[6])
{
	memset(mac, 0xee, 6);
	return stt_neigh_parse_reply(f, len, t, mac);
}

int main(void)
{
	struct stt_addr me4 = addr("192.0.2.1"), peer4 = addr("192.0.2.2");
	struct stt_addr me6 = addr("2001:db8::1"), peer6 = addr("2001:db8::aa:bbcc:ddee");
	uint8_t f[256], g[256], mac[6];
	size_t n, m;

	check_test("neigh: ARP request layout");
	n = stt_neigh_build_request(f, sizeof(f), my_mac, &me4, &peer4);
	CHECK_EQ(60, n);
	CHECK(memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CHECK(memcmp(f + 6, my_mac, 6) == 0);
	CHECK(f[12] == 0x08 && f[13] == 0x06);
	CHECK(f[20] == 0 && f[21] == 1);
	CHECK(memcmp(f + 22, my_mac, 6) == 0);
	CHECK(memcmp(f + 28, me4.a, 4) == 0);
	CHECK(memcmp(f + 38, peer4.a, 4) == 0);
	/* our own request carries our binding: it answers "who is me4" */
	CHECK_EQ(0, parse(f, n, &me4, mac));
	CHECK(memcmp(mac, my_mac, 6) == 0);
	CHECK_EQ(1, parse(f, n, &peer4, mac));

	check_test("neigh: Neighbor Solicitation layout and checksum");
	n = stt_neigh_build_request(f, sizeof(f), my_mac, &me6, &peer6);
	CHECK_EQ(86, n);
	CHECK(memcmp(f, "\x33\x33\xff\xcc\xdd\xee", 6) == 0);
	CHECK(f[12] == 0x86 && f[13] == 0xdd);
	CHECK(f[20] == 58 && f[21] == 255);
	{
		struct stt_addr grp = addr("ff02::1:ffcc:ddee");
		CHECK(memcmp(f + 38, grp.a, 16) == 0);
		CHECK_EQ(0, stt_csum_l4(&me6, &grp, 58, f + 54, 32));
	}
	CHECK(f[54] == 135);
	CHECK(memcmp(f + 62, peer6.a, 16) == 0);
	CHECK(f[78] == 1 && f[79] == 1 && memcmp(f + 80, my_mac, 6) == 0);
	/* a solicitation is a question, not an answer */
	CHECK_EQ(1, parse(f, n, &peer6, mac));
	CHECK_EQ(1, parse(f, n, &me6, mac));

	check_test("neigh: requests refuse mixed families and short buffers");
	CHECK_EQ(0, stt_neigh_build_request(f, sizeof(f), my_mac, &me6, &peer4));
	CHECK_EQ(0, stt_neigh_build_request(f, sizeof(f), my_mac, &me4, &peer6));
	CHECK_EQ(0, stt_neigh_build_request(f, 59, my_mac, &me4, &peer4));
	CHECK_EQ(0, stt_neigh_build_request(f, 85, my_mac, &me6, &peer6));
	CHECK(STT_NEIGH_REQ_MAX >= 86);

	check_test("neigh: ARP reply gives the sender's MAC");
	n = arp_reply(f, &peer4, &me4);
	CHECK_EQ(0, parse(f, n, &peer4, mac));
	CHECK(memcmp(mac, peer_mac, 6) == 0);
	CHECK_EQ(0, parse(f, 42, &peer4, mac)); /* without the padding */
	CHECK_EQ(1, parse(f, n, &me4, mac));	/* about someone else */
	CHECK_EQ(1, parse(f, n, &peer6, mac));	/* wrong family */

	check_test("neigh: malformed ARP replies are no answer");
	for (m = 0; m < 42; m++)
		CHECK_EQ(1, parse(f, m, &peer4, mac));
	struct {
		size_t at;
		uint8_t val;
	} bad_arp[] = {
		{ 13, 0x00 }, /* ethertype */
		{ 15, 6 },    /* hardware type */
		{ 16, 0x86 }, /* protocol type */
		{ 18, 8 },    /* hardware length */
		{ 19, 16 },   /* protocol length */
		{ 21, 3 },    /* opcode */
		{ 22, 0x03 }, /* multicast sender MAC */
		{ 31, 9 },    /* sender IP */
	};
	for (size_t i = 0; i < sizeof(bad_arp) / sizeof(bad_arp[0]); i++) {
		memcpy(g, f, n);
		g[bad_arp[i].at] = bad_arp[i].val;
		CHECK_EQ(1, parse(g, n, &peer4, mac));
	}
	memcpy(g, f, n);
	memset(g + 22, 0, 6); /* all-zero sender MAC */
	CHECK_EQ(1, parse(g, n, &peer4, mac));
	memcpy(g, f, n);
	g[21] = 1; /* a request from the target also tells its MAC */
	CHECK_EQ(0, parse(g, n, &peer4, mac));

	check_test("neigh: Neighbor Advertisement with and without TLLA");
	n = na(f, &peer6, &me6, true);
	CHECK_EQ(0, parse(f, n, &peer6, mac));
	CHECK(memcmp(mac, peer_mac, 6) == 0);
	memset(f + n, 0, 16); /* Ethernet padding after the packet is fine */
	CHECK_EQ(0, parse(f, n + 16, &peer6, mac));
	CHECK_EQ(1, parse(f, n, &me6, mac));
	CHECK_EQ(1, parse(f, n, &peer4, mac));
	m = na(g, &peer6, &me6, false);
	CHECK_EQ(0, parse(g, m, &peer6, mac));
	CHECK(memcmp(mac, other_mac, 6) == 0); /* the frame's source */

	check_test("neigh: malformed Neighbor Advertisements are no answer");
	n = na(f, &peer6, &me6, true);
	for (m = 0; m < n; m++)
		CHECK_EQ(1, parse(f, m, &peer6, mac));
	memcpy(g, f, n);
	g[57] ^= 1; /* checksum */
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[21] = 64; /* hop limit: not from the link */
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[14] = 0x40; /* IP version */
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[20] = 17; /* next header */
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[19] += 8; /* payload length past the frame */
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[19] = 16; /* payload length too short for a target */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[55] = 1; /* code */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[79] = 0; /* option length 0 */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[79] = 2; /* option longer than the packet */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[80] = 0x01; /* multicast link-layer address */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	memcpy(g, f, n);
	g[78] = 1; /* a source, not a target, option: fall back to the frame */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(0, parse(g, n, &peer6, mac));
	CHECK(memcmp(mac, other_mac, 6) == 0);
	memcpy(g, f, n);
	g[70] ^= 0xff; /* another target */
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(1, parse(g, n, &peer6, mac));
	/* the control: refill_csum itself leaves a good packet good */
	memcpy(g, f, n);
	refill_csum(g, &peer6, &me6);
	CHECK_EQ(0, parse(g, n, &peer6, mac));

	return check_done();
}
