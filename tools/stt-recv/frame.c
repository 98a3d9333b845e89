/* A reassembled STT frame: header checks and filters, then the inner frame
 * out to wherever it was asked for (text line, JSON object, hex, decap
 * pcap, TAP, echo). The text line follows stt-dump's frame line so that
 * the same greps work on both tools' output. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "recv.h"
#include "stt/inner_build.h"
#include "stt/io.h"

#define MAX_FRAME_WARNINGS 64

struct warn_list {
	struct stt_finding f[MAX_FRAME_WARNINGS];
	unsigned n;
};

static void collect_finding(void *ctx, const struct stt_finding *f)
{
	struct warn_list *w = ctx;
	if (w->n < MAX_FRAME_WARNINGS)
		w->f[w->n++] = *f;
}

static void print_warning(const struct stt_finding *f)
{
	const struct stt_check_def *d = stt_check_def(f->id);
	printf("  warning: %s: %s", d ? d->name : "unknown", f->detail);
	if (f->cookie)
		printf(" (packet %" PRIu32 ")", f->cookie);
	putchar('\n');
}

/* json_string() refuses invalid UTF-8 (and the key would go missing):
 * replace such bytes, as stt-dump does. */
static json_t *jstr(const char *s)
{
	json_t *v = json_string(s);
	if (v)
		return v;
	char buf[1024];
	size_t n = 0;
	for (; s[n] && n < sizeof(buf) - 1; n++)
		buf[n] = (unsigned char)s[n] < 0x80 ? s[n] : '?';
	buf[n] = '\0';
	return json_string(buf);
}

/* The warning object of docs/json-schema.md (key order fixed). */
static json_t *warning_json(const struct stt_finding *f)
{
	const struct stt_check_def *d = stt_check_def(f->id);
	json_t *w = json_object();
	json_object_set_new(w, "type", json_string("warning"));
	json_object_set_new(w, "check", json_string(d ? d->name : "unknown"));
	json_object_set_new(w, "requirement",
			    d && d->req_id ? json_string(d->req_id) : json_null());
	json_object_set_new(w, "level", json_string(d ? stt_level_name(d->level) : "INFO"));
	json_object_set_new(w, "packet", f->cookie ? json_integer(f->cookie) : json_null());
	json_object_set_new(w, "detail", jstr(f->detail));
	return w;
}

static void emit_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s) {
		fputs(s, stdout);
		putchar('\n');
		free(s);
	}
	json_decref(j);
}

static void print_finding(const struct recv *r, const struct stt_finding *f)
{
	if (r->o->json)
		emit_json(warning_json(f));
	else
		print_warning(f);
}

static void pend_push(struct recv *r, const struct stt_finding *f)
{
	struct pend_warns *p = r->pend;
	if (p->n == RECV_PEND_MAX) {
		/* full: the oldest goes out on its own */
		if (!r->o->quiet)
			print_finding(r, &p->f[p->head]);
		p->head = (p->head + 1) % RECV_PEND_MAX;
		p->n--;
	}
	p->f[(p->head + p->n) % RECV_PEND_MAX] = *f;
	p->n++;
}

/* Move the waiting warnings for which match() holds into out (in order),
 * keeping the others. */
static void pend_take(struct recv *r, bool (*match)(const void *ctx, uint32_t cookie),
		      const void *ctx, struct warn_list *out)
{
	struct pend_warns *p = r->pend;
	unsigned kept = 0;
	for (unsigned i = 0; i < p->n; i++) {
		const struct stt_finding *f = &p->f[(p->head + i) % RECV_PEND_MAX];
		if (match(ctx, f->cookie)) {
			if (out->n < MAX_FRAME_WARNINGS)
				out->f[out->n++] = *f;
		} else {
			p->f[(p->head + kept) % RECV_PEND_MAX] = *f;
			kept++;
		}
	}
	p->n = kept;
}

