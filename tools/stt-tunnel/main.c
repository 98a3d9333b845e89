/* stt-tunnel: a TAP device bridged over STT to peers. Command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tunnel.h"

static void usage(void)
{
	printf("Usage: %s --tap NAME --local ADDR --remote ADDR --context ID [options]\n"
	       "       %s --config FILE.json [options]\n"
	       "\n"
	       "Bridge a TAP device over STT (Stateless Transport Tunneling) to peers.\n"
	       "Runs in the foreground until SIGINT/SIGTERM; SIGUSR1 prints counters.\n"
	       "\n"
	       "  -t, --tap NAME          TAP device to create (addresses are yours to assign)\n"
	       "  -l, --local ADDR        our underlay IPv4/IPv6 address\n"
	       "  -r, --remote ADDR       a peer's underlay address (repeatable); only peers\n"
	       "                          may send to us, anything else is dropped and counted\n"
	       "  -c, --context ID        STT context id (64 bits) for the TAP\n"
	       "  -p, --port N            STT TCP port (default 7471)\n"
	       "  -m, --mtu N             TAP MTU, 68-65000 (default 1500)\n"
	       "  -i, --iface DEV         underlay interface (default: the one holding --local)\n"
	       "      --dscp MODEL        uniform (default) or pipe:N (outer DSCP N)\n"
	       "      --ecn MODE          normal (RFC 6040, default) or compat\n"
	       "      --no-tso            segment STT frames ourselves instead of kernel GSO\n"
	       "      --backend NAME      underlay I/O: auto, afpacket, pcap\n"
	       "      --no-firewall       do not install the nftables rule that stops the\n"
	       "                          host's TCP from answering STT with RST\n"
	       "  -C, --config FILE       JSON file with several contexts and peers\n"
	       "      --stats-json SEC    write counters as JSON every SEC seconds\n"
	       "      --stats-file FILE   ... to FILE (rewritten each time) instead of stdout\n"
	       "  -q, --quiet             no start-up messages\n"
	       "  -h, --help              this text\n"
	       "  -V, --version           version and I/O backends\n",
	       stt_cli_prog(), stt_cli_prog());
}

enum {
	OPT_DSCP = 256,
	OPT_ECN,
	OPT_NO_TSO,
	OPT_BACKEND,
	OPT_NO_FIREWALL,
	OPT_STATS_JSON,
	OPT_STATS_FILE,
};

static const struct option long_opts[] = {
	{ "tap", required_argument, NULL, 't' },
	{ "local", required_argument, NULL, 'l' },
	{ "remote", required_argument, NULL, 'r' },
	{ "context", required_argument, NULL, 'c' },
	{ "port", required_argument, NULL, 'p' },
	{ "mtu", required_argument, NULL, 'm' },
	{ "iface", required_argument, NULL, 'i' },
	{ "config", required_argument, NULL, 'C' },
	{ "dscp", required_argument, NULL, OPT_DSCP },
	{ "ecn", required_argument, NULL, OPT_ECN },
	{ "no-tso", no_argument, NULL, OPT_NO_TSO },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "no-firewall", no_argument, NULL, OPT_NO_FIREWALL },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct tun_opts o;
	const char *tap = NULL, *config = NULL;
	bool have_ctx = false;
	uint64_t ctx_id = 0;
	int c;

	stt_cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.tso = true;
	o.firewall = true;

	while ((c = getopt_long(argc, argv, "t:l:r:c:p:m:i:C:qhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (strlen(optarg) >= sizeof(o.ctxs[0].tap))
				stt_cli_usage_error("--tap: name '%s' is too long", optarg);
			tap = optarg;
			break;
		case 'l':
			if (stt_addr_parse(optarg, &o.local) < 0)
				stt_cli_usage_error("--local: '%s' is not an IPv4/IPv6 address", optarg);
			break;
		case 'r':
			if (o.npeers >= TUN_MAX_PEERS)
				stt_cli_usage_error("--remote: at most %d peers", TUN_MAX_PEERS);
			if (stt_addr_parse(optarg, &o.peers[o.npeers]) < 0)
				stt_cli_usage_error("--remote: '%s' is not an IPv4/IPv6 address", optarg);
			o.npeers++;
			break;
		case 'c':
			ctx_id = stt_cli_parse_u64("--context", optarg, 0, UINT64_MAX);
			have_ctx = true;
			break;
		case 'p':
			o.port = (uint16_t)stt_cli_parse_u64("--port", optarg, 1, 65535);
			break;
		case 'm':
			o.mtu = (unsigned)stt_cli_parse_u64("--mtu", optarg, 68, 65000);
			break;
		case 'i':
			if (strlen(optarg) >= sizeof(o.iface))
				stt_cli_usage_error("--iface: name '%s' is too long", optarg);
			snprintf(o.iface, sizeof(o.iface), "%s", optarg);
			break;
		case 'C':
			config = optarg;
			break;
		case OPT_DSCP:
			if (stt_qos_parse_dscp(optarg, &o.qos) < 0)
				stt_cli_usage_error("--dscp: expected uniform or pipe:N (N 0-63), got '%s'",
						    optarg);
			break;
		case OPT_ECN:
			if (stt_qos_parse_ecn(optarg, &o.qos) < 0)
				stt_cli_usage_error("--ecn: expected normal or compat, got '%s'", optarg);
			break;
		case OPT_NO_TSO:
			o.tso = false;
			break;
		case OPT_BACKEND:
			if (stt_io_backend_parse(optarg, &o.backend) < 0)
				stt_cli_usage_error("--backend: '%s' is not a built-in backend", optarg);
			break;
		case OPT_NO_FIREWALL:
			o.firewall = false;
			break;
		case OPT_STATS_JSON:
			o.stats_interval = stt_cli_parse_double("--stats-json", optarg, 0.1, 86400);
			break;
		case OPT_STATS_FILE:
			if (strlen(optarg) >= sizeof(o.stats_file))
				stt_cli_usage_error("--stats-file: path too long");
			snprintf(o.stats_file, sizeof(o.stats_file), "%s", optarg);
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage();
			return STT_EXIT_OK;
		case 'V':
			stt_cli_print_version();
			return STT_EXIT_OK;
		default:
			stt_cli_usage_error("unknown option");
		}
	}
	if (optind < argc)
		stt_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (config && tun_config_load(config, &o) < 0)
		return STT_EXIT_ERROR;
	if (tap || have_ctx) {
		if (!tap || !have_ctx)
			stt_cli_usage_error("--tap and --context go together");
		if (o.nctxs >= TUN_MAX_CONTEXTS)
			stt_cli_usage_error("at most %d contexts", TUN_MAX_CONTEXTS);
		struct tun_context_opt *t = &o.ctxs[o.nctxs++];
		memset(t, 0, sizeof(*t));
		t->id = ctx_id;
		snprintf(t->tap, sizeof(t->tap), "%s", tap);
	}
	if (!o.local.family)
		stt_cli_usage_error("--local is required");
	if (!o.npeers)
		stt_cli_usage_error("at least one --remote is required");
	if (!o.nctxs)
		stt_cli_usage_error("--tap and --context (or --config) are required");
	for (unsigned i = 0; i < o.npeers; i++)
		if (o.peers[i].family != o.local.family)
			stt_cli_usage_error("--remote %u: address family differs from --local", i + 1);
	for (unsigned i = 0; i < o.nctxs; i++)
		for (unsigned j = 0; j < i; j++) {
			if (o.ctxs[i].id == o.ctxs[j].id)
				stt_cli_usage_error("context %llu given twice",
						    (unsigned long long)o.ctxs[i].id);
			if (!strcmp(o.ctxs[i].tap, o.ctxs[j].tap))
				stt_cli_usage_error("TAP '%s' given twice", o.ctxs[i].tap);
		}
	if (!o.port)
		o.port = STT_DEFAULT_PORT;
	if (!o.mtu)
		o.mtu = 1500;
	return tun_run(&o);
}
