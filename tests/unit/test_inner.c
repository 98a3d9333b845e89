/* Inner frame decoder and tcpdump-style summaries.
 *
 * Every summary is compared with a string written here, and the same
 * frames are written to a pcap and printed by the real tcpdump (-t -nn -S,
 * with -e and -q variants) when it is installed, line by line. Every frame
 * is also cut at every length and summarised with every flag and small
 * buffers: nothing may crash (run under ASan) and the output must stay
 * consistent. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pkt_testlib.h"
#include "stt/inner.h"

struct scase {
	const char *name;
	struct pkt p;
	const char *plain, *link, *quiet; /* expected summaries; NULL = not checked */
	bool tcpdump;			  /* compare with the real tcpdump too */
};

#define MAX_CASES 64
static struct scase cases[MAX_CASES];
static unsigned ncases;

static struct scase *add(const char *name, bool tcpdump)
{
	struct scase *c = &cases[ncases++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->tcpdump = tcpdump;
	return c;
}

static void build_cases(void)
{
	struct scase *c;
	size_t ip;

	c = add("tcp4 SYN with options", true);
	{
		static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1,
						0, 0, 0, 0, 1, 3, 3, 7 };
		pkt_eth(&c->p, 0x0800, 0, NULL);
		ip = pkt_ip4(&c->p, 6, 0, NULL, 0);
		pkt_tcp(&c->p, 40000, 5001, 1, 0, 0x02, 64240, opts, sizeof(opts), 0);
		pkt_ip4_finish(&c->p, ip);
	}
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [S], seq 1, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0";
	c->quiet = "IP 198.51.100.1.40000 > 198.51.100.2.5001: tcp 0";

	c = add("tcp4 PSH+ACK with data", true);
	pkt_tcp4(&c->p, 0x18, 100);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [P.], seq 1:101, ack 5, win 502, length 100";
	c->link = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 154: 198.51.100.1.40000 > 198.51.100.2.5001: Flags [P.], seq 1:101, ack 5, win 502, length 100";
	c->quiet = "IP 198.51.100.1.40000 > 198.51.100.2.5001: tcp 100";

	c = add("tcp4 bare ACK", true);
	pkt_tcp4(&c->p, 0x10, 0);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [.], ack 5, win 502, length 0";

	c = add("tcp4 FIN+ACK", true);
	pkt_tcp4(&c->p, 0x11, 0);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [F.], seq 1, ack 5, win 502, length 0";

	c = add("tcp4 SYN ECE CWR", true);
	pkt_tcp4(&c->p, 0xc2, 0);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [SEW], seq 1, win 502, length 0";

	c = add("tcp4 no flags", true);
	pkt_tcp4(&c->p, 0, 0);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [none], win 502, length 0";

	c = add("tcp4 URG", true);
	pkt_tcp4(&c->p, 0x30, 1);
	stt_put_be16(c->p.b + 34 + 18, 1);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [.U], seq 1:2, ack 5, win 502, urg 1, length 1";

	c = add("tcp4 with IP options", true);
	{
		static const uint8_t ipopts[] = { 0x94, 0x04, 0, 0 }; /* router alert */
		pkt_eth(&c->p, 0x0800, 0, NULL);
		ip = pkt_ip4(&c->p, 6, 0, ipopts, sizeof(ipopts));
		pkt_tcp(&c->p, 40000, 5001, 1, 5, 0x10, 0, NULL, 0, 0);
		pkt_ip4_finish(&c->p, ip);
	}
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [.], ack 5, win 0, length 0";

	c = add("icmp echo request", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 1, 0, NULL, 0);
	pkt_icmp_echo(&c->p, 8, 7, 1, 56);
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2: ICMP echo request, id 7, seq 1, length 64";
	c->quiet = c->plain;

	c = add("icmp echo reply", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 1, 0, NULL, 0);
	pkt_icmp_echo(&c->p, 0, 7, 1, 56);
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2: ICMP echo reply, id 7, seq 1, length 64";

