/* --target: the same streams over the wire against any STT endpoint, with
 * a liveness probe through the tunnel every N cases. When the target stops
 * answering, the stream since the last good probe is replayed in subsets
 * (delta debugging, re-probing after each) down to a minimal reproducer,
 * which is saved as a pcap. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fuzzcli.h"
#include "probe.h"
#include "stt/capture.h"
#include "stt/io.h"
#include "stt/outer.h"

#define MAX_PROBE_TRIES 3
#define SHRINK_MAX_TRIALS 200

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* One (case, segment) pair of the stream sent since the last good probe. */
struct wseg {
	uint64_t case_no;
	unsigned seg;
};

struct wire {
	const struct fz_opts *o;
	struct stt_underlay *u;
	struct fz_probe *probe;
	struct stt_addr local, target;
	uint8_t mac[6], target_mac[6];
	uint64_t sent, start;
	uint64_t next_send_ns; /* rate limit */
	/* the window */
	struct wseg *win;
	size_t nwin, capwin;
	/* the case being built, cached for replays */
	struct fz_case c;
	bool have_case;
	uint64_t cur_case;
};

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
	nanosleep(&ts, NULL);
}

static void pace(struct wire *w)
{
	if (w->o->rate <= 0)
		return;
	uint64_t now = stt_io_now_ns();
	uint64_t gap = (uint64_t)(1e9 / w->o->rate);

	if (w->next_send_ns > now + 1000000ull)
		sleep_ns(w->next_send_ns - now);
	w->next_send_ns = (w->next_send_ns > now ? w->next_send_ns : now) + gap;
}

static void load_case(struct wire *w, uint64_t n)
{
	if (w->have_case && w->cur_case == n)
		return;
	fz_generate(&w->c, fz_case_seed(w->o->seed, n), n);
	w->have_case = true;
	w->cur_case = n;
}

static void send_seg(struct wire *w, unsigned i)
{
	static uint8_t pkt[STT_MAX_FRAME_LEN + 256];
	size_t n = fz_seg_packet(&w->c, i, pkt, sizeof(pkt));

	if (!n || n < 14)
		return;
	pace(w);
	if (stt_underlay_send(w->u, pkt, n) == 0)
		w->sent++;
	if ((w->sent & 63) == 0)
		fz_probe_pump(w->probe);
}

static void win_push(struct wire *w, uint64_t case_no, unsigned seg)
{
	if (w->nwin == w->capwin) {
		size_t cap = w->capwin ? w->capwin * 2 : 4096;
		struct wseg *p = realloc(w->win, cap * sizeof(*p));
		if (!p)
			stt_cli_die("out of memory (window of %zu segments)", cap);
		w->win = p;
		w->capwin = cap;
	}
	w->win[w->nwin++] = (struct wseg){ case_no, seg };
}

/* Probe up to MAX_PROBE_TRIES times; true when the target answered. */
static bool alive(struct wire *w)
{
	for (int i = 0; i < MAX_PROBE_TRIES && !stop_flag; i++)
		if (fz_probe_once(w->probe, w->o->probe_timeout))
			return true;
	return false;
}

/* Wait until the target answers again (a crashed target restarted by a
 * supervisor, a wedged one that recovered). */
static bool recovered(struct wire *w)
{
	uint64_t until = stt_io_now_ns() + (uint64_t)(w->o->recover_wait * 1e9);

	do {
		if (alive(w))
			return true;
	} while (stt_io_now_ns() < until && !stop_flag);
	return false;
}

static uint32_t replay_salt;

/* Send the kept part of the window again, with fresh frame ids (a target
 * keeps delivered and poisoned ids for its timeout: the very same ids
 * would only be absorbed). */
static void replay(struct wire *w, const bool *keep)
{
	replay_salt = replay_salt * 1103515245u + 12345u;
	fz_set_ack_salt(replay_salt | 1);
	for (size_t i = 0; i < w->nwin; i++) {
		if (keep && !keep[i])
			continue;
		load_case(w, w->win[i].case_no);
		send_seg(w, w->win[i].seg);
	}
	fz_set_ack_salt(0);
	fz_probe_pump(w->probe);
}

