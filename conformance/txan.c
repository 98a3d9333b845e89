/* Transmit-side analysis: the library's checks over captured segments,
 * aggregated per requirement, plus what only a whole capture shows (how
 * often each rule was exercised, the source-port spread across inner
 * flows, segments of one frame sent under several acks, the DSCP model and
 * the ECN encapsulation mode).
 *
 * Used by passive mode on a capture file and by active mode on what the
 * target sends back. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conform.h"
#include "txan_int.h"
#include "stt/cursor.h"
#include "stt/inner.h"
#include "stt/outer.h"
#include "stt/qos.h"
#include "stt/reasm.h"
#include "stt/wire.h"

/* What a check needs to have seen to count as exercised. */
static enum scope scope_of(enum stt_check c)
{
	switch (c) {
	case STT_CHK_TCP_PSH_MISSING_LAST:
	case STT_CHK_TCP_PSH_NOT_LAST:
	case STT_CHK_VERSION_NONZERO:
	case STT_CHK_FLAGS_RESERVED:
	case STT_CHK_RESERVED_NONZERO:
	case STT_CHK_PADDING_NONZERO:
	case STT_CHK_VLAN_ID_WITHOUT_V:
	case STT_CHK_CSUM_FLAGS_BOTH:
	case STT_CHK_L4OFF_PARTIAL_ZERO:
	case STT_CHK_L4OFF_WITHOUT_PARTIAL:
	case STT_CHK_MSS_WITHOUT_PARTIAL:
	case STT_CHK_INNER_TOO_SHORT:
		return SC_FRAME;
	case STT_CHK_FLAG_IPV4_MISMATCH:
	case STT_CHK_FLAG_TCP_MISMATCH:
	case STT_CHK_L4OFF_OUTSIDE:
	case STT_CHK_L4OFF_MISMATCH:
		return SC_FRAME_IP;
	case STT_CHK_TSO_WITHOUT_PARTIAL:
		return SC_FRAME_TCP;
	case STT_CHK_FLAGS_NON_IP:
		return SC_FRAME_NONIP;
	case STT_CHK_SPORT_VARIED:
	case STT_CHK_FRAME_LEN_MISMATCH:
		return SC_MULTISEG;
	case STT_CHK_ACK_REUSED:
		return SC_SENDER_MULTI;
	case STT_CHK_SPORT_FLOW_UNSTABLE:
		return SC_FLOW_MULTI;
	default:
		return SC_SEGMENT;
	}
}

void cf_txan_accept_reversed(struct cf_txan *t)
{
	t->accept_reversed = true;
}

void cf_txan_set_hook(struct cf_txan *t, cf_frame_hook fn, void *ctx)
{
	t->hook = fn;
	t->hook_ctx = ctx;
}

static const char *case_of_check(enum stt_check c)
{
	for (size_t i = 0; i < cf_case_count(); i++)
		if (cf_case_has_check(cf_case_at(i), c))
			return cf_case_at(i)->name;
	return "tx";
}

/* A finding from the library: one violation of the check's requirement. */
static void on_finding(void *ctx, const struct stt_finding *f)
{
	struct cf_txan *t = ctx;
	const struct stt_check_def *d = stt_check_def(f->id);
	if (!d)
		return;
	/* A segment refused by the reassembler may already have been flagged
	 * by the per-segment checks: count it once. */
	if (f->id == t->last_chk && f->cookie == t->last_cookie && f->cookie)
		return;
	t->last_chk = f->id;
	t->last_cookie = f->cookie;
	if (!d->req_id) {
		/* Diagnostics (incomplete frames...): a few as notes. */
		if (t->diag[f->id]++ >= 3)
			return;
		if (f->cookie)
			cf_report_note(t->r, "%s: %s (packet %u)", d->name,
				       f->detail[0] ? f->detail : d->summary, f->cookie);
		else
			cf_report_note(t->r, "%s: %s", d->name, f->detail[0] ? f->detail : d->summary);
		return;
	}
	/* OVS sends window 0xFFFF: a deviation it is known for. */
	bool known_ovs = f->id == STT_CHK_TCP_WINDOW_NONZERO && t->cur &&
			 t->cur->tcp.window == 0xFFFF;
	const char *what = f->detail[0] ? f->detail : d->summary;
	if (f->cookie)
		cf_report_violation(t->r, d->req_id, case_of_check(f->id), known_ovs,
				    "%s: %s (packet %u)", d->name, what, f->cookie);
	else
		cf_report_violation(t->r, d->req_id, case_of_check(f->id), known_ovs, "%s: %s",
				    d->name, what);
}