struct seg_set {
	const struct stt_seg_rec *segs;
	unsigned n;
	uint32_t extra; /* one more cookie, 0 if none */
};

static bool in_seg_set(const void *ctx, uint32_t cookie)
{
	const struct seg_set *s = ctx;
	if (s->extra && cookie == s->extra)
		return true;
	for (unsigned i = 0; s->segs && i < s->n; i++)
		if (s->segs[i].cookie == cookie)
			return true;
	return false;
}

static bool is_cookie(const void *ctx, uint32_t cookie)
{
	const uint32_t *c = ctx;
	return *c == 0 || *c == cookie;
}

void frame_segment_checks(struct recv *r, const struct stt_outer *o, uint32_t cookie)
{
	struct warn_list w = { .n = 0 };
	stt_check_segment(o, cookie, collect_finding, &w);
	r->cnt.warnings += w.n;
	for (unsigned i = 0; i < w.n; i++)
		pend_push(r, &w.f[i]);
}

void frame_pending_flush(struct recv *r, uint32_t cookie)
{
	if (!r->pend || !r->pend->n)
		return;
	struct warn_list w = { .n = 0 };
	pend_take(r, is_cookie, &cookie, &w);
	for (unsigned i = 0; i < w.n && !r->o->quiet; i++)
		print_finding(r, &w.f[i]);
}

/* --qos: the new inner TOS by RFC 6040 (ECN) and RFC 2983 (DSCP) from
 * the outer headers, written into a copy of the inner frame (buf) with
 * the IPv4 header checksum redone. Returns 1 when buf holds a changed
 * frame, 0 when nothing changed (or the frame is not IP), -1 when RFC 6040
 * says drop. */
static int qos_decap(struct recv *r, const struct stt_reasm_frame *f, const uint8_t *inner,
		     size_t len, const struct stt_inner *in, uint8_t *buf)
{
	if (!(in->is_ipv4 || in->is_ipv6) || in->l3_truncated || !f->have_first_tos)
		return 0;
	struct stt_qos q = r->o->qos_cfg;
	uint8_t outer_tos = f->first_tos;
	bool any_ce = f->any_ce;
	if (r->o->faults & FAULT_DSCP_PIPE_DECAP)
		q.dscp_model = STT_DSCP_PIPE; /* whatever --qos says */
	if ((r->o->faults & FAULT_CE_LOST) && (any_ce || stt_tos_ecn(outer_tos) == STT_ECN_CE)) {
		/* the outer CE is lost: decapsulate as if the outer ECN were the inner's */
		any_ce = false;
		outer_tos = stt_tos_make(stt_tos_dscp(outer_tos), stt_tos_ecn(in->tos));
	}
	uint8_t tos;
	if (stt_qos_decap(&q, in->tos, outer_tos, any_ce, &tos) != 0)
		return -1;
	if (tos == in->tos)
		return 0;
	size_t l3 = in->l3_off;
	if (l3 + (in->is_ipv4 ? 20 : 40) > len)
		return 0;
	memcpy(buf, inner, len);
	uint8_t *ip = buf + l3;
	if (in->is_ipv4) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		if (ihl < 20 || l3 + ihl > len)
			return 0;
		ip[1] = tos;
		stt_put_be16(ip + 10, 0);
		stt_put_be16(ip + 10, stt_csum_ipv4_hdr(ip, ihl));
	} else {
		ip[0] = (uint8_t)((ip[0] & 0xf0) | (tos >> 4));
		ip[1] = (uint8_t)((ip[1] & 0x0f) | (uint8_t)(tos << 4));
	}
	r->cnt.tos_rewritten++;
	return 1;
}

static void ts_format(uint64_t ts_ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%" PRIu64 ".%06" PRIu64, (uint64_t)(ts_ns / 1000000000u),
		 (uint64_t)(ts_ns % 1000000000u / 1000));
}

