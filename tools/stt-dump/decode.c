/* The decoding pipeline: one captured packet -> outer parse -> port match
 * -> segment checks -> reassembly -> frame checks -> printer.
 *
 * Segment warnings are held back until the frame they belong to is printed
 * so that they appear under it; a segment that never makes a frame has its
 * warnings printed standalone when the reassembler gives it up. Both the
 * per-packet side records and the pending warnings live in fixed rings
 * allocated once: nothing here allocates per packet. */
#include "dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIDE_N 65536u /* packets remembered for -v segment lines */
#define PEND_N 4096u  /* segment warnings waiting for their frame */

struct dump_seg_side {
	uint32_t cookie; /* packet number (low 32 bits); 0: empty */
	uint16_t ip_id;
	uint8_t csum;	 /* enum stt_csum_verdict */
	uint8_t ip_version;
	uint16_t n_pend;
	uint16_t window; /* for -vvv */
	uint8_t ttl;
	uint64_t pend_first;
};

static struct dump_seg_side *side_of(struct dump *d, uint32_t cookie)
{
	struct dump_seg_side *s = &d->side[cookie % SIDE_N];
	return (cookie && s->cookie == cookie) ? s : NULL;
}

int dump_side_lookup(struct dump *d, uint32_t cookie, struct dump_side_info *info)
{
	const struct dump_seg_side *s = side_of(d, cookie);
	if (!s)
		return -1;
	info->ip_id = s->ip_id;
	info->csum = s->csum;
	info->ip_version = s->ip_version;
	info->window = s->window;
	info->ttl = s->ttl;
	return 0;
}

/* --- emitting warnings --- */

static void emit_standalone(struct dump *d, const struct dump_warn *w)
{
	if (d->quiet_out || d->done)
		return;
	if (d->opt->json)
		json_warning(d, w);
	else
		text_warning(d, w, false);
}

static void frame_add_warn(struct dump *d, const struct dump_warn *w)
{
	if (d->n_fw < sizeof(d->fw) / sizeof(d->fw[0]))
		d->fw[d->n_fw++] = *w;
	else
		emit_standalone(d, w);
}

/* The oldest pending warning leaves the ring, printed if still owed. */
static void pend_pop(struct dump *d)
{
	unsigned idx = (unsigned)(d->pend_tail % PEND_N);
	if (!d->pend_done[idx]) {
		d->pend_done[idx] = true;
		emit_standalone(d, &d->pend[idx]);
	}
	d->pend_tail++;
}

static void pend_add(struct dump *d, const struct dump_warn *w)
{
	while (d->pend_head - d->pend_tail >= PEND_N)
		pend_pop(d);
	unsigned idx = (unsigned)(d->pend_head % PEND_N);
	d->pend[idx] = *w;
	d->pend_done[idx] = false;
	struct dump_seg_side *s = side_of(d, w->packet);
	if (s) {
		if (s->n_pend == 0)
			s->pend_first = d->pend_head;
		s->n_pend++;
	}
	d->pend_head++;
	/* A warning without a side record can only leave through pend_pop. */
}

/* Hand the packet's pending warnings to the frame being printed, or print
 * them standalone. */
static void pend_take(struct dump *d, uint32_t cookie, bool to_frame)
{
	struct dump_seg_side *s = side_of(d, cookie);
	if (!s)
		return;
	for (unsigned i = 0; i < s->n_pend; i++) {
		uint64_t seq = s->pend_first + i;
		if (seq < d->pend_tail || seq >= d->pend_head)
			continue;
		unsigned idx = (unsigned)(seq % PEND_N);
		if (d->pend_done[idx])
			continue;
		d->pend_done[idx] = true;
		if (to_frame)
			frame_add_warn(d, &d->pend[idx]);
		else
			emit_standalone(d, &d->pend[idx]);
	}
	s->n_pend = 0;
	while (d->pend_tail < d->pend_head && d->pend_done[d->pend_tail % PEND_N])
		d->pend_tail++;
}

static bool pend_has(struct dump *d, uint32_t cookie, unsigned id)
{
	struct dump_seg_side *s = side_of(d, cookie);
	if (!s)
		return false;
	for (unsigned i = 0; i < s->n_pend; i++) {
		uint64_t seq = s->pend_first + i;
		if (seq >= d->pend_tail && seq < d->pend_head && d->pend[seq % PEND_N].id == id)
			return true;
	}
	return false;
}

static void on_seg_finding(void *ctx, const struct stt_finding *f)
{
	struct dump *d = ctx;
	struct dump_warn w = { .id = (unsigned)f->id, .packet = f->cookie };
	snprintf(w.detail, sizeof(w.detail), "%s", f->detail);
	dump_count_warning(d, w.id);
	pend_add(d, &w);
}

