/* tcpdump-style text: one line per STT frame, then optional segment lines
 * (-v), hex (-x/-X) and warning lines. Field order and spelling are part
 * of the interface (people grep it; golden tests compare it). */
#include "dump.h"

#include <string.h>
#include <time.h>

/* localtime_r() per line is costly; the broken-down time is cached for
 * the local hour it falls in (time zones change offset on hour edges). */
struct ts_cache {
	int64_t base;	/* epoch second of the start of the cached local hour */
	bool valid;
	struct tm tm;	/* at base */
};
static struct ts_cache tsc;

static void ts_hms(int64_t sec, unsigned *h, unsigned *m, unsigned *s, struct tm *date)
{
	if (!tsc.valid || sec < tsc.base || sec >= tsc.base + 3600) {
		time_t t = (time_t)sec;
		struct tm tm;
		if (!localtime_r(&t, &tm)) {
			tm = (struct tm){ 0 };
		}
		tsc.base = sec - tm.tm_min * 60 - tm.tm_sec;
		tm.tm_min = 0;
		tm.tm_sec = 0;
		tsc.tm = tm;
		tsc.valid = true;
	}
	int64_t off = sec - tsc.base;
	*h = (unsigned)tsc.tm.tm_hour;
	*m = (unsigned)(off / 60);
	*s = (unsigned)(off % 60);
	if (date)
		*date = tsc.tm;
}

static void out_hms_frac(unsigned h, unsigned m, unsigned s, uint64_t usec)
{
	out_dec_pad(h, 2);
	out_char(':');
	out_dec_pad(m, 2);
	out_char(':');
	out_dec_pad(s, 2);
	out_char('.');
	out_dec_pad(usec, 6);
}

static void out_delta(uint64_t delta_ns)
{
	uint64_t sec = delta_ns / 1000000000ull;
	uint64_t usec = (delta_ns % 1000000000ull) / 1000;
	out_hms_frac((unsigned)(sec / 3600), (unsigned)(sec / 60 % 60), (unsigned)(sec % 60), usec);
}

/* Prints the timestamp and a space (nothing for -t). */
void text_timestamp(struct dump *d, uint64_t ts_ns)
{
	int64_t sec = (int64_t)(ts_ns / 1000000000ull);
	uint64_t usec = (ts_ns % 1000000000ull) / 1000;
	unsigned h, m, s;
	struct tm date;

	if (!d->have_first) {
		d->first_ts = ts_ns;
		d->prev_ts = ts_ns;
		d->have_first = true;
	}
	switch (d->opt->ts) {
	case TS_NONE:
		break;
	case TS_EPOCH:
		out_u64((uint64_t)sec);
		out_char('.');
		out_dec_pad(usec, 6);
		out_char(' ');
		break;
	case TS_DELTA_PREV:
		out_delta(ts_ns >= d->prev_ts ? ts_ns - d->prev_ts : 0);
		out_char(' ');
		break;
	case TS_DELTA_FIRST:
		out_delta(ts_ns >= d->first_ts ? ts_ns - d->first_ts : 0);
		out_char(' ');
		break;
	case TS_DATE:
		ts_hms(sec, &h, &m, &s, &date);
		out_dec_pad((uint64_t)(date.tm_year + 1900), 4);
		out_char('-');
		out_dec_pad((uint64_t)(date.tm_mon + 1), 2);
		out_char('-');
		out_dec_pad((uint64_t)date.tm_mday, 2);
		out_char(' ');
		out_hms_frac(h, m, s, usec);
		out_char(' ');
		break;
	case TS_DEFAULT:
	default:
		ts_hms(sec, &h, &m, &s, NULL);
		out_hms_frac(h, m, s, usec);
		out_char(' ');
		break;
	}
	d->prev_ts = ts_ns;
}

/* tcpdump's flag letters: S F R P U E W, '.' for ACK, "none" for none. */
size_t fmt_tcp_flags(uint8_t fl, char buf[16])
{
	static const struct {
		uint8_t bit;
		char c;
	} order[] = {
		{ STT_TCP_SYN, 'S' }, { STT_TCP_FIN, 'F' }, { STT_TCP_RST, 'R' },
		{ STT_TCP_PSH, 'P' }, { STT_TCP_URG, 'U' }, { STT_TCP_ECE, 'E' },
		{ STT_TCP_CWR, 'W' }, { STT_TCP_ACK, '.' },
	};
	size_t n = 0;

	buf[n++] = '[';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (fl & order[i].bit)
			buf[n++] = order[i].c;
	if (!fl) {
		memcpy(buf + n, "none", 4);
		n += 4;
	}
	buf[n++] = ']';
	buf[n] = 0;
	return n;
}

static void out_tcp_flags(uint8_t fl)
{
	char buf[16];
	out_mem(buf, fmt_tcp_flags(fl, buf));
}

