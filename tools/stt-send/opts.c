/* stt-send's command line: --help, the option table, defaults, and the
 * checks that options agree with each other. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "send.h"

static void usage(void)
{
	printf("Usage: %s [OPTION]... (-w FILE | --target IP)\n"
	       "Craft STT (Stateless Transport Tunneling) frames and send them, or write them\n"
	       "to a pcap file. Output is reproducible: same options, same bytes.\n"
	       "\n"
	       "Output:\n"
	       "  -w, --write FILE         write the outer segments to a pcap (Ethernet)\n"
	       "      --write-inner FILE   write the inner frames sent to a pcap\n"
	       "      --target IP          send live to IP (raw IP through the kernel's routing)\n"
	       "  -i, --iface IFACE        send whole Ethernet frames on IFACE (needs --dst-mac\n"
	       "                           or a known neighbour); required with --tso\n"
	       "  -v, --verbose            print each segment; -q, --quiet: no summary\n"
	       "Inner frames:\n"
	       "      --ping | --udp | --tcp-syn | --arp   generate (default --ping)\n"
	       "      --inner-pcap FILE    take the inner frames from a pcap file\n"
	       "      --inner-ipv6         generate IPv6 inner packets\n"
	       "  -s, --size N             inner IP packet length in bytes (default 100)\n"
	       "  -c, --count N            frames (default 1; all of --inner-pcap)\n"
	       "      --rate PPS           frames per second when sending live\n"
	       "      --inner-src IP, --inner-dst IP     (198.51.100.1 -> 198.51.100.2)\n"
	       "      --inner-src-mac MAC, --inner-dst-mac MAC, --inner-sport N,\n"
	       "      --inner-dport N, --inner-tos N\n"
	       "      --inner-tso[=MSS]    inner TCP is a TSO super-frame: checksum-partial, L4\n"
	       "                           offset, MSS (default 1448), pseudo-header checksum\n"
	       "STT frame header:\n"
	       "      --context N          context ID (64 bits, default 0)\n"
	       "      --vlan ID, --pcp N, --vlan-valid 0|1   the PCP|V|VLAN ID field\n"
	       "      --mss N, --stt-flags N (default from the inner packet), --l4-offset N,\n"
	       "      --stt-version N, --reserved N, --padding N\n"
	       "TCP-like header:\n"
	       "      --ack N              first frame id (default from --seed), --ack-step N\n"
	       "      --sport N            (default: hash of the inner flow)\n"
	       "      --dport N, --port N  (default 7471)\n"
	       "      --window N, --urg N, --tcp-flags LIST (default ACK), --no-psh\n"
	       "      --frame-len N        lie about the frame length in seq\n"
	       "      --csum full|pseudo|bad|zero\n"
	       "Outer addressing:\n"
	       "      --src IP, --dst IP   IPv4 or IPv6 (192.0.2.1 -> 192.0.2.2)\n"
	       "      --src-mac MAC, --dst-mac MAC, --ttl N\n"
	       "      --tos N, --dscp N, --ecn VAL   outer TOS per frame (default: inner's)\n"
	       "Segmentation and impairments (segment numbers count from 0, per frame):\n"
	       "      --segment-size N     payload bytes per segment (default 1448, IPv6 1428)\n"
	       "      --tso                one super-packet per frame (live: kernel GSO)\n"
	       "      --drop N | F:N       drop segment N (of frame F only)\n"
	       "      --loss RATE          drop each segment with probability RATE\n"
	       "      --reorder, --reverse shuffle or reverse each frame's segments\n"
	       "      --duplicate N|all    send segment N (or every segment) twice\n"
	       "      --overlap            add a segment overlapping with conflicting bytes\n"
	       "      --coalesce K         merge K consecutive segments into one\n"
	       "      --interleave[=N]     interleave the segments of N consecutive frames (2)\n"
	       "      --seg-ecn S:VAL, --seg-dscp S:VAL   per-segment outer ECN / DSCP\n"
	       "Reproducibility:\n"
	       "      --seed N             seed of every random choice (default 1)\n"
	       "      --start-time EPOCH   first pcap timestamp (default 1700000000.000000)\n"
	       "      --interval DUR       pcap time between segments (default 100us)\n"
	       "  -h, --help, -V, --version\n",
	       stt_cli_prog());
}

enum {
	OPT_WRITE_INNER = 256,
	OPT_TARGET,
	OPT_PING,
	OPT_UDP,
	OPT_TCP_SYN,
	OPT_ARP,
	OPT_INNER_PCAP,
	OPT_INNER_IPV6,
	OPT_RATE,
	OPT_INNER_SRC,
	OPT_INNER_DST,
	OPT_INNER_SRC_MAC,
	OPT_INNER_DST_MAC,
	OPT_INNER_SPORT,
	OPT_INNER_DPORT,
	OPT_INNER_TOS,
	OPT_INNER_TSO,
	OPT_CONTEXT,
	OPT_VLAN,
	OPT_PCP,
	OPT_VLAN_VALID,
	OPT_MSS,
	OPT_STT_FLAGS,
	OPT_L4_OFFSET,
	OPT_STT_VERSION,
	OPT_RESERVED,
	OPT_PADDING,
	OPT_ACK,
	OPT_ACK_STEP,
	OPT_SPORT,
	OPT_DPORT,
	OPT_WINDOW,
	OPT_URG,
	OPT_TCP_FLAGS,
	OPT_NO_PSH,
	OPT_FRAME_LEN,
	OPT_CSUM,
	OPT_SRC,
	OPT_DST,
	OPT_SRC_MAC,
	OPT_DST_MAC,
	OPT_TTL,
	OPT_TOS,
	OPT_DSCP,
	OPT_ECN,
	OPT_SEGMENT_SIZE,
	OPT_TSO,
	OPT_DROP,
	OPT_LOSS,
	OPT_REORDER,
	OPT_REVERSE,
	OPT_DUPLICATE,
	OPT_OVERLAP,
	OPT_COALESCE,
	OPT_INTERLEAVE,
	OPT_SEG_ECN,
	OPT_SEG_DSCP,
	OPT_SEED,
	OPT_START_TIME,
	OPT_INTERVAL,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "write", required_argument, NULL, 'w' },
	{ "write-inner", required_argument, NULL, OPT_WRITE_INNER },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "iface", required_argument, NULL, 'i' },
	{ "ping", no_argument, NULL, OPT_PING },
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "tcp-syn", no_argument, NULL, OPT_TCP_SYN },
	{ "arp", no_argument, NULL, OPT_ARP },
	{ "inner-pcap", required_argument, NULL, OPT_INNER_PCAP },
	{ "inner-ipv6", no_argument, NULL, OPT_INNER_IPV6 },
	{ "size", required_argument, NULL, 's' },
	{ "count", required_argument, NULL, 'c' },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "inner-src", required_argument, NULL, OPT_INNER_SRC },
	{ "inner-dst", required_argument, NULL, OPT_INNER_DST },
	{ "inner-src-mac", required_argument, NULL, OPT_INNER_SRC_MAC },
	{ "inner-dst-mac", required_argument, NULL, OPT_INNER_DST_MAC },
	{ "inner-sport", required_argument, NULL, OPT_INNER_SPORT },
	{ "inner-dport", required_argument, NULL, OPT_INNER_DPORT },
	{ "inner-tos", required_argument, NULL, OPT_INNER_TOS },
	{ "inner-tso", optional_argument, NULL, OPT_INNER_TSO },
	{ "context", required_argument, NULL, OPT_CONTEXT },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "pcp", required_argument, NULL, OPT_PCP },
	{ "vlan-valid", required_argument, NULL, OPT_VLAN_VALID },
	{ "mss", required_argument, NULL, OPT_MSS },
	{ "stt-flags", required_argument, NULL, OPT_STT_FLAGS },
	{ "l4-offset", required_argument, NULL, OPT_L4_OFFSET },
	{ "stt-version", required_argument, NULL, OPT_STT_VERSION },
	{ "reserved", required_argument, NULL, OPT_RESERVED },
	{ "padding", required_argument, NULL, OPT_PADDING },
	{ "ack", required_argument, NULL, OPT_ACK },
	{ "ack-step", required_argument, NULL, OPT_ACK_STEP },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "port", required_argument, NULL, OPT_DPORT },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "urg", required_argument, NULL, OPT_URG },
	{ "tcp-flags", required_argument, NULL, OPT_TCP_FLAGS },
	{ "no-psh", no_argument, NULL, OPT_NO_PSH },
	{ "frame-len", required_argument, NULL, OPT_FRAME_LEN },
	{ "csum", required_argument, NULL, OPT_CSUM },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "tos", required_argument, NULL, OPT_TOS },
	{ "dscp", required_argument, NULL, OPT_DSCP },
	{ "ecn", required_argument, NULL, OPT_ECN },
	{ "segment-size", required_argument, NULL, OPT_SEGMENT_SIZE },
	{ "tso", no_argument, NULL, OPT_TSO },
	{ "drop", required_argument, NULL, OPT_DROP },
	{ "loss", required_argument, NULL, OPT_LOSS },
	{ "reorder", no_argument, NULL, OPT_REORDER },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "duplicate", required_argument, NULL, OPT_DUPLICATE },
	{ "overlap", no_argument, NULL, OPT_OVERLAP },
	{ "coalesce", required_argument, NULL, OPT_COALESCE },
	{ "interleave", optional_argument, NULL, OPT_INTERLEAVE },
	{ "seg-ecn", required_argument, NULL, OPT_SEG_ECN },
	{ "seg-dscp", required_argument, NULL, OPT_SEG_DSCP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "start-time", required_argument, NULL, OPT_START_TIME },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ NULL, 0, NULL, 0 },
};

static void opts_defaults(struct send_opts *o)
{
	static const uint8_t in_src_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t in_dst_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
	static const uint8_t out_src_mac[6] = { 0x02, 0x53, 0x54, 0x00, 0x00, 0x01 };
	static const uint8_t out_dst_mac[6] = { 0x02, 0x53, 0x54, 0x00, 0x00, 0x02 };

	memset(o, 0, sizeof(*o));
	o->gen = GEN_PING;
	o->size = 100;
	o->inner_sport = 40000;
	o->inner_dport = 7; /* echo */
	memcpy(o->inner_src_mac, in_src_mac, 6);
	memcpy(o->inner_dst_mac, in_dst_mac, 6);
	memcpy(o->src_mac, out_src_mac, 6);
	memcpy(o->dst_mac, out_dst_mac, 6);
	o->vlan_valid = -1;
	o->stt_flags = -1;
	o->l4_offset = -1;
	o->ack_step = 1;
	o->sport = -1;
	o->dport = STT_DEFAULT_PORT;
	o->tcp_flags = STT_TCP_ACK;
	o->frame_len = -1;
	o->csum = CSUM_FULL;
	o->ttl = 64;
	o->tos = -1;
	o->dscp = -1;
	o->ecn = -1;
	o->duplicate = -1;
	o->seed = 1;
	o->start_ns = 1700000000ull * 1000000000ull;
	o->interval_ns = 100000;
}