	c = add("icmp port unreachable", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 1, 0, NULL, 0);
	pkt_u8(&c->p, 3);
	pkt_u8(&c->p, 3);
	pkt_fill(&c->p, 0, 6);
	{
		size_t inner = pkt_ip4(&c->p, 17, 0, NULL, 0);
		pkt_udp(&c->p, 40000, 33434, 0);
		pkt_ip4_finish(&c->p, inner);
	}
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2: ICMP 198.51.100.2 udp port 33434 unreachable, length 36";

	c = add("icmp time exceeded", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 1, 0, NULL, 0);
	pkt_u8(&c->p, 11);
	pkt_u8(&c->p, 0);
	pkt_fill(&c->p, 0, 6);
	pkt_fill(&c->p, 0x45, 1);
	pkt_fill(&c->p, 0, 27);
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2: ICMP time exceeded in-transit, length 36";

	c = add("icmp6 echo request", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 58, 0);
	pkt_icmp_echo(&c->p, 128, 1, 1, 56);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo request, id 1, seq 1, length 64";

	c = add("icmp6 neighbor solicitation", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 58, 0);
	pkt_u8(&c->p, 135);
	pkt_fill(&c->p, 0, 7);
	pkt_put(&c->p, PKT_IP6_B, 16);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: ICMP6, neighbor solicitation, who has 2001:db8::2, length 24";

	c = add("icmp6 neighbor advertisement", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 58, 0);
	pkt_u8(&c->p, 136);
	pkt_fill(&c->p, 0, 3);
	pkt_u8(&c->p, 0x60);
	pkt_fill(&c->p, 0, 3);
	pkt_put(&c->p, PKT_IP6_B, 16);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: ICMP6, neighbor advertisement, tgt is 2001:db8::2, length 24";

	c = add("icmp6 router solicitation", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 58, 0);
	pkt_u8(&c->p, 133);
	pkt_fill(&c->p, 0, 7);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: ICMP6, router solicitation, length 8";

	c = add("icmp protocol unreachable", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 1, 0, NULL, 0);
	pkt_u8(&c->p, 3);
	pkt_u8(&c->p, 2);
	pkt_fill(&c->p, 0, 6);
	{
		size_t inner = pkt_ip4(&c->p, 132, 0, NULL, 0);
		pkt_fill(&c->p, 0, 8);
		pkt_ip4_finish(&c->p, inner);
	}
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2: ICMP 198.51.100.2 protocol 132 unreachable, length 36";

	c = add("tcp4 with sack option", true);
	{
		static const uint8_t opts[] = { 1, 1, 5, 10, 0, 0, 0, 10, 0, 0, 0, 20 };
		pkt_eth(&c->p, 0x0800, 0, NULL);
		ip = pkt_ip4(&c->p, 6, 0, NULL, 0);
		pkt_tcp(&c->p, 40000, 5001, 1, 5, 0x10, 100, opts, sizeof(opts), 0);
		pkt_ip4_finish(&c->p, ip);
	}
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5001: Flags [.], ack 5, win 100, options [nop,nop,sack 1 {10:20}], length 0";

	c = add("arp in vlan 5", true);
	{
		struct pkt arp;
		static const uint16_t tags[] = { 0x8100, 0xa005 };
		pkt_arp_request(&arp);
		pkt_eth(&c->p, 0x0806, 1, tags);
		pkt_put(&c->p, arp.b + 14, arp.len - 14);
	}
	c->plain = "ARP, Request who-has 198.51.100.2 tell 198.51.100.1, length 28";
	c->link = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 46: vlan 5, p 5, ethertype ARP (0x0806), Request who-has 198.51.100.2 tell 198.51.100.1, length 28";

	c = add("tcp6 SYN", true);
	pkt_tcp6(&c->p, 0x02, 0);
	c->plain = "IP6 2001:db8::1.40000 > 2001:db8::2.5001: Flags [S], seq 1, win 502, length 0";
	c->link = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv6 (0x86dd), length 74: 2001:db8::1.40000 > 2001:db8::2.5001: Flags [S], seq 1, win 502, length 0";

	c = add("udp6", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 17, 0);
	pkt_udp(&c->p, 40000, 5000, 100);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1.40000 > 2001:db8::2.5000: UDP, length 100";

	c = add("udp6 after a hop-by-hop header", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 0, 0);
	pkt_u8(&c->p, 17);
	pkt_u8(&c->p, 0);
	pkt_u8(&c->p, 1);
	pkt_u8(&c->p, 4);
	pkt_fill(&c->p, 0, 4);
	pkt_udp(&c->p, 40000, 5000, 10);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: HBH 40000 > 5000: UDP, length 10";