static void on_frame_finding(void *ctx, const struct stt_finding *f)
{
	struct dump *d = ctx;
	struct dump_warn w = { .id = (unsigned)f->id, .packet = f->cookie };
	snprintf(w.detail, sizeof(w.detail), "%s", f->detail);
	dump_count_warning(d, w.id);
	frame_add_warn(d, &w);
}

/* --- frames --- */

/* Decode the inner frame and print the frame with its warnings. */
static void print_frame_out(struct dump *d, struct dump_frame *f)
{
	if (!f->inner_decoded)
		stt_inner_decode(f->inner_data, f->inner_len, &f->inner);
	int sflags = STT_SUM_NUMERIC;
	if (d->opt->link)
		sflags |= STT_SUM_LINK;
	if (d->opt->quiet)
		sflags |= STT_SUM_QUIET;
	f->summary[0] = 0;
	stt_inner_summary(f->inner_data, f->inner_len, &f->inner, sflags, f->summary,
			  sizeof(f->summary));
	if (d->opt->json) {
		json_frame(d, f);
		for (unsigned i = 0; i < f->n_warns; i++)
			json_warning(d, &f->warns[i]);
	} else {
		text_frame(d, f);
		for (unsigned i = 0; i < f->n_warns; i++)
			text_warning(d, &f->warns[i], true);
	}
}

static void print_frame(struct dump *d, struct dump_frame *f)
{
	f->have_hdr = stt_frame_hdr_decode(f->data, f->len, &f->hdr) == 0;
	if (f->have_hdr) {
		f->inner_data = f->data + STT_FRAME_HDR_LEN;
		f->inner_len = f->len - STT_FRAME_HDR_LEN;
	} else {
		f->inner_data = f->data;
		f->inner_len = 0;
	}
	f->warns = d->fw;
	f->n_warns = d->n_fw;
	if (d->done)
		return;
	if (!d->quiet_out)
		print_frame_out(d, f);
	d->cnt.frames_printed++;
	if (d->opt->count && d->cnt.frames_printed >= d->opt->count)
		d->done = true;
}

