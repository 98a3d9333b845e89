/* Active mode engine: the underlay, probe frames, waiting for answers,
 * per-case captures, and the order in which cases run. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "active_int.h"
#include "cli.h"
#include "stt/capture.h"
#include "stt/csum.h"
#include "stt/cursor.h"
#include "stt/inner_build.h"
#include "stt/io.h"
#include "stt/outer.h"
#include "stt/segment.h"


static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cf_keep(struct cf_active *a, const uint8_t *pkt, size_t len)
{
	if (a->keep)
		stt_capw_write(a->keep, pkt, len, len, wall_ns());
}

/* The host behind the target asks for our inner address: answer as the
 * inner host would, or its replies stop once its neighbour entry ages. */
static void answer_arp(struct cf_active *a, const struct stt_inner *in)
{
	static struct cf_probe rep;
	uint8_t b[STT_ETH_HDR_LEN + STT_ARP_LEN];
	stt_build_eth(b, sizeof(b), in->arp_sha, a->o->inner_mac, STT_ETHERTYPE_ARP);
	stt_build_arp(b + STT_ETH_HDR_LEN, STT_ARP_LEN, STT_ARP_REPLY, a->o->inner_mac,
		      a->inner_src.a, in->arp_sha, in->arp_spa.a);
	memset(&rep.h, 0, sizeof(rep.h));
	rep.h.context_id = a->o->context;
	rep.len = stt_frame_build(&rep.h, b, 42, rep.frame, sizeof(rep.frame));
	cf_tmpl(a, &rep.t, b, 42);
	cf_send_probe(a, &rep, 1400);
	a->arp_replies_sent++;
}

/* A frame the target sent: is it the answer to one of our probes? */
static void on_frame(void *ctx, const struct stt_reasm_frame *f, const struct stt_frame_hdr *h,
		     const struct stt_inner *in)
{
	struct cf_active *a = ctx;
	(void)f;
	(void)h;
	a->frames_from_target++;
	if (cf_flow_answer(a, in))
		return;
	if (in->is_ipv4 && in->l4_proto == 1 && (in->icmp_type == 0 || in->icmp_type == 8) &&
	    in->icmp_id == a->icmp_id) {
		a->answered[in->icmp_seq] = 1;
		a->answer_tos[in->icmp_seq] = in->tos;
		return;
	}
	if (in->is_arp && in->arp_op == 1 && stt_addr_eq(&in->arp_tpa, &a->inner_src) &&
	    memcmp(in->arp_sha, a->o->inner_mac, 6) != 0) {
		answer_arp(a, in);
		return;
	}
	if (in->is_arp && stt_addr_eq(&in->arp_spa, &a->o->inner_target) && in->arp_op == 2) {
		memcpy(a->inner_dst_mac, in->arp_sha, 6);
		a->arp_answers++;
	} else if (in->is_arp && !memcmp(in->arp_sha, a->o->inner_mac, 6)) {
		a->arp_answers++; /* our request echoed back (stt-recv --echo) */
	}
}

/* Receive for up to ms milliseconds, or until probe seq is answered
 * (seq < 0: the whole time). Returns true if seq was answered. */
bool cf_wait(struct cf_active *a, int seq, unsigned ms)
{
	uint64_t end = stt_io_now_ns() + (uint64_t)ms * 1000000ull;
	struct stt_rx_pkt pk[16];
	for (;;) {
		if (seq >= 0 && a->answered[seq])
			return true;
		uint64_t now = stt_io_now_ns();
		if (now >= end)
			break;
		int fd = stt_underlay_fd(a->u);
		int left = (int)((end - now) / 1000000ull) + 1;
		if (fd >= 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, left > 50 ? 50 : left) < 0 && errno != EINTR)
				break;
		} else {
			usleep(2000);
		}
		int n = stt_underlay_recv(a->u, pk, 16);
		for (int i = 0; i < n; i++) {
			if (pk[i].outgoing)
				continue;
			struct stt_outer o;
			const char *why;
			if (stt_outer_parse(STT_LINK_ETHERNET, pk[i].data, pk[i].len, pk[i].wirelen,
					    false, &o, &why) != STT_PARSE_OK)
				continue;
			if (!stt_addr_eq(&o.src, &a->o->target))
				continue;
			cf_keep(a, pk[i].data, pk[i].len);
			if (o.tcp.sport == a->o->port && o.tcp.dport == a->syn_port &&
			    (o.tcp.flags & STT_TCP_RST))
				a->saw_rst++;
			cf_txan_packet(a->tx, STT_LINK_ETHERNET, pk[i].data, pk[i].len,
				       pk[i].wirelen, wall_ns(), ++a->rx_pkt);
		}
	}
	return seq >= 0 && a->answered[seq];
}

