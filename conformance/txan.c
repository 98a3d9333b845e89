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
#include "stt/cursor.h"
#include "stt/inner.h"
#include "stt/outer.h"
#include "stt/qos.h"
#include "stt/reasm.h"
#include "stt/wire.h"

/* What a check needs to have seen to count as exercised. */
enum scope {
	SC_SEGMENT = 0, /* every STT segment */
	SC_FRAME,	/* every reassembled frame */
	SC_FRAME_IP,	/* frames with an IPv4/IPv6 inner packet */
	SC_FRAME_TCP,	/* frames with an inner TCP packet */
	SC_FRAME_NONIP, /* frames with a non-IP inner payload */
	SC_MULTISEG,	/* frames of two segments or more */
	SC_SENDER_MULTI, /* second and later frames of one sender */
	SC_FLOW_MULTI,	/* second and later frames of one inner flow */
	SC__COUNT
};

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

#define FLOW_KEY_LEN 40
#define MAX_FLOWS 65536 /* a power of two; flows beyond it are not tracked */
#define MAX_SENDERS 256
#define MAX_INCOMPLETE 1024
#define MAX_RANGES 64

struct flow {
	uint8_t key[FLOW_KEY_LEN];
	bool used;
	uint16_t sport; /* of the flow's first frame */
	uint64_t frames;
};

/* One tunnel direction (outer source, destination, port) and what its
 * frames say about its DSCP and ECN encapsulation. */
struct sender {
	struct stt_addr src, dst;
	uint16_t dport;
	uint64_t frames, ip_frames;
	uint64_t dscp_equal, dscp_differ;
	uint64_t outer_dscps, inner_dscps; /* bitmaps of DSCP values seen */
	uint32_t dscp_first_differ_pkt;
	uint8_t dscp_first_differ_in, dscp_first_differ_out;
	uint64_t ecn_normal, ecn_compat, ecn_ovs_ce, ecn_bad, ecn_ect_frames;
	uint32_t ecn_bad_pkt, ecn_ovs_pkt;
	uint8_t ecn_bad_in, ecn_bad_out;
};

/* An incomplete frame given up at the end (or on timeout): kept to spot
 * one frame's segments sent under several acks. */
struct incomplete {
	struct stt_addr src, dst;
	uint16_t dport, sport, frame_len;
	uint32_t ack, first_pkt;
	unsigned n_ranges;
	uint16_t off[MAX_RANGES], len[MAX_RANGES];
};

struct cf_txan {
	struct cf_report *r;
	uint16_t port;
	struct stt_reasm *ra;
	struct stt_txcheck *tx;
	uint64_t scope_n[SC__COUNT];
	uint64_t packets, stt_segments, truncated, fragments, malformed, multicast;
	uint64_t diag[STT_CHK__COUNT];
	const struct stt_outer *cur; /* segment being checked, for OVS deviations */
	enum stt_check last_chk;
	uint32_t last_cookie;
	struct flow *flows;
	uint64_t n_flows;
	bool flows_full;
	struct sender senders[MAX_SENDERS];
	size_t n_senders;
	struct incomplete *inc;
	size_t n_inc;
	cf_frame_hook hook;
	void *hook_ctx;
	bool accept_reversed;
	uint64_t reversed_seen;
};

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

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The inner flow a frame belongs to: addresses, protocol and ports for
 * IP, MAC addresses and EtherType otherwise. */
static void flow_key(const struct stt_inner *in, uint8_t key[FLOW_KEY_LEN])
{
	memset(key, 0, FLOW_KEY_LEN);
	if (in->is_ipv4 || in->is_ipv6) {
		key[0] = in->is_ipv4 ? 4 : 6;
		key[1] = in->l4_proto;
		memcpy(key + 2, in->ip_src.a, 16);
		memcpy(key + 18, in->ip_dst.a, 16);
		stt_put_be16(key + 34, in->sport);
		stt_put_be16(key + 36, in->dport);
	} else {
		key[0] = 1;
		memcpy(key + 2, in->src, 6);
		memcpy(key + 8, in->dst, 6);
		stt_put_be16(key + 14, in->ethertype);
	}
}