static void parse_addr_opt(const char *opt, const char *s, struct stt_addr *a)
{
	if (stt_addr_parse(s, a) != 0)
		stt_cli_usage_error("%s: '%s' is not a numeric IPv4 or IPv6 address", opt, s);
}

static void parse_mac_opt(const char *opt, const char *s, uint8_t mac[6])
{
	if (parse_mac(s, mac) != 0)
		stt_cli_usage_error("%s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", opt, s);
}

/* "S:VAL" for --seg-ecn / --seg-dscp. */
static void parse_seg_override(const char *opt, const char *s, bool ecn, struct seg_override *list,
			       unsigned *n)
{
	const char *colon = strchr(s, ':');
	if (!colon)
		stt_cli_usage_error("%s: expected SEGMENT:VALUE, got '%s'", opt, s);
	if (*n >= SEND_MAX_LIST)
		stt_cli_usage_error("%s: at most %d of these", opt, SEND_MAX_LIST);
	char num[32];
	size_t len = (size_t)(colon - s);
	if (len == 0 || len >= sizeof(num))
		stt_cli_usage_error("%s: expected SEGMENT:VALUE, got '%s'", opt, s);
	memcpy(num, s, len);
	num[len] = '\0';
	uint8_t v;
	if (ecn ? parse_ecn(colon + 1, &v) : parse_dscp(colon + 1, &v))
		stt_cli_usage_error("%s: '%s' is not %s", opt, colon + 1,
				    ecn ? "an ECN value (Not-ECT, ECT0, ECT1, CE or 0-3)"
					: "a DSCP (0-63, EF, CSn, AFxy)");
	list[*n].seg = (unsigned)stt_cli_parse_u64(opt, num, 0, 65535);
	list[*n].value = v;
	(*n)++;
}

