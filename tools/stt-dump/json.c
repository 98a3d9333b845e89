/* --json: JSON Lines, one object per frame and one per warning. The
 * schema is docs/json-schema.md; its key order is fixed.
 *
 * The object trees are built once and their values updated in place for
 * each frame (jansson keeps a key's position when its value is replaced),
 * so a frame costs a handful of string copies rather than a tree of
 * allocations. Integers of seg_off come from a pool that only grows. */
#include "dump.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JFLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

struct jstate {
	json_t *frame, *outer, *flags, *vlan, *inner, *seg_off, *warnings;
	json_t *ts, *packet, *o_src, *o_dst, *o_ipv, *o_tos;
	json_t *stream_id, *dport, *pkt_len, *pkt_id, *version;
	json_t *fl_value, *fl_rsvd, *l4offset, *reserved, *mss;
	json_t *v_tci, *v_pcp, *v_id, *ctx, *padding, *segments, *rlen;
	json_t *i_summary, *i_ethertype, *i_src, *i_dst, *i_proto, *i_sport, *i_dport;
	json_t **pool;
	size_t pool_n;
	json_t *names[DUMP_W_COUNT];
	json_t *warn, *w_req[DUMP_W_COUNT], *w_level[DUMP_W_COUNT], *w_packet, *w_detail;
};

static json_t *add(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new(obj, key, v);
	return v;
}

int json_init(struct dump *d)
{
	struct jstate *j = calloc(1, sizeof(*j));
	if (!j)
		return -1;
	d->json = j;

	json_t *f = j->frame = json_object();
	add(f, "type", json_string("frame"));
	j->ts = add(f, "ts", json_string("0.000000"));
	j->packet = add(f, "packet", json_integer(0));
	j->outer = add(f, "outer", json_object());
	j->o_src = add(j->outer, "src", json_string(""));
	j->o_dst = add(j->outer, "dst", json_string(""));
	j->o_ipv = add(j->outer, "ip_version", json_integer(4));
	j->o_tos = add(j->outer, "tos", json_integer(0));
	j->stream_id = add(f, "stream_id", json_integer(0));
	j->dport = add(f, "dport", json_integer(0));
	j->pkt_len = add(f, "pkt_len", json_integer(0));
	j->seg_off = add(f, "seg_off", json_array());
	j->pkt_id = add(f, "pkt_id", json_integer(0));
	j->version = add(f, "version", json_integer(0));
	j->flags = add(f, "flags", json_object());
	j->fl_value = add(j->flags, "value", json_integer(0));
	add(j->flags, "csum_verified", json_false());
	add(j->flags, "csum_partial", json_false());
	add(j->flags, "ipv4", json_false());
	add(j->flags, "tcp", json_false());
	j->fl_rsvd = add(j->flags, "rsvd", json_integer(0));
	j->l4offset = add(f, "l4offset", json_integer(0));
	j->reserved = add(f, "reserved", json_integer(0));
	j->mss = add(f, "mss", json_integer(0));
	j->vlan = add(f, "vlan", json_object());
	j->v_tci = add(j->vlan, "tci", json_integer(0));
	j->v_pcp = add(j->vlan, "pcp", json_integer(0));
	add(j->vlan, "v", json_false());
	j->v_id = add(j->vlan, "id", json_integer(0));
	j->ctx = add(f, "context_id", json_string("0x0000000000000000"));
	j->padding = add(f, "padding", json_integer(0));
	j->segments = add(f, "segments", json_integer(0));
	j->rlen = json_integer(0); /* our reference: the key may hold null */
	json_object_set(f, "reassembled_length", j->rlen);
	add(f, "complete", json_true());
	j->inner = add(f, "inner", json_object());
	j->i_summary = add(j->inner, "summary", json_string(""));
	j->i_ethertype = json_integer(0);
	json_object_set(j->inner, "ethertype", json_null());
	j->i_src = json_string("");
	j->i_dst = json_string("");
	json_object_set(j->inner, "src", json_null());
	json_object_set(j->inner, "dst", json_null());
	j->i_proto = json_integer(0);
	j->i_sport = json_integer(0);
	j->i_dport = json_integer(0);
	json_object_set(j->inner, "proto", json_null());
	json_object_set(j->inner, "sport", json_null());
	json_object_set(j->inner, "dport", json_null());
	j->warnings = add(f, "warnings", json_array());

	for (unsigned i = 0; i < DUMP_W_COUNT; i++) {
		const char *req = dump_warn_req(i);
		j->names[i] = json_string(dump_warn_name(i));
		j->w_req[i] = req ? json_string(req) : json_null();
		j->w_level[i] = json_string(dump_warn_level(i));
	}
	json_t *w = j->warn = json_object();
	add(w, "type", json_string("warning"));
	json_object_set(w, "check", j->names[0]);
	json_object_set(w, "requirement", json_null());
	json_object_set(w, "level", j->w_level[0]);
	j->w_packet = json_integer(0);
	json_object_set(w, "packet", json_null());
	j->w_detail = add(w, "detail", json_string(""));

	if (!j->frame || !j->i_summary || !j->w_detail)
		return -1;
	return 0;
}