static void flow_add(struct cf_txan *t, const struct stt_inner *in, uint16_t sport)
{
	uint8_t key[FLOW_KEY_LEN];
	flow_key(in, key);
	uint64_t h = hash_bytes(key, sizeof(key));
	for (size_t probe = 0; probe < MAX_FLOWS; probe++) {
		struct flow *fl = &t->flows[(h + probe) & (MAX_FLOWS - 1)];
		if (fl->used && !memcmp(fl->key, key, sizeof(key))) {
			fl->frames++;
			t->scope_n[SC_FLOW_MULTI]++;
			return;
		}
		if (!fl->used) {
			/* Keep the table at most 3/4 full so probes stay short. */
			if (t->n_flows >= MAX_FLOWS / 4 * 3) {
				t->flows_full = true;
				return;
			}
			fl->used = true;
			memcpy(fl->key, key, sizeof(key));
			fl->sport = sport;
			fl->frames = 1;
			t->n_flows++;
			return;
		}
	}
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

/* Compare the outer DSCP/ECN of a frame's first segment with the inner
 * packet's, for the model detection in qos_finish(). */
static void qos_frame(struct sender *s, const struct stt_reasm_frame *f, const struct stt_inner *in,
		      uint32_t pkt)
{
	if (!(in->is_ipv4 || in->is_ipv6) || in->l3_truncated || !f->have_first_tos)
		return;
	s->ip_frames++;
	uint8_t idscp = stt_tos_dscp(in->tos), odscp = stt_tos_dscp(f->first_tos);
	uint8_t iecn = stt_tos_ecn(in->tos), oecn = stt_tos_ecn(f->first_tos);
	s->outer_dscps |= 1ull << odscp;
	s->inner_dscps |= 1ull << idscp;
	if (idscp == odscp) {
		s->dscp_equal++;
	} else {
		if (!s->dscp_differ++) {
			s->dscp_first_differ_pkt = pkt;
			s->dscp_first_differ_in = idscp;
			s->dscp_first_differ_out = odscp;
		}
	}
	if (iecn == STT_ECN_NOT_ECT) {
		/* Both modes leave the outer Not-ECT for a Not-ECT packet. */
		if (oecn != STT_ECN_NOT_ECT && !s->ecn_bad++) {
			s->ecn_bad_pkt = pkt;
			s->ecn_bad_in = iecn;
			s->ecn_bad_out = oecn;
		}
		return;
	}
	s->ecn_ect_frames++;
	if (oecn == iecn)
		s->ecn_normal++;
	else if (oecn == STT_ECN_NOT_ECT)
		s->ecn_compat++;
	else if (iecn == STT_ECN_CE && oecn == STT_ECN_ECT0) {
		/* RFC 3168 full functionality, what Linux and OVS do. */
		if (!s->ecn_ovs_ce++)
			s->ecn_ovs_pkt = pkt;
	} else if (!s->ecn_bad++) {
		s->ecn_bad_pkt = pkt;
		s->ecn_bad_in = iecn;
		s->ecn_bad_out = oecn;
	}
}

static const char *ecn_name(uint8_t e)
{
	static const char *const n[4] = { "Not-ECT", "ECT(1)", "ECT(0)", "CE" };
	return n[e & 3];
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
		flow_add(t, &in, sport);
	struct sender *s = sender_get(t, &f->key);
	if (s) {
		if (s->frames++)
			t->scope_n[SC_SENDER_MULTI]++;
		qos_frame(s, f, &in, pkt);
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
	/* "Recently": within the reassembly timeout a reused ack could still
	 * meet a held frame at the receiver. */
	t->tx = stt_txcheck_new(STT_REASM_DEFAULT_TIMEOUT_NS, 65536);
	if (!t->flows || !t->inc || !t->ra || !t->tx) {
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
	struct stt_seg_in s = {
		.key = { .src = o.src, .dst = o.dst, .dport = o.tcp.dport, .ack = o.tcp.ack },
		.frame_len = stt_seq_frame_len(o.tcp.seq),
		.offset = stt_seq_offset(o.tcp.seq),
		.data = o.payload,
		.len = o.payload_len,
		.ts_ns = ts_ns,
		.sport = o.tcp.sport,
		.tcp_flags = o.tcp.flags,
		.tos = o.tos,
		.cookie = pktno,
	};
	stt_reasm_add(t->ra, &s);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Segments of one frame sent under several acks never complete: they show
 * up as incomplete frames of one sender, source port and frame length
 * whose byte ranges are disjoint and together cover the whole frame. */
static void ack_const_finish(struct cf_txan *t)
{
	bool *done = calloc(t->n_inc ? t->n_inc : 1, sizeof(bool));
	uint32_t *ranges = malloc(sizeof(uint32_t) * MAX_RANGES * 8);
	if (!done || !ranges)
		goto out;
	for (size_t i = 0; i < t->n_inc; i++) {
		struct incomplete *a = &t->inc[i];
		if (done[i])
			continue;
		size_t n = 0, members = 0;
		uint32_t acks[3] = { 0 }, pkts[3] = { 0 };
		uint64_t bytes = 0;
		for (size_t j = i; j < t->n_inc; j++) {
			struct incomplete *b = &t->inc[j];
			if (done[j] || b->sport != a->sport || b->frame_len != a->frame_len ||
			    b->dport != a->dport || !stt_addr_eq(&a->src, &b->src) ||
			    !stt_addr_eq(&a->dst, &b->dst))
				continue;
			if (n + b->n_ranges > MAX_RANGES * 8)
				break;
			done[j] = true;
			if (members < 3) {
				acks[members] = b->ack;
				pkts[members] = b->first_pkt;
			}
			members++;
			for (unsigned k = 0; k < b->n_ranges; k++) {
				ranges[n++] = (uint32_t)b->off[k] << 16 | b->len[k];
				bytes += b->len[k];
			}
		}
		if (members < 2 || bytes != a->frame_len)
			continue;
		qsort(ranges, n, sizeof(*ranges), cmp_u32);
		uint32_t end = 0;
		bool tiles = true;
		for (size_t k = 0; k < n && tiles; k++) {
			uint32_t off = ranges[k] >> 16, len = ranges[k] & 0xffff;
			tiles = off == end;
			end = off + len;
		}
		if (!tiles || end != a->frame_len)
			continue;
		cf_report_violation(t->r, "STT-3.2-ACK-CONST", "tx.ack-id", false,
				    "expected one ack for all segments of a %u-byte frame, got %zu "
				    "(0x%08x at packet %u, 0x%08x at packet %u%s)",
				    a->frame_len, members, acks[0], pkts[0], acks[1], pkts[1],
				    members > 2 ? ", ..." : "");
	}
out:
	free(done);
	free(ranges);
}

/* DSCP model and ECN mode per sender; violations when neither model nor
 * mode explains what was sent. */
static void qos_finish(struct cf_txan *t)
{
	struct cf_report *r = t->r;
	uint64_t uniform = 0, pipe = 0, ambiguous = 0, ip = 0, ecn_frames = 0;
	uint64_t normal = 0, compat = 0;
	char a[48], b[48];
	for (size_t i = 0; i < t->n_senders; i++) {
		struct sender *s = &t->senders[i];
		if (!s->ip_frames)
			continue;
		ip += s->ip_frames;
		stt_addr_format(&s->src, a, sizeof(a));
		stt_addr_format(&s->dst, b, sizeof(b));
		bool one_outer = __builtin_popcountll(s->outer_dscps) == 1;
		bool one_inner = __builtin_popcountll(s->inner_dscps) == 1;
		if (!s->dscp_differ && one_inner) {
			ambiguous++;
		} else if (!s->dscp_differ) {
			uniform++;
			cf_report_note_pass(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP",
					    "uniform model: outer DSCP follows the inner (%s > %s)", a,
					    b);
		} else if (one_outer) {
			pipe++;
			cf_report_note_pass(r, "STT-3.3.1-DSCP-PIPE-ENCAP",
					    "pipe model: outer DSCP %d whatever the inner (%s > %s)",
					    __builtin_ctzll(s->outer_dscps), a, b);
		} else {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "expected outer DSCP = inner DSCP (uniform) or one constant (pipe), "
				 "got outer %u for inner %u (packet %u)",
				 s->dscp_first_differ_out, s->dscp_first_differ_in,
				 s->dscp_first_differ_pkt);
			cf_report_violation(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "tx.qos", false, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "tx.qos", false, "%s", msg);
		}
		ecn_frames += s->ecn_ect_frames;
		normal += s->ecn_normal;
		compat += s->ecn_compat;
		if (s->ecn_bad) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "expected outer ECN = inner (normal) or Not-ECT (compatibility), "
				 "got %s for inner %s (packet %u)",
				 ecn_name(s->ecn_bad_out), ecn_name(s->ecn_bad_in), s->ecn_bad_pkt);
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "tx.qos", false, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "tx.qos", false, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-ECN-RFC6040", "tx.qos", false, "%s", msg);
		}
		if (s->ecn_ovs_ce) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "expected outer CE for inner CE (normal mode), got ECT(0) as RFC 3168, "
				 "Linux and OVS do (packet %u)",
				 s->ecn_ovs_pkt);
			cf_report_violation(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "tx.qos", true, "%s", msg);
			cf_report_violation(r, "STT-3.3.1-ECN-RFC6040", "tx.qos", true, "%s", msg);
		}
	}
	cf_report_exercise(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", uniform);
	cf_report_exercise(r, "STT-3.3.1-DSCP-PIPE-ENCAP", pipe);
	if (ambiguous && !uniform && !pipe) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP",
				      "inner DSCP never varied: cannot tell uniform from pipe");
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP",
				      "inner DSCP never varied: cannot tell uniform from pipe");
	} else if (uniform && !pipe) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "the sender uses the uniform model");
	} else if (pipe && !uniform) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "the sender uses the pipe model");
	}
	if (!ip) {
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-UNIFORM-ENCAP", "no frame with an inner IP packet");
		cf_report_skip_reason(r, "STT-3.3.1-DSCP-PIPE-ENCAP", "no frame with an inner IP packet");
	}
	/* ECN: only ECN-capable inner packets tell the modes apart. */
	cf_report_exercise(r, "STT-3.3.1-ECN-RFC6040", ip);
	cf_report_exercise(r, "STT-3.3.1-ECN-ENCAP-NORMAL", normal);
	cf_report_exercise(r, "STT-3.3.1-ECN-ENCAP-COMPAT", compat);
	if (normal && !compat)
		cf_report_note_pass(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "normal mode detected (%llu ECN-capable frames)",
				    (unsigned long long)normal);
	if (compat && !normal)
		cf_report_note_pass(r, "STT-3.3.1-ECN-ENCAP-COMPAT",
				    "compatibility mode detected (%llu ECN-capable frames)",
				    (unsigned long long)compat);
	if (normal && !compat)
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "the sender uses normal mode");
	if (compat && !normal)
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "the sender uses compatibility mode");
	if (!ecn_frames) {
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-NORMAL", "no ECN-capable inner packet");
		cf_report_skip_reason(r, "STT-3.3.1-ECN-ENCAP-COMPAT", "no ECN-capable inner packet");
	}
	if (uniform + pipe + ambiguous)
		cf_report_stat(r, "tx.dscp_model", "%s",
			       uniform && pipe ? "mixed (per sender)"
			       : uniform       ? "uniform"
			       : pipe	       ? "pipe"
					       : "undetermined (inner DSCP constant)");
	if (ecn_frames)
		cf_report_stat(r, "tx.ecn_mode", "%s",
			       normal && compat ? "mixed"
			       : normal		? "normal"
			       : compat		? "compatibility"
						: "none");
}

