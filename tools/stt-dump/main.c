/* stt-dump: tcpdump for STT. Options, the read loop and the exit code;
 * decode.c does the work per packet. */
#include "dump.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void usage(void)
{
	printf("Usage: %s [options] {-r FILE | -i IFACE} [expression]\n"
	       "Decode STT (Stateless Transport Tunneling) traffic: reassemble STT frames,\n"
	       "print one line per frame with its inner packet, and warn about every\n"
	       "rule the traffic breaks. The expression is a BPF filter on the outer packets.\n"
	       "\n"
	       "Input:\n"
	       "  -r, --read FILE         read a pcap or pcapng file ('-' for stdin)\n"
	       "  -i, --interface IFACE   capture live on IFACE (libpcap)\n"
	       "  -s, --snaplen N         bytes to keep of each packet (files too)\n"
	       "  -p, --no-promiscuous-mode  live: do not put the interface in promiscuous mode\n"
	       "      --port N            TCP destination port that carries STT (repeatable;\n"
	       "                          default 7471)\n"
	       "  -c, --count N           stop after printing N frames\n"
	       "\n"
	       "Output:\n"
	       "  -v, --verbose           a line per segment, outer checksums verified;\n"
	       "                          -vvv adds source port, TTL and window\n"
	       "  -e, --link              print outer and inner link-level headers\n"
	       "  -x, --hex               hex dump of each inner frame\n"
	       "  -X, --hex-ascii         hex and ASCII dump of each inner frame\n"
	       "  -n, --numeric           do not resolve names (never done; for tcpdump habits)\n"
	       "  -q, --quiet             shorter lines\n"
	       "  -l, --line-buffered     flush stdout after every line\n"
	       "  -t                      no timestamp; -tt epoch seconds; -ttt delta since the\n"
	       "                          previous line; -tttt date and time; -ttttt delta since\n"
	       "                          the first line (default: local time of day)\n"
	       "      --json              JSON Lines (docs/json-schema.md) instead of text\n"
	       "      --no-summary        no counters on stderr at exit\n"
	       "\n"
	       "Files:\n"
	       "  -w, --write FILE        write the STT-port packets (after the filter) to a pcap\n"
	       "      --decap FILE        write each reassembled inner Ethernet frame to a pcap\n"
	       "\n"
	       "Reassembly and checks:\n"
	       "      --timeout S         give up on an incomplete frame after S seconds of\n"
	       "                          capture time (default 30)\n"
	       "      --mem-cap BYTES     reassembly memory cap, K/M/G suffixes (default 4M)\n"
	       "      --strict            exit 1 if anything was warned about\n"
	       "\n"
	       "  -h, --help              this help\n"
	       "      --version           version, libpcap version and I/O backends\n"
	       "\n"
	       "Exit status: 0 success, 1 warnings with --strict, 2 usage or input error.\n"
	       "See stt-dump(1).\n",
	       stt_cli_prog());
}

enum {
	OPT_PORT = 256,
	OPT_JSON,
	OPT_DECAP,
	OPT_STRICT,
	OPT_TIMEOUT,
	OPT_MEM_CAP,
	OPT_NO_SUMMARY,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "no-promiscuous-mode", no_argument, NULL, 'p' },
	{ "count", required_argument, NULL, 'c' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "link", no_argument, NULL, 'e' },
	{ "hex", no_argument, NULL, 'x' },
	{ "hex-ascii", no_argument, NULL, 'X' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "line-buffered", no_argument, NULL, 'l' },
	{ "write", required_argument, NULL, 'w' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "decap", required_argument, NULL, OPT_DECAP },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "mem-cap", required_argument, NULL, OPT_MEM_CAP },
	{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* "4M", "512K", "1048576". */
static size_t parse_size(const char *opt, const char *s)
{
	char num[32];
	size_t n = strlen(s), mult = 1;
	if (n == 0 || n >= sizeof(num))
		stt_cli_usage_error("%s: expected a size, got '%s'", opt, s);
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K': mult = 1024; break;
	case 'm': case 'M': mult = 1024 * 1024; break;
	case 'g': case 'G': mult = 1024 * 1024 * 1024; break;
	default: break;
	}
	if (mult != 1)
		num[n - 1] = 0;
	uint64_t v = stt_cli_parse_u64(opt, num, 1, (uint64_t)1 << 40);
	return (size_t)(v * mult);
}