static void parse_drop(const char *s, struct send_opts *o)
{
	if (o->n_drops >= SEND_MAX_LIST)
		stt_cli_usage_error("--drop: at most %d of these", SEND_MAX_LIST);
	struct seg_drop *d = &o->drops[o->n_drops++];
	const char *colon = strchr(s, ':');
	if (!colon) {
		d->frame = -1;
		d->seg = (unsigned)stt_cli_parse_u64("--drop", s, 0, 65535);
		return;
	}
	char num[32];
	size_t len = (size_t)(colon - s);
	if (len == 0 || len >= sizeof(num))
		stt_cli_usage_error("--drop: expected N or FRAME:N, got '%s'", s);
	memcpy(num, s, len);
	num[len] = '\0';
	d->frame = (long)stt_cli_parse_u64("--drop", num, 0, 1u << 30);
	d->seg = (unsigned)stt_cli_parse_u64("--drop", colon + 1, 0, 65535);
}

static void parse_args(int argc, char **argv, struct send_opts *o)
{
	bool vlan_given = false, gen_given = false, dst_given = false;
	int c;
	while ((c = getopt_long(argc, argv, "hVvqw:i:s:c:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			exit(STT_EXIT_OK);
		case 'V':
			stt_cli_print_version();
			exit(STT_EXIT_OK);
		case 'v':
			o->verbose++;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'w':
			o->write_file = optarg;
			break;
		case OPT_WRITE_INNER:
			o->write_inner = optarg;
			break;
		case OPT_TARGET:
			o->target = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case OPT_PING:
		case OPT_UDP:
		case OPT_TCP_SYN:
		case OPT_ARP: {
			enum send_gen g = c == OPT_PING  ? GEN_PING
					  : c == OPT_UDP ? GEN_UDP
					  : c == OPT_ARP ? GEN_ARP
							 : GEN_TCP_SYN;
			if (gen_given && o->gen != g)
				stt_cli_usage_error("choose one of --ping, --udp, --tcp-syn, --arp");
			o->gen = g;
			gen_given = true;
			break;
		}
		case OPT_INNER_PCAP:
			o->inner_pcap = optarg;
			break;
		case OPT_INNER_IPV6:
			o->inner_ipv6 = true;
			break;
		case 's':
			o->size = (size_t)stt_cli_parse_u64("--size", optarg, 1, STT_MAX_INNER_LEN - 14);
			break;
		case 'c':
			o->count = stt_cli_parse_u64("--count", optarg, 1, UINT64_MAX);
			break;
		case OPT_RATE:
			o->rate = stt_cli_parse_double("--rate", optarg, 0.001, 1e9);
			break;
		case OPT_INNER_SRC:
			parse_addr_opt("--inner-src", optarg, &o->inner_src);
			break;
		case OPT_INNER_DST:
			parse_addr_opt("--inner-dst", optarg, &o->inner_dst);
			break;
		case OPT_INNER_SRC_MAC:
			parse_mac_opt("--inner-src-mac", optarg, o->inner_src_mac);
			break;
		case OPT_INNER_DST_MAC:
			parse_mac_opt("--inner-dst-mac", optarg, o->inner_dst_mac);
			break;
		case OPT_INNER_SPORT:
			o->inner_sport = (uint16_t)stt_cli_parse_u64("--inner-sport", optarg, 0, 65535);
			break;
		case OPT_INNER_DPORT:
			o->inner_dport = (uint16_t)stt_cli_parse_u64("--inner-dport", optarg, 0, 65535);
			break;
		case OPT_INNER_TOS:
			o->inner_tos = (uint8_t)stt_cli_parse_u64("--inner-tos", optarg, 0, 255);
			break;
		case OPT_INNER_TSO:
			o->inner_tso = optarg ? (unsigned)stt_cli_parse_u64("--inner-tso", optarg, 1, 65535)
					      : 1448;
			break;
		case OPT_CONTEXT:
			o->context = stt_cli_parse_u64("--context", optarg, 0, UINT64_MAX);
			break;
		case OPT_VLAN:
			o->vlan_id = (unsigned)stt_cli_parse_u64("--vlan", optarg, 0, 4095);
			vlan_given = true;
			break;
		case OPT_PCP:
			o->pcp = (unsigned)stt_cli_parse_u64("--pcp", optarg, 0, 7);
			break;
		case OPT_VLAN_VALID:
			o->vlan_valid = (int)stt_cli_parse_u64("--vlan-valid", optarg, 0, 1);
			break;
		case OPT_MSS:
			o->mss = (uint16_t)stt_cli_parse_u64("--mss", optarg, 0, 65535);
			break;
		case OPT_STT_FLAGS:
			o->stt_flags = (int)stt_cli_parse_u64("--stt-flags", optarg, 0, 255);
			break;
		case OPT_L4_OFFSET:
			o->l4_offset = (int)stt_cli_parse_u64("--l4-offset", optarg, 0, 255);
			break;
		case OPT_STT_VERSION:
			o->version = (uint8_t)stt_cli_parse_u64("--stt-version", optarg, 0, 255);
			break;
		case OPT_RESERVED:
			o->reserved = (uint8_t)stt_cli_parse_u64("--reserved", optarg, 0, 255);
			break;
		case OPT_PADDING:
			o->padding = (uint16_t)stt_cli_parse_u64("--padding", optarg, 0, 65535);
			break;
		case OPT_ACK:
			o->ack = (uint32_t)stt_cli_parse_u64("--ack", optarg, 0, UINT32_MAX);
			o->ack_set = true;
			break;
		case OPT_ACK_STEP:
			o->ack_step = (uint32_t)stt_cli_parse_u64("--ack-step", optarg, 0, UINT32_MAX);
			break;
		case OPT_SPORT:
			o->sport = (int)stt_cli_parse_u64("--sport", optarg, 0, 65535);
			break;
		case OPT_DPORT:
			o->dport = (uint16_t)stt_cli_parse_u64("--dport", optarg, 0, 65535);
			break;
		case OPT_WINDOW:
			o->window = (uint16_t)stt_cli_parse_u64("--window", optarg, 0, 65535);
			break;
		case OPT_URG:
			o->urg = (uint16_t)stt_cli_parse_u64("--urg", optarg, 0, 65535);
			break;
		case OPT_TCP_FLAGS:
			if (parse_tcp_flags(optarg, &o->tcp_flags) != 0)
				stt_cli_usage_error("--tcp-flags: '%s' is not a list of FIN, SYN, RST, "
						    "PSH, ACK, URG, ECE, CWR or a number",
						    optarg);
			break;
		case OPT_NO_PSH:
			o->no_psh = true;
			break;
		case OPT_FRAME_LEN:
			o->frame_len = (int)stt_cli_parse_u64("--frame-len", optarg, 0, 65535);
			break;
		case OPT_CSUM:
			if (strcmp(optarg, "full") == 0)
				o->csum = CSUM_FULL;
			else if (strcmp(optarg, "pseudo") == 0)
				o->csum = CSUM_PSEUDO;
			else if (strcmp(optarg, "bad") == 0)
				o->csum = CSUM_BAD;
			else if (strcmp(optarg, "zero") == 0)
				o->csum = CSUM_ZERO;
			else
				stt_cli_usage_error("--csum: expected full, pseudo, bad or zero, got '%s'",
						    optarg);
			break;
		case OPT_SRC:
			parse_addr_opt("--src", optarg, &o->src);
			break;
		case OPT_DST:
			parse_addr_opt("--dst", optarg, &o->dst);
			dst_given = true;
			break;
		case OPT_SRC_MAC:
			parse_mac_opt("--src-mac", optarg, o->src_mac);
			o->src_mac_set = true;
			break;
		case OPT_DST_MAC:
			parse_mac_opt("--dst-mac", optarg, o->dst_mac);
			o->dst_mac_set = true;
			break;
		case OPT_TTL:
			o->ttl = (uint8_t)stt_cli_parse_u64("--ttl", optarg, 1, 255);
			break;
		case OPT_TOS:
			o->tos = (int)stt_cli_parse_u64("--tos", optarg, 0, 255);
			break;
		case OPT_DSCP: {
			uint8_t v;
			if (parse_dscp(optarg, &v) != 0)
				stt_cli_usage_error("--dscp: '%s' is not a DSCP (0-63, EF, CSn, AFxy)",
						    optarg);
			o->dscp = v;
			break;
		}
		case OPT_ECN: {
			uint8_t v;
			if (parse_ecn(optarg, &v) != 0)
				stt_cli_usage_error("--ecn: '%s' is not an ECN value (Not-ECT, ECT0, "
						    "ECT1, CE or 0-3)",
						    optarg);
			o->ecn = v;
			break;
		}
		case OPT_SEGMENT_SIZE:
			o->segment_size = (size_t)stt_cli_parse_u64("--segment-size", optarg, 1, 65535);
			break;
		case OPT_TSO:
			o->tso = true;
			break;
		case OPT_DROP:
			parse_drop(optarg, o);
			break;
		case OPT_LOSS:
			o->loss = stt_cli_parse_double("--loss", optarg, 0, 1);
			break;
		case OPT_REORDER:
			o->reorder = true;
			break;
		case OPT_REVERSE:
			o->reverse = true;
			break;
		case OPT_DUPLICATE:
			if (strcmp(optarg, "all") == 0)
				o->duplicate = -2;
			else
				o->duplicate = (int)stt_cli_parse_u64("--duplicate", optarg, 0, 65535);
			break;
		case OPT_OVERLAP:
			o->overlap = true;
			break;
		case OPT_COALESCE:
			o->coalesce = (unsigned)stt_cli_parse_u64("--coalesce", optarg, 1, 65535);
			break;
		case OPT_INTERLEAVE:
			o->interleave = optarg ? (unsigned)stt_cli_parse_u64("--interleave", optarg, 1, 64)
					       : 2;
			break;
		case OPT_SEG_ECN:
			parse_seg_override("--seg-ecn", optarg, true, o->seg_ecn, &o->n_seg_ecn);
			break;
		case OPT_SEG_DSCP:
			parse_seg_override("--seg-dscp", optarg, false, o->seg_dscp, &o->n_seg_dscp);
			break;
		case OPT_SEED:
			o->seed = stt_cli_parse_u64("--seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_START_TIME:
			if (parse_epoch(optarg, &o->start_ns) != 0)
				stt_cli_usage_error("--start-time: expected SECONDS[.FRACTION] since the "
						    "epoch, got '%s'",
						    optarg);
			break;
		case OPT_INTERVAL:
			if (parse_duration(optarg, &o->interval_ns) != 0)
				stt_cli_usage_error("--interval: expected a duration such as 100us, "
						    "1ms or 0.5s, got '%s'",
						    optarg);
			break;
		default:
			stt_cli_usage_error("unknown option");
		}
	}
	if (optind < argc)
		stt_cli_usage_error("unexpected argument '%s'", argv[optind]);

	if (!o->write_file && !o->target)
		stt_cli_usage_error("nothing to do: give -w FILE or --target IP");
	if (o->target) {
		struct stt_addr t;
		parse_addr_opt("--target", o->target, &t);
		if (dst_given && !stt_addr_eq(&t, &o->dst))
			stt_cli_usage_error("--target and --dst disagree; give one of them");
		o->dst = t;
		dst_given = true;
	}
	if (!dst_given)
		stt_addr_parse("192.0.2.2", &o->dst);
	if (!o->src.family && !o->target)
		stt_addr_parse(o->dst.family == 6 ? "2001:db8::1" : "192.0.2.1", &o->src);
	if (o->src.family && o->src.family != o->dst.family)
		stt_cli_usage_error("--src and --dst must both be IPv4 or both IPv6");
	if (!o->segment_size) /* a 1500-byte MTU less IP and TCP headers, less 12 */
		o->segment_size = o->dst.family == 6 ? 1428 : 1448;

	if (o->inner_pcap && gen_given)
		stt_cli_usage_error("--inner-pcap and --ping/--udp/--tcp-syn/--arp exclude each other");
	if (o->inner_pcap)
		o->gen = GEN_NONE;
	else if (!o->count)
		o->count = 1;
	if (o->gen == GEN_ARP && o->inner_ipv6)
		stt_cli_usage_error("--arp is IPv4 only (IPv6 resolves neighbours with ICMPv6)");
	int ifam = o->inner_ipv6 ? 6 : 4;
	if (!o->inner_src.family)
		stt_addr_parse(ifam == 6 ? "2001:db8:1::1" : "198.51.100.1", &o->inner_src);
	if (!o->inner_dst.family)
		stt_addr_parse(ifam == 6 ? "2001:db8:1::2" : "198.51.100.2", &o->inner_dst);
	if (o->gen != GEN_NONE && (o->inner_src.family != ifam || o->inner_dst.family != ifam))
		stt_cli_usage_error("--inner-src/--inner-dst must be IPv%d addresses%s", ifam,
				    ifam == 4 ? " (or add --inner-ipv6)" : "");
	if (o->gen != GEN_NONE && o->gen != GEN_ARP && o->size < inner_min_ip_size(o))
		stt_cli_usage_error("--size %zu is too small: this packet needs at least %zu bytes",
				    o->size, inner_min_ip_size(o));

	if (vlan_given && o->vlan_valid < 0)
		o->vlan_valid = 1;
	if (o->reorder && o->reverse)
		stt_cli_usage_error("--reorder and --reverse exclude each other");
	if (o->tso && (o->n_drops || o->loss > 0 || o->reorder || o->reverse ||
		       o->duplicate != -1 || o->overlap || o->coalesce > 1 || o->interleave > 1 ||
		       o->n_seg_ecn || o->n_seg_dscp))
		stt_cli_usage_error("--tso sends one super-packet per frame: it cannot be combined "
				    "with per-segment impairments");
	if (o->verbose && ((o->write_file && strcmp(o->write_file, "-") == 0) ||
			   (o->write_inner && strcmp(o->write_inner, "-") == 0)))
		stt_cli_usage_error("-v prints to standard output, which carries the pcap");
	if (o->write_file && o->write_inner && strcmp(o->write_file, "-") == 0 &&
	    strcmp(o->write_inner, "-") == 0)
		stt_cli_usage_error("-w - and --write-inner - cannot share standard output");
	if (o->iface && !o->target)
		stt_cli_usage_error("--iface sends live: give --target IP too");
	if (o->tso && o->target && !o->iface)
		stt_cli_usage_error("--tso with --target needs --iface (AF_PACKET on that interface)");
}

void send_opts_parse(int argc, char **argv, struct send_opts *o)
{
	opts_defaults(o);
	parse_args(argc, argv, o);
}
