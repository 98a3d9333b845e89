/* stt-tunnel: devices up, the poll() loop, devices down. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "tunnel.h"

#define TX_BATCH 64
#define RX_BATCH 32
#define TAP_BURST 64 /* frames read from one TAP per wakeup */
#define NEIGH_RETRY_NS 500000000ull
#define NEIGH_REFRESH_NS 5000000000ull

static volatile sig_atomic_t got_stop, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_stop = 1;
}

struct tun {
	const struct tun_opts *o;
	struct stt_endpoint *ep;
	struct stt_underlay *u;
	struct stt_tap *taps[TUN_MAX_CONTEXTS];
	unsigned ntaps;
	struct stt_nft *nft;
	char iface[64];
	/* Our own segments waiting for one sendmmsg: whole packets copied
	 * into txbuf slots, or, with checksum offload, only their headers
	 * there and their payloads in place in the endpoint's frame (valid
	 * until stt_endpoint_encap() returns: read_tap() flushes before). */
	uint8_t *txbuf;
	size_t txslot;
	const uint8_t *txp[TX_BATCH];
	size_t txl[TX_BATCH];
	struct stt_tx_parts txq[TX_BATCH];
	struct stt_offload txoff; /* the checksum request txq shares */
	unsigned ntx;
	bool tx_csum; /* txq (checksum offload) rather than txp/txl */
	uint64_t tap_write_errors;
	uint64_t rx_errors;
	uint8_t rxcopy[STT_MAX_FRAME_LEN]; /* see finish_csum() */
};

static void tx_flush(struct tun *t)
{
	if (!t->ntx)
		return;
	if (t->tx_csum)
		stt_underlay_send_csum_batch(t->u, t->txq, t->ntx, &t->txoff);
	else
		stt_underlay_send_batch(t->u, t->txp, t->txl, t->ntx);
	t->ntx = 0;
}

static int ep_tx(void *arg, unsigned peer, const uint8_t *pkt, size_t len)
{
	struct tun *t = arg;
	(void)peer;
	if (len > t->txslot)
		return stt_underlay_send(t->u, pkt, len);
	if (t->ntx == TX_BATCH)
		tx_flush(t);
	uint8_t *slot = t->txbuf + t->ntx * t->txslot;
	memcpy(slot, pkt, len);
	t->txp[t->ntx] = slot;
	t->txl[t->ntx] = len;
	t->ntx++;
	return 0;
}

static int ep_tx_csum_parts(void *arg, unsigned peer, const uint8_t *hdr, size_t hdr_len,
			    const uint8_t *payload, size_t payload_len,
			    const struct stt_offload *off)
{
	struct tun *t = arg;
	(void)peer;
	if (hdr_len > t->txslot)
		return -1;
	if (t->ntx == TX_BATCH || (t->ntx && memcmp(off, &t->txoff, sizeof(*off)) != 0))
		tx_flush(t);
	uint8_t *slot = t->txbuf + t->ntx * t->txslot;
	memcpy(slot, hdr, hdr_len);
	t->txq[t->ntx] = (struct stt_tx_parts){ slot, hdr_len, payload, payload_len };
	t->txoff = *off;
	t->ntx++;
	return 0;
}

static int ep_tx_gso_parts(void *arg, unsigned peer, const uint8_t *hdr, size_t hdr_len,
			   const uint8_t *payload, size_t payload_len, const struct stt_offload *off)
{
	struct tun *t = arg;
	(void)peer;
	tx_flush(t); /* keep the order of what we send */
	return stt_underlay_send_gso_parts(t->u, hdr, hdr_len, payload, payload_len, off);
}

/* A TAP without offloads cannot take a partial checksum: finish it in a
 * copy (the endpoint's frame is read-only). Returns the frame to write. */
static const uint8_t *finish_csum(struct tun *t, const uint8_t *f, size_t len,
				  const struct stt_offload *off)
{
	size_t start = off->csum_start, at = start + off->csum_offset;
	if (start >= len || at + 2 > len || len > sizeof(t->rxcopy))
		return f;
	memcpy(t->rxcopy, f, len);
	stt_put_be16(t->rxcopy + at,
		     stt_csum_fold(stt_csum_add(0, t->rxcopy + start, len - start)));
	return t->rxcopy;
}