static void out_ethertype(uint16_t et)
{
	const char *name = NULL;
	switch (et) {
	case 0x0800: name = "IPv4"; break;
	case 0x86dd: name = "IPv6"; break;
	case 0x0806: name = "ARP"; break;
	case 0x8100: name = "802.1Q"; break;
	case 0x88a8: name = "802.1Q-QinQ"; break;
	default: break;
	}
	out_str("ethertype ");
	if (name) {
		out_str(name);
		out_char(' ');
	}
	out_str("(0x");
	out_hex(et, 4);
	out_str("), ");
}

/* -e: the outer link layer of the segment that completed the frame. */
static void out_outer_link(const struct stt_outer *o, size_t wirelen)
{
	if (!o->has_eth)
		return;
	out_mac(o->eth_src);
	out_str(" > ");
	out_mac(o->eth_dst);
	out_str(", ");
	for (unsigned i = 0; i < o->n_vlans && i < STT_MAX_VLAN_TAGS; i++) {
		out_str("vlan ");
		out_u64(o->vlan_tci[i] & 0x0fff);
		out_str(", p ");
		out_u64(o->vlan_tci[i] >> 13);
		out_str(", ");
	}
	out_ethertype(o->ethertype);
	out_str("length ");
	out_u64(wirelen);
	out_str(": ");
}

static void out_ipv(uint8_t v)
{
	out_str(v == 6 ? "IP6 " : "IP ");
}

static void out_stt_flags(uint8_t fl)
{
	bool first = true;
	out_str("flags [");
#define FLAG(bit, name)                  \
	if (fl & (bit)) {                \
		if (!first)              \
			out_char(',');   \
		out_str(name);           \
		first = false;           \
	}
	FLAG(STT_F_IPV4, "v4")
	FLAG(STT_F_TCP, "tcp")
	FLAG(STT_F_CSUM_PARTIAL, "partial")
	FLAG(STT_F_CSUM_VERIFIED, "verified")
#undef FLAG
	if (fl & STT_F_RSVD_MASK) {
		if (!first)
			out_char(',');
		out_str("rsvd 0x");
		out_hex(fl & STT_F_RSVD_MASK, 2);
		first = false;
	}
	if (first)
		out_str("none");
	out_char(']');
}

/* tcpdump's -x / -X layout: 16 bytes a line in groups of two. */
static void out_hex_dump(const uint8_t *p, size_t len, bool ascii)
{
	static const char hexd[] = "0123456789abcdef";
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;
		char line[96];
		size_t k = 0;
		line[k++] = '\t';
		line[k++] = '0';
		line[k++] = 'x';
		for (int sh = 12; sh >= 0; sh -= 4)
			line[k++] = hexd[(off >> sh) & 15];
		line[k++] = ':';
		line[k++] = ' ';
		size_t hex_start = k;
		for (size_t i = 0; i < n; i++) {
			if (!(i & 1))
				line[k++] = ' ';
			line[k++] = hexd[p[off + i] >> 4];
			line[k++] = hexd[p[off + i] & 15];
		}
		if (ascii) {
			while (k - hex_start < 40)
				line[k++] = ' ';
			line[k++] = ' ';
			line[k++] = ' ';
			for (size_t i = 0; i < n; i++) {
				uint8_t c = p[off + i];
				line[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
			}
		}
		out_mem(line, k);
		out_line_end();
	}
}

static const char *csum_word(uint8_t v)
{
	switch (v) {
	case STT_CSUM_OK: return "ok";
	case STT_CSUM_PARTIAL: return "offloaded";
	case STT_CSUM_BAD: return "bad";
	default: return "unchecked";
	}
}

static void out_seg_lines(struct dump *d, const struct dump_frame *f)
{
	const struct stt_reasm_frame *rf = f->rf;
	unsigned n = rf ? rf->nsegs : 1;
	for (unsigned i = 0; i < n; i++) {
		uint64_t pkt;
		unsigned off, len, flags, tos, sport, fate = STT_SEG_ACCEPTED;
		if (rf) {
			const struct stt_seg_rec *s = &rf->segs[i];
			pkt = s->cookie;
			off = s->offset;
			len = s->len_lo;
			flags = s->tcp_flags;
			tos = s->tos;
			sport = s->sport;
			fate = s->fate;
		} else {
			pkt = f->packet;
			off = stt_seq_offset(f->outer->tcp.seq);
			len = (unsigned)f->outer->payload_wire_len;
			flags = f->outer->tcp.flags;
			tos = f->outer->tos;
			sport = f->outer->tcp.sport;
		}
		/* IP id, TTL, window and checksum verdict come from the side
		 * records; a packet too far back has left them. */
		struct dump_side_info si;
		bool have_si = dump_side_lookup(d, (uint32_t)pkt, &si) == 0;
		out_str("    seg ");
		out_u64(i + 1);
		out_char('/');
		out_u64(n);
		out_str(": packet ");
		out_u64(pkt);
		out_str(", off ");
		out_u64(off);
		out_str(", len ");
		out_u64(len);
		if (have_si && si.ip_version == 4) {
			out_str(", id 0x");
			out_hex(si.ip_id, 4);
		}
		out_str(", tos 0x");
		out_hex(tos, 2);
		out_str(", flags ");
		out_tcp_flags((uint8_t)flags);
		/* -vvv (not -vv: golden outputs are made with -vv) */
		if (d->opt->verbose > 2) {
			out_str(", sport ");
			out_u64(sport);
			if (have_si) {
				out_str(", ttl ");
				out_u64(si.ttl);
				out_str(", win ");
				out_u64(si.window);
			}
		}
		out_str(", csum ");
		out_str(csum_word(have_si ? si.csum : STT_CSUM_UNCHECKED));
		if (fate == STT_SEG_DUPLICATE)
			out_str(", duplicate");
		else if (fate == STT_SEG_PARTIAL_DUP)
			out_str(", partial duplicate");
		out_line_end();
	}
}