void json_free(struct dump *d)
{
	struct jstate *j = d->json;
	if (!j)
		return;
	json_decref(j->frame);
	json_decref(j->warn);
	json_decref(j->rlen);
	json_decref(j->i_ethertype);
	json_decref(j->i_src);
	json_decref(j->i_dst);
	json_decref(j->i_proto);
	json_decref(j->i_sport);
	json_decref(j->i_dport);
	json_decref(j->w_packet);
	for (unsigned i = 0; i < DUMP_W_COUNT; i++) {
		json_decref(j->names[i]);
		json_decref(j->w_req[i]);
		json_decref(j->w_level[i]);
	}
	for (size_t i = 0; i < j->pool_n; i++)
		json_decref(j->pool[i]);
	free(j->pool);
	free(j);
	d->json = NULL;
}

/* Serialise a tree straight into the stdout buffer, in jansson's
 * JSON_COMPACT | JSON_PRESERVE_ORDER form. json_dumpb() formats every
 * integer through snprintf and every token through a callback, which made
 * --json three times slower than text; this walker over the same tree
 * writes the same bytes (tests/dump checks them against a canonical
 * re-encoding). */
static void emit_string(const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	char *p = out_reserve(n * 6 + 2);
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hexd[c >> 4];
			*p++ = hexd[c & 15];
			break;
		}
	}
	*p++ = '"';
	g_out.len = (size_t)(p - g_out.buf);
}

static void emit_value(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		bool first = true;
		out_char('{');
		for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
			if (!first)
				out_char(',');
			first = false;
			const char *k = json_object_iter_key(it);
			emit_string(k, strlen(k));
			out_char(':');
			emit_value(json_object_iter_value(it));
		}
		out_char('}');
		break;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		out_char('[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				out_char(',');
			emit_value(json_array_get(v, i));
		}
		out_char(']');
		break;
	}
	case JSON_STRING:
		emit_string(json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: {
		json_int_t x = json_integer_value(v);
		if (x < 0) {
			out_char('-');
			out_u64((uint64_t)0 - (uint64_t)x);
		} else {
			out_u64((uint64_t)x);
		}
		break;
	}
	case JSON_TRUE: out_str("true"); break;
	case JSON_FALSE: out_str("false"); break;
	case JSON_NULL: out_str("null"); break;
	case JSON_REAL: {
		/* no reals in our schema; jansson formats them if one appears */
		char buf[64];
		size_t n = json_dumpb(v, buf, sizeof(buf), JFLAGS | JSON_ENCODE_ANY);
		out_mem(buf, n < sizeof(buf) ? n : 0);
		break;
	}
	}
}

static void emit(json_t *root)
{
	emit_value(root);
	out_line_end();
}

static json_t *pool_int(struct jstate *j, size_t i, json_int_t v)
{
	if (i >= j->pool_n) {
		size_t n = j->pool_n ? j->pool_n * 2 : 64;
		while (n <= i)
			n *= 2;
		json_t **np = realloc(j->pool, n * sizeof(*np));
		if (!np)
			return NULL;
		j->pool = np;
		for (size_t k = j->pool_n; k < n; k++)
			np[k] = json_integer(0);
		j->pool_n = n;
	}
	json_integer_set(j->pool[i], v);
	return j->pool[i];
}

