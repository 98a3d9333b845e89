/* Liveness probe: ICMP echo through the tunnel (see probe.h). */
#include <poll.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz.h"
#include "probe.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/inner.h"
#include "stt/inner_build.h"
#include "stt/outer.h"
#include "stt/reasm.h"
#include "stt/segment.h"

#define PROBE_MSS 1400
#define PROBE_PAYLOAD 32

struct fz_probe {
	struct fz_probe_cfg cfg;
	struct stt_reasm *reasm;
	uint8_t inner_mac[6];	     /* ours */
	uint8_t peer_inner_mac[6];   /* the inner target's, once learned */
	bool have_peer_mac;
	uint16_t icmp_id, seq;
	bool answered;		     /* the current seq came back */
	uint32_t ack;
	uint16_t ip_id;
	uint8_t frame[STT_MAX_FRAME_LEN];
	uint8_t pkt[STT_MAX_FRAME_LEN + 256];
};

/* Encapsulate one inner frame and send it to the target. */
static void send_inner(struct fz_probe *p, const uint8_t *inner, size_t len)
{
	struct stt_frame_hdr h;
	struct stt_outer_tmpl t;

	memset(&h, 0, sizeof(h));
	h.flags = STT_F_IPV4;
	h.context_id = p->cfg.context;
	size_t flen = stt_frame_build(&h, inner, len, p->frame, sizeof(p->frame));
	if (!flen)
		return;
	stt_outer_tmpl_defaults(&t);
	t.with_eth = true;
	memcpy(t.eth_src, p->cfg.mac, 6);
	memcpy(t.eth_dst, p->cfg.target_mac, 6);
	t.src = p->cfg.local;
	t.dst = p->cfg.target;
	t.dport = p->cfg.port;
	t.sport = stt_flow_sport(inner, len, 0);
	t.ack = p->ack++;
	t.ip_id = p->ip_id;
	size_t n = stt_segment_count(flen, PROBE_MSS);
	for (size_t i = 0; i < n; i++) {
		size_t pl = stt_segment_build(&t, p->frame, flen, PROBE_MSS, i, p->pkt, sizeof(p->pkt));
		if (pl)
			stt_underlay_send(p->cfg.u, p->pkt, pl);
	}
	p->ip_id = (uint16_t)(p->ip_id + n);
}

/* The frames are built with libstt's inner builders; the buffers are
 * sized for them exactly, so the builders cannot refuse. */
static void send_arp(struct fz_probe *p, uint16_t op, const uint8_t tha[6], const uint8_t tpa[4])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t b[STT_ETH_HDR_LEN + STT_ARP_LEN];
	bool request = op == STT_ARP_REQUEST;

	stt_build_eth(b, sizeof(b), request ? bcast : tha, p->inner_mac, STT_ETHERTYPE_ARP);
	stt_build_arp(b + STT_ETH_HDR_LEN, STT_ARP_LEN, op, p->inner_mac, p->cfg.inner_src.a,
		      request ? NULL : tha, tpa);
	send_inner(p, b, sizeof(b));
}

static void send_echo(struct fz_probe *p)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	enum { L4_LEN = STT_ICMP_ECHO_HDR_LEN + PROBE_PAYLOAD };
	uint8_t b[STT_ETH_HDR_LEN + STT_IPV4_HDR_LEN + L4_LEN];
	uint8_t *ip = b + STT_ETH_HDR_LEN, *icmp = ip + STT_IPV4_HDR_LEN;
	/* both IPv4: wire.c refuses anything else */
	struct stt_ip_fields ipf = { .src = p->cfg.inner_src, .dst = p->cfg.inner_target,
				     .proto = STT_IPPROTO_ICMP, .ttl = 64, .id = p->seq };

	stt_build_eth(b, sizeof(b), p->have_peer_mac ? p->peer_inner_mac : bcast, p->inner_mac,
		      STT_ETHERTYPE_IPV4);
	stt_build_ip(ip, STT_IPV4_HDR_LEN + L4_LEN, &ipf, L4_LEN);
	stt_build_icmp_echo(icmp, L4_LEN, false, false, p->icmp_id, p->seq);
	memset(icmp + STT_ICMP_ECHO_HDR_LEN, 0, PROBE_PAYLOAD);
	memcpy(icmp + STT_ICMP_ECHO_HDR_LEN, "stt-fuzz liveness probe", 23);
	stt_l4_csum_set(icmp, L4_LEN, &ipf);
	send_inner(p, b, sizeof(b));
}