int cf_send_raw(struct cf_active *a, const uint8_t *pkt, size_t len)
{
	cf_keep(a, pkt, len);
	if (stt_underlay_send(a->u, pkt, len) != 0) {
		a->send_errors++;
		return -1;
	}
	return 0;
}

/* Inner ICMP echo request (IPv4) from our inner address to the inner
 * target, with payload bytes; returns the frame length. */
static size_t inner_echo(struct cf_active *a, uint8_t *b, size_t cap, uint16_t seq, uint8_t tos,
			 size_t payload)
{
	/* both IPv4: cf_active_run refuses other inner targets */
	struct stt_ip_fields ipf = { .src = a->inner_src, .dst = a->o->inner_target,
				     .proto = STT_IPPROTO_ICMP, .tos = tos, .ttl = 64, .id = seq };
	size_t hdrs = STT_ETH_HDR_LEN + STT_IPV4_HDR_LEN;
	size_t l4_len = STT_ICMP_ECHO_HDR_LEN + payload;
	if (cap < hdrs || l4_len > cap - hdrs ||
	    !stt_build_eth(b, cap, a->inner_dst_mac, a->o->inner_mac, STT_ETHERTYPE_IPV4) ||
	    !stt_build_ip(b + STT_ETH_HDR_LEN, cap - STT_ETH_HDR_LEN, &ipf, l4_len))
		return 0;
	uint8_t *ic = b + hdrs;
	stt_build_icmp_echo(ic, cap - hdrs, false, false, a->icmp_id, seq);
	for (size_t i = 0; i < payload; i++)
		ic[STT_ICMP_ECHO_HDR_LEN + i] = (uint8_t)(0x20 + i % 64);
	stt_l4_csum_set(ic, l4_len, &ipf);
	return hdrs + l4_len;
}

size_t cf_inner_arp(struct cf_active *a, uint8_t *b)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	stt_build_eth(b, STT_ETH_HDR_LEN, bcast, a->o->inner_mac, STT_ETHERTYPE_ARP);
	stt_build_arp(b + STT_ETH_HDR_LEN, STT_ARP_LEN, STT_ARP_REQUEST, a->o->inner_mac,
		      a->inner_src.a, NULL, a->o->inner_target.a);
	return STT_ETH_HDR_LEN + STT_ARP_LEN;
}

void cf_tmpl(struct cf_active *a, struct stt_outer_tmpl *t, const uint8_t *inner, size_t ilen)
{
	stt_outer_tmpl_defaults(t);
	memcpy(t->eth_src, a->mac, 6);
	memcpy(t->eth_dst, a->target_mac, 6);
	t->src = a->local;
	t->dst = a->o->target;
	t->dport = a->o->port;
	t->sport = stt_flow_sport(inner, ilen, 0x5354);
	t->ack = a->ack++;
	t->ip_id = a->ip_id;
	a->ip_id = (uint16_t)(a->ip_id + 64);
}

int cf_probe_build(struct cf_active *a, struct cf_probe *p, uint8_t tos, size_t payload)
{
	uint8_t inner[STT_MAX_FRAME_LEN];
	p->seq = a->next_seq++;
	a->answered[p->seq] = 0;
	size_t ilen = inner_echo(a, inner, sizeof(inner), p->seq, tos, payload);
	if (!ilen)
		return -1;
	memset(&p->h, 0, sizeof(p->h));
	p->h.flags = STT_F_IPV4;
	p->h.context_id = a->o->context;
	p->len = stt_frame_build(&p->h, inner, ilen, p->frame, sizeof(p->frame));
	if (!p->len)
		return -1;
	cf_tmpl(a, &p->t, inner, ilen);
	return 0;
}

/* Re-encode the STT header after a case changed p->h. */
void cf_probe_rehdr(struct cf_probe *p)
{
	stt_frame_hdr_encode(&p->h, p->frame);
}

int cf_send_seg(struct cf_active *a, const struct stt_outer_tmpl *t, const uint8_t *frame,
		uint16_t flen_field, uint16_t off, size_t len, bool last, unsigned idx)
{
	uint8_t pkt[STT_MAX_FRAME_LEN + 256];
	size_t n = stt_segment_write(t, flen_field, off, frame + off, len, last, idx, pkt,
				     sizeof(pkt));
	if (!n)
		return -1;
	return cf_send_raw(a, pkt, n);
}

