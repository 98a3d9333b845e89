/* stt-recv: receive STT (live or from a capture file), reassemble, and
 * hand out the inner frames: one line or JSON object per frame, a
 * decapsulated pcap, hex, a TAP device, or back to the sender (--echo). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "cli.h"
#include "recv.h"
#include "stt/io.h"

static void usage(void)
{
	printf("Usage: %s (-i IFACE | -r FILE) [OPTION]...\n"
	       "Receive STT (Stateless Transport Tunneling) segments, reassemble them and hand\n"
	       "out the inner frames.\n"
	       "\n"
	       "Input:\n"
	       "  -i, --iface IFACE        capture live on IFACE\n"
	       "  -r, --read FILE          read a pcap/pcapng file ('-': stdin)\n"
	       "      --port N             STT port (repeatable; default 7471); segments to or\n"
	       "                           from it are taken\n"
	       "      --context N          only frames of this context ID\n"
	       "      --ignore-csum        reassemble segments whose TCP checksum is bad\n"
	       "  -c, --count N            stop after N frames delivered\n"
	       "      --timeout DUR        live: stop after DUR (e.g. 5s, 500ms)\n"
	       "      --reasm-timeout DUR  give up incomplete frames after DUR (default 30s)\n"
	       "      --mem-cap BYTES      reassembly memory cap (default 4 MiB)\n"
	       "      --qos[=uniform|pipe[:N]]  rewrite the inner TOS from the outer headers at\n"
	       "                           decapsulation: RFC 6040 ECN (CE on any segment\n"
	       "                           counts; CE over Not-ECT drops the frame) and the\n"
	       "                           RFC 2983 DSCP model (default uniform; on with --echo,\n"
	       "                           whose outer DSCP is then the inner's, or N for pipe)\n"
	       "Output:\n"
	       "  -w, --decap FILE         write the inner frames to a pcap ('-': stdout)\n"
	       "      --tap NAME           write the inner frames to a TAP device\n"
	       "      --json               one JSON object per frame instead of a text line\n"
	       "      --raw                the inner frame as one line of hex per frame\n"
	       "  -e                       link-level (MAC) details in the inner summary\n"
	       "  -v, --verbose            run the STT checks and print their warnings and drops\n"
	       "  -q, --quiet              no per-frame lines\n"
	       "      --no-stats           no counters on stderr at exit\n"
	       "      --stats-json FILE    the counters as JSON ('-': stdout)\n"
	       "Echo (a minimal STT target):\n"
	       "      --echo               send each frame back to its sender in STT, as an STT\n"
	       "                           endpoint sends (live: on the capture interface)\n"
	       "      --echo-pcap FILE     also write the echo segments to a pcap\n"
	       "      --seed N             seed of the echo frame ids and source-port hash\n"
	       "      --echo-mss N         payload bytes per echo segment (default 1448)\n"
	       "      --fault NAME         TEST-ONLY: break one rule on purpose (repeatable;\n"
	       "                           --fault list names them; see docs/faults.md)\n"
	       "  -h, --help, -V, --version\n"
	       "\n"
	       "Exit status: 0 ok; 1 --count was not reached; 2 usage or I/O error.\n",
	       stt_cli_prog());
}

enum {
	OPT_PORT = 256,
	OPT_CONTEXT,
	OPT_IGNORE_CSUM,
	OPT_TIMEOUT,
	OPT_REASM_TIMEOUT,
	OPT_MEM_CAP,
	OPT_TAP,
	OPT_JSON,
	OPT_RAW,
	OPT_NO_STATS,
	OPT_STATS_JSON,
	OPT_ECHO,
	OPT_ECHO_PCAP,
	OPT_SEED,
	OPT_QOS,
	OPT_ECHO_MSS,
	OPT_FAULT,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "iface", required_argument, NULL, 'i' },
	{ "read", required_argument, NULL, 'r' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "context", required_argument, NULL, OPT_CONTEXT },
	{ "ignore-csum", no_argument, NULL, OPT_IGNORE_CSUM },
	{ "count", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "reasm-timeout", required_argument, NULL, OPT_REASM_TIMEOUT },
	{ "mem-cap", required_argument, NULL, OPT_MEM_CAP },
	{ "decap", required_argument, NULL, 'w' },
	{ "write", required_argument, NULL, 'w' },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-stats", no_argument, NULL, OPT_NO_STATS },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "echo", no_argument, NULL, OPT_ECHO },
	{ "echo-pcap", required_argument, NULL, OPT_ECHO_PCAP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "qos", optional_argument, NULL, OPT_QOS },
	{ "echo-mss", required_argument, NULL, OPT_ECHO_MSS },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ NULL, 0, NULL, 0 },
};

/* "5s", "500ms", "100us", "10ns"; a bare number is seconds. */
static uint64_t parse_duration_opt(const char *opt, const char *s)
{
	uint64_t ns;
	if (stt_cli_parse_duration(s, 1000000000ull, &ns) != 0)
		stt_cli_usage_error("%s: expected a duration such as 5s or 500ms, got '%s'", opt, s);
	return ns;
}