	c = add("tcp6 after a destination options header", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 60, 0);
	pkt_u8(&c->p, 6);
	pkt_u8(&c->p, 0);
	pkt_u8(&c->p, 1);
	pkt_u8(&c->p, 4);
	pkt_fill(&c->p, 0, 4);
	pkt_tcp(&c->p, 40000, 5001, 1, 5, 0x10, 0, NULL, 0, 0);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: DSTOPT 40000 > 5001: Flags [.], ack 5, win 0, length 0";
	c->quiet = "IP6 2001:db8::1 > 2001:db8::2: DSTOPT 40000 > 5001: tcp 0";

	c = add("udp6 first fragment", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 44, 0);
	pkt_u8(&c->p, 17);
	pkt_u8(&c->p, 0);
	pkt_u16(&c->p, 0x0001);
	pkt_u32(&c->p, 0x1234);
	pkt_udp(&c->p, 40000, 5000, 10);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: frag (0|18) 40000 > 5000: UDP, length 10";

	c = add("ipv6 non-first fragment", true);
	pkt_eth(&c->p, 0x86dd, 0, NULL);
	ip = pkt_ip6(&c->p, 44, 0);
	pkt_u8(&c->p, 17);
	pkt_u8(&c->p, 0);
	pkt_u16(&c->p, 0x0010);
	pkt_u32(&c->p, 0x1234);
	pkt_fill(&c->p, 'z', 20);
	pkt_ip6_finish(&c->p, ip);
	c->plain = "IP6 2001:db8::1 > 2001:db8::2: frag (16|20)";

	c = add("arp request", true);
	pkt_arp_request(&c->p);
	c->plain = "ARP, Request who-has 198.51.100.2 tell 198.51.100.1, length 28";
	c->link = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.2 tell 198.51.100.1, length 28";
	c->quiet = c->plain;

	c = add("arp reply, padded", true);
	pkt_eth(&c->p, 0x0806, 0, NULL);
	pkt_u16(&c->p, 1);
	pkt_u16(&c->p, 0x0800);
	pkt_u8(&c->p, 6);
	pkt_u8(&c->p, 4);
	pkt_u16(&c->p, 2);
	pkt_put(&c->p, PKT_MAC_B, 6);
	pkt_put(&c->p, PKT_IP4_B, 4);
	pkt_put(&c->p, PKT_MAC_A, 6);
	pkt_put(&c->p, PKT_IP4_A, 4);
	pkt_fill(&c->p, 0, 18);
	c->plain = "ARP, Reply 198.51.100.2 is-at 02:00:00:00:00:02, length 46";

	c = add("udp4", true);
	pkt_udp4(&c->p, 100);
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5000: UDP, length 100";
	c->quiet = c->plain;

	c = add("udp4 in vlan 10", true);
	{
		static const uint16_t tags[] = { 0x8100, 10 };
		pkt_eth(&c->p, 0x0800, 1, tags);
		ip = pkt_ip4(&c->p, 17, 0, NULL, 0);
		pkt_udp(&c->p, 40000, 5000, 100);
		pkt_ip4_finish(&c->p, ip);
	}
	c->plain = "IP 198.51.100.1.40000 > 198.51.100.2.5000: UDP, length 100";
	c->link = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 146: vlan 10, p 0, ethertype IPv4 (0x0800), 198.51.100.1.40000 > 198.51.100.2.5000: UDP, length 100";

	c = add("icmp in QinQ", true);
	{
		static const uint16_t tags[] = { 0x88a8, 0x2064, 0x8100, 0x300a };
		pkt_eth(&c->p, 0x0800, 2, tags);
		ip = pkt_ip4(&c->p, 1, 0, NULL, 0);
		pkt_icmp_echo(&c->p, 8, 7, 1, 56);
		pkt_ip4_finish(&c->p, ip);
	}
	c->link = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q-QinQ (0x88a8), length 106: vlan 100, p 1, ethertype 802.1Q (0x8100), vlan 10, p 1, DEI, ethertype IPv4 (0x0800), 198.51.100.1 > 198.51.100.2: ICMP echo request, id 7, seq 1, length 64";