static struct sender *sender_get(struct cf_txan *t, const struct stt_reasm_key *k)
{
	for (size_t i = 0; i < t->n_senders; i++) {
		struct sender *s = &t->senders[i];
		if (s->dport == k->dport && stt_addr_eq(&s->src, &k->src) &&
		    stt_addr_eq(&s->dst, &k->dst))
			return s;
	}
	if (t->n_senders == MAX_SENDERS)
		return NULL;
	struct sender *s = &t->senders[t->n_senders++];
	memset(s, 0, sizeof(*s));
	s->src = k->src;
	s->dst = k->dst;
	s->dport = k->dport;
	return s;
}

static void on_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	struct cf_txan *t = ctx;
	struct stt_frame_hdr h;
	struct stt_inner in;
	uint32_t pkt = f->nsegs ? f->segs[0].cookie : 0;

	t->scope_n[SC_FRAME]++;
	if (f->accepted_segs > 1)
		t->scope_n[SC_MULTISEG]++;
	if (stt_frame_hdr_decode(f->data, f->len, &h) != 0)
		return; /* too short: the reassembler refuses these already */
	stt_inner_decode(f->data + STT_FRAME_HDR_LEN, f->len - STT_FRAME_HDR_LEN, &in);
	if (in.is_ipv4 || in.is_ipv6) {
		t->scope_n[SC_FRAME_IP]++;
		if (in.l4_proto == 6 && in.l4_off)
			t->scope_n[SC_FRAME_TCP]++;
	} else if (in.eth_ok) {
		t->scope_n[SC_FRAME_NONIP]++;
	}
	t->cur = NULL;
	if (t->hook)
		t->hook(t->hook_ctx, f, &h, &in);
	stt_check_frame(f, &h, &in, on_finding, t);
	stt_txcheck_frame(t->tx, f, &in, on_finding, t);

	uint16_t sport = f->nsegs ? f->segs[0].sport : 0;
	if (in.eth_ok)
		cf_flow_add(t, &in, sport);
	struct sender *s = sender_get(t, &f->key);
	if (s) {
		if (s->frames++)
			t->scope_n[SC_SENDER_MULTI]++;
		cf_qos_frame(s, f, &in, pkt);
	}
}

static void keep_incomplete(struct cf_txan *t, const struct stt_reasm_drop *d)
{
	if (!d->segs || !d->nsegs || t->n_inc == MAX_INCOMPLETE)
		return;
	struct incomplete *x = &t->inc[t->n_inc++];
	memset(x, 0, sizeof(*x));
	x->src = d->key.src;
	x->dst = d->key.dst;
	x->dport = d->key.dport;
	x->ack = d->key.ack;
	x->frame_len = d->frame_len;
	x->sport = d->segs[0].sport;
	x->first_pkt = d->segs[0].cookie;
	for (unsigned i = 0; i < d->nsegs && x->n_ranges < MAX_RANGES; i++) {
		if (d->segs[i].fate != STT_SEG_ACCEPTED && d->segs[i].fate != STT_SEG_PARTIAL_DUP)
			continue;
		x->off[x->n_ranges] = d->segs[i].offset;
		x->len[x->n_ranges] = d->segs[i].len_lo;
		x->n_ranges++;
	}
}

static void on_drop(void *ctx, const struct stt_reasm_drop *d)
{
	struct cf_txan *t = ctx;
	enum stt_check c = stt_check_for_drop(d->reason);
	if (d->reason == STT_DROP_FLUSHED || d->reason == STT_DROP_TIMEOUT)
		keep_incomplete(t, d);
	if (c == STT_CHK__COUNT)
		return;
	struct stt_finding f = { .id = c };
	if (d->seg) {
		f.cookie = d->seg->cookie;
		switch (d->reason) {
		case STT_DROP_LEN_MISMATCH:
			snprintf(f.detail, sizeof(f.detail),
				 "expected the frame length of the segments before it (ack 0x%08x), got %u",
				 d->key.ack, d->seg->frame_len);
			break;
		case STT_DROP_OUT_OF_RANGE:
			snprintf(f.detail, sizeof(f.detail),
				 "expected offset + length <= %u, got %u + %zu", d->seg->frame_len,
				 d->seg->offset, d->seg->len);
			break;
		case STT_DROP_ZERO_LEN:
			snprintf(f.detail, sizeof(f.detail), "expected payload > 0, got 0 bytes");
			break;
		case STT_DROP_TOO_SHORT:
			snprintf(f.detail, sizeof(f.detail), "expected frame length >= %d, got %u",
				 STT_FRAME_HDR_LEN, d->seg->frame_len);
			break;
		default:
			break;
		}
	} else if (d->segs && d->nsegs) {
		f.cookie = d->segs[0].cookie;
		snprintf(f.detail, sizeof(f.detail),
			 "ack 0x%08x: %zu of %u bytes in %u segment(s)", d->key.ack, d->bytes_held,
			 d->frame_len, d->nsegs);
	}
	on_finding(t, &f);
}