unsigned cf_sport_bucket(uint16_t sport)
{
	/* 16 buckets of 1024 ports over the position within a 16384-port
	 * window: the ephemeral range maps onto all of them. */
	return (sport % 16384u) / 1024u;
}

double cf_chi_square16(const uint64_t bucket[16], uint64_t n)
{
	if (!n)
		return 0.0;
	double e = (double)n / 16.0, chi = 0.0;
	for (unsigned i = 0; i < 16; i++) {
		double d = (double)bucket[i] - e;
		chi += d * d / e;
	}
	return chi;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return x < y ? -1 : x > y;
}

static void sport_stats(struct cf_txan *t)
{
	struct cf_report *r = t->r;
	uint64_t bucket[16] = { 0 };
	uint16_t *ports = malloc(sizeof(uint16_t) * (t->n_flows ? t->n_flows : 1));
	size_t n = 0;
	if (!ports)
		return;
	for (size_t i = 0; i < MAX_FLOWS; i++) {
		if (!t->flows[i].used)
			continue;
		ports[n++] = t->flows[i].sport;
		bucket[cf_sport_bucket(t->flows[i].sport)]++;
	}
	qsort(ports, n, sizeof(*ports), cmp_u16);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		distinct += i == 0 || ports[i] != ports[i - 1];
	free(ports);
	cf_report_stat_num(r, "tx.inner_flows", (double)n);
	cf_report_stat_num(r, "tx.sport_distinct", (double)distinct);
	if (n) {
		double chi = cf_chi_square16(bucket, n);
		cf_report_stat_num(r, "tx.sport_chi2_16", (double)(long long)(chi * 100 + 0.5) / 100);
		/* 15 degrees of freedom: 30.58 is the p = 0.01 point. The test
		 * means something only when each bucket expects 5 or more. */
		if (n >= 80)
			cf_report_stat(r, "tx.sport_spread", "%s (chi-square %.1f, 15 d.f., p=0.01 at 30.58)",
				       chi > 30.58 ? "not uniform" : "consistent with uniform", chi);
		else
			cf_report_stat(r, "tx.sport_spread",
				       "too few flows for a verdict (%zu; 80 needed)", n);
	}
	if (t->flows_full)
		cf_report_note(r, "more than %d inner flows: source-port statistics cover the first ones",
			       MAX_FLOWS / 4 * 3);
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
	ack_const_finish(t);
	qos_finish(t);
	sport_stats(t);

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
	if (t->truncated)
		cf_report_note(r, "%llu segments cut by the snaplen could not be reassembled",
			       (unsigned long long)t->truncated);
	if (t->malformed)
		cf_report_note(r, "%llu packets with malformed IP/TCP headers were skipped",
			       (unsigned long long)t->malformed);
}