static void set_bool(json_t *obj, const char *key, bool v)
{
	json_object_set_new(obj, key, json_boolean(v));
}

static void set_opt(json_t *obj, const char *key, json_t *v, bool present)
{
	json_object_set(obj, key, present ? v : json_null());
}

/* json_string_set() refuses invalid UTF-8 and would leave the previous
 * frame's value in place: replace such bytes instead. */
static void set_str(json_t *v, const char *s)
{
	if (json_string_set(v, s) == 0)
		return;
	char buf[1024];
	size_t n = 0;
	for (; s[n] && n < sizeof(buf) - 1; n++)
		buf[n] = (unsigned char)s[n] < 0x80 ? s[n] : '?';
	buf[n] = 0;
	json_string_set(v, buf);
}

static void ts_string(uint64_t ts_ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%llu.%06llu", (unsigned long long)(ts_ns / 1000000000ull),
		 (unsigned long long)(ts_ns % 1000000000ull / 1000));
}

static void fill_inner(struct jstate *j, const struct dump_frame *f)
{
	const struct stt_inner *in = &f->inner;
	char buf[64];

	set_str(j->i_summary, f->summary);
	json_integer_set(j->i_ethertype, in->ethertype);
	set_opt(j->inner, "ethertype", j->i_ethertype, in->eth_ok);
	/* IP payload: its addresses, or null when the capture cut them;
	 * other payloads: the inner MAC addresses. */
	bool ip = in->is_ipv4 || in->is_ipv6 || in->ethertype == 0x0800 || in->ethertype == 0x86dd;
	bool have_ip = ip && in->ip_src.family && in->ip_dst.family;
	bool mac = !ip && in->eth_ok;
	if (have_ip) {
		fmt_addr(&in->ip_src, buf, sizeof(buf));
		json_string_set(j->i_src, buf);
		fmt_addr(&in->ip_dst, buf, sizeof(buf));
		json_string_set(j->i_dst, buf);
	} else if (mac) {
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", in->src[0], in->src[1],
			 in->src[2], in->src[3], in->src[4], in->src[5]);
		json_string_set(j->i_src, buf);
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", in->dst[0], in->dst[1],
			 in->dst[2], in->dst[3], in->dst[4], in->dst[5]);
		json_string_set(j->i_dst, buf);
	}
	set_opt(j->inner, "src", j->i_src, have_ip || mac);
	set_opt(j->inner, "dst", j->i_dst, have_ip || mac);
	json_integer_set(j->i_proto, in->l4_proto);
	set_opt(j->inner, "proto", j->i_proto, have_ip && !in->l3_truncated);
	bool ports = have_ip && in->l4_off && !in->l4_truncated && !in->ip_fragment &&
		     (in->l4_proto == 6 || in->l4_proto == 17);
	json_integer_set(j->i_sport, in->sport);
	json_integer_set(j->i_dport, in->dport);
	set_opt(j->inner, "sport", j->i_sport, ports);
	set_opt(j->inner, "dport", j->i_dport, ports);
}