static void on_frame(void *ctx, const struct stt_reasm_frame *f)
{
	struct fz_probe *p = ctx;
	struct stt_inner in;

	if (f->len < STT_FRAME_HDR_LEN)
		return;
	const uint8_t *inner = f->data + STT_FRAME_HDR_LEN;
	size_t len = f->len - STT_FRAME_HDR_LEN;
	stt_inner_decode(inner, len, &in);
	if (in.is_arp && in.arp_spa.family == 4 && in.arp_tpa.family == 4) {
		if (in.arp_op == 1 && !memcmp(in.arp_tpa.a, p->cfg.inner_src.a, 4))
			send_arp(p, 2, in.arp_sha, in.arp_spa.a);
		if (!memcmp(in.arp_spa.a, p->cfg.inner_target.a, 4)) {
			memcpy(p->peer_inner_mac, in.arp_sha, 6);
			p->have_peer_mac = true;
		}
		return;
	}
	if (!in.is_ipv4 || in.l4_proto != 1 || in.l4_truncated || in.ip_fragment)
		return;
	/* the reply from the inner target, or our request echoed back */
	bool reply = in.icmp_type == 0 && !memcmp(in.ip_src.a, p->cfg.inner_target.a, 4) &&
		     !memcmp(in.ip_dst.a, p->cfg.inner_src.a, 4);
	bool echoed = in.icmp_type == 8 && !memcmp(in.ip_src.a, p->cfg.inner_src.a, 4) &&
		      !memcmp(in.ip_dst.a, p->cfg.inner_target.a, 4);
	if ((reply || echoed) && in.icmp_id == p->icmp_id && in.icmp_seq == p->seq) {
		p->answered = true;
		if (reply && in.eth_ok) {
			memcpy(p->peer_inner_mac, in.src, 6);
			p->have_peer_mac = true;
		}
	}
}

struct fz_probe *fz_probe_new(const struct fz_probe_cfg *cfg)
{
	struct fz_probe *p = calloc(1, sizeof(*p));
	struct stt_reasm_config rc = { .mem_cap = 1u << 20, .timeout_ns = 5000000000ull };
	struct stt_reasm_ops ops = { .deliver = on_frame };
	uint64_t s = cfg->seed ^ 0x70726f6265ull; /* "probe" */

	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->reasm = stt_reasm_new(&rc, &ops, p);
	if (!p->reasm) {
		free(p);
		return NULL;
	}
	uint64_t v = fz_splitmix(&s);
	p->icmp_id = (uint16_t)v;
	p->ack = (uint32_t)(v >> 16);
	p->ip_id = (uint16_t)(v >> 48);
	uint8_t mac[6] = { 0x02, 0x53, 0x54, 0x46, 0x5a, (uint8_t)(v >> 40) };
	memcpy(p->inner_mac, mac, 6);
	return p;
}

void fz_probe_free(struct fz_probe *p)
{
	if (!p)
		return;
	stt_reasm_free(p->reasm);
	free(p);
}

void fz_probe_pump(struct fz_probe *p)
{
	struct stt_rx_pkt pkts[16];
	int n;

	while ((n = stt_underlay_recv(p->cfg.u, pkts, 16)) > 0) {
		for (int i = 0; i < n; i++) {
			struct stt_outer o;
			if (pkts[i].outgoing)
				continue;
			if (stt_outer_parse(STT_LINK_ETHERNET, pkts[i].data, pkts[i].len,
					    pkts[i].wirelen, false, &o, NULL) != STT_PARSE_OK)
				continue;
			/* STT to our port, or from it (a target that echoes
			 * frames back swaps the ports) */
			if ((o.tcp.dport != p->cfg.port && o.tcp.sport != p->cfg.port) ||
			    !stt_addr_eq(&o.src, &p->cfg.target))
				continue;
			/* also carries flags and TOS, which the probe's
			 * deliver callback does not look at */
			struct stt_seg_in s;
			stt_seg_in_from_outer(&s, &o, stt_io_now_ns());
			stt_reasm_add(p->reasm, &s);
		}
	}
}

bool fz_probe_once(struct fz_probe *p, double timeout_s)
{
	uint64_t until = stt_io_now_ns() + (uint64_t)(timeout_s * 1e9);
	int fd = stt_underlay_fd(p->cfg.u);

	fz_probe_pump(p);
	if (!p->have_peer_mac)
		send_arp(p, 1, NULL, p->cfg.inner_target.a);
	p->seq++;
	p->answered = false;
	send_echo(p);
	while (!p->answered) {
		uint64_t now = stt_io_now_ns();
		if (now >= until)
			break;
		if (fd >= 0) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			uint64_t ms = (until - now) / 1000000ull;
			poll(&pfd, 1, ms > 50 ? 50 : (int)ms + 1);
		} else {
			struct timespec ts = { 0, 5000000 };
			nanosleep(&ts, NULL);
		}
		fz_probe_pump(p);
	}
	return p->answered;
}