static void stt_flags_format(uint8_t fl, char *buf, size_t cap)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = { { STT_F_IPV4, "v4" },
		      { STT_F_TCP, "tcp" },
		      { STT_F_CSUM_PARTIAL, "partial" },
		      { STT_F_CSUM_VERIFIED, "verified" } };
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (fl & names[i].bit)
			n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
					      names[i].name);
	if (fl & STT_F_RSVD_MASK)
		n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%srsvd 0x%02x", n ? "," : "",
				      fl & STT_F_RSVD_MASK);
	if (!n)
		snprintf(buf, cap, "none");
}

static void print_text(const struct recv *r, const struct stt_reasm_frame *f,
		       const struct stt_frame_hdr *h, const char *summary, uint16_t sport)
{
	char ts[32], a[64], b[64], fl[64];
	ts_format(f->last_ts_ns, ts, sizeof(ts));
	stt_flags_format(h->flags, fl, sizeof(fl));
	printf("%s %s %s.%u > %s.%u: STT", ts, f->key.src.family == 6 ? "IP6" : "IP",
	       stt_addr_format(&f->key.src, a, sizeof(a)), sport,
	       stt_addr_format(&f->key.dst, b, sizeof(b)), f->key.dport);
	if (h->version)
		printf(" version %u", h->version);
	printf(" ctx 0x%" PRIx64 ", len %zu, %u %s", h->context_id, f->len, f->accepted_segs,
	       f->accepted_segs == 1 ? "seg" : "segs");
	if (f->duplicate_segs)
		printf(" +%u dup", f->duplicate_segs);
	printf(", flags [%s], l4off %u, mss %u", fl, h->l4_offset, h->mss);
	if (h->vlan_tci) {
		if (stt_vlan_valid(h->vlan_tci))
			printf(", vlan %u pcp %u", stt_vlan_id(h->vlan_tci),
			       stt_vlan_pcp(h->vlan_tci));
		else
			printf(", tci 0x%04x (no V)", h->vlan_tci);
	}
	if (h->reserved)
		printf(", reserved 0x%02x", h->reserved);
	if (h->padding)
		printf(", padding 0x%04x", h->padding);
	printf(": %s\n", summary);
	(void)r;
}

static json_t *inner_json(const struct stt_inner *in, const char *summary)
{
	char buf[64];
	json_t *j = json_object();
	bool ip = in->is_ipv4 || in->is_ipv6;
	json_object_set_new(j, "summary", jstr(summary));
	json_object_set_new(j, "ethertype", in->eth_ok ? json_integer(in->ethertype) : json_null());
	json_t *src = json_null(), *dst = json_null();
	if (ip) {
		src = json_string(stt_addr_format(&in->ip_src, buf, sizeof(buf)));
		dst = json_string(stt_addr_format(&in->ip_dst, buf, sizeof(buf)));
	} else if (in->eth_ok) {
		const uint8_t *m = in->src;
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		src = json_string(buf);
		m = in->dst;
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		dst = json_string(buf);
	}
	json_object_set_new(j, "src", src);
	json_object_set_new(j, "dst", dst);
	json_object_set_new(j, "proto",
			    ip && !in->l3_truncated ? json_integer(in->l4_proto) : json_null());
	bool ports = ip && in->l4_off && !in->l4_truncated && !in->ip_fragment &&
		     (in->l4_proto == 6 || in->l4_proto == 17);
	json_object_set_new(j, "sport", ports ? json_integer(in->sport) : json_null());
	json_object_set_new(j, "dport", ports ? json_integer(in->dport) : json_null());
	return j;
}

/* The frame object of docs/json-schema.md, key for key and in its order,
 * so that queries written for stt-dump --json work on stt-recv --json. */