struct trial_ctx {
	struct wire *w;
	unsigned trials;
	bool gave_up;
};

static bool still_dead(void *ctx, const bool *keep)
{
	struct trial_ctx *t = ctx;
	struct wire *w = t->w;

	if (t->gave_up || stop_flag)
		return false;
	if (!recovered(w)) {
		stt_cli_warn("the target did not answer again within %.0f s: shrinking stops here",
			     w->o->recover_wait);
		t->gave_up = true;
		return false;
	}
	replay(w, keep);
	t->trials++;
	bool dead = !alive(w);
	if (!w->o->quiet) {
		size_t n = 0;
		for (size_t i = 0; i < w->nwin; i++)
			n += keep[i];
		fprintf(stderr, "%s: shrink trial %u: %zu segments: %s\n", stt_cli_prog(), t->trials,
			n, dead ? "liveness lost (kept)" : "still alive");
	}
	return dead;
}

static int save_window(struct wire *w, const bool *keep, const char *path)
{
	static uint8_t pkt[STT_MAX_FRAME_LEN + 256];
	char err[STT_CAP_ERRLEN];
	struct stt_capw *cw = stt_capw_open(path, STT_LINK_ETHERNET, 0, 0, err);
	uint64_t ts = 1000000000ull;
	unsigned n = 0;

	if (!cw) {
		stt_cli_warn("%s", err);
		return -1;
	}
	for (size_t i = 0; i < w->nwin; i++) {
		if (keep && !keep[i])
			continue;
		load_case(w, w->win[i].case_no);
		size_t len = fz_seg_packet(&w->c, w->win[i].seg, pkt, sizeof(pkt));
		if (stt_capw_write(cw, pkt, len, len, ts) != 0) {
			stt_cli_warn("%s", stt_capw_error(cw));
			break;
		}
		ts += 1000;
		n++;
	}
	if (stt_capw_close(cw, err) != 0) {
		stt_cli_warn("%s", err);
		return -1;
	}
	printf("%s: reproducer: %s (%u packets)\n", stt_cli_prog(), path, n);
	return 0;
}

/* Liveness was lost after the window: find a small stream that loses it. */
static void lost(struct wire *w, uint64_t last_case)
{
	bool *keep = calloc(w->nwin ? w->nwin : 1, 1);
	char path[4096];
	size_t kept = w->nwin;

	if (!keep)
		stt_cli_die("out of memory");
	memset(keep, 1, w->nwin);
	printf("%s: FINDING: liveness lost: no answer to %d probes of %.1f s after case %llu (%zu segments since the last good probe)\n",
	       stt_cli_prog(), MAX_PROBE_TRIES, w->o->probe_timeout, (unsigned long long)last_case,
	       w->nwin);
	fflush(stdout);
	if (w->nwin && recovered(w)) {
		struct trial_ctx t = { .w = w };
		if (still_dead(&t, keep)) {
			kept = fz_shrink((unsigned)w->nwin, keep, still_dead, &t, SHRINK_MAX_TRIALS);
			printf("%s: shrunk to %zu of %zu segments in %u replays%s\n", stt_cli_prog(),
			       kept, w->nwin, t.trials, t.gave_up ? " (stopped: no recovery)" : "");
		} else {
			printf("%s: replaying the stream did not lose liveness again (timing-dependent?): saving it whole\n",
			       stt_cli_prog());
		}
	} else if (w->nwin) {
		printf("%s: the target did not answer again within %.0f s: saving the whole stream unshrunk\n",
		       stt_cli_prog(), w->o->recover_wait);
	}
	if (fz_mkdir(w->o->out) == 0) {
		snprintf(path, sizeof(path), "%s/seed%llu-liveness-case%llu.pcap", w->o->out,
			 (unsigned long long)w->o->seed, (unsigned long long)last_case);
		save_window(w, keep, path);
	}
	free(keep);
}

/* Our address on the interface (the family of the target), or the
 * interface that has an address in the target's subnet. */
