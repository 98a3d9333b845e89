/* stt-conform: conformance runner for STT implementations.
 *
 *   stt-conform --list [--json|--markdown]
 *   stt-conform --pcap FILE [report options]
 *   stt-conform --target IP --inner-target IP [active options] [report options]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "active.h"
#include "cli.h"
#include "conform.h"

static void usage(void)
{
	printf("Usage: %s --list [--json | --markdown]\n"
	       "       %s --pcap FILE [OPTIONS]\n"
	       "       %s --target IP --inner-target IP [OPTIONS]\n"
	       "\n"
	       "Conformance runner for STT (Stateless Transport Tunneling) implementations.\n"
	       "Reports one verdict per requirement: PASS, FAIL (MUST violated), WARN\n"
	       "(SHOULD/RECOMMENDED violated) or SKIP (not exercised).\n"
	       "\n"
	       "Modes:\n"
	       "  -l, --list             print the requirement catalogue and the cases\n"
	       "      --json             with --list: as JSON\n"
	       "      --markdown         with --list: as Markdown (docs/conformance.md)\n"
	       "  -r, --pcap FILE        passive: judge the transmit side of a capture\n"
	       "  -t, --target IP        active: act as a peer tunnel endpoint of IP\n"
	       "\n"
	       "Active mode:\n"
	       "      --inner-target IP  host behind the target answering ICMP echo/ARP/TCP\n"
	       "      --inner-src IP     our inner address (default: .200 in inner-target's /24)\n"
	       "      --inner-mac MAC    our inner MAC (default 02:53:54:43:46:01)\n"
	       "      --context N        STT context ID (default 0)\n"
	       "      --local IP         our underlay address (default: by route to target)\n"
	       "  -i, --iface NAME       underlay interface (default: the one holding --local)\n"
	       "      --wait MS          how long to wait for an answer (default 1000)\n"
	       "      --slow             also run cases that take minutes (rx.timeout)\n"
	       "      --replay FILE      send the STT segments of FILE to the target first and\n"
	       "                         judge its answers\n"
	       "\n"
	       "Common:\n"
	       "  -p, --port N           STT destination port (default 7471)\n"
	       "  -c, --case GLOB        run only cases matching GLOB (e.g. 'rx.*', 'tx.qos');\n"
	       "                         a comma-separated list runs the cases of each\n"
	       "      --expect-dscp M    the DSCP model the target claims: uniform or pipe\n"
	       "                         (default: detect and report it, either passes)\n"
	       "      --expect-ecn M     the ECN encapsulation mode it claims: normal or compat\n"
	       "      --profile P        default | strict (SHOULD violations FAIL) |\n"
	       "                         ovs (OVS's known deviations are WARN)\n"
	       "      --tap              TAP version 13 on stdout instead of the table\n"
	       "      --junit FILE       also write JUnit XML\n"
	       "      --json FILE        also write the report as JSON ('-': stdout)\n"
	       "      --keep-pcaps DIR   active: keep one capture per case in DIR\n"
	       "      --no-color         no colours in the table\n"
	       "  -q, --quiet            no progress on stderr\n"
	       "  -h, --help             this help\n"
	       "  -V, --version          version and I/O backends\n"
	       "\n"
	       "Exit status: 0 no FAIL, 1 some requirement FAILed, 2 usage or input error.\n",
	       stt_cli_prog(), stt_cli_prog(), stt_cli_prog());
}

enum {
	OPT_JSON = 256,
	OPT_MARKDOWN,
	OPT_INNER_TARGET,
	OPT_INNER_SRC,
	OPT_INNER_MAC,
	OPT_CONTEXT,
	OPT_LOCAL,
	OPT_WAIT,
	OPT_SLOW,
	OPT_REPLAY,
	OPT_PROFILE,
	OPT_TAP,
	OPT_JUNIT,
	OPT_KEEP,
	OPT_NO_COLOR,
	OPT_EXPECT_DSCP,
	OPT_EXPECT_ECN,
};

static void parse_addr(const char *opt, const char *s, struct stt_addr *a)
{
	if (stt_addr_parse(s, a) != 0)
		stt_cli_usage_error("%s: expected a numeric IPv4 or IPv6 address, got '%s'", opt, s);
}

int main(int argc, char **argv)
{
	stt_cli_init(argv[0]);

	/* --json is a flag after --list and takes a FILE otherwise. */
	bool listing = false;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--list") || !strcmp(argv[i], "-l"))
			listing = true;

	static struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "markdown", no_argument, NULL, OPT_MARKDOWN },
		{ "pcap", required_argument, NULL, 'r' },
		{ "target", required_argument, NULL, 't' },
		{ "inner-target", required_argument, NULL, OPT_INNER_TARGET },
		{ "inner-src", required_argument, NULL, OPT_INNER_SRC },
		{ "inner-mac", required_argument, NULL, OPT_INNER_MAC },
		{ "context", required_argument, NULL, OPT_CONTEXT },
		{ "local", required_argument, NULL, OPT_LOCAL },
		{ "iface", required_argument, NULL, 'i' },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "slow", no_argument, NULL, OPT_SLOW },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "port", required_argument, NULL, 'p' },
		{ "case", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "tap", no_argument, NULL, OPT_TAP },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "keep-pcaps", required_argument, NULL, OPT_KEEP },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "expect-dscp", required_argument, NULL, OPT_EXPECT_DSCP },
		{ "expect-ecn", required_argument, NULL, OPT_EXPECT_ECN },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	if (listing)
		opts[1].has_arg = no_argument;

	bool list_json = false, list_md = false, tap = false, color = true;
	const char *pcap = NULL, *junit = NULL, *json = NULL, *glob = NULL;
	enum cf_profile profile = CF_PROFILE_DEFAULT;
	enum cf_dscp_model expect_dscp = CF_DSCP_ANY;
	enum cf_ecn_mode expect_ecn = CF_ECN_ANY;
	struct cf_active_opts ao = { .port = STT_DEFAULT_PORT, .wait_ms = 1000,
				     .inner_mac = { 0x02, 0x53, 0x54, 0x43, 0x46, 0x01 } };
	bool have_target = false, have_inner = false;
	char target_buf[64];
	int ch;
	while ((ch = getopt_long(argc, argv, "lr:t:i:p:c:qhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			break;
		case OPT_JSON:
			if (listing)
				list_json = true;
			else
				json = optarg;
			break;
		case OPT_MARKDOWN:
			list_md = true;
			break;
		case 'r':
			pcap = optarg;
			break;
		case 't':
			parse_addr("--target", optarg, &ao.target);
			have_target = true;
			break;
		case OPT_INNER_TARGET:
			parse_addr("--inner-target", optarg, &ao.inner_target);
			have_inner = true;
			break;
		case OPT_INNER_SRC:
			parse_addr("--inner-src", optarg, &ao.inner_src);
			break;
		case OPT_INNER_MAC:
			if (stt_cli_parse_mac(optarg, ao.inner_mac) != 0)
				stt_cli_usage_error("--inner-mac: expected xx:xx:xx:xx:xx:xx, got '%s'",
						    optarg);
			break;
		case OPT_CONTEXT:
			ao.context = stt_cli_parse_u64("--context", optarg, 0, UINT64_MAX);
			break;
		case OPT_LOCAL:
			parse_addr("--local", optarg, &ao.local);
			break;
		case 'i':
			ao.iface = optarg;
			break;
		case OPT_WAIT:
			ao.wait_ms = (unsigned)stt_cli_parse_u64("--wait", optarg, 1, 600000);
			break;
		case OPT_SLOW:
			ao.slow = true;
			break;
		case OPT_REPLAY:
			ao.replay = optarg;
			break;
		case 'p':
			ao.port = (uint16_t)stt_cli_parse_u64("--port", optarg, 1, 65535);
			break;
		case 'c':
			glob = optarg;
			break;
		case OPT_PROFILE:
			if (cf_profile_parse(optarg, &profile) != 0)
				stt_cli_usage_error("--profile: expected default, strict or ovs, got '%s'",
						    optarg);
			break;
		case OPT_EXPECT_DSCP:
			if (!strcmp(optarg, "uniform"))
				expect_dscp = CF_DSCP_UNIFORM;
			else if (!strcmp(optarg, "pipe"))
				expect_dscp = CF_DSCP_PIPE;
			else
				stt_cli_usage_error("--expect-dscp: expected uniform or pipe, got '%s'",
						    optarg);
			break;
		case OPT_EXPECT_ECN:
			if (!strcmp(optarg, "normal"))
				expect_ecn = CF_ECN_NORMAL;
			else if (!strcmp(optarg, "compat"))
				expect_ecn = CF_ECN_COMPAT;
			else
				stt_cli_usage_error("--expect-ecn: expected normal or compat, got '%s'",
						    optarg);
			break;
		case OPT_TAP:
			tap = true;
			break;
		case OPT_JUNIT:
			junit = optarg;
			break;
		case OPT_KEEP:
			ao.keep_pcaps = optarg;
			break;
		case OPT_NO_COLOR:
			color = false;
			break;
		case 'q':
			cf_quiet = true;
			break;
		case 'h':
			usage();
			return STT_EXIT_OK;
		case 'V':
			stt_cli_print_version();
			return STT_EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", stt_cli_prog());
			return STT_EXIT_ERROR;
		}
	}
	if (optind < argc)
		stt_cli_usage_error("unexpected argument '%s'", argv[optind]);

	if (listing) {
		if (pcap || have_target)
			stt_cli_usage_error("--list takes no --pcap or --target");
		if (list_json && list_md)
			stt_cli_usage_error("--json and --markdown exclude each other");
		if (list_json)
			return cf_list_json(stdout) == 0 ? STT_EXIT_OK : STT_EXIT_ERROR;
		if (list_md)
			cf_list_markdown(stdout);
		else
			cf_list_text(stdout);
		return fflush(stdout) == 0 ? STT_EXIT_OK : STT_EXIT_ERROR;
	}
	if (list_md)
		stt_cli_usage_error("--markdown goes with --list");
	if (tap && json && !strcmp(json, "-"))
		stt_cli_usage_error("--tap and --json - both write to standard output");
	if (!pcap && !have_target)
		stt_cli_usage_error("nothing to do: give --list, --pcap FILE or --target IP");
	if (pcap && have_target)
		stt_cli_usage_error("--pcap and --target exclude each other (use --replay FILE "
				    "--target IP to send a capture to a target)");
	if (ao.replay && !have_target)
		stt_cli_usage_error("--replay needs --target");
	if (have_target && !have_inner && !ao.replay)
		stt_cli_usage_error("--target needs --inner-target (the host behind the target "
				    "that answers)");
	if (have_inner && ao.inner_src.family && ao.inner_src.family != ao.inner_target.family)
		stt_cli_usage_error("--inner-src and --inner-target must be the same family");
	if (ao.keep_pcaps && !have_target)
		stt_cli_warn("--keep-pcaps: ignored in passive mode (the capture is the record)");

	struct cf_report rep;
	cf_report_init(&rep, profile, pcap ? "passive" : "active",
		       pcap ? pcap : argv[optind - 1]);
	rep.expect_dscp = expect_dscp;
	rep.expect_ecn = expect_ecn;
	unsigned mask = pcap ? CF_MODE_TX : CF_MODE_TX | CF_MODE_RX;
	if (cf_report_select(&rep, glob, mask) == 0)
		stt_cli_usage_error("--case '%s' matches no %s case (see --list)", glob,
				    pcap ? "transmit-side" : "");
	if (pcap) {
		/* Receive-side requirements need a target: list them as SKIP
		 * saying so, unless --case narrowed the run. */
		if (!glob) {
			bool *tx = calloc(rep.n ? rep.n : 1, sizeof(bool));
			if (!tx)
				stt_cli_die("out of memory");
			for (size_t i = 0; i < rep.n; i++)
				tx[i] = rep.res[i].selected;
			cf_report_select(&rep, NULL, CF_MODE_RX);
			for (size_t i = 0; i < rep.n; i++)
				if (!tx[i])
					cf_report_skip_reason(&rep, rep.res[i].req->id,
							      "active mode needs --target");
			free(tx);
		}
		struct cf_passive_opts po = { .path = pcap, .port = ao.port, .quiet = cf_quiet };
		if (cf_passive_run(&rep, &po) != 0) {
			cf_report_free(&rep);
			return STT_EXIT_ERROR;
		}
	} else {
		rep.input = stt_addr_format(&ao.target, target_buf, sizeof(target_buf));
		ao.glob = glob;
		if (cf_active_run(&rep, &ao) != 0) {
			cf_report_free(&rep);
			return STT_EXIT_ERROR;
		}
	}
	cf_report_finish(&rep);
	if (tap)
		cf_write_tap(stdout, &rep);
	else if (!json || strcmp(json, "-"))
		cf_write_table(stdout, &rep, color && isatty(STDOUT_FILENO));
	int rc = cf_report_exit_code(&rep);
	if (junit && cf_write_junit(junit, &rep) != 0) {
		stt_cli_warn("%s: cannot write JUnit report: %s", junit, strerror(errno));
		rc = STT_EXIT_ERROR;
	}
	if (json && cf_write_json(json, &rep) != 0) {
		stt_cli_warn("%s: cannot write JSON report: %s", json, strerror(errno));
		rc = STT_EXIT_ERROR;
	}
	if (fflush(stdout) != 0)
		rc = STT_EXIT_ERROR;
	cf_report_free(&rep);
	return rc;
}
