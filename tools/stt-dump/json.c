/* --json: JSON Lines, one object per frame and one per warning. The
 * schema is docs/json-schema.md; its key order is fixed.
 *
 * Objects are written straight into the stdout buffer in the form jansson's
 * json_dumps(..., JSON_COMPACT | JSON_PRESERVE_ORDER) gives (tests/dump
 * checks each line against a canonical re-encoding). Updating jansson
 * trees and walking them cost some 28,000 instructions a frame, more than
 * all the rest of a frame's decoding; written directly, about 5,000.
 * jansson remains for the rare string that is not ASCII (its UTF-8 check). */
#include "dump.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jstate {
	json_t *scratch; /* UTF-8 validation of non-ASCII strings */
};

int json_init(struct dump *d)
{
	struct jstate *j = calloc(1, sizeof(*j));
	if (!j)
		return -1;
	d->json = j;
	j->scratch = json_string("");
	return j->scratch ? 0 : -1;
}

void json_free(struct dump *d)
{
	struct jstate *j = d->json;
	if (!j)
		return;
	json_decref(j->scratch);
	free(j);
	d->json = NULL;
}

/* Non-zero if any of the 8 bytes in w is below 0x20, '"' or '\\' (the
 * bytes JSON escapes): the usual "has a zero byte" bit trick. It may flag
 * a clean word (then the bytes go one at a time), never miss one. */
static inline uint64_t esc_any(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

	return ((w - ones * 0x20) & ~w & high) | ((q - ones) & ~q & high) |
	       ((b - ones) & ~b & high);
}

static void emit_string(const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	char *p = out_reserve(n * 6 + 2);
	*p++ = '"';
	for (size_t i = 0; i < n;) {
		if (i + 8 <= n) { /* eight clean bytes at a time */
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!esc_any(w)) {
				memcpy(p, &w, 8);
				p += 8;
				i += 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)s[i++];
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


/* A literal piece of the output: keys, punctuation. */
#define LIT(s) out_mem((s), sizeof(s) - 1)

static void put_bool(bool v)
{
	if (v)
		LIT("true");
	else
		LIT("false");
}

/* A string we formatted ourselves (ASCII). */
static void put_cstr(const char *s)
{
	emit_string(s, strlen(s));
}

/* Text that may hold any byte (summaries, details): valid UTF-8 goes out
 * as it is; otherwise bytes >= 0x80 become '?' (a JSON string must be
 * UTF-8), at most 1023 of them, as before. */
static void put_text(struct jstate *j, const char *s)
{
	size_t i = 0;
	while (s[i] && (unsigned char)s[i] < 0x80)
		i++;
	if (!s[i]) {
		emit_string(s, i);
		return;
	}
	if (json_string_set(j->scratch, s) == 0) {
		emit_string(json_string_value(j->scratch), json_string_length(j->scratch));
		return;
	}
	char buf[1024];
	size_t n = 0;
	for (; s[n] && n < sizeof(buf) - 1; n++)
		buf[n] = (unsigned char)s[n] < 0x80 ? s[n] : '?';
	emit_string(buf, n);
}

/* Digits of v right-aligned to end, at least width of them (zero-padded). */
static char *dec_back(char *end, uint64_t v, unsigned width)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v || (unsigned)(end - p) < width);
	return p;
}

/* "SECONDS.UUUUUU": a string, so that no digit is lost to floating point */
static void put_ts(uint64_t ts_ns)
{
	char buf[40];
	char *end = buf + sizeof(buf) - 1;
	*end = '"';
	char *p = dec_back(end, ts_ns % 1000000000ull / 1000, 6);
	*--p = '.';
	p = dec_back(p, ts_ns / 1000000000ull, 1);
	*--p = '"';
	out_mem(p, (size_t)(end + 1 - p));
}

static const char hexd_lc[] = "0123456789abcdef";

static void put_mac(const uint8_t m[6])
{
	char buf[19];
	buf[0] = '"';
	for (int i = 0; i < 6; i++) {
		buf[1 + i * 3] = hexd_lc[m[i] >> 4];
		buf[2 + i * 3] = hexd_lc[m[i] & 15];
		buf[3 + i * 3] = i < 5 ? ':' : '"';
	}
	out_mem(buf, sizeof(buf));
}

static void put_addr(const struct stt_addr *a)
{
	char buf[64];
	fmt_addr(a, buf, sizeof(buf));
	put_cstr(buf);
}

static void put_opt_u(bool present, uint64_t v)
{
	if (present)
		out_u64(v);
	else
		LIT("null");
}

static void put_inner(struct jstate *j, const struct dump_frame *f)
{
	const struct stt_inner *in = &f->inner;

	LIT("\"inner\":{\"summary\":");
	put_text(j, f->summary);
	LIT(",\"ethertype\":");
	put_opt_u(in->eth_ok, in->ethertype);
	/* IP payload: its addresses, or null when the capture cut them;
	 * other payloads: the inner MAC addresses. */
	bool ip = in->is_ipv4 || in->is_ipv6 || in->ethertype == 0x0800 || in->ethertype == 0x86dd;
	bool have_ip = ip && in->ip_src.family && in->ip_dst.family;
	bool mac = !ip && in->eth_ok;
	LIT(",\"src\":");
	if (have_ip)
		put_addr(&in->ip_src);
	else if (mac)
		put_mac(in->src);
	else
		LIT("null");
	LIT(",\"dst\":");
	if (have_ip)
		put_addr(&in->ip_dst);
	else if (mac)
		put_mac(in->dst);
	else
		LIT("null");
	LIT(",\"proto\":");
	put_opt_u(have_ip && !in->l3_truncated, in->l4_proto);
	bool ports = have_ip && in->l4_off && !in->l4_truncated && !in->ip_fragment &&
		     (in->l4_proto == 6 || in->l4_proto == 17);
	LIT(",\"sport\":");
	put_opt_u(ports, in->sport);
	LIT(",\"dport\":");
	put_opt_u(ports, in->dport);
	out_char('}');
}