static int find_local(const struct stt_addr *target, const char *iface, struct stt_addr *out,
		      char *name, size_t namecap)
{
	struct ifaddrs *ifs, *i;
	int rc = -1;

	if (getifaddrs(&ifs) != 0)
		return -1;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || (iface && strcmp(i->ifa_name, iface) != 0))
			continue;
		struct stt_addr a;
		memset(&a, 0, sizeof(a));
		if (target->family == 4 && i->ifa_addr->sa_family == AF_INET) {
			a.family = 4;
			memcpy(a.a, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, 4);
			if (!iface) {
				const uint8_t *m = (const uint8_t *)&((struct sockaddr_in *)(void *)
									     i->ifa_netmask)->sin_addr;
				bool same = i->ifa_netmask != NULL;
				for (int b = 0; b < 4 && same; b++)
					same = (a.a[b] & m[b]) == (target->a[b] & m[b]);
				if (!same || (a.a[0] == 127))
					continue;
			}
		} else if (target->family == 6 && i->ifa_addr->sa_family == AF_INET6) {
			a.family = 6;
			memcpy(a.a, &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, 16);
			if (a.a[0] == 0xfe && (a.a[1] & 0xc0) == 0x80)
				continue; /* link-local */
			if (!iface) {
				const uint8_t *m = (const uint8_t *)&((struct sockaddr_in6 *)(void *)
									     i->ifa_netmask)->sin6_addr;
				bool same = i->ifa_netmask != NULL;
				for (int b = 0; b < 16 && same; b++)
					same = (a.a[b] & m[b]) == (target->a[b] & m[b]);
				if (!same)
					continue;
			}
		} else {
			continue;
		}
		*out = a;
		snprintf(name, namecap, "%s", i->ifa_name);
		rc = 0;
		break;
	}
	freeifaddrs(ifs);
	return rc;
}