static char *join_args(int argc, char **argv)
{
	size_t len = 0;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (!len)
		return NULL;
	char *s = malloc(len);
	if (!s)
		stt_cli_die("out of memory");
	s[0] = 0;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void parse_args(int argc, char **argv, struct dump_opts *o)
{
	int c, tcount = 0;
	memset(o, 0, sizeof(*o));
	o->promisc = true;
	while ((c = getopt_long(argc, argv, "r:i:s:pc:vexXnqltw:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'r': o->read_file = optarg; break;
		case 'i': o->iface = optarg; break;
		case 's':
			o->snaplen = (int)stt_cli_parse_u64("-s", optarg, 1, STT_CAP_DEFAULT_SNAPLEN);
			break;
		case 'p': o->promisc = false; break;
		case 'c': o->count = stt_cli_parse_u64("-c", optarg, 1, UINT64_MAX); break;
		case 'v': o->verbose++; break;
		case 'e': o->link = true; break;
		case 'x': if (o->hex < 1) o->hex = 1; break;
		case 'X': o->hex = 2; break;
		case 'n': break; /* we never resolve names */
		case 'q': o->quiet = true; break;
		case 'l': o->line_buffered = true; break;
		case 't': tcount++; break;
		case 'w': o->write_file = optarg; break;
		case OPT_PORT: {
			uint16_t p = (uint16_t)stt_cli_parse_u64("--port", optarg, 1, 65535);
			o->port_map[p >> 3] |= (uint8_t)(1u << (p & 7));
			o->n_ports++;
			break;
		}
		case OPT_JSON: o->json = true; break;
		case OPT_DECAP: o->decap_file = optarg; break;
		case OPT_STRICT: o->strict = true; break;
		case OPT_TIMEOUT: {
			double s = stt_cli_parse_double("--timeout", optarg, 0.000001, 86400.0);
			o->timeout_ns = (uint64_t)(s * 1e9);
			break;
		}
		case OPT_MEM_CAP: o->mem_cap = parse_size("--mem-cap", optarg); break;
		case OPT_NO_SUMMARY: o->no_summary = true; break;
		case 'h': usage(); exit(STT_EXIT_OK);
		case OPT_VERSION: stt_cli_print_version(); exit(STT_EXIT_OK);
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", stt_cli_prog());
			exit(STT_EXIT_ERROR);
		}
	}
	if (tcount > 5)
		stt_cli_usage_error("-t: at most five (-ttttt)");
	o->ts = (enum ts_style)tcount;
	if (!o->n_ports) {
		o->port_map[STT_DEFAULT_PORT >> 3] |= (uint8_t)(1u << (STT_DEFAULT_PORT & 7));
		o->n_ports = 1;
	}
	if (!o->read_file && !o->iface)
		stt_cli_usage_error("no input: give -r FILE or -i IFACE");
	if (o->read_file && o->iface)
		stt_cli_usage_error("-r and -i cannot be used together");
	if (o->write_file && o->decap_file && !strcmp(o->write_file, "-") &&
	    !strcmp(o->decap_file, "-"))
		stt_cli_usage_error("-w - and --decap - cannot both write to stdout");
	o->filter = join_args(argc - optind, argv + optind);
}

static struct stt_cap *volatile g_cap;

static void on_signal(int sig)
{
	(void)sig;
	if (g_cap)
		stt_cap_break(g_cap);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct stt_capw *open_writer(const char *path, int linktype, int snaplen)
{
	char err[STT_CAP_ERRLEN];
	struct stt_capw *w = stt_capw_open(path, linktype, snaplen, 0, err);
	if (!w)
		stt_cli_die("%s", err);
	return w;
}

static bool close_writer(struct stt_capw *w)
{
	char err[STT_CAP_ERRLEN];
	if (w && stt_capw_close(w, err) < 0) {
		stt_cli_warn("%s", err);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static struct dump_opts opts;
	static struct dump d;
	char err[STT_CAP_ERRLEN];

	stt_cli_init(argv[0]);
	parse_args(argc, argv, &opts);

	struct stt_cap_opts copts = {
		.filter = opts.filter,
		.snaplen = opts.snaplen,
		.promisc = opts.promisc,
		.immediate = opts.line_buffered,
		.timeout_ms = 250,
	};
	struct stt_cap *cap = stt_cap_open_read(opts.iface ? opts.iface : opts.read_file,
						opts.iface != NULL, &copts, err);
	if (!cap)
		stt_cli_die("%s", err);
	int lt = stt_cap_linktype(cap);
	if (!stt_link_supported(lt)) {
		char name[160] = "";
		if (strcmp(stt_cap_link_name(lt), "unknown") != 0)
			snprintf(name, sizeof(name), " (%s, %s)", stt_cap_link_name(lt),
				 stt_cap_link_description(lt));
		stt_cli_die("%s: unsupported link type %d%s; stt-dump reads Ethernet, Linux cooked "
			    "(SLL, SLL2), raw IP and loopback captures",
			    stt_cap_source(cap), lt, name);
	}

	out_init(1u << 20, opts.line_buffered);
	d.cap = cap;
	if (opts.write_file)
		d.w = open_writer(opts.write_file, lt, stt_cap_snaplen(cap));
	if (opts.decap_file)
		d.decap = open_writer(opts.decap_file, STT_LINK_ETHERNET, 65535);
	d.quiet_out = (opts.write_file && !strcmp(opts.write_file, "-")) ||
		      (opts.decap_file && !strcmp(opts.decap_file, "-"));
	if (dump_init(&d, &opts) < 0)
		stt_cli_die("out of memory");

	g_cap = cap;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	bool read_error = false;
	uint64_t last_ts = 0;
	struct stt_cap_pkt pkt;
	while (!d.done && !g_out.failed) {
		enum stt_cap_result r = stt_cap_next(cap, &pkt);
		if (r == STT_CAP_PACKET) {
			dump_packet(&d, &pkt);
			last_ts = pkt.ts_ns;
		} else if (r == STT_CAP_TIMEOUT) {
			dump_idle(&d, now_ns());
			out_flush();
		} else if (r == STT_CAP_EOF) {
			break;
		} else {
			read_error = true;
			break;
		}
	}
	dump_finish(&d, stt_cap_is_live(cap) ? now_ns() : last_ts);
	out_flush();
	if (read_error)
		stt_cli_warn("%s", stt_cap_error(cap));
	if (!opts.no_summary)
		dump_summary(&d);

	bool write_ok = !d.write_failed;
	write_ok &= close_writer(d.w);
	write_ok &= close_writer(d.decap);
	g_cap = NULL;
	dump_free(&d);
	stt_cap_close(cap);
	out_free();
	free(opts.filter);

	if (read_error || !write_ok)
		return STT_EXIT_ERROR;
	if (opts.strict && dump_any_warning(&d))
		return STT_EXIT_FINDINGS;
	return STT_EXIT_OK;
}