void json_frame(struct dump *d, const struct dump_frame *f)
{
	struct jstate *j = d->json;
	const struct stt_outer *o = f->outer;
	const struct stt_reasm_frame *rf = f->rf;
	const struct stt_frame_hdr *h = &f->hdr;

	LIT("{\"type\":\"frame\",\"ts\":");
	put_ts(f->ts_ns);
	LIT(",\"packet\":");
	out_u64(f->packet);

	const struct stt_addr *src = rf ? &rf->key.src : &o->src;
	const struct stt_addr *dst = rf ? &rf->key.dst : &o->dst;
	LIT(",\"outer\":{\"src\":");
	put_addr(src);
	LIT(",\"dst\":");
	put_addr(dst);
	LIT(",\"ip_version\":");
	out_char(src->family == 6 ? '6' : '4');
	LIT(",\"tos\":");
	out_u64((rf && rf->have_first_tos) ? rf->first_tos : (o ? o->tos : 0));
	LIT("},\"stream_id\":");
	out_u64(o ? o->tcp.sport : 0);
	LIT(",\"dport\":");
	out_u64(rf ? rf->key.dport : (o ? o->tcp.dport : 0));
	LIT(",\"pkt_len\":");
	out_u64(f->frame_len);
	LIT(",\"seg_off\":[");
	if (rf) {
		bool first = true;
		for (unsigned i = 0; i < rf->nsegs; i++) {
			if (rf->segs[i].fate == STT_SEG_DUPLICATE)
				continue;
			if (!first)
				out_char(',');
			first = false;
			out_u64(rf->segs[i].offset);
		}
	} else if (o) {
		out_u64(stt_seq_offset(o->tcp.seq));
	}
	LIT("],\"pkt_id\":");
	out_u64(rf ? rf->key.ack : (o ? o->tcp.ack : 0));
	LIT(",\"version\":");
	out_u64(h->version);
	LIT(",\"flags\":{\"value\":");
	out_u64(h->flags);
	LIT(",\"csum_verified\":");
	put_bool(h->flags & STT_F_CSUM_VERIFIED);
	LIT(",\"csum_partial\":");
	put_bool(h->flags & STT_F_CSUM_PARTIAL);
	LIT(",\"ipv4\":");
	put_bool(h->flags & STT_F_IPV4);
	LIT(",\"tcp\":");
	put_bool(h->flags & STT_F_TCP);
	LIT(",\"rsvd\":");
	out_u64((h->flags & STT_F_RSVD_MASK) >> 4);
	LIT("},\"l4offset\":");
	out_u64(h->l4_offset);
	LIT(",\"reserved\":");
	out_u64(h->reserved);
	LIT(",\"mss\":");
	out_u64(h->mss);
	LIT(",\"vlan\":{\"tci\":");
	out_u64(h->vlan_tci);
	LIT(",\"pcp\":");
	out_u64(stt_vlan_pcp(h->vlan_tci));
	LIT(",\"v\":");
	put_bool(stt_vlan_valid(h->vlan_tci));
	LIT(",\"id\":");
	out_u64(stt_vlan_id(h->vlan_tci));
	LIT("},\"context_id\":\"0x");
	char ctx[17];
	for (int i = 0; i < 16; i++)
		ctx[i] = hexd_lc[(h->context_id >> (60 - 4 * i)) & 15];
	ctx[16] = '"';
	out_mem(ctx, sizeof(ctx));
	LIT(",\"padding\":");
	out_u64(h->padding);
	LIT(",\"segments\":");
	out_u64(rf ? rf->accepted_segs : 1);
	LIT(",\"reassembled_length\":");
	put_opt_u(f->complete, f->len);
	LIT(",\"complete\":");
	put_bool(f->complete);
	out_char(',');
	put_inner(j, f);
	LIT(",\"warnings\":[");
	for (unsigned i = 0; i < f->n_warns; i++) {
		if (i)
			out_char(',');
		put_cstr(dump_warn_name(f->warns[i].id));
	}
	LIT("]}");
	out_line_end();
}

void json_warning(struct dump *d, const struct dump_warn *w)
{
	struct jstate *j = d->json;
	const char *req = dump_warn_req(w->id);

	LIT("{\"type\":\"warning\",\"check\":");
	put_cstr(dump_warn_name(w->id));
	LIT(",\"requirement\":");
	if (req)
		put_cstr(req);
	else
		LIT("null");
	LIT(",\"level\":");
	put_cstr(dump_warn_level(w->id));
	LIT(",\"packet\":");
	put_opt_u(w->packet != 0, w->packet);
	LIT(",\"detail\":");
	put_text(j, w->detail);
	out_char('}');
	out_line_end();
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