static void ep_deliver(void *arg, unsigned port, const uint8_t *frame, size_t len,
		       const struct stt_offload *off)
{
	struct tun *t = arg;
	if (port >= t->ntaps)
		return;
	if (!stt_tap_has_offload(t->taps[port]) && (off->flags & STT_OFF_F_NEEDS_CSUM))
		frame = finish_csum(t, frame, len, off);
	if (stt_tap_write(t->taps[port], frame, len, off) < 0)
		t->tap_write_errors++;
}

static enum stt_ep_rx_csum map_csum(enum stt_rx_csum c)
{
	switch (c) {
	case STT_RX_CSUM_VALID:
		return STT_EP_CSUM_VALID;
	case STT_RX_CSUM_PARTIAL:
		return STT_EP_CSUM_PARTIAL;
	default:
		return STT_EP_CSUM_UNKNOWN;
	}
}

/* Peers whose link-layer address we do not know yet: ask the neighbour
 * table, and make the kernel resolve them if it has no entry. */
static void resolve_peers(struct tun *t, bool refresh)
{
	unsigned n = stt_endpoint_peer_count(t->ep);
	for (unsigned i = 0; i < n; i++) {
		uint8_t mac[6];
		const struct stt_addr *a = stt_endpoint_peer_addr(t->ep, i);
		if (stt_endpoint_peer_mac_known(t->ep, i)) {
			/* a peer whose address moved (new NIC, failover) */
			if (refresh && stt_io_neigh_lookup(t->iface, a, mac) == 0)
				stt_endpoint_set_peer_mac(t->ep, i, mac);
			continue;
		}
		if (stt_io_neigh_lookup(t->iface, a, mac) == 0)
			stt_endpoint_set_peer_mac(t->ep, i, mac);
		else
			stt_io_neigh_solicit(a);
	}
}

static void write_stats(struct tun *t, double uptime)
{
	const struct tun_opts *o = t->o;
	if (!o->stats_file[0]) {
		tun_stats_json(stdout, t->ep, t->u, uptime);
		fflush(stdout);
		return;
	}
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", o->stats_file);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		stt_cli_warn("%s: %s", tmp, strerror(errno));
		return;
	}
	tun_stats_json(f, t->ep, t->u, uptime);
	if (fclose(f) == 0)
		rename(tmp, o->stats_file);
}

/* The largest inner super-frame (IP length) that still travels as one
 * STT frame in one GSO super-packet: a run of whole outer segments whose
 * IP length fits 16 bits, less the STT header and inner Ethernet/VLAN. */
static unsigned tap_gso_max(const struct tun_opts *o, unsigned underlay_mtu)
{
	unsigned ip = o->local.family == 6 ? 40 : 20;
	unsigned mss = underlay_mtu > ip + 20 + 64 ? underlay_mtu - ip - 20 : 64;
	unsigned ip_part = o->local.family == 6 ? 0 : 20;
	unsigned run = (65535 - ip_part - 20) / mss * mss;
	return run - STT_FRAME_HDR_LEN - 18;
}