static void parse_args(int argc, char **argv, struct recv_opts *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "hVi:r:c:w:evq", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			exit(STT_EXIT_OK);
		case 'V':
			stt_cli_print_version();
			exit(STT_EXIT_OK);
		case 'i':
			o->iface = optarg;
			break;
		case 'r':
			o->read_file = optarg;
			break;
		case OPT_PORT:
			if (o->n_ports >= RECV_MAX_PORTS)
				stt_cli_usage_error("--port: at most %d ports", RECV_MAX_PORTS);
			o->ports[o->n_ports++] = (uint16_t)stt_cli_parse_u64("--port", optarg, 1, 65535);
			break;
		case OPT_CONTEXT:
			o->context = stt_cli_parse_u64("--context", optarg, 0, UINT64_MAX);
			o->context_set = true;
			break;
		case OPT_IGNORE_CSUM:
			o->ignore_csum = true;
			break;
		case 'c':
			o->count = stt_cli_parse_u64("--count", optarg, 1, UINT64_MAX);
			break;
		case OPT_TIMEOUT:
			o->timeout_ns = parse_duration_opt("--timeout", optarg);
			break;
		case OPT_REASM_TIMEOUT:
			o->reasm_timeout_ns = parse_duration_opt("--reasm-timeout", optarg);
			if (!o->reasm_timeout_ns)
				stt_cli_usage_error("--reasm-timeout: must be more than 0");
			break;
		case OPT_MEM_CAP:
			o->mem_cap = (size_t)stt_cli_parse_u64("--mem-cap", optarg, 65536, 1ull << 34);
			break;
		case 'w':
			o->decap_file = optarg;
			break;
		case OPT_TAP:
			o->tap_name = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_RAW:
			o->raw = true;
			break;
		case 'e':
			o->link = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_NO_STATS:
			o->no_stats = true;
			break;
		case OPT_STATS_JSON:
			o->stats_json = optarg;
			break;
		case OPT_ECHO:
			o->echo = true;
			break;
		case OPT_ECHO_PCAP:
			o->echo_pcap = optarg;
			o->echo = true;
			break;
		case OPT_SEED:
			o->seed = stt_cli_parse_u64("--seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_QOS:
			o->qos = true;
			o->qos_given = true;
			memset(&o->qos_cfg, 0, sizeof(o->qos_cfg));
			if (!optarg)
				o->qos_cfg.dscp_model = STT_DSCP_UNIFORM;
			else if (strcmp(optarg, "pipe") == 0)
				o->qos_cfg.dscp_model = STT_DSCP_PIPE; /* pipe:0 */
			else if (stt_qos_parse_dscp(optarg, &o->qos_cfg) != 0)
				stt_cli_usage_error("--qos: expected uniform, pipe or pipe:N (N a DSCP "
						    "0-63), got '%s'",
						    optarg);
			break;
		case OPT_ECHO_MSS:
			o->echo_mss = (size_t)stt_cli_parse_u64("--echo-mss", optarg, 1, 65535);
			break;
		case OPT_FAULT:
			fault_parse(o, optarg);
			break;
		default:
			stt_cli_usage_error("unknown option");
		}
	}
	if (optind < argc)
		stt_cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!!o->iface == !!o->read_file)
		stt_cli_usage_error("give one of -i IFACE or -r FILE");
	if (!o->n_ports)
		o->ports[o->n_ports++] = STT_DEFAULT_PORT;
	if (o->echo && !o->iface && !o->echo_pcap)
		stt_cli_usage_error("--echo sends on the capture interface: use -i, or --echo-pcap "
				    "FILE with -r");
	if (o->faults && !o->echo)
		stt_cli_usage_error("--fault breaks the echo target: it needs --echo or --echo-pcap");
	/* The echo is a target that a conformance run judges: it decapsulates
	 * as RFC 6040 and the uniform DSCP model say, unless told otherwise. */
	if (o->echo && !o->qos_given)
		o->qos = true; /* qos_cfg is zero: uniform, normal ECN */
	if (o->decap_file && strcmp(o->decap_file, "-") == 0 && (!o->quiet || o->raw || o->json))
		o->quiet = true, o->raw = false, o->json = false; /* stdout carries the pcap */
	if (o->timeout_ns && !o->iface)
		stt_cli_usage_error("--timeout applies to live capture (-i)");
}