void text_frame(struct dump *d, const struct dump_frame *f)
{
	const struct stt_outer *o = f->outer;
	const struct stt_frame_hdr *h = &f->hdr;
	const struct stt_addr *src = f->rf ? &f->rf->key.src : &o->src;
	const struct stt_addr *dst = f->rf ? &f->rf->key.dst : &o->dst;
	uint16_t dport = f->rf ? f->rf->key.dport : o->tcp.dport;

	text_timestamp(d, f->ts_ns);
	if (d->opt->link && o)
		out_outer_link(o, d->pkt ? d->pkt->wirelen : 0);
	out_ipv(src->family == 6 ? 6 : 4);
	out_addr(src);
	out_char('.');
	out_u64(o ? o->tcp.sport : 0);
	out_str(" > ");
	out_addr(dst);
	out_char('.');
	out_u64(dport);
	out_str(": STT");
	if (!f->have_hdr) {
		out_str(" [|stt]");
		out_line_end();
		return;
	}
	if (h->version) {
		out_str(" version ");
		out_u64(h->version);
	}
	out_str(" ctx 0x");
	out_hex(h->context_id, 1);
	out_str(", len ");
	out_u64(f->frame_len);
	if (!d->opt->quiet) {
		if (f->complete) {
			unsigned segs = f->rf ? f->rf->accepted_segs : 1;
			out_str(", ");
			out_u64(segs);
			out_str(segs == 1 ? " seg" : " segs");
			if (f->rf && f->rf->duplicate_segs) {
				out_str(" +");
				out_u64(f->rf->duplicate_segs);
				out_str(" dup");
			}
		} else {
			out_str(", captured ");
			out_u64(f->len);
		}
		out_str(", ");
		out_stt_flags(h->flags);
		out_str(", l4off ");
		out_u64(h->l4_offset);
		out_str(", mss ");
		out_u64(h->mss);
		if (h->vlan_tci) {
			if (stt_vlan_valid(h->vlan_tci)) {
				out_str(", vlan ");
				out_u64(stt_vlan_id(h->vlan_tci));
				out_str(" pcp ");
				out_u64(stt_vlan_pcp(h->vlan_tci));
			} else {
				out_str(", tci 0x");
				out_hex(h->vlan_tci, 4);
				out_str(" (no V)");
			}
		}
		if (h->reserved) {
			out_str(", reserved 0x");
			out_hex(h->reserved, 2);
		}
		if (h->padding) {
			out_str(", padding 0x");
			out_hex(h->padding, 4);
		}
	}
	out_str(": ");
	out_str(f->summary);
	out_line_end();
	if (d->opt->verbose && !d->opt->quiet)
		out_seg_lines(d, f);
	if (d->opt->hex)
		out_hex_dump(f->inner_data, f->inner_len, d->opt->hex > 1);
}

void text_warning(struct dump *d, const struct dump_warn *w, bool attached)
{
	(void)d;
	(void)attached; /* same layout either way: "^  warning:" greps both */
	out_str("  warning: ");
	out_str(dump_warn_name(w->id));
	out_str(": ");
	out_str(w->detail);
	if (w->packet) {
		out_str(" (packet ");
		out_u64(w->packet);
		out_char(')');
	}
	out_line_end();
}

void text_not_stt(struct dump *d, const struct stt_outer *o, const char *why)
{
	const struct stt_cap_pkt *pkt = d->pkt;
	text_timestamp(d, pkt ? pkt->ts_ns : 0);
	if (o) {
		out_ipv(o->ip_version);
		out_addr(&o->src);
		out_char('.');
		out_u64(o->tcp.sport);
		out_str(" > ");
		out_addr(&o->dst);
		out_char('.');
		out_u64(o->tcp.dport);
		out_str(": not STT: ");
		out_str(why ? why : "");
		out_str(", flags ");
		out_tcp_flags(o->tcp.flags);
		out_str(", length ");
		out_u64(o->payload_wire_len);
	} else {
		out_str("malformed: ");
		out_str(why ? why : "unknown");
	}
	if (pkt) {
		out_str(" (packet ");
		out_u64(pkt->number);
		out_char(')');
	}
	out_line_end();
}