static int setup(struct tun *t, char *err, size_t errlen)
{
	const struct tun_opts *o = t->o;
	uint8_t mac[6];
	unsigned mtu;

	if (o->iface[0])
		snprintf(t->iface, sizeof(t->iface), "%s", o->iface);
	else if (stt_io_iface_by_addr(&o->local, t->iface, sizeof(t->iface), err, errlen) < 0)
		return -1;
	if (stt_io_iface_info(t->iface, mac, &mtu, err, errlen) < 0)
		return -1;

	struct stt_underlay_config uc = {
		.ifname = t->iface,
		.backend = o->backend,
		.dport = o->port,
		.local = o->local,
		.rx = true,
		.tso = o->tso,
		.batch = RX_BATCH,
		.ignore_outgoing = true,
	};
	t->u = stt_underlay_open(&uc, err, errlen);
	if (!t->u)
		return -1;

	struct stt_endpoint_config ec = {
		.local = o->local,
		.port = o->port,
		.underlay_mtu = mtu,
		.qos = o->qos,
		.use_gso = o->tso && stt_underlay_can_gso(t->u),
		.seed = (uint32_t)(stt_io_now_ns() ^ ((uint64_t)getpid() << 16)),
		.accept_partial_csum = stt_underlay_backend(t->u) == STT_IO_PCAP,
	};
	memcpy(ec.local_mac, mac, 6);
	/* Checksum offload for our own segments (--no-tso, and small frames
	 * with TSO): saves summing every byte in software. */
	t->tx_csum = stt_underlay_can_csum(t->u);
	struct stt_endpoint_ops ops = {
		.tx = ep_tx,
		.tx_gso_parts = ep_tx_gso_parts,
		.tx_csum_parts = t->tx_csum ? ep_tx_csum_parts : NULL,
		.deliver = ep_deliver,
	};
	t->ep = stt_endpoint_new(&ec, &ops, t);
	if (!t->ep) {
		snprintf(err, errlen, "cannot create the endpoint (out of memory)");
		return -1;
	}
	t->txslot = mtu + 64;
	t->txbuf = malloc(TX_BATCH * t->txslot);
	if (!t->txbuf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < o->npeers; i++)
		if (stt_endpoint_add_peer(t->ep, &o->peers[i], NULL) < 0) {
			snprintf(err, errlen, "peer %u: duplicate address", i + 1);
			return -1;
		}
	for (unsigned i = 0; i < o->nctxs; i++) {
		const struct tun_context_opt *c = &o->ctxs[i];
		struct stt_tap_config tc = {
			.name = c->tap,
			.mtu = c->mtu ? c->mtu : o->mtu,
			.offload = true,
			.gso_max = tap_gso_max(o, mtu),
			.up = true,
		};
		t->taps[i] = stt_tap_open(&tc, err, errlen);
		if (!t->taps[i])
			return -1;
		t->ntaps++;
		if (stt_endpoint_add_context(t->ep, c->id, i, c->peer_mask) < 0) {
			snprintf(err, errlen, "context %llu: duplicate", (unsigned long long)c->id);
			return -1;
		}
	}
	if (o->firewall) {
		char ferr[256], cmd[512];
		t->nft = stt_nft_install(&o->local, o->port, ferr, sizeof(ferr), cmd, sizeof(cmd));
		if (!t->nft)
			stt_cli_warn("warning: %s; the host's TCP may answer STT with RST. Run:\n  %s",
				     ferr, cmd);
	}
	/* Give the kernel a moment to resolve the peers, so that the first
	 * frames are not dropped for want of a MAC (later, the loop retries). */
	for (int i = 0; i < 20; i++) {
		resolve_peers(t, false);
		bool all = true;
		for (unsigned p = 0; p < stt_endpoint_peer_count(t->ep); p++)
			all = all && stt_endpoint_peer_mac_known(t->ep, p);
		if (all)
			break;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (!o->quiet) {
		char a[48];
		fprintf(stderr, "%s: underlay %s (%s, mtu %u, %s), local %s port %u\n", stt_cli_prog(),
			t->iface, stt_io_backend_name(stt_underlay_backend(t->u)), mtu,
			ec.use_gso ? "kernel GSO" : "own segmentation",
			stt_addr_format(&o->local, a, sizeof(a)), o->port);
		for (unsigned i = 0; i < t->ntaps; i++)
			fprintf(stderr, "%s: context %llu <-> %s\n", stt_cli_prog(),
				(unsigned long long)o->ctxs[i].id, stt_tap_name(t->taps[i]));
		if (t->nft)
			fprintf(stderr, "%s: nftables table inet %s drops tcp dport %u\n", stt_cli_prog(),
				stt_nft_table(t->nft), o->port);
	}
	return 0;
}

static void teardown(struct tun *t)
{
	if (t->nft)
		stt_nft_remove(t->nft);
	for (unsigned i = 0; i < t->ntaps; i++)
		stt_tap_close(t->taps[i]);
	stt_underlay_close(t->u);
	stt_endpoint_free(t->ep);
	free(t->txbuf);
}

/* Returns -1 when the TAP is gone (deleted under us). */
static int read_tap(struct tun *t, unsigned i)
{
	for (unsigned k = 0; k < TAP_BURST; k++) {
		struct stt_offload off;
		size_t cap;
		uint8_t *buf = stt_endpoint_tx_buffer(t->ep, &cap);
		long n = stt_tap_read(t->taps[i], buf, cap, &off);
		if (n < 0) {
			stt_cli_warn("%s: read: %s", stt_tap_name(t->taps[i]), strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		stt_endpoint_encap(t->ep, i, buf, (size_t)n, &off, stt_io_now_ns());
		tx_flush(t);
	}
	return 0;
}

static void read_underlay(struct tun *t)
{
	struct stt_rx_pkt pkts[RX_BATCH];
	for (unsigned k = 0; k < 8; k++) {
		int n = stt_underlay_recv(t->u, pkts, RX_BATCH);
		if (n < 0 && t->rx_errors++ < 5)
			stt_cli_warn("%s: receive: %s", t->iface, strerror(errno));
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (pkts[i].outgoing)
				continue;
			stt_endpoint_input(t->ep, pkts[i].data, pkts[i].len, map_csum(pkts[i].csum),
					   pkts[i].ts_ns ? pkts[i].ts_ns : stt_io_now_ns());
		}
		if (n < RX_BATCH)
			break;
	}
}

int tun_run(const struct tun_opts *o)
{
	struct tun *t = calloc(1, sizeof(*t));
	char err[512] = "";
	struct sigaction sa;
	int rc = STT_EXIT_OK;

	if (!t)
		stt_cli_die("out of memory");
	t->o = o;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (setup(t, err, sizeof(err)) < 0) {
		stt_cli_warn("%s", err);
		teardown(t);
		free(t);
		return STT_EXIT_ERROR;
	}

	uint64_t start = stt_io_now_ns(), next_stats = 0, next_neigh = 0;
	uint64_t next_refresh = start + NEIGH_REFRESH_NS;
	if (o->stats_interval > 0)
		next_stats = start + (uint64_t)(o->stats_interval * 1e9);
	while (!got_stop) {
		struct pollfd pfd[TUN_MAX_CONTEXTS + 1];
		unsigned n = 0;
		for (unsigned i = 0; i < t->ntaps; i++)
			pfd[n++] = (struct pollfd){ .fd = stt_tap_fd(t->taps[i]), .events = POLLIN };
		int ufd = stt_underlay_fd(t->u);
		pfd[n++] = (struct pollfd){ .fd = ufd, .events = POLLIN };
		int pr = poll(pfd, n, ufd < 0 ? 10 : 200);
		if (pr < 0 && errno != EINTR) {
			stt_cli_warn("poll: %s", strerror(errno));
			rc = STT_EXIT_ERROR;
			break;
		}
		if (pr > 0) {
			for (unsigned i = 0; i < t->ntaps; i++) {
				if ((pfd[i].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) &&
				    read_tap(t, i) < 0)
					got_stop = 1, rc = STT_EXIT_ERROR;
			}
		}
		if (ufd < 0 || (pr > 0 && (pfd[n - 1].revents & POLLIN)))
			read_underlay(t);

		uint64_t now = stt_io_now_ns();
		stt_endpoint_tick(t->ep, now);
		if (now >= next_neigh) {
			resolve_peers(t, now >= next_refresh);
			if (now >= next_refresh)
				next_refresh = now + NEIGH_REFRESH_NS;
			next_neigh = now + NEIGH_RETRY_NS;
		}
		if (got_usr1) {
			got_usr1 = 0;
			tun_stats_print(stderr, t->ep, t->u);
		}
		if (next_stats && now >= next_stats) {
			write_stats(t, (double)(now - start) / 1e9);
			next_stats = now + (uint64_t)(o->stats_interval * 1e9);
		}
	}
	if (o->stats_interval > 0)
		write_stats(t, (double)(stt_io_now_ns() - start) / 1e9);
	if (!o->quiet)
		fprintf(stderr, "%s: shutting down\n", stt_cli_prog());
	teardown(t);
	free(t);
	return rc;
}