	c = add("ipv4 non-first fragment", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 17, 0, NULL, 0);
	stt_put_be16(c->p.b + ip + 6, 0x00b9);
	pkt_fill(&c->p, 'z', 20);
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2: ip-proto-17";

	c = add("ipv4 unknown protocol", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	ip = pkt_ip4(&c->p, 253, 0, NULL, 0);
	pkt_fill(&c->p, 'z', 20);
	pkt_ip4_finish(&c->p, ip);
	c->plain = "IP 198.51.100.1 > 198.51.100.2:  ip-proto-253 20";

	c = add("ipv4 total length beyond the frame", true);
	pkt_tcp4(&c->p, 0x10, 0);
	stt_put_be16(c->p.b + 14 + 2, 80);
	stt_put_be16(c->p.b + 14 + 10, 0);
	stt_put_be16(c->p.b + 14 + 10, stt_csum_ipv4_hdr(c->p.b + 14, 20));
	c->plain = "IP truncated-ip - 40 bytes missing! 198.51.100.1.40000 > 198.51.100.2.5001: Flags [.], seq 1:41, ack 5, win 502, length 40";

	c = add("ipv4 bad header length", true);
	pkt_eth(&c->p, 0x0800, 0, NULL);
	pkt_u8(&c->p, 0x44);
	pkt_fill(&c->p, 0, 30);
	c->plain = "IP bad-hlen 16";

	c = add("unknown ethertype", false); /* tcpdump adds a hex dump */
	pkt_eth(&c->p, 0x1234, 0, NULL);
	pkt_fill(&c->p, 'q', 46);
	c->plain = "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x1234), length 60:";
	c->link = c->plain;

	c = add("tcp header cut after the ports", true);
	pkt_tcp4(&c->p, 0x18, 10);
	c->p.len = 40;
	c->plain = "IP truncated-ip - 24 bytes missing! 198.51.100.1.40000 > 198.51.100.2.5001:  [|tcp]";

	c = add("tcp header cut before the ports", true);
	pkt_tcp4(&c->p, 0x18, 10);
	c->p.len = 35;
	c->plain = "IP truncated-ip - 29 bytes missing! 198.51.100.1 > 198.51.100.2: [|tcp]";

	c = add("ip header cut", false); /* tcpdump: "IP  [|ip]" */
	pkt_tcp4(&c->p, 0x18, 10);
	c->p.len = 20;
	c->plain = "IP [|ip]";

	c = add("ethernet header cut", false); /* tcpdump: " [|ether]" */
	pkt_tcp4(&c->p, 0x18, 10);
	c->p.len = 12;
	c->plain = "[|ether]";
}

static void summarise(const struct scase *c, int flags, char *buf, size_t cap)
{
	struct stt_inner in;
	stt_inner_decode(c->p.b, c->p.len, &in);
	stt_inner_summary(c->p.b, c->p.len, &in, flags, buf, cap);
}

static void test_expected_strings(void)
{
	char buf[512];

	for (unsigned i = 0; i < ncases; i++) {
		const struct scase *c = &cases[i];
		static char names[MAX_CASES][128]; /* check_test keeps the pointer */
		snprintf(names[i], sizeof(names[i]), "summary: %s", c->name);
		check_test(names[i]);
		const char *want[3] = { c->plain, c->link, c->quiet };
		int flags[3] = { STT_SUM_NUMERIC, STT_SUM_NUMERIC | STT_SUM_LINK,
				 STT_SUM_NUMERIC | STT_SUM_QUIET };
		for (int m = 0; m < 3; m++) {
			if (!want[m])
				continue;
			summarise(c, flags[m], buf, sizeof(buf));
			if (strcmp(buf, want[m]) != 0) {
				fprintf(stderr, "  flags %d\n  expected: %s\n  got:      %s\n", flags[m],
					want[m], buf);
				CHECK(strcmp(buf, want[m]) == 0);
			}
		}
	}
}

/* Our summary against tcpdump's own output for the same frames. */
static void compare_with_tcpdump(const char *pcap_path, const char *opts, int flags)
{
	char cmd[512], line[1024], ours[1024];
	unsigned idx[MAX_CASES], n = 0;

	for (unsigned i = 0; i < ncases; i++)
		if (cases[i].tcpdump)
			idx[n++] = i;
	snprintf(cmd, sizeof(cmd), "tcpdump -t -nn -S %s -r %s 2>/dev/null", opts, pcap_path);
	FILE *f = popen(cmd, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	unsigned k = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\t')
			continue; /* hex dump continuation */
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == ' '))
			line[--l] = '\0';
		if (k >= n) {
			CHECK(k < n);
			break;
		}
		summarise(&cases[idx[k]], flags, ours, sizeof(ours));
		if (strcmp(line, ours) != 0) {
			fprintf(stderr, "  %s (tcpdump %s)\n  tcpdump: %s\n  ours:    %s\n",
				cases[idx[k]].name, opts, line, ours);
			CHECK(strcmp(line, ours) == 0);
		}
		k++;
	}
	pclose(f);
	CHECK_EQ(n, k);
}