static json_t *frame_json(const struct recv *r, const struct stt_reasm_frame *f,
			  const struct stt_frame_hdr *h, const struct stt_inner *in,
			  const char *summary, uint16_t sport, const struct warn_list *w)
{
	char buf[64];
	json_t *j = json_object();
	json_object_set_new(j, "type", json_string("frame"));
	ts_format(f->last_ts_ns, buf, sizeof(buf));
	json_object_set_new(j, "ts", json_string(buf));
	json_object_set_new(j, "packet", json_integer(r->pkt ? (json_int_t)r->pkt->number : 0));
	json_t *o = json_object();
	json_object_set_new(o, "src", json_string(stt_addr_format(&f->key.src, buf, sizeof(buf))));
	json_object_set_new(o, "dst", json_string(stt_addr_format(&f->key.dst, buf, sizeof(buf))));
	json_object_set_new(o, "ip_version", json_integer(f->key.src.family == 6 ? 6 : 4));
	json_object_set_new(o, "tos", json_integer(f->have_first_tos ? f->first_tos : 0));
	json_object_set_new(j, "outer", o);
	json_object_set_new(j, "stream_id", json_integer(sport));
	json_object_set_new(j, "dport", json_integer(f->key.dport));
	json_object_set_new(j, "pkt_len", json_integer((json_int_t)f->len));
	json_t *offs = json_array();
	for (unsigned i = 0; f->segs && i < f->nsegs; i++)
		if (f->segs[i].fate != STT_SEG_DUPLICATE)
			json_array_append_new(offs, json_integer(f->segs[i].offset));
	json_object_set_new(j, "seg_off", offs);
	json_object_set_new(j, "pkt_id", json_integer(f->key.ack));
	json_object_set_new(j, "version", json_integer(h->version));
	json_t *fl = json_object();
	json_object_set_new(fl, "value", json_integer(h->flags));
	json_object_set_new(fl, "csum_verified", json_boolean(h->flags & STT_F_CSUM_VERIFIED));
	json_object_set_new(fl, "csum_partial", json_boolean(h->flags & STT_F_CSUM_PARTIAL));
	json_object_set_new(fl, "ipv4", json_boolean(h->flags & STT_F_IPV4));
	json_object_set_new(fl, "tcp", json_boolean(h->flags & STT_F_TCP));
	json_object_set_new(fl, "rsvd", json_integer((h->flags & STT_F_RSVD_MASK) >> 4));
	json_object_set_new(j, "flags", fl);
	json_object_set_new(j, "l4offset", json_integer(h->l4_offset));
	json_object_set_new(j, "reserved", json_integer(h->reserved));
	json_object_set_new(j, "mss", json_integer(h->mss));
	json_t *v = json_object();
	json_object_set_new(v, "tci", json_integer(h->vlan_tci));
	json_object_set_new(v, "pcp", json_integer(stt_vlan_pcp(h->vlan_tci)));
	json_object_set_new(v, "v", json_boolean(stt_vlan_valid(h->vlan_tci)));
	json_object_set_new(v, "id", json_integer(stt_vlan_id(h->vlan_tci)));
	json_object_set_new(j, "vlan", v);
	snprintf(buf, sizeof(buf), "0x%016" PRIx64, h->context_id);
	json_object_set_new(j, "context_id", json_string(buf));
	json_object_set_new(j, "padding", json_integer(h->padding));
	json_object_set_new(j, "segments", json_integer(f->accepted_segs));
	json_object_set_new(j, "reassembled_length", json_integer((json_int_t)f->len));
	json_object_set_new(j, "complete", json_boolean(!r->in_partial));
	json_object_set_new(j, "inner", inner_json(in, summary));
	json_t *ws = json_array();
	for (unsigned i = 0; w && i < w->n; i++) {
		const struct stt_check_def *d = stt_check_def(w->f[i].id);
		json_array_append_new(ws, json_string(d ? d->name : "unknown"));
	}
	json_object_set_new(j, "warnings", ws);
	return j;
}

static void print_hex(const uint8_t *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		putchar(hexd[p[i] >> 4]);
		putchar(hexd[p[i] & 15]);
	}
	putchar('\n');
}