int cf_send_probe(struct cf_active *a, const struct cf_probe *p, size_t mss)
{
	size_t n = stt_segment_count(p->len, mss);
	for (size_t i = 0; i < n; i++) {
		size_t off = i * mss, len = p->len - off < mss ? p->len - off : mss;
		if (cf_send_seg(a, &p->t, p->frame, (uint16_t)p->len, (uint16_t)off, len,
				i == n - 1, (unsigned)i) != 0)
			return -1;
	}
	return 0;
}

bool cf_ping(struct cf_active *a, size_t payload, size_t mss)
{
	struct cf_probe *p = &a->scratch;
	if (cf_probe_build(a, p, 0, payload) != 0 || cf_send_probe(a, p, mss) != 0)
		return false;
	return cf_wait(a, p->seq, a->o->wait_ms);
}

void cf_pass(struct cf_active *a, const char *req, const char *fmt, ...)
{
	cf_report_exercise(a->r, req, 1);
	if (fmt) {
		char buf[CF_REASON_LEN];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		cf_report_note_pass(a->r, req, "%s", buf);
	}
}

void cf_fail(struct cf_active *a, const char *req, const char *fmt, ...)
{
	char buf[CF_REASON_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cf_report_violation(a->r, req, a->cur_case, false, "%s", buf);
	a->case_failed = true;
}

void cf_skip(struct cf_active *a, const char *req, const char *why)
{
	cf_report_skip_reason(a->r, req, "%s", why);
}

/* A frame that must not be delivered was not; the target must still
 * answer a good frame afterwards, or the silence proves nothing. */
void cf_expect_dropped(struct cf_active *a, const char *req, const struct cf_probe *bad,
		       const char *what)
{
	bool delivered = cf_wait(a, bad->seq, a->o->wait_ms);
	if (delivered) {
		cf_fail(a, req, "expected %s to be dropped, got it delivered (answer to seq %u)",
			what, bad->seq);
		return;
	}
	if (!cf_ping(a, 56, 1400)) {
		cf_fail(a, req, "expected the target to answer after %s, got no answer", what);
		return;
	}
	cf_pass(a, req, NULL);
}

void cf_expect_delivered(struct cf_active *a, const char *req, const struct cf_probe *p,
			 const char *what)
{
	if (cf_wait(a, p->seq, a->o->wait_ms))
		cf_pass(a, req, NULL);
	else
		cf_fail(a, req, "expected %s to be delivered, got no answer within %u ms", what,
			a->o->wait_ms);
}

static int find_local(struct cf_active *a, char *err, size_t errlen)
{
	if (a->o->local.family) {
		a->local = a->o->local;
		return 0;
	}
	/* The kernel's choice of source for a datagram to the target. */
	int fam = a->o->target.family == 6 ? AF_INET6 : AF_INET;
	int s = socket(fam, SOCK_DGRAM, 0);
	if (s < 0)
		goto fail;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	if (fam == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(9);
		memcpy(&sin->sin_addr, a->o->target.a, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(9);
		memcpy(&sin6->sin6_addr, a->o->target.a, 16);
		sl = sizeof(*sin6);
	}
	if (connect(s, (struct sockaddr *)&ss, sl) < 0 || getsockname(s, (struct sockaddr *)&ss, &sl) < 0) {
		close(s);
		goto fail;
	}
	close(s);
	a->local.family = a->o->target.family;
	memset(a->local.a, 0, 16);
	if (fam == AF_INET)
		memcpy(a->local.a, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(a->local.a, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	return 0;
fail:
	snprintf(err, errlen, "no route to the target: %s (give --local)", strerror(errno));
	return -1;
}

static int resolve_target_mac(struct cf_active *a)
{
	for (int i = 0; i < 20; i++) {
		if (stt_io_neigh_lookup(a->ifname, &a->o->target, a->target_mac) == 0)
			return 0;
		stt_io_neigh_solicit(&a->o->target);
		usleep(50000);
	}
	return -1;
}

static void replay(struct cf_active *a)
{
	char err[STT_CAP_ERRLEN];
	struct stt_cap_opts co = { 0 };
	struct stt_cap *c = stt_cap_open_file(a->o->replay, &co, err);
	if (!c) {
		stt_cli_warn("%s", err);
		a->replay_failed = true;
		return;
	}
	struct stt_cap_pkt p;
	uint64_t sent = 0;
	uint8_t pkt[STT_MAX_FRAME_LEN + 256];
	while (stt_cap_next(c, &p) == STT_CAP_PACKET) {
		struct stt_outer o;
		const char *why;
		if (stt_outer_parse(p.linktype, p.data, p.caplen, p.wirelen, false, &o, &why) !=
			    STT_PARSE_OK ||
		    o.tcp.dport != a->o->port || o.truncated)
			continue;
		/* Re-address to the target: our MACs, our address, its address;
		 * everything from the TCP-like header on is sent as captured. */
		struct stt_outer_tmpl t;
		stt_outer_tmpl_defaults(&t);
		memcpy(t.eth_src, a->mac, 6);
		memcpy(t.eth_dst, a->target_mac, 6);
		t.src = a->local;
		t.dst = a->o->target;
		t.tos = o.tos;
		t.sport = o.tcp.sport;
		t.dport = o.tcp.dport;
		t.ack = o.tcp.ack;
		t.window = o.tcp.window;
		t.urg = o.tcp.urg;
		t.tcp_flags = o.tcp.flags;
		t.last_flags = 0;
		size_t n = stt_segment_write(&t, stt_seq_frame_len(o.tcp.seq), 0, o.payload,
					     o.payload_len, false, 0, pkt, sizeof(pkt));
		if (!n)
			continue;
		/* stt_segment_write() took offset 0; put the captured one back. */
		size_t tcp_off = stt_outer_hdr_len(&t) - STT_TCP_HDR_LEN;
		stt_put_be32(pkt + tcp_off + 4, o.tcp.seq);
		stt_put_be16(pkt + tcp_off + 16, 0);
		stt_put_be16(pkt + tcp_off + 16,
			     stt_csum_l4(&t.src, &t.dst, 6, pkt + tcp_off, n - tcp_off));
		if (cf_send_raw(a, pkt, n) == 0)
			sent++;
		if (sent % 64 == 0)
			cf_wait(a, -1, 1);
	}
	stt_cap_close(c);
	cf_progress("replayed %llu STT segments from %s", (unsigned long long)sent, a->o->replay);
	cf_wait(a, -1, a->o->wait_ms);
}

static void open_keep(struct cf_active *a, const char *name)
{
	if (!a->o->keep_pcaps)
		return;
	char path[4096], err[STT_CAP_ERRLEN];
	snprintf(path, sizeof(path), "%s/%s.pcap", a->o->keep_pcaps, name);
	a->keep = stt_capw_open(path, 1, 0, STT_CAPW_NANO, err);
	if (!a->keep)
		stt_cli_warn("%s", err);
}

static void close_keep(struct cf_active *a)
{
	if (a->keep)
		stt_capw_close(a->keep, NULL);
	a->keep = NULL;
}

int cf_active_run(struct cf_report *r, const struct cf_active_opts *o)
{
	char err[256];
	struct cf_active *a = calloc(1, sizeof(*a));
	if (!a) {
		stt_cli_warn("out of memory");
		return -1;
	}
	a->r = r;
	a->o = o;
	uint64_t started = stt_io_now_ns();
	a->icmp_id = (uint16_t)(getpid() ^ 0x5354);
	a->ack = (uint32_t)(wall_ns() & 0xffffff00u);
	a->next_seq = 1;
	memset(a->inner_dst_mac, 0xff, 6);
	int rc = -1;

	if (o->inner_target.family == 6) {
		stt_cli_warn("--inner-target: IPv6 inner targets are not supported yet (the underlay "
			     "may be IPv6)");
		goto out;
	}
	a->inner_src = o->inner_src;
	if (!a->inner_src.family && o->inner_target.family == 4) {
		a->inner_src = o->inner_target;
		a->inner_src.a[3] = 200;
	}
	if (find_local(a, err, sizeof(err)) != 0) {
		stt_cli_warn("%s", err);
		goto out;
	}
	if (o->iface) {
		snprintf(a->ifname, sizeof(a->ifname), "%s", o->iface);
	} else if (stt_io_iface_by_addr(&a->local, a->ifname, sizeof(a->ifname), err, sizeof(err)) != 0) {
		stt_cli_warn("%s (give --iface)", err);
		goto out;
	}
	unsigned mtu = 0;
	if (stt_io_iface_info(a->ifname, a->mac, &mtu, err, sizeof(err)) != 0) {
		stt_cli_warn("%s", err);
		goto out;
	}
	if (o->keep_pcaps && mkdir(o->keep_pcaps, 0755) != 0 && errno != EEXIST) {
		stt_cli_warn("%s: %s", o->keep_pcaps, strerror(errno));
		goto out;
	}
	char tgt[64], filter[160];
	stt_addr_format(&o->target, tgt, sizeof(tgt));
	/* Everything from the target: its STT segments and any RST. */
	snprintf(filter, sizeof(filter), "%s src host %s", o->target.family == 6 ? "ip6" : "ip", tgt);
	struct stt_underlay_config uc = {
		.ifname = a->ifname,
		.backend = STT_IO_AUTO,
		.dport = o->port,
		.local = a->local,
		.filter_extra = filter,
		.rx = true,
		.tso = true,
	};
	a->u = stt_underlay_open(&uc, err, sizeof(err));
	if (!a->u) {
		stt_cli_warn("%s: %s", a->ifname, err);
		goto out;
	}
	if (resolve_target_mac(a) != 0) {
		stt_cli_warn("%s: no link-layer address for %s on %s", tgt, tgt, a->ifname);
		goto out;
	}
	a->tx = cf_txan_new(r, o->port);
	if (!a->tx) {
		stt_cli_warn("out of memory");
		goto out;
	}
	cf_txan_set_hook(a->tx, on_frame, a);
	cf_txan_accept_reversed(a->tx);
	cf_progress("target %s via %s (%s backend), inner target, context %llu", tgt, a->ifname,
		    stt_io_backend_name(stt_underlay_backend(a->u)), (unsigned long long)o->context);

	if (o->replay) {
		open_keep(a, "replay");
		replay(a);
		close_keep(a);
		if (a->replay_failed)
			goto out;
	}

	/* Learn the inner target's MAC (ARP through the tunnel); broadcast
	 * is the fallback, which hosts accept for unicast IP too. */
	open_keep(a, "setup");
	uint8_t arp[64];
	size_t alen = cf_inner_arp(a, arp);
	struct cf_probe *p = &a->scratch;
	memset(&p->h, 0, sizeof(p->h));
	p->h.context_id = o->context;
	p->len = stt_frame_build(&p->h, arp, alen, p->frame, sizeof(p->frame));
	cf_tmpl(a, &p->t, arp, alen);
	cf_send_probe(a, p, 1400);
	cf_wait(a, -1, o->wait_ms < 500 ? o->wait_ms : 500);
	a->baseline = cf_ping(a, 56, 1400);
	if (!a->baseline)
		a->baseline = cf_ping(a, 56, 1400);
	close_keep(a);

	size_t ncases = 0, k = 0;
	for (size_t i = 0; i < cf_case_count(); i++) {
		const struct cf_case *c = cf_case_at(i);
		ncases += c->run && cf_case_matches(o->glob, c->name);
	}
	for (size_t i = 0; i < cf_case_count(); i++) {
		const struct cf_case *c = cf_case_at(i);
		if (!c->run || !cf_case_matches(o->glob, c->name))
			continue;
		k++;
		a->cur_case = c->name;
		a->case_failed = false;
		if (!a->baseline && strcmp(c->name, "rx.single-segment") != 0 &&
		    strcmp(c->name, "rx.non-stt-tcp") != 0) {
			for (const char *const *q = c->reqs; q && *q; q++)
				cf_skip(a, *q, "the target does not answer a plain frame (see rx.single-segment)");
			cf_progress("[%2zu/%zu] %-22s SKIP", k, ncases, c->name);
			continue;
		}
		open_keep(a, c->name);
		c->run(a, c);
		close_keep(a);
		cf_progress("[%2zu/%zu] %-22s %s", k, ncases, c->name, a->case_failed ? "violation" : "ok");
	}
	/* Let late frames in, then judge the target's own transmissions. */
	cf_wait(a, -1, 200);
	cf_txan_finish(a->tx, wall_ns());
	cf_report_stat_num(r, "rx.frames_from_target", (double)a->frames_from_target);
	if (a->arp_replies_sent)
		cf_report_stat_num(r, "rx.arp_replies_sent", (double)a->arp_replies_sent);
	if (a->send_errors)
		cf_report_note(r, "%llu segments could not be sent", (unsigned long long)a->send_errors);
	r->duration_s = (double)(stt_io_now_ns() - started) / 1e9;
	cf_progress("finished in %.1f s", r->duration_s);
	rc = 0;
out:
	close_keep(a);
	if (a->tx)
		cf_txan_free(a->tx);
	if (a->u)
		stt_underlay_close(a->u);
	free(a);
	return rc;
}