static void test_against_tcpdump(void)
{
	char path[] = "/tmp/stt-test-inner-XXXXXX";
	int fd;

	check_test("summary: same as the real tcpdump -t -nn -S (plain, -e, -q, -q -e)");
	if (system("tcpdump --version >/dev/null 2>&1") != 0) {
		printf("SKIP: tcpdump not installed\n");
		return;
	}
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(pd, path);
	CHECK(d != NULL);
	if (!d) {
		pcap_close(pd);
		unlink(path);
		return;
	}
	for (unsigned i = 0; i < ncases; i++) {
		if (!cases[i].tcpdump)
			continue;
		struct pcap_pkthdr h = { .ts = { 1, (int)i } };
		h.caplen = h.len = (bpf_u_int32)cases[i].p.len;
		pcap_dump((u_char *)d, &h, cases[i].p.b);
	}
	pcap_dump_close(d);
	pcap_close(pd);
	compare_with_tcpdump(path, "", STT_SUM_NUMERIC);
	compare_with_tcpdump(path, "-e", STT_SUM_NUMERIC | STT_SUM_LINK);
	compare_with_tcpdump(path, "-q", STT_SUM_NUMERIC | STT_SUM_QUIET);
	compare_with_tcpdump(path, "-q -e", STT_SUM_NUMERIC | STT_SUM_QUIET | STT_SUM_LINK);
	unlink(path);
}

static void test_decode_fields(void)
{
	struct stt_inner in;
	struct pkt p;

	check_test("decode: untagged TCP/IPv4 offsets and lengths");
	pkt_tcp4(&p, 0x18, 100);
	p.b[15] = 0xb9; /* DSCP 46, ECT(1) */
	stt_inner_decode(p.b, p.len, &in);
	CHECK(in.eth_ok);
	CHECK(in.is_ipv4);
	CHECK_EQ(14, in.l3_off);
	CHECK_EQ(34, in.l4_off);
	CHECK_EQ(6, in.l4_proto);
	CHECK_EQ(0xb9, in.tos);
	CHECK_EQ(140, in.ip_total_len);
	CHECK_EQ(100, in.l4_payload_len);
	CHECK_EQ(40000, in.sport);
	CHECK_EQ(5001, in.dport);
	CHECK_EQ(0x18, in.tcp_flags);
	CHECK(!in.l3_truncated && !in.l4_truncated);

	check_test("decode: two VLAN tags shift L3 by 8");
	{
		static const uint16_t tags[] = { 0x88a8, 100, 0x8100, 10 };
		pkt_eth(&p, 0x0800, 2, tags);
		size_t ip = pkt_ip4(&p, 17, 0, NULL, 0);
		pkt_udp(&p, 1, 2, 3);
		pkt_ip4_finish(&p, ip);
	}
	stt_inner_decode(p.b, p.len, &in);
	CHECK_EQ(2, in.n_vlans);
	CHECK_EQ(0x88a8, in.vlan_tpid[0]);
	CHECK_EQ(10, in.vlan_tci[1]);
	CHECK_EQ(0x0800, in.ethertype);
	CHECK_EQ(22, in.l3_off);
	CHECK_EQ(42, in.l4_off);
	CHECK_EQ(3, in.l4_payload_len);

	check_test("decode: IPv6 extension header skipped");
	pkt_eth(&p, 0x86dd, 0, NULL);
	size_t ip6 = pkt_ip6(&p, 60, 0x2e);
	pkt_u8(&p, 6);
	pkt_u8(&p, 0);
	pkt_fill(&p, 0, 6);
	pkt_tcp(&p, 40000, 80, 1, 1, 0x10, 0, NULL, 0, 7);
	pkt_ip6_finish(&p, ip6);
	stt_inner_decode(p.b, p.len, &in);
	CHECK(in.is_ipv6);
	CHECK_EQ(6, in.l4_proto);
	CHECK_EQ(62, in.l4_off);
	CHECK_EQ(7, in.l4_payload_len);
	CHECK_EQ(0x2e, in.tos);

	check_test("decode: ARP addresses");
	pkt_arp_request(&p);
	stt_inner_decode(p.b, p.len, &in);
	CHECK(in.is_arp);
	CHECK_EQ(1, in.arp_op);
	CHECK(memcmp(in.arp_spa.a, PKT_IP4_A, 4) == 0);
	CHECK(memcmp(in.arp_tpa.a, PKT_IP4_B, 4) == 0);
	CHECK_EQ(0, in.l4_off);

	check_test("decode: IPv4 fragment has no L4 header");
	pkt_udp4(&p, 20);
	stt_put_be16(p.b + 14 + 6, 0x0010);
	stt_inner_decode(p.b, p.len, &in);
	CHECK(in.ip_fragment);
	CHECK_EQ(0, in.l4_off);

	check_test("decode: short frame is not Ethernet");
	stt_inner_decode(p.b, 13, &in);
	CHECK(!in.eth_ok);
}