struct cf_txan *cf_txan_new(struct cf_report *r, uint16_t port)
{
	struct cf_txan *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->r = r;
	t->port = port;
	t->last_chk = STT_CHK__COUNT;
	t->flows = calloc(MAX_FLOWS, sizeof(*t->flows));
	t->inc = calloc(MAX_INCOMPLETE, sizeof(*t->inc));
	struct stt_reasm_config cfg = { .keep_seg_records = true };
	static const struct stt_reasm_ops ops = { on_deliver, on_drop };
	t->ra = stt_reasm_new(&cfg, &ops, t);
	t->conns = stt_tcpconn_new();
	/* "Recently": within the reassembly timeout a reused ack could still
	 * meet a held frame at the receiver. */
	t->tx = stt_txcheck_new(STT_REASM_DEFAULT_TIMEOUT_NS, 65536);
	if (!t->flows || !t->inc || !t->ra || !t->conns || !t->tx) {
		cf_txan_free(t);
		return NULL;
	}
	return t;
}

void cf_txan_free(struct cf_txan *t)
{
	if (!t)
		return;
	if (t->ra)
		stt_reasm_free(t->ra);
	if (t->tx)
		stt_txcheck_free(t->tx);
	stt_tcpconn_free(t->conns);
	free(t->flows);
	free(t->inc);
	free(t);
}

uint64_t cf_txan_stt_segments(const struct cf_txan *t)
{
	return t->stt_segments;
}

static bool addr_is_multicast(const struct stt_addr *a)
{
	return a->family == 4 ? (a->a[0] & 0xF0) == 0xE0 : a->a[0] == 0xFF;
}

/* The first fragment of a fragmented STT segment still shows the TCP
 * ports; later fragments cannot be attributed. */
static void check_fragment(struct cf_txan *t, const struct stt_outer *o, const uint8_t *pkt,
			   size_t caplen, uint32_t pktno)
{
	if (o->ip_version != 4 || (o->ip_frag & 0x1fff) != 0)
		return;
	struct stt_cur c = stt_cur_make(pkt, caplen);
	if (!stt_cur_skip(&c, o->l3_off + o->ip_hdr_len + 2))
		return;
	uint16_t dport = stt_get_be16(&c);
	if (c.err || dport != t->port)
		return;
	t->fragments++;
	t->scope_n[SC_SEGMENT]++;
	struct stt_finding f = { .id = STT_CHK_IP_FRAGMENTED, .cookie = pktno };
	snprintf(f.detail, sizeof(f.detail),
		 "expected an unfragmented segment, got an IPv4 fragment (id %u)", o->ip_id);
	on_finding(t, &f);
}

void cf_txan_packet(struct cf_txan *t, int linktype, const uint8_t *pkt, size_t caplen,
		    size_t wirelen, uint64_t ts_ns, uint32_t pktno)
{
	struct stt_outer o;
	const char *why = NULL;
	t->packets++;
	enum stt_parse_status st = stt_outer_parse(linktype, pkt, caplen, wirelen, true, &o, &why);
	if (st == STT_PARSE_FRAGMENT) {
		check_fragment(t, &o, pkt, caplen, pktno);
		return;
	}
	if (st == STT_PARSE_MALFORMED)
		t->malformed++;
	if (st != STT_PARSE_OK)
		return;
	/* Active mode: some targets answer from the STT port to ours
	 * (stt-recv --echo swaps the ports); take those segments too and
	 * say that their destination port is not the STT port. */
	bool reversed = t->accept_reversed && o.tcp.dport != t->port && o.tcp.sport == t->port &&
			o.payload_len > 0 && !(o.tcp.flags & (STT_TCP_RST | STT_TCP_SYN));
	if (o.tcp.dport != t->port && !reversed)
		return;
	if (stt_tcpconn_classify(t->conns, &o, pktno, NULL) != STT_TCP_IS_STT) {
		t->not_stt_on_port++;
		return;
	}
	if (reversed && !t->reversed_seen++)
		cf_report_violation(t->r, "STT-IMPL-DPORT", "tx.segment-header", false,
				    "expected destination port %u, got %u (source port %u) (packet %u)",
				    t->port, o.tcp.dport, o.tcp.sport, pktno);
	t->stt_segments++;
	t->scope_n[SC_SEGMENT]++;
	if (addr_is_multicast(&o.dst))
		t->multicast++;
	t->cur = &o;
	stt_check_segment(&o, pktno, on_finding, t);
	t->cur = NULL;
	if (o.truncated) {
		/* Cut by the snaplen: the frame cannot be reassembled. */
		t->truncated++;
		return;
	}
	struct stt_seg_in s;
	stt_seg_in_from_outer(&s, &o, ts_ns);
	s.cookie = pktno;
	stt_reasm_add(t->ra, &s);
}