void json_frame(struct dump *d, const struct dump_frame *f)
{
	struct jstate *j = d->json;
	const struct stt_outer *o = f->outer;
	const struct stt_reasm_frame *rf = f->rf;
	const struct stt_frame_hdr *h = &f->hdr;
	char buf[64];

	ts_string(f->ts_ns, buf, sizeof(buf));
	json_string_set(j->ts, buf);
	json_integer_set(j->packet, (json_int_t)f->packet);

	const struct stt_addr *src = rf ? &rf->key.src : &o->src;
	const struct stt_addr *dst = rf ? &rf->key.dst : &o->dst;
	fmt_addr(src, buf, sizeof(buf));
	json_string_set(j->o_src, buf);
	fmt_addr(dst, buf, sizeof(buf));
	json_string_set(j->o_dst, buf);
	json_integer_set(j->o_ipv, src->family == 6 ? 6 : 4);
	json_integer_set(j->o_tos, (rf && rf->have_first_tos) ? rf->first_tos : (o ? o->tos : 0));

	json_integer_set(j->stream_id, o ? o->tcp.sport : 0);
	json_integer_set(j->dport, rf ? rf->key.dport : (o ? o->tcp.dport : 0));
	json_integer_set(j->pkt_len, (json_int_t)f->frame_len);
	json_array_clear(j->seg_off);
	if (rf) {
		for (unsigned i = 0; i < rf->nsegs; i++) {
			if (rf->segs[i].fate == STT_SEG_DUPLICATE)
				continue;
			json_t *v = pool_int(j, i, rf->segs[i].offset);
			if (v)
				json_array_append(j->seg_off, v);
		}
	} else if (o) {
		json_t *v = pool_int(j, 0, stt_seq_offset(o->tcp.seq));
		if (v)
			json_array_append(j->seg_off, v);
	}
	json_integer_set(j->pkt_id, rf ? rf->key.ack : (o ? o->tcp.ack : 0));
	json_integer_set(j->version, h->version);
	json_integer_set(j->fl_value, h->flags);
	set_bool(j->flags, "csum_verified", h->flags & STT_F_CSUM_VERIFIED);
	set_bool(j->flags, "csum_partial", h->flags & STT_F_CSUM_PARTIAL);
	set_bool(j->flags, "ipv4", h->flags & STT_F_IPV4);
	set_bool(j->flags, "tcp", h->flags & STT_F_TCP);
	json_integer_set(j->fl_rsvd, (h->flags & STT_F_RSVD_MASK) >> 4);
	json_integer_set(j->l4offset, h->l4_offset);
	json_integer_set(j->reserved, h->reserved);
	json_integer_set(j->mss, h->mss);
	json_integer_set(j->v_tci, h->vlan_tci);
	json_integer_set(j->v_pcp, stt_vlan_pcp(h->vlan_tci));
	set_bool(j->vlan, "v", stt_vlan_valid(h->vlan_tci));
	json_integer_set(j->v_id, stt_vlan_id(h->vlan_tci));
	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)h->context_id);
	json_string_set(j->ctx, buf);
	json_integer_set(j->padding, h->padding);
	json_integer_set(j->segments, rf ? rf->accepted_segs : 1);
	set_opt(j->frame, "reassembled_length", j->rlen, f->complete);
	json_integer_set(j->rlen, (json_int_t)f->len);
	set_bool(j->frame, "complete", f->complete);
	fill_inner(j, f);
	json_array_clear(j->warnings);
	for (unsigned i = 0; i < f->n_warns; i++)
		json_array_append(j->warnings, j->names[f->warns[i].id]);
	emit(j->frame);
}

void json_warning(struct dump *d, const struct dump_warn *w)
{
	struct jstate *j = d->json;
	json_object_set(j->warn, "check", j->names[w->id]);
	json_object_set(j->warn, "requirement", j->w_req[w->id]);
	json_object_set(j->warn, "level", j->w_level[w->id]);
	json_integer_set(j->w_packet, w->packet);
	set_opt(j->warn, "packet", j->w_packet, w->packet != 0);
	set_str(j->w_detail, w->detail);
	emit(j->warn);
}

void json_not_stt(struct dump *d, const struct stt_outer *o, const char *why)
{
	struct dump_warn w = { .packet = d->pkt ? (uint32_t)d->pkt->number : 0 };

	if (o) {
		char src[64], dst[64], fl[16], tmp[512];
		fmt_addr(&o->src, src, sizeof(src));
		fmt_addr(&o->dst, dst, sizeof(dst));
		fmt_tcp_flags(o->tcp.flags, fl);
		w.id = DUMP_W_NOT_STT;
		snprintf(tmp, sizeof(tmp), "%s.%u > %s.%u: %s, flags %s, length %zu", src,
			 o->tcp.sport, dst, o->tcp.dport, why ? why : "", fl, o->payload_wire_len);
		size_t n = strnlen(tmp, sizeof(w.detail) - 1);
		memcpy(w.detail, tmp, n);
		w.detail[n] = 0;
	} else {
		w.id = DUMP_W_MALFORMED;
		snprintf(w.detail, sizeof(w.detail), "%s", why ? why : "unknown");
	}
	json_warning(d, &w);
}