static void on_deliver(void *ctx, const struct stt_reasm_frame *rf)
{
	struct dump *d = ctx;
	struct dump_frame f;

	d->cnt.frames++;
	if (d->decap && rf->len >= STT_FRAME_HDR_LEN &&
	    stt_capw_write(d->decap, rf->data + STT_FRAME_HDR_LEN, rf->len - STT_FRAME_HDR_LEN,
			   rf->len - STT_FRAME_HDR_LEN, rf->last_ts_ns) < 0)
		d->write_failed = true;
	if (d->done)
		return;
	memset(&f, 0, offsetof(struct dump_frame, summary));
	f.ts_ns = rf->last_ts_ns;
	f.packet = d->pkt ? d->pkt->number : 0;
	f.outer = d->outer;
	f.rf = rf;
	f.data = rf->data;
	f.len = rf->len;
	f.frame_len = rf->len;
	f.complete = true;
	d->n_fw = 0;

	struct stt_frame_hdr h;
	if (stt_frame_hdr_decode(rf->data, rf->len, &h) == 0) {
		/* decoded once, for the checks and for the printer */
		stt_inner_decode(rf->data + STT_FRAME_HDR_LEN, rf->len - STT_FRAME_HDR_LEN, &f.inner);
		f.inner_decoded = true;
		stt_check_frame(rf, &h, &f.inner, on_frame_finding, d);
		if (d->tx)
			stt_txcheck_frame(d->tx, rf, &f.inner, on_frame_finding, d);
	}
	for (unsigned i = 0; i < rf->nsegs; i++)
		pend_take(d, rf->segs[i].cookie, true);
	print_frame(d, &f);
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void drop_detail(const struct stt_reasm_drop *dr, char *buf, size_t cap)
{
	char src[64], dst[64], tmp[512];
	fmt_addr(&dr->key.src, src, sizeof(src));
	fmt_addr(&dr->key.dst, dst, sizeof(dst));
	if (dr->seg)
		snprintf(tmp, sizeof(tmp),
			 "%s > %s.%u id 0x%x: segment offset %u, length %zu, frame length %u", src,
			 dst, dr->key.dport, dr->key.ack, dr->seg->offset, dr->seg->len,
			 dr->seg->frame_len);
	else
		snprintf(tmp, sizeof(tmp), "%s > %s.%u id 0x%x: %zu of %u bytes in %u segment%s",
			 src, dst, dr->key.dport, dr->key.ack, dr->bytes_held, dr->frame_len,
			 dr->nsegs, dr->nsegs == 1 ? "" : "s");
	copy_trunc(buf, cap, tmp);
}

static void on_drop(void *ctx, const struct stt_reasm_drop *dr)
{
	struct dump *d = ctx;
	/* No catalogue check for a frame the memory cap cannot hold (it is
	 * our limit, not the sender's fault), but it must not vanish
	 * silently: stt-dump's own reasm_nomem. */
	unsigned c = dr->reason == STT_DROP_NOMEM ? (unsigned)DUMP_W_REASM_NOMEM
						  : (unsigned)stt_check_for_drop(dr->reason);
	uint32_t pkt = 0;

	if (dr->seg)
		pkt = dr->seg->cookie;
	else if (dr->segs && dr->nsegs)
		pkt = dr->segs[0].cookie;
	if (c != STT_CHK__COUNT && !(dr->seg && pend_has(d, dr->seg->cookie, c))) {
		struct dump_warn w = { .id = c, .packet = pkt };
		drop_detail(dr, w.detail, sizeof(w.detail));
		dump_count_warning(d, w.id);
		emit_standalone(d, &w);
	}
	if (dr->segs)
		for (unsigned i = 0; i < dr->nsegs; i++)
			pend_take(d, dr->segs[i].cookie, false);
	if (dr->seg)
		pend_take(d, dr->seg->cookie, false);
}

/* --- packets --- */

/* TCP control traffic to the STT port (a handshake, a reset): some
 * host's real TCP, not an STT segment. */
static void write_outer(struct dump *d, const struct stt_cap_pkt *pkt)
{
	if (d->w && stt_capw_write(d->w, pkt->data, pkt->caplen, pkt->wirelen, pkt->ts_ns) < 0)
		d->write_failed = true;
}

static void handle_fragment(struct dump *d, const struct stt_cap_pkt *pkt,
			    const struct stt_outer *o)
{
	d->cnt.fragments++;
	/* Only a first IPv4 fragment shows its ports. */
	if (o->ip_version != 4 || (o->ip_frag & 0x1fff) != 0)
		return;
	struct stt_cur c = stt_cur_make(pkt->data, pkt->caplen);
	stt_cur_skip(&c, o->l3_off + o->ip_hdr_len + 2);
	uint16_t dport = stt_get_be16(&c);
	if (c.err || !dump_is_port(d->opt, dport))
		return;
	write_outer(d, pkt);
	struct dump_warn w = { .id = STT_CHK_IP_FRAGMENTED, .packet = (uint32_t)pkt->number };
	/* stt_check_segment() words this check for whole segments; the
	 * parser stops at a fragment, so say it here the same way. */
	snprintf(w.detail, sizeof(w.detail), "IP fragment: expected none, got MF %u, offset %u",
		 (o->ip_frag >> 13) & 1u, (o->ip_frag & 0x1fffu) * 8);
	dump_count_warning(d, w.id);
	emit_standalone(d, &w);
}

/* The snaplen cut this segment's payload: say so, and print what the
 * first segment shows of its frame. */
static void handle_cut(struct dump *d, const struct stt_cap_pkt *pkt, const struct stt_outer *o)
{
	struct dump_warn w = { .id = DUMP_W_SNAPLEN_CUT, .packet = (uint32_t)pkt->number };
	snprintf(w.detail, sizeof(w.detail), "snaplen %d cut the STT payload: %zu of %zu bytes captured",
		 stt_cap_snaplen(d->cap), o->payload_len, o->payload_wire_len);
	d->cnt.snaplen_cut++;
	dump_count_warning(d, w.id);

	if (stt_seq_offset(o->tcp.seq) == 0 && o->payload_len >= STT_FRAME_HDR_LEN && !d->done) {
		struct dump_frame f;
		memset(&f, 0, offsetof(struct dump_frame, summary));
		f.ts_ns = pkt->ts_ns;
		f.packet = pkt->number;
		f.outer = o;
		f.data = o->payload;
		f.len = o->payload_len;
		f.frame_len = stt_seq_frame_len(o->tcp.seq);
		f.complete = false;
		d->n_fw = 0;
		pend_take(d, (uint32_t)pkt->number, true);
		frame_add_warn(d, &w);
		print_frame(d, &f);
		return;
	}
	pend_take(d, (uint32_t)pkt->number, false);
	emit_standalone(d, &w);
}

/* A packet on the way that is not an STT segment: a line with -v in text,
 * always an object in --json. Not a warning (no rule broken, no --strict
 * failure): the summary counts these on their own lines. */
static void not_stt(struct dump *d, const struct stt_outer *o, const char *why)
{
	if (d->quiet_out || d->done)
		return;
	if (d->opt->json)
		json_not_stt(d, o, why);
	else if (d->opt->verbose)
		text_not_stt(d, o, why);
}

void dump_packet(struct dump *d, const struct stt_cap_pkt *pkt)
{
	struct stt_outer o;
	const char *why = NULL;
	/* Checksums cost a pass over the payload: text verifies them for -v
	 * only (tcpdump's habit); --json always, since a program reading it
	 * cannot ask for "-v" after the fact (docs/json-schema.md). */
	bool verify = d->opt->verbose > 0 || d->opt->json;

	d->cnt.packets++;
	d->pkt = pkt;
	memset(&o, 0, sizeof(o));
	enum stt_parse_status st =
		stt_outer_parse(pkt->linktype, pkt->data, pkt->caplen, pkt->wirelen, verify, &o, &why);
	switch (st) {
	case STT_PARSE_OK:
		break;
	case STT_PARSE_FRAGMENT:
		handle_fragment(d, pkt, &o);
		return;
	case STT_PARSE_TRUNCATED:
		d->cnt.hdr_truncated++;
		return;
	case STT_PARSE_MALFORMED:
		d->cnt.malformed++;
		not_stt(d, NULL, why);
		return;
	default:
		d->cnt.not_stt++;
		return;
	}
	if (!dump_is_port(d->opt, o.tcp.dport)) {
		d->cnt.not_stt++;
		return;
	}
	write_outer(d, pkt);
	uint64_t opened_at = 0;
	switch (stt_tcpconn_classify(d->conns, &o, pkt->number, &opened_at)) {
	case STT_TCP_CONTROL:
		d->cnt.not_stt_on_port++;
		not_stt(d, &o, "TCP control packet, not STT");
		return;
	case STT_TCP_CONNECTION: {
		char why_conn[80];
		snprintf(why_conn, sizeof(why_conn), "TCP connection opened at packet %llu, not STT",
			 (unsigned long long)opened_at);
		d->cnt.not_stt_on_port++;
		not_stt(d, &o, why_conn);
		return;
	}
	default:
		break;
	}
	d->cnt.segments++;

	uint32_t cookie = (uint32_t)pkt->number;
	struct dump_seg_side *s = &d->side[cookie % SIDE_N];
	if (s->cookie && s->n_pend)
		pend_take(d, s->cookie, false); /* a slot reused: its warnings are owed now */
	s->cookie = cookie;
	s->ip_id = o.ip_id;
	s->csum = (uint8_t)o.csum;
	s->ip_version = o.ip_version;
	s->window = o.tcp.window;
	s->ttl = o.ttl;
	s->n_pend = 0;

	d->outer = &o;
	stt_check_segment(&o, cookie, on_seg_finding, d);
	if (o.truncated) {
		handle_cut(d, pkt, &o);
	} else {
		struct stt_seg_in in;
		stt_seg_in_from_outer(&in, &o, pkt->ts_ns);
		in.cookie = cookie;
		uint64_t late = stt_reasm_stats(d->reasm)->late_duplicates;
		enum stt_seg_fate fate = stt_reasm_add(d->reasm, &in);
		/* A dropped segment, and a late duplicate of a frame already
		 * delivered (absorbed with no callback to come), print their
		 * findings now, standalone. */
		if (fate == STT_SEG_DROPPED ||
		    (fate == STT_SEG_DUPLICATE &&
		     stt_reasm_stats(d->reasm)->late_duplicates != late))
			pend_take(d, cookie, false);
	}
	d->outer = NULL;
	d->pkt = NULL;
}

void dump_idle(struct dump *d, uint64_t now_ns)
{
	stt_reasm_expire(d->reasm, now_ns);
}

void dump_finish(struct dump *d, uint64_t now_ns)
{
	/* After -c the frames still held are not incomplete, just unread. */
	if (!d->done)
		stt_reasm_flush(d->reasm, now_ns);
	while (d->pend_tail < d->pend_head)
		pend_pop(d);
}

int dump_init(struct dump *d, struct dump_opts *o)
{
	static const struct stt_reasm_ops ops = { on_deliver, on_drop };
	struct stt_reasm_config cfg = {
		.mem_cap = o->mem_cap,
		.timeout_ns = o->timeout_ns,
		.keep_seg_records = true,
	};

	d->opt = o;
	d->side = calloc(SIDE_N, sizeof(*d->side));
	d->pend = calloc(PEND_N, sizeof(*d->pend));
	d->pend_done = calloc(PEND_N, sizeof(*d->pend_done));
	d->reasm = stt_reasm_new(&cfg, &ops, d);
	d->conns = stt_tcpconn_new();
	d->tx = stt_txcheck_new(o->timeout_ns ? o->timeout_ns : STT_REASM_DEFAULT_TIMEOUT_NS, 65536);
	if (!d->side || !d->pend || !d->pend_done || !d->reasm || !d->conns || !d->tx)
		return -1;
	if (o->json && json_init(d) < 0)
		return -1;
	return 0;
}

void dump_free(struct dump *d)
{
	if (d->opt && d->opt->json)
		json_free(d);
	stt_reasm_free(d->reasm);
	stt_tcpconn_free(d->conns);
	stt_txcheck_free(d->tx);
	free(d->side);
	free(d->pend);
	free(d->pend_done);
}