static struct stt_cap *g_cap;

static void on_signal(int sig)
{
	(void)sig;
	if (g_cap)
		stt_cap_break(g_cap);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool is_stt_port(const struct recv_opts *o, uint16_t port)
{
	for (unsigned i = 0; i < o->n_ports; i++)
		if (o->ports[i] == port)
			return true;
	return false;
}

static void build_filter(const struct recv_opts *o, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "tcp and (");
	for (unsigned i = 0; i < o->n_ports && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%sport %u", i ? " or " : "", o->ports[i]);
	if (n < cap)
		snprintf(buf + n, cap - n, ")");
}

static void handle_packet(struct recv *r, const struct stt_cap_pkt *pkt)
{
	const struct recv_opts *o = r->o;
	struct stt_outer outer;
	const char *why = NULL;

	r->cnt.packets++;
	enum stt_parse_status st = stt_outer_parse(pkt->linktype, pkt->data, pkt->caplen,
						   pkt->wirelen, true, &outer, &why);
	switch (st) {
	case STT_PARSE_OK:
		break;
	case STT_PARSE_TRUNCATED:
		r->cnt.truncated++;
		return;
	case STT_PARSE_MALFORMED:
		r->cnt.malformed++;
		if (o->verbose && !o->quiet && !o->json)
			printf("  packet %llu: malformed: %s\n", (unsigned long long)pkt->number,
			       why ? why : "?");
		return;
	default:
		r->cnt.not_stt++;
		return;
	}
	if (r->have_own_mac && outer.has_eth && memcmp(outer.eth_src, r->own_mac, 6) == 0) {
		r->cnt.own++; /* what we sent (--echo), seen by our own capture */
		return;
	}
	if (!is_stt_port(o, outer.tcp.dport) && !is_stt_port(o, outer.tcp.sport)) {
		r->cnt.not_stt++;
		return;
	}
	if (stt_tcpconn_classify(r->conns, &outer, pkt->number, NULL) != STT_TCP_IS_STT) {
		r->cnt.not_stt++;
		return;
	}
	if (outer.truncated) {
		r->cnt.truncated++;
		return;
	}
	if (o->verbose)
		frame_segment_checks(r, &outer, (uint32_t)pkt->number);
	if (outer.csum == STT_CSUM_BAD && !o->ignore_csum) {
		/* OVS drops these; a partial (offloaded) checksum is what
		 * captures on the sending host and on veth show: accepted. */
		r->cnt.bad_csum++;
		if (o->verbose && !o->quiet && !o->json)
			printf("  dropped: packet %llu: bad TCP checksum\n",
			       (unsigned long long)pkt->number);
		frame_pending_flush(r, (uint32_t)pkt->number);
		return;
	}
	struct stt_seg_in seg;
	stt_seg_in_from_outer(&seg, &outer, pkt->ts_ns);
	seg.cookie = (uint32_t)pkt->number;
	r->cnt.segments++;
	r->outer = &outer;
	r->pkt = pkt;
	r->delivered = false;
	enum stt_seg_fate fate = stt_reasm_add(r->reasm, &seg);
	if (r->partials && !r->delivered &&
	    (fate == STT_SEG_ACCEPTED || fate == STT_SEG_PARTIAL_DUP))
		partials_segment(r, &seg, &outer);
	r->outer = NULL;
	r->pkt = NULL;
	if (fate == STT_SEG_DROPPED)
		frame_pending_flush(r, (uint32_t)pkt->number);
}

int main(int argc, char **argv)
{
	static struct recv_opts o;
	static struct recv r;
	char err[STT_CAP_ERRLEN];

	stt_cli_init(argv[0]);
	o.seed = 1;
	parse_args(argc, argv, &o);
	r.o = &o;

	if (o.iface) {
		unsigned mtu;
		char e2[256];
		if (stt_io_iface_info(o.iface, r.own_mac, &mtu, e2, sizeof(e2)) == 0)
			r.have_own_mac = true;
	}
	char filter[512], base_filter[512];
	build_filter(&o, filter, sizeof(filter));
	memcpy(base_filter, filter, sizeof(filter));
	static const uint8_t zero_mac[6];
	if (o.echo && o.iface && r.have_own_mac && memcmp(r.own_mac, zero_mac, 6) != 0) {
		/* Our echo segments go out on the interface we capture: kept
		 * out in the kernel, or a 64 KB frame echoed in small segments
		 * fills the capture buffer and the next input is lost. */
		const uint8_t *m = r.own_mac;
		size_t n = strlen(filter);
		snprintf(filter + n, sizeof(filter) - n,
			 " and not ether src %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
	}
	struct stt_cap_opts copts;
	memset(&copts, 0, sizeof(copts));
	copts.filter = filter;
	copts.immediate = true;
	/* How long a read may wait on an idle interface: the loop below gives
	 * up incomplete frames (stt_reasm_expire) when it comes back empty,
	 * so a tenth of the reassembly timeout, at most 100 ms. */
	uint64_t wake_ms = (o.reasm_timeout_ns ? o.reasm_timeout_ns : STT_REASM_DEFAULT_TIMEOUT_NS) /
			   10 / 1000000u;
	copts.timeout_ms = wake_ms < 1 ? 1 : wake_ms > 100 ? 100 : (int)wake_ms;
	if (o.iface) {
		/* In immediate mode libpcap gives every packet a slot of
		 * snaplen bytes: 256 KB slots in its 2 MB default buffer held
		 * 8 packets, and a GSO burst lost segments. An outer packet
		 * is at most 64 KB of IP (GRO stops there) plus link headers. */
		copts.snaplen = 65536 + 256;
		copts.bufsize = 16 << 20;
	}
	r.cap = o.iface ? stt_cap_open_live(o.iface, &copts, err)
			: stt_cap_open_file(o.read_file, &copts, err);
	if (!r.cap && o.iface && strcmp(filter, base_filter) != 0) {
		/* not an Ethernet link after all: our own packets are then
		 * skipped per packet (handle_packet) */
		copts.filter = base_filter;
		r.cap = stt_cap_open_live(o.iface, &copts, err);
	}
	if (!r.cap)
		stt_cli_die("%s", err);
	g_cap = r.cap;

	struct stt_reasm_config rc;
	memset(&rc, 0, sizeof(rc));
	rc.mem_cap = o.mem_cap;
	rc.timeout_ns = o.reasm_timeout_ns;
	if (o.faults & FAULT_NO_TIMEOUT)
		rc.timeout_ns = 1000000000ull * 3600 * 24 * 365 * 100; /* a century */
	rc.keep_seg_records = o.verbose > 0 || o.json; /* seg_off in JSON */
	struct stt_reasm_ops ops = { frame_deliver, frame_drop };
	r.reasm = stt_reasm_new(&rc, &ops, &r);
	r.conns = stt_tcpconn_new();
	if (!r.reasm || !r.conns)
		stt_cli_die("cannot set up reassembly (out of memory?)");
	if (o.verbose) {
		r.tx = stt_txcheck_new(o.reasm_timeout_ns ? o.reasm_timeout_ns
							  : STT_REASM_DEFAULT_TIMEOUT_NS,
				       4096);
	}
	if (o.decap_file) {
		r.decap = stt_capw_open(o.decap_file, STT_LINK_ETHERNET, 0, 0, err);
		if (!r.decap)
			stt_cli_die("%s", err);
	}
	if (o.tap_name) {
		struct stt_tap_config tc;
		char e2[256];
		memset(&tc, 0, sizeof(tc));
		tc.name = o.tap_name;
		tc.up = true;
		r.tap = stt_tap_open(&tc, e2, sizeof(e2));
		if (!r.tap)
			stt_cli_die("--tap %s: %s", o.tap_name, e2);
	}
	if (o.echo)
		r.echo = echo_open(&r);
	if (o.faults) {
		char names[512];
		fault_format(o.faults, names, sizeof(names));
		stt_cli_warn("TEST-ONLY faults on: %s: this echo breaks STT on purpose", names);
	}
	if (o.faults & FAULT_DELIVER_INCOMPLETE) {
		r.partials = partials_new();
		if (!r.partials)
			stt_cli_die("out of memory");
	}
	if (o.verbose) {
		r.pend = calloc(1, sizeof(*r.pend));
		if (!r.pend)
			stt_cli_die("out of memory");
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o.timeout_ns) {
		/* Where libpcap has no selectable descriptor, its read in
		 * immediate mode may not come back from an idle interface at
		 * its timeout: the alarm breaks the read. */
		struct itimerval it;
		memset(&it, 0, sizeof(it));
		it.it_value.tv_sec = (time_t)(o.timeout_ns / 1000000000u);
		it.it_value.tv_usec = (suseconds_t)(o.timeout_ns % 1000000000u / 1000u);
		if (!it.it_value.tv_sec && !it.it_value.tv_usec)
			it.it_value.tv_usec = 1;
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
	}

	uint64_t deadline = o.timeout_ns ? clock_ns(CLOCK_MONOTONIC) + o.timeout_ns : 0;
	uint64_t last_ts = 0;
	int status = STT_EXIT_OK;
	while (!r.done) {
		struct stt_cap_pkt pkt;
		enum stt_cap_result res = stt_cap_next(r.cap, &pkt);
		if (res == STT_CAP_PACKET) {
			last_ts = pkt.ts_ns;
			handle_packet(&r, &pkt);
		} else if (res == STT_CAP_TIMEOUT) {
			if (!(o.faults & FAULT_NO_TIMEOUT))
				stt_reasm_expire(r.reasm, clock_ns(CLOCK_REALTIME));
		} else if (res == STT_CAP_EOF) {
			break;
		} else {
			stt_cli_warn("%s", stt_cap_error(r.cap));
			status = STT_EXIT_ERROR;
			break;
		}
		if (deadline && clock_ns(CLOCK_MONOTONIC) >= deadline)
			break;
		fflush(stdout);
	}
	stt_reasm_flush(r.reasm, o.iface ? clock_ns(CLOCK_REALTIME) : last_ts);
	frame_pending_flush(&r, 0);
	fflush(stdout);

	if (o.iface) {
		uint64_t rx, drop, ifdrop;
		if (stt_cap_stats(r.cap, &rx, &drop, &ifdrop) == 0) {
			r.cnt.kernel_drops = drop + ifdrop;
			r.have_kernel_stats = true;
		}
	}
	if (o.count && r.cnt.delivered < o.count && status == STT_EXIT_OK)
		status = STT_EXIT_FINDINGS;
	if (!o.no_stats)
		stats_print(&r);
	if (o.stats_json && stats_write_json(&r, o.stats_json) != 0)
		status = STT_EXIT_ERROR;

	echo_close(r.echo);
	if (r.tap)
		stt_tap_close(r.tap);
	if (r.decap && stt_capw_close(r.decap, err) != 0) {
		stt_cli_warn("%s", err);
		status = STT_EXIT_ERROR;
	}
	if (r.tx)
		stt_txcheck_free(r.tx);
	stt_reasm_free(r.reasm);
	stt_tcpconn_free(r.conns);
	partials_free(r.partials);
	free(r.pend);
	g_cap = NULL;
	stt_cap_close(r.cap);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		stt_cli_warn("write error on standard output");
		status = STT_EXIT_ERROR;
	}
	return status;
}