void frame_deliver(void *ctx, const struct stt_reasm_frame *f)
{
	struct recv *r = ctx;
	const struct recv_opts *o = r->o;
	struct stt_frame_hdr h;

	if (!r->in_partial) {
		r->delivered = true;
		partials_forget(r, &f->key);
	}
	r->cnt.frames++;
	if (r->done)
		return; /* --count reached: the rest of this read is not ours */
	/* the warnings of this frame's segments, waiting since -v found them */
	struct warn_list w = { .n = 0 };
	if (o->verbose) {
		struct seg_set set = { f->segs, f->nsegs, 0 };
		pend_take(r, in_seg_set, &set, &w);
	}
	const char *refused = NULL;
	bool hdr_ok = true;
	if (stt_frame_hdr_decode(f->data, f->len, &h) != 0 ||
	    f->len - STT_FRAME_HDR_LEN < 14) {
		hdr_ok = false;
		r->cnt.too_short++;
		refused = "inner frame shorter than an Ethernet header";
	} else if (h.version != 0) {
		/* OVS drops other versions; so do we. */
		r->cnt.bad_version++;
		refused = "STT version is not 0";
	} else if (o->context_set && h.context_id != o->context &&
		   !(o->faults & FAULT_IGNORE_CONTEXT)) {
		r->cnt.filtered++;
		return; /* not ours: not worth a line */
	}
	if (refused) {
		if (o->verbose && hdr_ok) {
			/* say what is wrong with it, as stt-dump would */
			struct stt_inner rin;
			stt_inner_decode(f->data + STT_FRAME_HDR_LEN, f->len - STT_FRAME_HDR_LEN, &rin);
			unsigned before = w.n;
			stt_check_frame(f, &h, &rin, collect_finding, &w);
			r->cnt.warnings += w.n - before;
		}
		if (o->verbose && !o->quiet) {
			if (!o->json)
				printf("  dropped: %s (ack %" PRIu32 ")\n", refused, f->key.ack);
			for (unsigned i = 0; i < w.n; i++)
				print_finding(r, &w.f[i]);
		}
		return;
	}
	const uint8_t *inner = f->data + STT_FRAME_HDR_LEN;
	size_t inner_len = f->len - STT_FRAME_HDR_LEN;

	struct stt_inner in;
	stt_inner_decode(inner, inner_len, &in);
	if (o->qos) {
		static uint8_t qbuf[STT_MAX_FRAME_LEN];
		int q = qos_decap(r, f, inner, inner_len, &in, qbuf);
		if (q < 0) {
			r->cnt.ecn_drops++;
			if (o->verbose && !o->quiet) {
				if (!o->json)
					printf("  dropped: CE on the outer header of a Not-ECT inner "
					       "packet (RFC 6040) (ack %" PRIu32 ")\n",
					       f->key.ack);
				for (unsigned i = 0; i < w.n; i++)
					print_finding(r, &w.f[i]);
			}
			return;
		}
		if (q > 0) {
			inner = qbuf;
			stt_inner_decode(inner, inner_len, &in);
		}
	}
	if (o->verbose) {
		unsigned from_segs = w.n;
		stt_check_frame(f, &h, &in, collect_finding, &w);
		if (r->tx)
			stt_txcheck_frame(r->tx, f, &in, collect_finding, &w);
		r->cnt.warnings += w.n - from_segs;
	}
	/* The outer source port of the frame: the completing segment's. */
	uint16_t sport = r->outer ? r->outer->tcp.sport : 0;

	char summary[1024];
	stt_inner_summary(inner, inner_len, &in, o->link ? STT_SUM_LINK : 0, summary,
			  sizeof(summary));
	if (!o->quiet) {
		if (o->json) {
			emit_json(frame_json(r, f, &h, &in, summary, sport, &w));
			for (unsigned i = 0; i < w.n; i++)
				emit_json(warning_json(&w.f[i]));
		} else {
			print_text(r, f, &h, summary, sport);
			for (unsigned i = 0; i < w.n; i++)
				print_warning(&w.f[i]);
		}
	}
	if (o->raw)
		print_hex(inner, inner_len);
	if (r->decap && stt_capw_write(r->decap, inner, inner_len, inner_len, f->last_ts_ns) != 0) {
		stt_cli_warn("%s", stt_capw_error(r->decap));
		r->cnt.out_errors++;
	}
	if (r->tap) {
		/* The TAP is where the frame goes on: apply the header's VLAN
		 * tag, as an endpoint does (the decap pcap keeps the frame as
		 * carried, the tag being in the header and the JSON). */
		static uint8_t tagged[STT_MAX_FRAME_LEN + 4];
		const uint8_t *out = inner;
		size_t out_len = inner_len;
		if (stt_vlan_valid(h.vlan_tci)) {
			out_len = stt_vlan_insert(inner, inner_len, h.vlan_tci, tagged, sizeof(tagged));
			out = tagged;
		}
		if (!out_len || stt_tap_write(r->tap, out, out_len, NULL) != 0) {
			if (r->cnt.out_errors++ == 0)
				stt_cli_warn("%s: write failed: %m", stt_tap_name(r->tap));
		}
	}
	if (r->echo && r->outer) {
		if (echo_frame(r->echo, r->outer, f, &h, inner, inner_len, f->last_ts_ns) == 0)
			r->cnt.echoed++;
		else
			r->cnt.echo_errors++;
	}
	r->cnt.delivered++;
	if (o->count && r->cnt.delivered >= o->count) {
		r->done = true;
		if (r->cap)
			stt_cap_break(r->cap);
	}
}