int fz_wire(const struct fz_opts *o)
{
	struct wire w;
	char ifname[IF_NAMESIZE + 1], err[512], a1[48], a2[48];
	struct stt_addr inner_t, inner_s;
	unsigned mtu;

	memset(&w, 0, sizeof(w));
	w.o = o;
	if (stt_addr_parse(o->target, &w.target) != 0)
		stt_cli_usage_error("--target: '%s' is not an IPv4 or IPv6 address", o->target);
	if (stt_addr_parse(o->inner_target, &inner_t) != 0 || inner_t.family != 4)
		stt_cli_usage_error("--inner-target: '%s' is not an IPv4 address", o->inner_target);
	if (o->inner_src) {
		if (stt_addr_parse(o->inner_src, &inner_s) != 0 || inner_s.family != 4)
			stt_cli_usage_error("--inner-src: '%s' is not an IPv4 address", o->inner_src);
	} else {
		inner_s = inner_t;
		inner_s.a[3] = 254;
	}
	if (find_local(&w.target, o->iface, &w.local, ifname, sizeof(ifname)) != 0) {
		if (o->iface)
			stt_cli_die("interface %s has no IPv%d address", o->iface, w.target.family);
		stt_cli_die("no interface has an address in the subnet of %s: give --iface",
			    o->target);
	}
	if (stt_io_iface_info(ifname, w.mac, &mtu, err, sizeof(err)) != 0)
		stt_cli_die("%s", err);
	/* the target's MAC: ask the kernel's neighbour table */
	int rc = stt_io_neigh_lookup(ifname, &w.target, w.target_mac);
	for (int i = 0; rc == 1 && i < 30; i++) {
		stt_io_neigh_solicit(&w.target);
		sleep_ns(100000000ull);
		rc = stt_io_neigh_lookup(ifname, &w.target, w.target_mac);
	}
	if (rc != 0)
		stt_cli_die("cannot resolve the link-layer address of %s on %s", o->target, ifname);

	struct stt_underlay_config uc = {
		.ifname = ifname,
		.backend = STT_IO_AUTO,
		.dport = 0, /* any: an echoing target answers to our source port */
		.local = w.local,
		.rx = true,
	};
	w.u = stt_underlay_open(&uc, err, sizeof(err));
	if (!w.u)
		stt_cli_die("%s", err);
	char ferr[256], cmd[512];
	struct stt_nft *nft = stt_nft_install(&w.local, o->port, ferr, sizeof(ferr), cmd, sizeof(cmd));
	if (!nft && !o->quiet)
		stt_cli_warn("warning: %s; this host's TCP may answer the target's STT with RST", ferr);

	fz_set_endpoints(&w.local, &w.target, o->port, o->context);
	fz_set_wire(true);
	fz_seg_tmpl_macs(w.mac, w.target_mac);
	struct fz_probe_cfg pc = {
		.u = w.u,
		.local = w.local,
		.target = w.target,
		.port = o->port,
		.context = o->context,
		.inner_src = inner_s,
		.inner_target = inner_t,
		.seed = o->seed,
	};
	memcpy(pc.mac, w.mac, 6);
	memcpy(pc.target_mac, w.target_mac, 6);
	w.probe = fz_probe_new(&pc);
	if (!w.probe)
		stt_cli_die("out of memory");

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!o->quiet)
		fprintf(stderr, "%s: %s (%s) -> %s, inner %s, context %llu, %s\n", stt_cli_prog(),
			ifname, stt_addr_format(&w.local, a1, sizeof(a1)),
			stt_addr_format(&w.target, a2, sizeof(a2)), o->inner_target,
			(unsigned long long)o->context, stt_io_backend_name(stt_underlay_backend(w.u)));

	int status = STT_EXIT_OK;
	uint64_t cases = 0, findings = 0, probes_ok = 0;
	if (!alive(&w)) {
		stt_cli_warn("the target does not answer the liveness probe before fuzzing (ICMP echo to %s through the tunnel): check --inner-target, --context and the target",
			     o->inner_target);
		status = STT_EXIT_ERROR;
		goto out;
	}
	probes_ok++;
	w.start = stt_io_now_ns();
	uint64_t next_progress = w.start + 1000000000ull;
	for (uint64_t i = 0; !stop_flag; i++) {
		uint64_t now = stt_io_now_ns();
		if (o->cases ? cases >= o->cases : (double)(now - w.start) / 1e9 >= o->duration)
			break;
		if (now >= next_progress && !o->quiet) {
			char extra[96];
			snprintf(extra, sizeof(extra), "%llu packets, %llu probes answered",
				 (unsigned long long)w.sent, (unsigned long long)probes_ok);
			fz_progress(o, cases, w.start, now, extra);
			next_progress = now + 1000000000ull;
		}
		load_case(&w, i);
		for (unsigned s = 0; s < w.c.nsegs && !stop_flag; s++) {
			send_seg(&w, s);
			win_push(&w, i, s);
		}
		cases++;
		if (cases % o->probe_every == 0 || (o->cases && cases == o->cases)) {
			if (alive(&w)) {
				probes_ok++;
				w.nwin = 0;
			} else if (!stop_flag) {
				findings++;
				lost(&w, i);
				status = STT_EXIT_FINDINGS;
				break;
			}
		}
	}
	if (status == STT_EXIT_OK && !stop_flag && w.nwin) {
		if (alive(&w)) {
			probes_ok++;
		} else {
			findings++;
			lost(&w, w.cur_case);
			status = STT_EXIT_FINDINGS;
		}
	}
	if (!o->quiet)
		fprintf(stderr, "%s: %llu packets sent, %llu probes answered\n", stt_cli_prog(),
			(unsigned long long)w.sent, (unsigned long long)probes_ok);
out:
	printf("%s: %llu cases, %llu findings (seed %llu)\n", stt_cli_prog(),
	       (unsigned long long)cases, (unsigned long long)findings, (unsigned long long)o->seed);
	fflush(stdout);
	fz_probe_free(w.probe);
	stt_nft_remove(nft);
	stt_underlay_close(w.u);
	fz_case_free(&w.c);
	free(w.win);
	return status;
}