/* Every cut of every frame, every flag combination, tiny buffers. */
static void test_every_cut(void)
{
	char big[1024], small[16];

	check_test("summary: every truncation, every flag, every buffer size");
	for (unsigned i = 0; i < ncases; i++) {
		const struct pkt *p = &cases[i].p;
		for (size_t cut = 0; cut <= p->len; cut++) {
			/* a heap-exact copy so ASan catches any read past the cut */
			uint8_t *b = malloc(cut ? cut : 1);
			memcpy(b, p->b, cut);
			for (int flags = 0; flags < 8; flags++) {
				struct stt_inner in;
				stt_inner_decode(b, cut, &in);
				size_t n = stt_inner_summary(b, cut, &in, flags, big, sizeof(big));
				CHECK(n < sizeof(big));
				CHECK_EQ(n, strlen(big));
				size_t n2 = stt_inner_summary(b, cut, NULL, flags, small, sizeof(small));
				CHECK_EQ(n, n2);
				CHECK(strncmp(big, small, sizeof(small) - 1) == 0);
				CHECK_EQ(n, stt_inner_summary(b, cut, &in, flags, NULL, 0));
			}
			free(b);
		}
	}
}

/* Random bytes, some dressed as Ethernet + IP: decode and summarise
 * without crashing; the summary length is what was asked for. */
static void test_random_bytes(void)
{
	uint32_t x = 88172645u;
	char buf[512];

	check_test("summary: 20000 random frames, no crash");
	for (unsigned i = 0; i < 20000; i++) {
		size_t len = pkt_rand(&x) % 160;
		uint8_t *b = malloc(len ? len : 1);
		pkt_rand_fill(&x, b, len);
		static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8 };
		if (len > 16 && (i % 4)) {
			uint16_t ty = types[i % 5];
			b[12] = (uint8_t)(ty >> 8);
			b[13] = (uint8_t)ty;
			if (ty == 0x0800)
				b[14] = (uint8_t)(0x45 + (i % 3));
			if (ty == 0x86dd)
				b[14] = 0x60;
		}
		struct stt_inner in;
		stt_inner_decode(b, len, &in);
		size_t n = stt_inner_summary(b, len, &in, (int)(i & 7), buf, sizeof(buf));
		CHECK(n < sizeof(buf) && n == strlen(buf));
		free(b);
	}
}

int main(void)
{
	build_cases();
	test_random_bytes();
	test_expected_strings();
	test_against_tcpdump();
	test_decode_fields();
	test_every_cut();
	return check_done();
}
