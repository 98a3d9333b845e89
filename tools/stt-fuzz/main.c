/* stt-fuzz: adversarial STT segment streams against libstt's reassembler
 * in-process (--local) or against any STT endpoint over the wire
 * (--target), with invariants, liveness probes, shrinking and pcap
 * reproducers. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fuzzcli.h"

static void usage(void)
{
	printf("Usage: %s --local [OPTION]...\n"
	       "       %s --target IP [OPTION]...\n"
	       "Send adversarial STT (Stateless Transport Tunneling) segment streams against\n"
	       "libstt's reassembler in this process, or against an STT endpoint.\n"
	       "\n"
	       "Modes:\n"
	       "      --local              fuzz libstt's reassembler in-process, checking the\n"
	       "                           invariants (no conflicting overlap delivered, memory\n"
	       "                           under the cap, exact frames, order independence)\n"
	       "  -t, --target IP          fuzz the STT endpoint at IP over the wire, probing\n"
	       "                           its liveness through the tunnel\n"
	       "Common:\n"
	       "  -d, --duration S         run for S seconds (default 10)\n"
	       "  -n, --cases N            run exactly N cases instead (deterministic)\n"
	       "  -s, --seed N             seed (default: from the clock; printed at the end)\n"
	       "      --case N             run only case number N of the seed (a replay)\n"
	       "  -o, --out DIR            where reproducer pcaps go (default ./stt-fuzz-findings)\n"
	       "  -k, --kind LIST          only these generators (comma-separated): boundary,\n"
	       "                           overlap, length-lie, ack-collision, zero-length,\n"
	       "                           mutation, flood, reorder (default: all)\n"
	       "  -q, --quiet              no progress lines on stderr\n"
	       "Wire (--target):\n"
	       "  -i, --iface DEV          interface to send on; its address is the outer\n"
	       "                           source (default: the interface with an address\n"
	       "                           in the target's subnet)\n"
	       "  -r, --rate PPS           packets per second (default 10000; 0: no limit)\n"
	       "      --context N          STT context ID of the frames (default 0)\n"
	       "      --port N             STT destination port (default 7471)\n"
	       "      --inner-target IP    inner address that answers ICMP echo behind the\n"
	       "                           target (required)\n"
	       "      --inner-src IP       our inner address (default: inner target with the\n"
	       "                           last byte replaced by 254)\n"
	       "      --probe-every N      liveness probe every N cases (default 50)\n"
	       "      --probe-timeout S    wait S seconds for each probe's reply (default 1)\n"
	       "      --recover-wait S     while shrinking, wait up to S seconds for the target\n"
	       "                           to answer again (default 10)\n"
	       "  -h, --help, -V, --version\n"
	       "\n"
	       "Test only:\n"
	       "      --self-test-broken=overlap|cap|order\n"
	       "                           run --local against a deliberately broken\n"
	       "                           reassembler, to prove the invariants catch it\n"
	       "\n"
	       "The last line on stdout: \"stt-fuzz: N cases, M findings (seed S)\".\n"
	       "Exit status: 0 no finding; 1 a finding or lost liveness (reproducer saved);\n"
	       "2 usage or I/O error.\n",
	       stt_cli_prog(), stt_cli_prog());
}

enum {
	OPT_LOCAL = 256,
	OPT_CASE,
	OPT_CONTEXT,
	OPT_PORT,
	OPT_INNER_TARGET,
	OPT_INNER_SRC,
	OPT_PROBE_EVERY,
	OPT_PROBE_TIMEOUT,
	OPT_RECOVER_WAIT,
	OPT_BROKEN,
};

static const struct option long_opts[] = {
	{ "local", no_argument, NULL, OPT_LOCAL },
	{ "target", required_argument, NULL, 't' },
	{ "duration", required_argument, NULL, 'd' },
	{ "cases", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "case", required_argument, NULL, OPT_CASE },
	{ "out", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "kind", required_argument, NULL, 'k' },
	{ "iface", required_argument, NULL, 'i' },
	{ "rate", required_argument, NULL, 'r' },
	{ "context", required_argument, NULL, OPT_CONTEXT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "inner-target", required_argument, NULL, OPT_INNER_TARGET },
	{ "inner-src", required_argument, NULL, OPT_INNER_SRC },
	{ "probe-every", required_argument, NULL, OPT_PROBE_EVERY },
	{ "probe-timeout", required_argument, NULL, OPT_PROBE_TIMEOUT },
	{ "recover-wait", required_argument, NULL, OPT_RECOVER_WAIT },
	{ "self-test-broken", required_argument, NULL, OPT_BROKEN },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct fz_opts o;
	bool have_seed = false, have_duration = false;
	int c;

	stt_cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.duration = 10;
	o.out = "stt-fuzz-findings";
	o.rate = 10000;
	o.probe_every = 50;
	o.probe_timeout = 1;
	o.recover_wait = 10;
	o.port = STT_DEFAULT_PORT;

	while ((c = getopt_long(argc, argv, "t:d:n:s:o:qk:i:r:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_LOCAL: o.local = true; break;
		case 't': o.target = optarg; break;
		case 'd':
			o.duration = stt_cli_parse_double("--duration", optarg, 0, 1e9);
			have_duration = true;
			break;
		case 'n': o.cases = stt_cli_parse_u64("--cases", optarg, 1, UINT64_MAX); break;
		case 's':
			o.seed = stt_cli_parse_u64("--seed", optarg, 0, UINT64_MAX);
			have_seed = true;
			break;
		case OPT_CASE:
			o.case_no = stt_cli_parse_u64("--case", optarg, 0, UINT64_MAX - 1);
			o.one_case = true;
			break;
		case 'o': o.out = optarg; break;
		case 'q': o.quiet = true; break;
		case 'k':
			if (fz_set_kinds(optarg) != 0)
				stt_cli_usage_error("--kind: '%s': expected names from boundary, overlap, length-lie, ack-collision, zero-length, mutation, flood, reorder",
						    optarg);
			break;
		case 'i': o.iface = optarg; break;
		case 'r': o.rate = stt_cli_parse_double("--rate", optarg, 0, 1e9); break;
		case OPT_CONTEXT: o.context = stt_cli_parse_u64("--context", optarg, 0, UINT64_MAX); break;
		case OPT_PORT: o.port = (uint16_t)stt_cli_parse_u64("--port", optarg, 1, 65535); break;
		case OPT_INNER_TARGET: o.inner_target = optarg; break;
		case OPT_INNER_SRC: o.inner_src = optarg; break;
		case OPT_PROBE_EVERY:
			o.probe_every = stt_cli_parse_u64("--probe-every", optarg, 1, UINT64_MAX);
			break;
		case OPT_PROBE_TIMEOUT:
			o.probe_timeout = stt_cli_parse_double("--probe-timeout", optarg, 0.01, 3600);
			break;
		case OPT_RECOVER_WAIT:
			o.recover_wait = stt_cli_parse_double("--recover-wait", optarg, 0, 3600);
			break;
		case OPT_BROKEN:
			if (!strcmp(optarg, "overlap"))
				o.broken = FZ_BROKEN_OVERLAP;
			else if (!strcmp(optarg, "cap"))
				o.broken = FZ_BROKEN_CAP;
			else if (!strcmp(optarg, "order"))
				o.broken = FZ_BROKEN_ORDER;
			else
				stt_cli_usage_error("--self-test-broken: expected overlap, cap or order, got '%s'",
						    optarg);
			break;
		case 'h': usage(); return STT_EXIT_OK;
		case 'V': stt_cli_print_version(); return STT_EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", stt_cli_prog());
			return STT_EXIT_ERROR;
		}
	}
	if (optind < argc)
		stt_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (o.local == (o.target != NULL))
		stt_cli_usage_error("give exactly one of --local and --target IP");
	if (o.cases && have_duration)
		stt_cli_usage_error("--cases and --duration exclude each other");
	if (o.one_case && (o.cases || have_duration))
		stt_cli_usage_error("--case runs one case: no --cases or --duration with it");
	if (o.one_case && !o.local)
		stt_cli_usage_error("--case replays a case of --local");
	if (o.broken && !o.local)
		stt_cli_usage_error("--self-test-broken works with --local only");
	if (!have_seed) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		o.seed = ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec) % 1000000000u;
	}
	if (o.local)
		return fz_local(&o);
	if (!o.inner_target)
		stt_cli_usage_error("--target needs --inner-target IP (an inner address that answers ping)");
	return fz_wire(&o);
}