void cf_txan_finish(struct cf_txan *t, uint64_t now_ns)
{
	struct cf_report *r = t->r;
	stt_reasm_flush(t->ra, now_ns);
	if (!t->stt_segments)
		for (size_t i = 0; i < r->n; i++)
			if (r->res[i].req->sides & STT_SIDE_TX)
				cf_report_skip_reason(r, r->res[i].req->id, "no STT segment (TCP to port %u)",
					      t->port);
	cf_ack_const_finish(t);
	cf_qos_finish(t);
	cf_sport_stats(t);

	for (unsigned c = 0; c < STT_CHK__COUNT; c++) {
		const struct stt_check_def *d = stt_check_def((enum stt_check)c);
		if (d && d->req_id)
			cf_report_exercise(r, d->req_id, t->scope_n[scope_of((enum stt_check)c)]);
	}
	/* Every segment recognised was TCP to the STT port. */
	cf_report_exercise(r, "STT-3.3-IP-PROTO", t->stt_segments);
	cf_report_exercise(r, "STT-3.2-ACK-CONST", t->scope_n[SC_MULTISEG]);
	if (!t->scope_n[SC_MULTISEG])
		cf_report_skip_reason(r, "STT-3.2-ACK-CONST", "no frame of two segments or more");
	cf_report_exercise(r, "STT-IMPL-DPORT", t->stt_segments);
	if (t->port != STT_DEFAULT_PORT && t->stt_segments)
		cf_report_violation(r, "STT-IMPL-DPORT", "tx.segment-header", false,
				    "expected destination port %d, got %u (configured with --port)",
				    STT_DEFAULT_PORT, t->port);
	cf_report_exercise(r, "STT-3.4-MULTICAST", t->multicast);
	if (t->multicast)
		cf_report_note_pass(r, "STT-3.4-MULTICAST", "%llu segments to a multicast destination",
				    (unsigned long long)t->multicast);
	else
		cf_report_skip_reason(r, "STT-3.4-MULTICAST", "no segment to a multicast destination");

	/* Skip reasons for rules that need a kind of traffic. */
	static const struct {
		enum scope sc;
		const char *why;
	} skip_why[] = {
		{ SC_FRAME, "no complete frame" },
		{ SC_FRAME_IP, "no frame with an inner IP packet" },
		{ SC_FRAME_TCP, "no frame with an inner TCP packet" },
		{ SC_FRAME_NONIP, "no frame with a non-IP payload" },
		{ SC_MULTISEG, "no frame of two segments or more" },
		{ SC_SENDER_MULTI, "no sender with two frames or more" },
		{ SC_FLOW_MULTI, "no inner flow with two frames or more" },
	};
	for (unsigned c = 0; c < STT_CHK__COUNT; c++) {
		const struct stt_check_def *d = stt_check_def((enum stt_check)c);
		if (!d || !d->req_id)
			continue;
		for (size_t i = 0; i < sizeof(skip_why) / sizeof(skip_why[0]); i++)
			if (skip_why[i].sc == scope_of((enum stt_check)c) && !t->scope_n[skip_why[i].sc])
				cf_report_skip_reason(r, d->req_id, "%s", skip_why[i].why);
	}

	const struct stt_reasm_stats *rs = stt_reasm_stats(t->ra);
	cf_report_stat_num(r, "packets", (double)t->packets);
	cf_report_stat_num(r, "stt_segments", (double)t->stt_segments);
	cf_report_stat_num(r, "frames", (double)t->scope_n[SC_FRAME]);
	cf_report_stat_num(r, "frames_multi_segment", (double)t->scope_n[SC_MULTISEG]);
	cf_report_stat_num(r, "frames_incomplete",
			   (double)(rs->drops[STT_DROP_FLUSHED] + rs->drops[STT_DROP_TIMEOUT] +
				    rs->drops[STT_DROP_EVICTED]));
	cf_report_stat_num(r, "senders", (double)t->n_senders);
	/* The cross-frame rules as counts, next to the entropy figures. */
	static const struct {
		const char *key, *req;
	} counts[] = {
		{ "tx.ack_reuses", "STT-3.2-ACK-UNIQUE" },
		{ "tx.frames_sport_varied", "STT-3.2-SPORT-CONST" },
		{ "tx.flows_sport_unstable", "STT-3.2-SPORT-FLOW" },
	};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		const struct cf_result *x = cf_report_get(r, counts[i].req);
		if (x && t->scope_n[SC_FRAME])
			cf_report_stat_num(r, counts[i].key, (double)x->violations);
	}
	if (t->truncated)
		cf_report_note(r, "%llu segments cut by the snaplen could not be reassembled",
			       (unsigned long long)t->truncated);
	if (t->malformed)
		cf_report_note(r, "%llu packets with malformed IP/TCP headers were skipped",
			       (unsigned long long)t->malformed);
}