/* A frame or segment reassembly gave up: with -v, the check it maps to
 * (overlap_conflict, incomplete_eof...) as a warning worded as stt-dump
 * words it, then the warnings its segments were waiting with. */
void frame_drop(void *ctx, const struct stt_reasm_drop *d)
{
	struct recv *r = ctx;
	partials_given_up(r, d);
	if (!r->o->verbose)
		return;
	struct warn_list w = { .n = 0 };
	struct seg_set set = { d->segs, d->segs ? d->nsegs : 0, d->seg ? d->seg->cookie : 0 };
	pend_take(r, in_seg_set, &set, &w);
	struct stt_finding df;
	memset(&df, 0, sizeof(df));
	df.id = stt_check_for_drop(d->reason);
	bool have = df.id != STT_CHK__COUNT;
	df.cookie = d->seg ? d->seg->cookie : (d->segs && d->nsegs ? d->segs[0].cookie : 0);
	for (unsigned i = 0; have && d->seg && i < w.n; i++)
		if (w.f[i].id == df.id && w.f[i].cookie == df.cookie)
			have = false; /* the segment check already said it */
	if (have) {
		char a[64], b[64], tmp[512];
		stt_addr_format(&d->key.src, a, sizeof(a));
		stt_addr_format(&d->key.dst, b, sizeof(b));
		if (d->seg)
			snprintf(tmp, sizeof(tmp),
				 "%s > %s.%u id 0x%x: segment offset %u, length %zu, frame length %u", a,
				 b, d->key.dport, d->key.ack, d->seg->offset, d->seg->len,
				 d->seg->frame_len);
		else
			snprintf(tmp, sizeof(tmp), "%s > %s.%u id 0x%x: %zu of %u bytes in %u segment%s",
				 a, b, d->key.dport, d->key.ack, d->bytes_held, d->frame_len, d->nsegs,
				 d->nsegs == 1 ? "" : "s");
		size_t n = strnlen(tmp, sizeof(df.detail) - 1);
		memcpy(df.detail, tmp, n);
		df.detail[n] = '\0';
		r->cnt.warnings++;
	}
	if (r->o->quiet)
		return;
	if (have)
		print_finding(r, &df);
	for (unsigned i = 0; i < w.n; i++)
		print_finding(r, &w.f[i]);
}
